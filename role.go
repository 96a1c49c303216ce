package qslocal

import (
	"context"
	"errors"

	"github.com/qslocal/qslocal/api"
)

// Roles are the fixed set of api.Role values (ADMIN, AUTHOR, READER and
// their _PRO forms) in each namespace. A role can carry a custom
// permissions profile and has QuickSight groups as members. The HTTP layer
// has already checked that Role is one of the enum's values.

// UpdateRoleCustomPermission applies a profile to a role of a namespace.
func (s *Service) UpdateRoleCustomPermission(ctx context.Context, in *api.UpdateRoleCustomPermissionRequest) (*api.UpdateRoleCustomPermissionResponse, error) {
	now := s.now()
	account, ns, role, prof := *in.AwsAccountId, *in.Namespace, string(*in.Role), *in.CustomPermissionsName
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		if err := profile(ctx, tx, account, prof); err != nil {
			return err
		}
		return tx.SetRoleCustomPermission(ctx, account, ns, role, prof)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateRoleCustomPermissionResponse{}, nil
}

// DescribeRoleCustomPermission names a role's profile; with none applied
// it succeeds without CustomPermissionsName.
func (s *Service) DescribeRoleCustomPermission(ctx context.Context, in *api.DescribeRoleCustomPermissionRequest) (*api.DescribeRoleCustomPermissionResponse, error) {
	account, ns, role := *in.AwsAccountId, *in.Namespace, string(*in.Role)
	var prof string
	err := s.view(ctx, account, func(tx Tx) (err error) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return err
		}
		prof, err = tx.RoleCustomPermission(ctx, account, ns, role)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeRoleCustomPermissionResponse{CustomPermissionsName: optional(prof)}, nil
}

// DeleteRoleCustomPermission unapplies a role's profile; it succeeds when
// none is applied.
func (s *Service) DeleteRoleCustomPermission(ctx context.Context, in *api.DeleteRoleCustomPermissionRequest) (*api.DeleteRoleCustomPermissionResponse, error) {
	now := s.now()
	account, ns, role := *in.AwsAccountId, *in.Namespace, string(*in.Role)
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		return tx.SetRoleCustomPermission(ctx, account, ns, role, "")
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteRoleCustomPermissionResponse{}, nil
}

// CreateRoleMembership maps a directory group to a role. Role memberships
// exist in Active Directory and IAM Identity Center accounts (see
// admitted), whose groups QuickSight syncs from the directory: a group it
// has not seen yet appears, as it would after a sync. Mapping a group that
// already is mapped succeeds and changes nothing.
func (s *Service) CreateRoleMembership(ctx context.Context, in *api.CreateRoleMembershipRequest) (*api.CreateRoleMembershipResponse, error) {
	account, ns, role, group := *in.AwsAccountId, *in.Namespace, string(*in.Role), *in.MemberName
	now := s.now()
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		_, err := lookupGroup(ctx, tx, account, ns, group)
		var e *Error
		if errors.As(err, &e) && e.ResourceType == ResourceGroup {
			err = tx.CreateGroup(ctx, Group{Account: account, Namespace: ns, Name: group,
				PrincipalID: "group/" + directoryID(account, ns) + "/" + s.newID(), CreatedAt: now, UpdatedAt: now})
		}
		if err != nil {
			return err
		}
		err = tx.AddRoleMember(ctx, account, ns, role, group)
		if errors.Is(err, ErrExists) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateRoleMembershipResponse{}, nil
}

// DeleteRoleMembership removes a group from a role: ResourceNotFound (GROUP)
// for a group that does not exist, and ResourceNotFound without a resource
// type for a group that is not mapped to the role.
func (s *Service) DeleteRoleMembership(ctx context.Context, in *api.DeleteRoleMembershipRequest) (*api.DeleteRoleMembershipResponse, error) {
	account, ns, role, group := *in.AwsAccountId, *in.Namespace, string(*in.Role), *in.MemberName
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := lookupGroup(ctx, tx, account, ns, group); err != nil {
			return err
		}
		err := tx.RemoveRoleMember(ctx, account, ns, role, group)
		if errors.Is(err, ErrNotFound) {
			return errorf(CodeResourceNotFound, "", "Group %s is not a member of role %s in namespace %s.", group, role, ns)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteRoleMembershipResponse{}, nil
}

// ListRoleMemberships lists the groups mapped to a role in name order, a
// page at a time.
func (s *Service) ListRoleMemberships(ctx context.Context, in *api.ListRoleMembershipsRequest) (*api.ListRoleMembershipsResponse, error) {
	account, ns, role := *in.AwsAccountId, *in.Namespace, string(*in.Role)
	l := listing{account: account, kind: "rolemembers", scope: account + "/" + ns + "/" + role}
	groups, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]string, error) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return nil, err
		}
		return tx.ListRoleMembers(ctx, account, ns, role, after, limit)
	}, itself)
	if err != nil {
		return nil, err
	}
	// Never nil: an empty listing is written as [].
	return &api.ListRoleMembershipsResponse{MembersList: append([]string{}, groups...), NextToken: next}, nil
}
