package qslocal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/qslocal/qslocal/api"
)

// IAM policy assignments give an IAM policy to users and groups of a
// namespace. They are identity, kept relationally: their users and groups
// must exist, and deleting a user or group takes it out of every
// assignment (the store does it with the deletion). Names are unique per
// account and namespace. Identities maps "user" and "group" (the keys AWS
// clients send, such as Terraform's provider) to names.
//
// ConcurrentUpdatingException: each change is one transaction, so two
// updates never interleave; a change answers it when other writers held
// the data it needed for longer than the store waits (ErrBusy: a lock
// held past --db-lock-timeout, or conflicts past the retry budget). It
// changed nothing, and may be retried.

// Identity map keys.
const (
	identityUser  = "user"
	identityGroup = "group"
)

func assignmentNotFound(name, namespace string) *Error {
	return errorf(CodeResourceNotFound, ResourceAssignment, "IAM policy assignment %s not found in namespace %s.", name, namespace)
}

// busyAssignment turns ErrBusy into ConcurrentUpdatingException, which the
// assignment operations declare.
func busyAssignment(err error, name string) error {
	if errors.Is(err, ErrBusy) {
		return errorf(CodeConcurrentUpdating, "", "IAM policy assignment %s is being changed by another request; try again.", name)
	}
	return err
}

// lookupAssignment reads an assignment, telling an unknown namespace from
// an unknown assignment.
func lookupAssignment(ctx context.Context, tx Tx, account, ns, name string) (Assignment, error) {
	a, err := tx.Assignment(ctx, account, ns, name)
	if errors.Is(err, ErrNotFound) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return a, err
		}
		return a, assignmentNotFound(name, ns)
	}
	return a, err
}

// readIdentities reads an Identities map into sorted user and group names,
// each once.
func readIdentities(in map[string][]string) (users, groups []string, err error) {
	for key, names := range in {
		switch key {
		case identityUser:
			users = append(users, names...)
		case identityGroup:
			groups = append(groups, names...)
		default:
			return nil, nil, invalidParameter("Identities: %q is not an identity type; use %q or %q.", key, identityUser, identityGroup)
		}
	}
	slices.Sort(users)
	slices.Sort(groups)
	return slices.Compact(users), slices.Compact(groups), nil
}

// checkIdentities checks within tx that the users and groups exist in the
// namespace, which the store would only report as ErrNotFound.
func checkIdentities(ctx context.Context, tx Tx, a Assignment) error {
	for _, u := range a.Users {
		if _, err := lookupUser(ctx, tx, a.Account, a.Namespace, u); err != nil {
			return err
		}
	}
	for _, g := range a.Groups {
		if _, err := lookupGroup(ctx, tx, a.Account, a.Namespace, g); err != nil {
			return err
		}
	}
	return nil
}

// checkPolicyARN accepts the ARN of an IAM policy, AWS managed or the
// customer's: arn:PARTITION:iam::(ACCOUNT|aws):policy/[PATH/]NAME.
func checkPolicyARN(s string) error {
	a, err := ParseARN(s)
	name, ok := strings.CutPrefix(a.Resource, "policy/")
	if err != nil || a.Service != "iam" || a.Region != "" || !(a.Account == "aws" || accountID.MatchString(a.Account)) ||
		!ok || strings.HasSuffix(name, "/") || name == "" {
		return invalidParameter("PolicyArn %q is not the ARN of an IAM policy (arn:aws:iam::ACCOUNT:policy/NAME).", s)
	}
	return nil
}

// identitiesOut writes an assignment's identities, only the types it has;
// nil when it has none, so Identities stays absent.
func identitiesOut(a Assignment) map[string][]string {
	var out map[string][]string
	for key, names := range map[string][]string{identityUser: a.Users, identityGroup: a.Groups} {
		if len(names) > 0 {
			if out == nil {
				out = map[string][]string{}
			}
			out[key] = slices.Clone(names)
		}
	}
	return out
}

// CreateIAMPolicyAssignment creates an assignment.
func (s *Service) CreateIAMPolicyAssignment(ctx context.Context, in *api.CreateIAMPolicyAssignmentRequest) (*api.CreateIAMPolicyAssignmentResponse, error) {
	now := s.now()
	account, ns, name := *in.AwsAccountId, *in.Namespace, *in.AssignmentName
	a := Assignment{Account: account, Namespace: ns, Name: name, ID: s.newID(),
		Status: string(*in.AssignmentStatus), PolicyARN: str(in.PolicyArn)}
	if a.PolicyARN != "" {
		if err := checkPolicyARN(a.PolicyARN); err != nil {
			return nil, err
		}
	}
	var err error
	if a.Users, a.Groups, err = readIdentities(in.Identities); err != nil {
		return nil, err
	}
	err = s.update(ctx, account, func(tx Tx) error {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		if err := checkIdentities(ctx, tx, a); err != nil {
			return err
		}
		err := tx.CreateAssignment(ctx, a)
		if errors.Is(err, ErrExists) {
			return errorf(CodeResourceExists, ResourceAssignment, "IAM policy assignment %s already exists in namespace %s.", name, ns)
		}
		return err
	})
	if err != nil {
		return nil, busyAssignment(err, name)
	}
	return &api.CreateIAMPolicyAssignmentResponse{
		AssignmentName:   ptr(a.Name),
		AssignmentId:     ptr(a.ID),
		AssignmentStatus: in.AssignmentStatus,
		PolicyArn:        optional(a.PolicyARN),
		Identities:       identitiesOut(a),
	}, nil
}

// DescribeIAMPolicyAssignment describes an assignment.
func (s *Service) DescribeIAMPolicyAssignment(ctx context.Context, in *api.DescribeIAMPolicyAssignmentRequest) (*api.DescribeIAMPolicyAssignmentResponse, error) {
	account, ns, name := *in.AwsAccountId, *in.Namespace, *in.AssignmentName
	var a Assignment
	err := s.view(ctx, account, func(tx Tx) (err error) {
		a, err = lookupAssignment(ctx, tx, account, ns, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeIAMPolicyAssignmentResponse{IAMPolicyAssignment: &api.IAMPolicyAssignment{
		AwsAccountId:     ptr(a.Account),
		AssignmentId:     ptr(a.ID),
		AssignmentName:   ptr(a.Name),
		PolicyArn:        optional(a.PolicyARN),
		Identities:       identitiesOut(a),
		AssignmentStatus: ptr(api.AssignmentStatus(a.Status)),
	}}, nil
}

// UpdateIAMPolicyAssignment changes the members it is given and keeps the
// others; a given Identities replaces all of the assignment's identities.
func (s *Service) UpdateIAMPolicyAssignment(ctx context.Context, in *api.UpdateIAMPolicyAssignmentRequest) (*api.UpdateIAMPolicyAssignmentResponse, error) {
	account, ns, name := *in.AwsAccountId, *in.Namespace, *in.AssignmentName
	if in.PolicyArn != nil && *in.PolicyArn != "" {
		if err := checkPolicyARN(*in.PolicyArn); err != nil {
			return nil, err
		}
	}
	users, groups, err := readIdentities(in.Identities)
	if err != nil {
		return nil, err
	}
	var a Assignment
	err = s.update(ctx, account, func(tx Tx) (err error) {
		if a, err = lookupAssignment(ctx, tx, account, ns, name); err != nil {
			return err
		}
		if in.AssignmentStatus != nil {
			a.Status = string(*in.AssignmentStatus)
		}
		if in.PolicyArn != nil {
			a.PolicyARN = *in.PolicyArn
		}
		if in.Identities != nil {
			a.Users, a.Groups = users, groups
			if err := checkIdentities(ctx, tx, a); err != nil {
				return err
			}
		}
		return tx.UpdateAssignment(ctx, a)
	})
	if err != nil {
		return nil, busyAssignment(err, name)
	}
	return &api.UpdateIAMPolicyAssignmentResponse{
		AssignmentName:   ptr(a.Name),
		AssignmentId:     ptr(a.ID),
		PolicyArn:        optional(a.PolicyARN),
		Identities:       identitiesOut(a),
		AssignmentStatus: ptr(api.AssignmentStatus(a.Status)),
	}, nil
}

// DeleteIAMPolicyAssignment deletes an assignment.
func (s *Service) DeleteIAMPolicyAssignment(ctx context.Context, in *api.DeleteIAMPolicyAssignmentRequest) (*api.DeleteIAMPolicyAssignmentResponse, error) {
	account, ns, name := *in.AwsAccountId, *in.Namespace, *in.AssignmentName
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := lookupAssignment(ctx, tx, account, ns, name); err != nil {
			return err
		}
		return tx.DeleteAssignment(ctx, account, ns, name)
	})
	if err != nil {
		return nil, busyAssignment(err, name)
	}
	return &api.DeleteIAMPolicyAssignmentResponse{AssignmentName: ptr(name)}, nil
}

// ListIAMPolicyAssignments lists a namespace's assignments in name order,
// those in one status when AssignmentStatus is given.
func (s *Service) ListIAMPolicyAssignments(ctx context.Context, in *api.ListIAMPolicyAssignmentsRequest) (*api.ListIAMPolicyAssignmentsResponse, error) {
	account, ns := *in.AwsAccountId, *in.Namespace
	var status string
	if in.AssignmentStatus != nil {
		status = string(*in.AssignmentStatus)
	}
	l := listing{account: account, kind: "assignments", scope: fmt.Sprintf("%s/%s/%s", account, ns, status)}
	rows, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Assignment, error) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return nil, err
		}
		return tx.ListAssignments(ctx, account, ns, status, after, limit)
	}, func(a Assignment) string { return a.Name })
	if err != nil {
		return nil, err
	}
	out := make([]api.IAMPolicyAssignmentSummary, len(rows))
	for i, a := range rows {
		out[i] = api.IAMPolicyAssignmentSummary{AssignmentName: ptr(a.Name), AssignmentStatus: ptr(api.AssignmentStatus(a.Status))}
	}
	return &api.ListIAMPolicyAssignmentsResponse{IAMPolicyAssignments: out, NextToken: next}, nil
}

// ListIAMPolicyAssignmentsForUser lists the ENABLED assignments that reach
// a user, naming it or one of its groups, in name order.
func (s *Service) ListIAMPolicyAssignmentsForUser(ctx context.Context, in *api.ListIAMPolicyAssignmentsForUserRequest) (*api.ListIAMPolicyAssignmentsForUserResponse, error) {
	account, ns, user := *in.AwsAccountId, *in.Namespace, *in.UserName
	l := listing{account: account, kind: "userassignments", scope: account + "/" + ns + "/" + user}
	rows, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Assignment, error) {
		if _, err := lookupUser(ctx, tx, account, ns, user); err != nil {
			return nil, err
		}
		return tx.ListUserAssignments(ctx, account, ns, user, string(api.AssignmentStatusEnabled), after, limit)
	}, func(a Assignment) string { return a.Name })
	if err != nil {
		return nil, err
	}
	out := make([]api.ActiveIAMPolicyAssignment, len(rows))
	for i, a := range rows {
		out[i] = api.ActiveIAMPolicyAssignment{AssignmentName: ptr(a.Name), PolicyArn: optional(a.PolicyARN)}
	}
	return &api.ListIAMPolicyAssignmentsForUserResponse{ActiveAssignments: out, NextToken: next}, nil
}
