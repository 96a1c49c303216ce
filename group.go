package qslocal

import (
	"context"
	"errors"

	"github.com/qslocal/qslocal/api"
)

// maxGroupsPerNamespace is AWS's documented limit: "You can create up to
// 10,000 groups in a namespace."
const maxGroupsPerNamespace = 10000

func groupNotFound(name, namespace string) error {
	return errorf(CodeResourceNotFound, ResourceGroup, "Group %s not found in namespace %s.", name, namespace)
}

func notAMember(user, group, namespace string) error {
	return errorf(CodeResourceNotFound, ResourceUser, "User %s is not a member of group %s in namespace %s.", user, group, namespace)
}

// lookupGroup reads a group, telling an unknown namespace from an unknown
// group.
func lookupGroup(ctx context.Context, tx Tx, account, ns, name string) (Group, error) {
	g, err := tx.Group(ctx, account, ns, name)
	if errors.Is(err, ErrNotFound) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return g, err
		}
		return g, groupNotFound(name, ns)
	}
	return g, err
}

// lookupMembership checks, in this order, that the namespace, the group and
// the user exist.
func lookupMembership(ctx context.Context, tx Tx, account, ns, group, user string) error {
	if _, err := lookupGroup(ctx, tx, account, ns, group); err != nil {
		return err
	}
	_, err := lookupUser(ctx, tx, account, ns, user)
	return err
}

func (s *Service) groupOut(ctx context.Context, g Group) *api.Group {
	return &api.Group{
		Arn:         ptr(GroupARN(s.identityRegion(ctx), g.Account, g.Namespace, g.Name)),
		GroupName:   ptr(g.Name),
		Description: optional(g.Description),
		PrincipalId: ptr(g.PrincipalID),
	}
}

func (s *Service) groupsOut(ctx context.Context, groups []Group) []api.Group {
	out := make([]api.Group, len(groups))
	for i, g := range groups {
		out[i] = *s.groupOut(ctx, g)
	}
	return out
}

// memberOut is a group member: a user, by its ARN and name.
func (s *Service) memberOut(ctx context.Context, account, ns, user string) *api.GroupMember {
	return &api.GroupMember{Arn: ptr(UserARN(s.identityRegion(ctx), account, ns, user)), MemberName: ptr(user)}
}

// CreateGroup creates a group in a namespace.
func (s *Service) CreateGroup(ctx context.Context, in *api.CreateGroupRequest) (*api.CreateGroupResponse, error) {
	now := s.now()
	account, ns := *in.AwsAccountId, *in.Namespace
	g := Group{
		Account: account, Namespace: ns, Name: *in.GroupName, Description: str(in.Description),
		PrincipalID: "group/" + directoryID(account, ns) + "/" + s.newID(),
		CreatedAt:   now, UpdatedAt: now,
	}
	exists := errorf(CodeResourceExists, ResourceGroup, "Group %s already exists in namespace %s.", g.Name, ns)
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		_, err := tx.Group(ctx, account, ns, g.Name)
		if err == nil {
			return exists
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		n, err := tx.CountGroups(ctx, account, ns)
		if err != nil {
			return err
		}
		if n >= maxGroupsPerNamespace {
			return errorf(CodeLimitExceeded, ResourceGroup, "Namespace %s already has %d groups, the limit.", ns, n)
		}
		return tx.CreateGroup(ctx, g)
	})
	if errors.Is(err, ErrExists) {
		return nil, exists
	}
	if err != nil {
		return nil, err
	}
	return &api.CreateGroupResponse{Group: s.groupOut(ctx, g)}, nil
}

// DescribeGroup returns one group.
func (s *Service) DescribeGroup(ctx context.Context, in *api.DescribeGroupRequest) (*api.DescribeGroupResponse, error) {
	var g Group
	err := s.view(ctx, *in.AwsAccountId, func(tx Tx) (err error) {
		g, err = lookupGroup(ctx, tx, *in.AwsAccountId, *in.Namespace, *in.GroupName)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeGroupResponse{Group: s.groupOut(ctx, g)}, nil
}

// UpdateGroup replaces a group's description. Description is the only
// member it can change; when it is absent the group is left as it was.
func (s *Service) UpdateGroup(ctx context.Context, in *api.UpdateGroupRequest) (*api.UpdateGroupResponse, error) {
	now := s.now()
	var g Group
	err := s.update(ctx, *in.AwsAccountId, func(tx Tx) (err error) {
		g, err = lookupGroup(ctx, tx, *in.AwsAccountId, *in.Namespace, *in.GroupName)
		if err != nil || in.Description == nil {
			return err
		}
		g.Description, g.UpdatedAt = *in.Description, now
		return tx.UpdateGroup(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateGroupResponse{Group: s.groupOut(ctx, g)}, nil
}

// DeleteGroup deletes a group with its memberships and tags.
func (s *Service) DeleteGroup(ctx context.Context, in *api.DeleteGroupRequest) (*api.DeleteGroupResponse, error) {
	account, ns, name := *in.AwsAccountId, *in.Namespace, *in.GroupName
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := lookupGroup(ctx, tx, account, ns, name); err != nil {
			return err
		}
		if err := tx.DeleteGroup(ctx, account, ns, name); err != nil {
			return err
		}
		return forget(ctx, tx, account, groupResource(ns, name))
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteGroupResponse{}, nil
}

// listGroups reads one page of a namespace's groups whose names start with
// prefix.
func (s *Service) listGroups(ctx context.Context, l listing, ns, prefix string, next *string, max *int32) ([]api.Group, *string, error) {
	groups, token, err := listPage(ctx, s, l, next, max, func(tx Tx, after string, limit int) ([]Group, error) {
		if err := namespace(ctx, tx, l.account, ns); err != nil {
			return nil, err
		}
		return tx.ListGroups(ctx, l.account, ns, prefix, after, limit)
	}, groupName)
	return s.groupsOut(ctx, groups), token, err
}

func groupName(g Group) string { return g.Name }

// ListGroups lists a namespace's groups in name order, a page at a time.
func (s *Service) ListGroups(ctx context.Context, in *api.ListGroupsRequest) (*api.ListGroupsResponse, error) {
	account, ns := *in.AwsAccountId, *in.Namespace
	l := listing{account: account, kind: "groups", scope: account + "/" + ns}
	groups, next, err := s.listGroups(ctx, l, ns, "", in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &api.ListGroupsResponse{GroupList: groups, NextToken: next}, nil
}

// SearchGroups lists the groups whose names start with the filter's value
// (case-sensitively), in name order, a page at a time.
func (s *Service) SearchGroups(ctx context.Context, in *api.SearchGroupsRequest) (*api.SearchGroupsResponse, error) {
	account, ns := *in.AwsAccountId, *in.Namespace
	// The model allows exactly one filter, StartsWith on GROUP_NAME; check
	// anyway, as nothing else could be applied.
	if len(in.Filters) != 1 {
		return nil, invalidParameter("Filters must hold exactly one filter.")
	}
	f := in.Filters[0]
	if f.Operator == nil || *f.Operator != api.GroupFilterOperatorStartsWith {
		return nil, invalidParameter("Filters[0].Operator must be StartsWith.")
	}
	if f.Name == nil || *f.Name != api.GroupFilterAttributeGroupName {
		return nil, invalidParameter("Filters[0].Name must be GROUP_NAME.")
	}
	prefix := str(f.Value)
	// The filter is part of the scope: a token continues only the search
	// that issued it.
	l := listing{account: account, kind: "group-search", scope: account + "/" + ns + "/StartsWith/GROUP_NAME/" + prefix}
	groups, next, err := s.listGroups(ctx, l, ns, prefix, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &api.SearchGroupsResponse{GroupList: groups, NextToken: next}, nil
}

// CreateGroupMembership adds a user to a group. Adding a member again
// succeeds and changes nothing, as a PUT should.
func (s *Service) CreateGroupMembership(ctx context.Context, in *api.CreateGroupMembershipRequest) (*api.CreateGroupMembershipResponse, error) {
	account, ns, group, user := *in.AwsAccountId, *in.Namespace, *in.GroupName, *in.MemberName
	err := s.update(ctx, account, func(tx Tx) error {
		if err := lookupMembership(ctx, tx, account, ns, group, user); err != nil {
			return err
		}
		// Look before writing: a failed write may abort the transaction
		// in some stores.
		err := tx.GroupMember(ctx, account, ns, group, user)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		return tx.AddGroupMember(ctx, account, ns, group, user)
	})
	// ErrExists: a concurrent request added the same member first.
	if err != nil && !errors.Is(err, ErrExists) {
		return nil, err
	}
	return &api.CreateGroupMembershipResponse{GroupMember: s.memberOut(ctx, account, ns, user)}, nil
}

// requireMember checks that the namespace, group and user exist and that
// the user is a member of the group.
func requireMember(ctx context.Context, tx Tx, account, ns, group, user string) error {
	if err := lookupMembership(ctx, tx, account, ns, group, user); err != nil {
		return err
	}
	err := tx.GroupMember(ctx, account, ns, group, user)
	if errors.Is(err, ErrNotFound) {
		return notAMember(user, group, ns)
	}
	return err
}

// DescribeGroupMembership returns a member of a group; ResourceNotFound
// (USER) when the user is not a member.
func (s *Service) DescribeGroupMembership(ctx context.Context, in *api.DescribeGroupMembershipRequest) (*api.DescribeGroupMembershipResponse, error) {
	account, ns, group, user := *in.AwsAccountId, *in.Namespace, *in.GroupName, *in.MemberName
	err := s.view(ctx, account, func(tx Tx) error {
		return requireMember(ctx, tx, account, ns, group, user)
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeGroupMembershipResponse{GroupMember: s.memberOut(ctx, account, ns, user)}, nil
}

// DeleteGroupMembership removes a user from a group; ResourceNotFound
// (USER) when the user is not a member.
func (s *Service) DeleteGroupMembership(ctx context.Context, in *api.DeleteGroupMembershipRequest) (*api.DeleteGroupMembershipResponse, error) {
	account, ns, group, user := *in.AwsAccountId, *in.Namespace, *in.GroupName, *in.MemberName
	err := s.update(ctx, account, func(tx Tx) error {
		if err := requireMember(ctx, tx, account, ns, group, user); err != nil {
			return err
		}
		return tx.RemoveGroupMember(ctx, account, ns, group, user)
	})
	if errors.Is(err, ErrNotFound) {
		// A concurrent request removed it first.
		return nil, notAMember(user, group, ns)
	}
	if err != nil {
		return nil, err
	}
	return &api.DeleteGroupMembershipResponse{}, nil
}

// ListGroupMemberships lists a group's members in name order, a page at a
// time.
func (s *Service) ListGroupMemberships(ctx context.Context, in *api.ListGroupMembershipsRequest) (*api.ListGroupMembershipsResponse, error) {
	account, ns, group := *in.AwsAccountId, *in.Namespace, *in.GroupName
	// Namespace names hold no "/", so the scope is unambiguous.
	l := listing{account: account, kind: "group-members", scope: account + "/" + ns + "/" + group}
	members, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]string, error) {
		if _, err := lookupGroup(ctx, tx, account, ns, group); err != nil {
			return nil, err
		}
		return tx.ListGroupMembers(ctx, account, ns, group, after, limit)
	}, itself)
	if err != nil {
		return nil, err
	}
	out := &api.ListGroupMembershipsResponse{GroupMemberList: make([]api.GroupMember, len(members)), NextToken: next}
	for i, m := range members {
		out.GroupMemberList[i] = *s.memberOut(ctx, account, ns, m)
	}
	return out, nil
}

// ListUserGroups lists the groups a user belongs to in name order, a page
// at a time.
func (s *Service) ListUserGroups(ctx context.Context, in *api.ListUserGroupsRequest) (*api.ListUserGroupsResponse, error) {
	account, ns, user := *in.AwsAccountId, *in.Namespace, *in.UserName
	l := listing{account: account, kind: "user-groups", scope: account + "/" + ns + "/" + user}
	groups, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Group, error) {
		if _, err := lookupUser(ctx, tx, account, ns, user); err != nil {
			return nil, err
		}
		return tx.ListUserGroups(ctx, account, ns, user, after, limit)
	}, groupName)
	if err != nil {
		return nil, err
	}
	return &api.ListUserGroupsResponse{GroupList: s.groupsOut(ctx, groups), NextToken: next}, nil
}
