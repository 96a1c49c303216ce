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

// The permissions engine is shared by every resource type that has
// grant/revoke permissions. A grant gives one principal (a user, a group or
// a namespace of the same account) a set of actions on one resource. The
// store keeps grants under ARN resource parts, so a grant outlives no
// principal: deleting a user, a group or a namespace drops its grants.

// resourceKind describes one resource type that carries permissions.
type resourceKind struct {
	name string // the ARN's resource type, e.g. "analysis"
	// actions are the actions a principal may hold, in canonical case.
	actions []string
	// ownerAction makes its holder an owner, for searches: owners are
	// those who may change the resource's permissions.
	ownerAction string
}

// analysisKind: the actions AWS documents for analyses (owner set; a
// viewer holds a subset).
var analysisKind = resourceKind{name: "analysis", ownerAction: "quicksight:UpdateAnalysisPermissions", actions: []string{
	"quicksight:DeleteAnalysis",
	"quicksight:DescribeAnalysis",
	"quicksight:DescribeAnalysisPermissions",
	"quicksight:QueryAnalysis",
	"quicksight:RestoreAnalysis",
	"quicksight:UpdateAnalysis",
	"quicksight:UpdateAnalysisPermissions",
}}

// maxPrincipals is how many principals may hold permissions on one
// resource: the model's UpdateResourcePermissionList, which carries the
// whole set in every answer, holds at most 100.
const maxPrincipals = 100

func (k resourceKind) resource(id string) string { return k.name + "/" + id }

// action returns the canonical spelling of an action, matched without
// regard to case as IAM matches actions, and false for one the kind lacks.
func (k resourceKind) action(a string) (string, bool) {
	for _, c := range k.actions {
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
	t, err := parseResource(field, s)
	if err != nil {
		return "", err
	}
	if t.kind != "user" && t.kind != "group" && t.kind != "namespace" {
		return "", invalidParameter("%s: %q is not the ARN of a QuickSight user, group or namespace.", field, s)
	}
	if t.account != account {
		return "", invalidParameter("%s: %q belongs to account %s; principals must be in account %s.", field, s, t.account, account)
	}
	return t.resource, nil
}

// principalExists checks within tx that a principal key names a user,
// group or namespace that exists.
func principalExists(ctx context.Context, tx Tx, account, key string) (bool, error) {
	// The clock matters only for analyses, which are never principals.
	err := resourceAt(account, key).exists(ctx, tx, time.Time{})
	var e *Error
	if errors.As(err, &e) && e.Code == CodeResourceNotFound {
		return false, nil
	}
	return err == nil, err
}

// grants reads a request's permission list into store grants: principals
// as keys, actions canonical, each principal once (a principal named twice
// gets the union of its actions). list names the member in errors.
func (k resourceKind) grants(account, list string, in []api.ResourcePermission) ([]Grant, error) {
	var out []Grant
	at := map[string]int{}
	for i, p := range in {
		key, err := principalKey(account, fmt.Sprintf("%s[%d].Principal", list, i), str(p.Principal))
		if err != nil {
			return nil, err
		}
		j, ok := at[key]
		if !ok {
			j = len(out)
			at[key] = j
			out = append(out, Grant{Principal: key})
		}
		for n, a := range p.Actions {
			c, ok := k.action(a)
			if !ok {
				return nil, invalidParameter("%s[%d].Actions[%d]: %q is not an action on %s resources; valid actions are %s.",
					list, i, n, a, k.name, strings.Join(k.actions, ", "))
			}
			if !slices.Contains(out[j].Actions, c) {
				out[j].Actions = append(out[j].Actions, c)
			}
		}
	}
	return out, nil
}

// permissionChange is a request's grants and revokes, read and checked
// before any transaction starts.
type permissionChange struct {
	grant, revoke []Grant
}

func (k resourceKind) change(account string, grant, revoke []api.ResourcePermission) (permissionChange, error) {
	g, err := k.grants(account, "GrantPermissions", grant)
	if err != nil {
		return permissionChange{}, err
	}
	r, err := k.grants(account, "RevokePermissions", revoke)
	if err != nil {
		return permissionChange{}, err
	}
	return permissionChange{grant: g, revoke: r}, nil
}

// apply makes the change within tx and returns the resulting grants.
// Grants are applied before revokes, so an action both granted and revoked
// by one request ends up revoked. Every granted principal must exist
// (InvalidParameterValueException); revoking from one that does not is
// allowed, so stale grants can always be cleaned up. More than
// maxPrincipals principals is LimitExceededException, and nothing changes.
func (c permissionChange) apply(ctx context.Context, tx Tx, account, resource string) ([]Grant, error) {
	for i, g := range c.grant {
		ok, err := principalExists(ctx, tx, account, g.Principal)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, invalidParameter("GrantPermissions: principal %s (grant %d) does not exist in account %s.", g.Principal, i, account)
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
	all, err := tx.Permissions(ctx, account, resource)
	if err != nil {
		return nil, err
	}
	if len(all) > maxPrincipals {
		return nil, errorf(CodeLimitExceeded, "", "A resource can grant permissions to at most %d principals; this request would leave %s with %d.",
			maxPrincipals, resource, len(all))
	}
	return all, nil
}

// permissionsOut writes grants as the API's list, principals as ARNs in the
// caller's region. It is never nil, so an empty set is written as [].
func (s *Service) permissionsOut(ctx context.Context, account string, grants []Grant) []api.ResourcePermission {
	out := make([]api.ResourcePermission, len(grants))
	for i, g := range grants {
		out[i] = api.ResourcePermission{
			Principal: ptr(quickSightARN(s.regionOf(ctx), account, g.Principal)),
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
// whether grants that reach it through its groups or namespace count.
type holder struct {
	key      string // "user/NS/NAME" or "group/NS/NAME"
	implicit bool
	owner    bool // owners only, else owners or viewers
	sole     bool // the only owner
}

// principals returns the keys whose grants reach the holder: itself and,
// when implicit, its groups (for a user) and its namespace. The user or
// group must exist (ResourceNotFoundException).
func (h holder) principals(ctx context.Context, tx Tx, account string) (map[string]bool, error) {
	t := resourceAt(account, h.key)
	if err := t.exists(ctx, tx, time.Time{}); err != nil { // no clock: not an analysis
		return nil, err
	}
	keys := map[string]bool{h.key: true}
	if !h.implicit {
		return keys, nil
	}
	ns := t.namespace
	keys[namespaceResource(ns)] = true
	if t.kind != "user" {
		return keys, nil
	}
	for after := ""; ; {
		groups, err := tx.ListUserGroups(ctx, account, ns, t.name, after, defaultPageSize)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			keys[groupResource(ns, g.Name)] = true
		}
		if len(groups) < defaultPageSize {
			return keys, nil
		}
		after = groups[len(groups)-1].Name
	}
}

// reaches reports whether grants on a resource give one of keys the access
// the holder asks about.
func (h holder) reaches(k resourceKind, grants []Grant, keys map[string]bool) bool {
	if h.sole {
		var owners []string
		for _, g := range grants {
			if slices.Contains(g.Actions, k.ownerAction) {
				owners = append(owners, g.Principal)
			}
		}
		return len(owners) == 1 && owners[0] == h.key
	}
	for _, g := range grants {
		if keys[g.Principal] && (!h.owner || slices.Contains(g.Actions, k.ownerAction)) {
			return true
		}
	}
	return false
}
