package qslocal

import (
	"context"
	"errors"
	"fmt"

	"github.com/qslocal/qslocal/api"
)

// Custom permissions profiles restrict what users can do. A profile is
// applied to users (RegisterUser, UpdateUser, UpdateUserCustomPermission),
// to a role in a namespace (UpdateRoleCustomPermission) or to the whole
// account (UpdateAccountCustomPermission). ExceptionResourceType has no
// value for profiles, so their errors carry no ResourceType.

func profileNotFound(name, account string) *Error {
	return errorf(CodeResourceNotFound, "", "Custom permissions profile %s not found in account %s.", name, account)
}

// profile checks within tx that a custom permissions profile exists.
func profile(ctx context.Context, tx Tx, account, name string) error {
	_, err := tx.CustomPermissions(ctx, account, name)
	if errors.Is(err, ErrNotFound) {
		return profileNotFound(name, account)
	}
	return err
}

// lookupProfile reads a profile, mapping ErrNotFound.
func lookupProfile(ctx context.Context, tx Tx, account, name string) (CustomPermissions, error) {
	p, err := tx.CustomPermissions(ctx, account, name)
	if errors.Is(err, ErrNotFound) {
		return p, profileNotFound(name, account)
	}
	return p, err
}

// profileJSON encodes Capabilities and Governance as the API sent them;
// absent members stay nil.
func profileJSON(c *api.Capabilities, g *api.Governance) (caps, gov []byte, err error) {
	if caps, err = marshalOptional(c); err != nil {
		return nil, nil, err
	}
	gov, err = marshalOptional(g)
	return caps, gov, err
}

func (s *Service) profileOut(ctx context.Context, p CustomPermissions) (*api.CustomPermissions, error) {
	out := &api.CustomPermissions{
		Arn:                   ptr(CustomPermissionsARN(s.regionOf(ctx), p.Account, p.Name)),
		CustomPermissionsName: ptr(p.Name),
	}
	var err error
	if out.Capabilities, err = unmarshalOptional[api.Capabilities](p.Capabilities); err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Name, err)
	}
	if out.Governance, err = unmarshalOptional[api.Governance](p.Governance); err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Name, err)
	}
	return out, nil
}

// CreateCustomPermissions creates a profile, with its tags.
func (s *Service) CreateCustomPermissions(ctx context.Context, in *api.CreateCustomPermissionsRequest) (*api.CreateCustomPermissionsResponse, error) {
	now := s.now()
	account, name := *in.AwsAccountId, *in.CustomPermissionsName
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	caps, gov, err := profileJSON(in.Capabilities, in.Governance)
	if err != nil {
		return nil, err
	}
	p := CustomPermissions{Account: account, Name: name, Capabilities: caps, Governance: gov, CreatedAt: now, UpdatedAt: now}
	err = s.update(ctx, account, func(tx Tx) error {
		if err := tx.CreateCustomPermissions(ctx, p); err != nil {
			return err
		}
		return replaceTags(ctx, tx, account, profileResource(name), tags)
	})
	if errors.Is(err, ErrExists) {
		return nil, errorf(CodeResourceExists, "", "Custom permissions profile %s already exists in account %s.", name, account)
	}
	if err != nil {
		return nil, err
	}
	return &api.CreateCustomPermissionsResponse{Arn: ptr(CustomPermissionsARN(s.regionOf(ctx), account, name))}, nil
}

// DescribeCustomPermissions returns one profile.
func (s *Service) DescribeCustomPermissions(ctx context.Context, in *api.DescribeCustomPermissionsRequest) (*api.DescribeCustomPermissionsResponse, error) {
	account, name := *in.AwsAccountId, *in.CustomPermissionsName
	var p CustomPermissions
	err := s.view(ctx, account, func(tx Tx) (err error) {
		p, err = lookupProfile(ctx, tx, account, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	out, err := s.profileOut(ctx, p)
	if err != nil {
		return nil, err
	}
	return &api.DescribeCustomPermissionsResponse{CustomPermissions: out}, nil
}

// UpdateCustomPermissions replaces a profile's Capabilities and Governance:
// a member left out is removed, as AWS documents for Governance.
func (s *Service) UpdateCustomPermissions(ctx context.Context, in *api.UpdateCustomPermissionsRequest) (*api.UpdateCustomPermissionsResponse, error) {
	now := s.now()
	account, name := *in.AwsAccountId, *in.CustomPermissionsName
	caps, gov, err := profileJSON(in.Capabilities, in.Governance)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, account, func(tx Tx) error {
		p, err := lookupProfile(ctx, tx, account, name)
		if err != nil {
			return err
		}
		p.Capabilities, p.Governance, p.UpdatedAt = caps, gov, now
		return tx.UpdateCustomPermissions(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateCustomPermissionsResponse{Arn: ptr(CustomPermissionsARN(s.regionOf(ctx), account, name))}, nil
}

// DeleteCustomPermissions deletes a profile and its tags. A profile that is
// applied to a user, a role or the account cannot be deleted
// (ConflictException): unapply it first, so nothing is left pointing at a
// profile that no longer exists.
func (s *Service) DeleteCustomPermissions(ctx context.Context, in *api.DeleteCustomPermissionsRequest) (*api.DeleteCustomPermissionsResponse, error) {
	account, name := *in.AwsAccountId, *in.CustomPermissionsName
	err := s.update(ctx, account, func(tx Tx) error {
		if err := profile(ctx, tx, account, name); err != nil {
			return err
		}
		uses, err := tx.ProfileUses(ctx, account, name)
		if err != nil {
			return err
		}
		if uses > 0 {
			return errorf(CodeConflict, "", "Custom permissions profile %s is applied to %d user(s), role(s) or the account; unapply it before deleting it.", name, uses)
		}
		if err := tx.DeleteCustomPermissions(ctx, account, name); err != nil {
			return err
		}
		return dropTags(ctx, tx, account, profileResource(name))
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteCustomPermissionsResponse{Arn: ptr(CustomPermissionsARN(s.regionOf(ctx), account, name))}, nil
}

// ListCustomPermissions lists an account's profiles in name order, a page
// at a time.
func (s *Service) ListCustomPermissions(ctx context.Context, in *api.ListCustomPermissionsRequest) (*api.ListCustomPermissionsResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "custompermissions", scope: account}
	profiles, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]CustomPermissions, error) {
		return tx.ListCustomPermissions(ctx, account, after, limit)
	}, func(p CustomPermissions) string { return p.Name })
	if err != nil {
		return nil, err
	}
	out := &api.ListCustomPermissionsResponse{CustomPermissionsList: make([]api.CustomPermissions, len(profiles)), NextToken: next}
	for i, pr := range profiles {
		o, err := s.profileOut(ctx, pr)
		if err != nil {
			return nil, err
		}
		out.CustomPermissionsList[i] = *o
	}
	return out, nil
}

// UpdateUserCustomPermission applies a profile to a user.
func (s *Service) UpdateUserCustomPermission(ctx context.Context, in *api.UpdateUserCustomPermissionRequest) (*api.UpdateUserCustomPermissionResponse, error) {
	now := s.now()
	account, ns, name, prof := *in.AwsAccountId, *in.Namespace, *in.UserName, *in.CustomPermissionsName
	err := s.update(ctx, account, func(tx Tx) error {
		u, err := lookupUser(ctx, tx, account, ns, name)
		if err != nil {
			return err
		}
		if err := profile(ctx, tx, account, prof); err != nil {
			return err
		}
		u.CustomPermissionsName, u.UpdatedAt = prof, now
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateUserCustomPermissionResponse{}, nil
}

// DeleteUserCustomPermission removes a user's profile; a user without one
// is left as it is.
func (s *Service) DeleteUserCustomPermission(ctx context.Context, in *api.DeleteUserCustomPermissionRequest) (*api.DeleteUserCustomPermissionResponse, error) {
	now := s.now()
	account, ns, name := *in.AwsAccountId, *in.Namespace, *in.UserName
	err := s.update(ctx, account, func(tx Tx) error {
		u, err := lookupUser(ctx, tx, account, ns, name)
		if err != nil || u.CustomPermissionsName == "" {
			return err
		}
		u.CustomPermissionsName, u.UpdatedAt = "", now
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteUserCustomPermissionResponse{}, nil
}

// UpdateAccountCustomPermission applies a profile to the account.
func (s *Service) UpdateAccountCustomPermission(ctx context.Context, in *api.UpdateAccountCustomPermissionRequest) (*api.UpdateAccountCustomPermissionResponse, error) {
	account, prof := *in.AwsAccountId, *in.CustomPermissionsName
	err := s.update(ctx, account, func(tx Tx) error {
		if err := profile(ctx, tx, account, prof); err != nil {
			return err
		}
		return tx.SetAccountCustomPermission(ctx, account, prof)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateAccountCustomPermissionResponse{}, nil
}

// DescribeAccountCustomPermission names the account's profile; with none
// applied it succeeds without CustomPermissionsName.
func (s *Service) DescribeAccountCustomPermission(ctx context.Context, in *api.DescribeAccountCustomPermissionRequest) (*api.DescribeAccountCustomPermissionResponse, error) {
	account := *in.AwsAccountId
	var prof string
	err := s.view(ctx, account, func(tx Tx) (err error) {
		prof, err = tx.AccountCustomPermission(ctx, account)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeAccountCustomPermissionResponse{CustomPermissionsName: optional(prof)}, nil
}

// DeleteAccountCustomPermission unapplies the account's profile; it
// succeeds when none is applied.
func (s *Service) DeleteAccountCustomPermission(ctx context.Context, in *api.DeleteAccountCustomPermissionRequest) (*api.DeleteAccountCustomPermissionResponse, error) {
	account := *in.AwsAccountId
	err := s.update(ctx, account, func(tx Tx) error {
		return tx.SetAccountCustomPermission(ctx, account, "")
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteAccountCustomPermissionResponse{}, nil
}
