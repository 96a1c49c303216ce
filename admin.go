package qslocal

import (
	"context"
	"errors"
	"strings"

	"github.com/qslocal/qslocal/api"
)

// Reads an administrator's console needs and the API does not offer:
// every account, a user search by name, every asset with its grants, and
// upgrade requests by status.

// Accounts lists up to limit account ids sorting after `after`, in id
// order (0 or over 100: 100).
func (s *Service) Accounts(ctx context.Context, after string, limit int) ([]string, error) {
	if limit <= 0 || limit > defaultPageSize {
		limit = defaultPageSize
	}
	var ids []string
	err := s.store.View(ctx, func(tx Tx) error {
		as, err := tx.ListAccounts(ctx, after, limit)
		ids = ids[:0]
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		return err
	})
	return ids, err
}

// SearchUsers lists a namespace's users whose names start with prefix
// (case-sensitively), in name order, a page at a time, with tokens as
// ListUsers has them. It reads the name index from the prefix on: the
// user named prefix itself, then those sorting after it, stopping at the
// first name without the prefix, so its cost grows with the page, not
// with the namespace.
func (s *Service) SearchUsers(ctx context.Context, account, ns, prefix string, next *string, max *int32) ([]api.User, *string, error) {
	l := listing{account: account, kind: "user-search", scope: account + "/" + ns + "/" + prefix}
	users, token, err := listPage(ctx, s, l, next, max, func(tx Tx, after string, limit int) ([]User, error) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return nil, err
		}
		var out []User
		if after == "" {
			after = prefix
			// ListUsers starts after a name: the one equal to the prefix
			// is looked up on its own.
			switch u, err := tx.User(ctx, account, ns, prefix); {
			case err == nil:
				out = append(out, u)
			case !errors.Is(err, ErrNotFound):
				return nil, err
			}
		}
		page, err := tx.ListUsers(ctx, account, ns, after, limit-len(out))
		if err != nil {
			return nil, err
		}
		for _, u := range page {
			if !strings.HasPrefix(u.Name, prefix) {
				break
			}
			out = append(out, u)
		}
		return out, nil
	}, func(u User) string { return u.Name })
	if err != nil {
		return nil, nil, err
	}
	out := make([]api.User, len(users))
	for i, u := range users {
		out[i] = *s.userOut(ctx, u)
	}
	return out, token, nil
}

// AssetKinds lists the ARN resource types of the asset kinds, in the kind
// table's order.
func AssetKinds() []string {
	var out []string
	for _, k := range allKinds {
		if k.Asset {
			out = append(out, k.Type)
		}
	}
	return out
}

// AssetGrants is one live asset with its grants.
type AssetGrants struct {
	ID, ARN, Name string
	// Actions are the kind's owner actions, the columns of a matrix.
	Actions []string
	// Grants are the asset's own grants, by principal ARN, sorted.
	Grants []PrincipalGrant
}

// PrincipalGrant is a principal's actions on an asset.
type PrincipalGrant struct {
	Principal string
	Actions   []string
}

// AssetPermissions lists up to limit live assets of one kind (an ARN
// resource type of AssetKinds) whose ids sort after `after`, in id order,
// each with its grants, and the id to continue after ("" at the end).
func (s *Service) AssetPermissions(ctx context.Context, account, kind, after string, limit int) ([]AssetGrants, string, error) {
	k := kinds[kind]
	if k == nil || !k.Asset {
		return nil, "", invalidParameter("%q is not an asset kind.", kind)
	}
	if limit <= 0 || limit > defaultPageSize {
		limit = defaultPageSize
	}
	region := s.regionOf(ctx)
	var out []AssetGrants
	var more string
	err := s.view(ctx, account, func(tx Tx) error {
		out, more = nil, "" // view may run fn twice
		for from := after; ; {
			page, err := tx.ListAssets(ctx, account, k.Type, from, limit)
			if err != nil {
				return err
			}
			for _, a := range page {
				if a.deleted() {
					continue
				}
				if len(out) == limit {
					more = out[len(out)-1].ID
					return nil
				}
				r := k.ref(account, a.ID)
				gs, err := tx.Grants(ctx, account, r.Resource())
				if err != nil {
					return err
				}
				ag := AssetGrants{ID: a.ID, ARN: r.ARN(region), Name: a.Name, Actions: k.Owner}
				for _, g := range gs {
					ag.Grants = append(ag.Grants, PrincipalGrant{Principal: s.principalARN(ctx, account, g.Principal), Actions: g.Actions})
				}
				out = append(out, ag)
			}
			if len(page) < limit {
				return nil
			}
			from = page[len(page)-1].ID
		}
	})
	return out, more, err
}

// UpgradeRequests lists up to limit self-upgrade requests of a namespace
// (0 or over 100: 100) whose ids sort after `after`, in id order, which
// is filing order: only the pending ones, or only the others. It answers
// the id to continue after ("" at the end). The pending ones are read
// with the store's status filter, so that they are found however many
// decided requests the namespace holds.
func (s *Service) UpgradeRequests(ctx context.Context, account, ns string, pending bool, after string, limit int) ([]api.SelfUpgradeRequestDetail, string, error) {
	if limit <= 0 || limit > defaultPageSize {
		limit = defaultPageSize
	}
	status := ""
	if pending {
		status = string(api.SelfUpgradeRequestStatusPending)
	}
	var out []api.SelfUpgradeRequestDetail
	var more string
	err := s.view(ctx, account, func(tx Tx) error {
		out, more = nil, "" // view may run fn twice
		if err := namespace(ctx, tx, account, ns); err != nil {
			return err
		}
		for from := after; ; {
			page, err := tx.ListUpgradeRequests(ctx, account, ns, "", status, from, limit)
			if err != nil {
				return err
			}
			for _, r := range page {
				if !pending && r.Status == string(api.SelfUpgradeRequestStatusPending) {
					continue
				}
				if len(out) == limit {
					more = *out[len(out)-1].UpgradeRequestId
					return nil
				}
				out = append(out, *upgradeDetail(r))
			}
			if len(page) < limit {
				return nil
			}
			from = page[len(page)-1].ID
		}
	})
	return out, more, err
}
