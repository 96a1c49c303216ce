package qslocal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
)

// The permissions engine serves every asset kind. A grant gives one
// principal (a user, a group or a namespace of the same account) a set of
// actions on one asset; the kind table says which actions, which
// principals may hold which, and how many principals an asset may have.
// The store keeps grants under ARN resource parts, so a grant outlives no
// principal: deleting a user, a group or a namespace drops its grants.

// requested is one entry of a request's permission list, whatever the
// API's shape for it (ResourcePermission, or Permission for flows).
type requested struct {
	principal string
	actions   []string
}

// fromResourcePermissions and fromPermissions read the two shapes the API
// uses for the same thing.
func fromResourcePermissions(in []api.ResourcePermission) []requested {
	out := make([]requested, len(in))
	for i, p := range in {
		out[i] = requested{principal: str(p.Principal), actions: p.Actions}
	}
	return out
}

func fromPermissions(in []api.Permission) []requested {
	out := make([]requested, len(in))
	for i, p := range in {
		out[i] = requested{principal: str(p.Principal), actions: p.Actions}
	}
	return out
}

// action returns the canonical spelling of an action, matched without
// regard to case as IAM matches actions, and false for one the kind lacks.
func (k *Kind) action(a string) (string, bool) {
	for _, c := range k.Owner {
		if strings.EqualFold(a, c) {
			return c, true
		}
	}
	return "", false
}

// principalKey reads a principal ARN into the store's key for it:
// "user/NS/NAME", "group/NS/NAME" or "namespace/NS". The partition and
// region are ignored, as for tags; the account must be the resource's.
func principalKey(account, field, s string) (string, error) {
	r, err := parseRef(field, s)
	if err != nil {
		return "", err
	}
	if r.Kind == nil || !r.Kind.Principal {
		return "", invalidParameter("%s: %q is not the ARN of a QuickSight user, group or namespace.", field, s)
	}
	if r.Account != account {
		return "", invalidParameter("%s: %q belongs to account %s; principals must be in account %s.", field, s, r.Account, account)
	}
	return r.Resource(), nil
}

// accountPrincipal is the key prefix of an AWS account's root as a
// principal ("account/111122223333"); no QuickSight resource type is named
// "account", so the key cannot name anything else.
const accountPrincipal = "account/"

// accountRoot reads an AWS account root ARN (arn:aws:iam::ACCOUNT:root)
// into its principal key.
func accountRoot(s string) (string, bool) {
	a, err := ParseARN(s)
	if err != nil || a.Service != "iam" || a.Resource != "root" || a.Region != "" || !accountID.MatchString(a.Account) {
		return "", false
	}
	return accountPrincipal + a.Account, true
}

// grantPrincipalARN writes a grant's principal key as an ARN in region: an
// account root as IAM writes it.
func grantPrincipalARN(region, account, key string) string {
	if id, ok := strings.CutPrefix(key, accountPrincipal); ok {
		return "arn:aws:iam::" + id + ":root"
	}
	return refAt(account, key).ARN(region)
}

// principalExists checks within tx that a principal key names a user,
// group or namespace that exists; every account root exists.
func principalExists(ctx context.Context, tx Tx, account, key string) (bool, error) {
	if strings.HasPrefix(key, accountPrincipal) {
		return true, nil
	}
	// The clock matters only for assets, which are never principals.
	err := refAt(account, key).exists(ctx, tx, time.Time{})
	var e *Error
	if errors.As(err, &e) && e.Code == CodeResourceNotFound {
		return false, nil
	}
	return err == nil, err
}

// grants reads a request's permission list into store grants: principals
// as keys, actions canonical, each principal once (a principal named twice
// gets the union of its actions); from says where in the list each grant's
// principal first stood. list names the member in errors. When checkViewer
// is set, a namespace principal of a kind that allows it only viewer
// actions is refused any other (revoking them is always allowed).
func (k *Kind) grants(account, list string, in []requested, checkViewer bool) (out []Grant, from []int, err error) {
	at := map[string]int{}
	for i, p := range in {
		key, ok := accountRoot(p.principal)
		if !ok || !k.AccountPrincipals {
			var err error
			if key, err = principalKey(account, fmt.Sprintf("%s[%d].Principal", list, i), p.principal); err != nil {
				return nil, nil, err
			}
		}
		if k.NoNamespacePrincipal && refAt(account, key).Kind == namespaceKind {
			return nil, nil, invalidParameter("%s[%d].Principal: %q is a namespace; a %s can be shared with users and groups only.",
				list, i, p.principal, strings.ToLower(k.Noun))
		}
		j, ok := at[key]
		if !ok {
			j = len(out)
			at[key] = j
			out = append(out, Grant{Principal: key})
			from = append(from, i)
		}
		viewerOnly := checkViewer && k.NamespaceViewerOnly && refAt(account, key).Kind == namespaceKind
		for n, a := range p.actions {
			c, ok := k.action(a)
			if !ok {
				return nil, nil, invalidParameter("%s[%d].Actions[%d]: %q is not an action on %s resources; valid actions are %s.",
					list, i, n, a, k.Type, strings.Join(k.Owner, ", "))
			}
			if viewerOnly && !slices.Contains(k.Viewer, c) {
				return nil, nil, invalidParameter("%s[%d].Actions[%d]: a namespace can only be a viewer of a %s: %q is not one of the viewer actions %s.",
					list, i, n, strings.ToLower(k.Noun), c, strings.Join(k.Viewer, ", "))
			}
			if !slices.Contains(out[j].Actions, c) {
				out[j].Actions = append(out[j].Actions, c)
			}
		}
	}
	return out, from, nil
}

// permissionChange is a request's grants and revokes, read and checked
// before any transaction starts.
type permissionChange struct {
	kind          *Kind
	grant, revoke []Grant
	// grantList names the request's grant list, and grantFrom where each
	// grant's principal stood in it, for errors.
	grantList string
	grantFrom []int
}

// change reads a request's grants and revokes for an asset of kind k.
// grantList names the grant list in errors (GrantPermissions, or
// Permissions for a create).
func (k *Kind) change(account, grantList string, grant, revoke []requested) (permissionChange, error) {
	g, from, err := k.grants(account, grantList, grant, true)
	if err != nil {
		return permissionChange{}, err
	}
	r, _, err := k.grants(account, "RevokePermissions", revoke, false)
	if err != nil {
		return permissionChange{}, err
	}
	return permissionChange{kind: k, grant: g, revoke: r, grantList: grantList, grantFrom: from}, nil
}

// apply makes the change within tx and returns the resulting grants.
// Grants are applied before revokes, so an action both granted and revoked
// by one request ends up revoked. Every granted principal must exist
// (InvalidParameterValueException); revoking from one that does not is
// allowed, so stale grants can always be cleaned up. More principals than
// the kind allows is LimitExceededException, and nothing changes.
func (c permissionChange) apply(ctx context.Context, tx Tx, account, resource string) ([]Grant, error) {
	for i, g := range c.grant {
		ok, err := principalExists(ctx, tx, account, g.Principal)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, invalidParameter("%s[%d].Principal: %s does not exist in account %s.", c.grantList, c.grantFrom[i], g.Principal, account)
		}
	}
	if len(c.grant) > 0 {
		if err := tx.Grant(ctx, account, resource, c.grant); err != nil {
			return nil, err
		}
	}
	if len(c.revoke) > 0 {
		if err := tx.Revoke(ctx, account, resource, c.revoke); err != nil {
			return nil, err
		}
	}
	all, err := tx.Grants(ctx, account, resource)
	if err != nil {
		return nil, err
	}
	if max := c.kind.MaxPrincipals; len(all) > max {
		return nil, errorf(CodeLimitExceeded, "", "A resource can grant permissions to at most %d principals; this request would leave %s with %d.",
			max, resource, len(all))
	}
	return all, nil
}

// principalARN is a grant's principal as an ARN: users and groups in the
// account's identity region, namespaces in the caller's, account roots as
// IAM writes them.
func (s *Service) principalARN(ctx context.Context, account, principal string) string {
	region := s.regionOf(ctx)
	if strings.HasPrefix(principal, "user/") || strings.HasPrefix(principal, "group/") {
		region = s.identityRegion(ctx)
	}
	return grantPrincipalARN(region, account, principal)
}

// resourcePermissionsOut writes grants as the API's ResourcePermission
// list, principals as ARNs (see principalARN). It is never nil, so an
// empty set is written as [].
func (s *Service) resourcePermissionsOut(ctx context.Context, account string, grants []Grant) []api.ResourcePermission {
	out := make([]api.ResourcePermission, len(grants))
	for i, g := range grants {
		out[i] = api.ResourcePermission{
			Principal: ptr(s.principalARN(ctx, account, g.Principal)),
			Actions:   slices.Clone(g.Actions),
		}
	}
	return out
}

// permissionsOut is resourcePermissionsOut for the Permission shape.
func (s *Service) permissionsOut(ctx context.Context, account string, grants []Grant) []api.Permission {
	out := make([]api.Permission, len(grants))
	for i, g := range grants {
		out[i] = api.Permission{
			Principal: ptr(s.principalARN(ctx, account, g.Principal)),
			Actions:   slices.Clone(g.Actions),
		}
	}
	return out
}

// forget removes what refers to a deleted user, group or namespace, named
// by its ARN resource part: its tags and every permission granted to it.
// Both are removed for exactly that name: a prefix would take
// "user/default/alice2" along with "user/default/alice".
func forget(ctx context.Context, tx Tx, account, key string) error {
	if err := dropTags(ctx, tx, account, key); err != nil {
		return err
	}
	return tx.DropPrincipal(ctx, account, key)
}

// holder is whom an ownership search asks about: a user or group, and
// whether grants that reach it through its groups or namespace, or through
// the folders holding the asset (searchAssets), count.
type holder struct {
	key      string // "user/NS/NAME" or "group/NS/NAME"
	implicit bool
	owner    bool // owners only, else owners or viewers
	sole     bool // the only owner by the asset's own grants: only DIRECT_ filters ask
}

// principals returns the keys whose grants reach the holder: itself and,
// when implicit, its groups (for a user) and its namespace. The user or
// group must exist (ResourceNotFoundException).
func (h holder) principals(ctx context.Context, tx Tx, account string) (map[string]bool, error) {
	r := refAt(account, h.key)
	if err := r.exists(ctx, tx, time.Time{}); err != nil { // no clock: not an asset
		return nil, err
	}
	keys := map[string]bool{h.key: true}
	if !h.implicit {
		return keys, nil
	}
	keys[namespaceResource(r.Namespace)] = true
	if r.Kind != userKind {
		return keys, nil
	}
	err := eachUserGroup(ctx, tx, account, r.Namespace, r.Name, func(g Group) {
		keys[groupResource(r.Namespace, g.Name)] = true
	})
	return keys, err
}

// eachUserGroup calls fn for every group the user belongs to.
func eachUserGroup(ctx context.Context, tx Tx, account, ns, user string, fn func(Group)) error {
	for after := ""; ; {
		groups, err := tx.ListUserGroups(ctx, account, ns, user, after, defaultPageSize)
		if err != nil {
			return err
		}
		for _, g := range groups {
			fn(g)
		}
		if len(groups) < defaultPageSize {
			return nil
		}
		after = groups[len(groups)-1].Name
	}
}

// reaches reports whether grants on an asset of kind k give one of keys
// the access the holder asks about.
func (h holder) reaches(k *Kind, grants []Grant, keys map[string]bool) bool {
	if h.sole {
		var owners []string
		for _, g := range grants {
			if slices.Contains(g.Actions, k.OwnerAction) {
				owners = append(owners, g.Principal)
			}
		}
		return len(owners) == 1 && owners[0] == h.key
	}
	for _, g := range grants {
		if keys[g.Principal] && (!h.owner || slices.Contains(g.Actions, k.OwnerAction)) {
			return true
		}
	}
	return false
}
