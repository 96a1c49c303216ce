package postgres

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
)

// sentinelCase is a call that returns ErrExists or ErrNotFound.
type sentinelCase struct {
	method string
	name   string
	want   error
	fn     func(ctx context.Context, tx qslocal.Tx) error
}

// sentinelCases covers every way a Tx method returns ErrExists or
// ErrNotFound, in the world that sentinelWorld builds.
func sentinelCases() []sentinelCase {
	const a, ns = "1", "default"
	alice := user(a, ns, "alice")
	bob := user(a, ns, "bob")
	team := group(a, ns, "team")
	other := group(a, ns, "other")
	profile := qslocal.CustomPermissions{Account: a, Name: "p", CreatedAt: now, UpdatedAt: now}
	exists, notFound := qslocal.ErrExists, qslocal.ErrNotFound
	with := func(u qslocal.User, f func(*qslocal.User)) qslocal.User { f(&u); return u }
	withG := func(g qslocal.Group, f func(*qslocal.Group)) qslocal.Group { f(&g); return g }
	return []sentinelCase{
		{"CreateNamespace", "taken", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateNamespace(ctx, qslocal.Namespace{Account: a, Name: ns, CreatedAt: now})
		}},
		{"CreateNamespace", "no account", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateNamespace(ctx, qslocal.Namespace{Account: "2", Name: "x", CreatedAt: now})
		}},
		{"CreateNamespace", "account PostgreSQL cannot name", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateNamespace(ctx, qslocal.Namespace{Account: "\xff", Name: "x", CreatedAt: now})
		}},
		{"Account", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Account(ctx, "nope")
			return err
		}},
		{"Account", "NUL", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Account(ctx, a+"\x00")
			return err
		}},
		{"DeleteAccount", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteAccount(ctx, "nope")
		}},
		{"UpdateAccount", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateAccount(ctx, qslocal.Account{ID: "nope", IdentityRegion: "us-east-1"})
		}},
		{"UpdateAccount", "NUL", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateAccount(ctx, qslocal.Account{ID: a + "\x00", IdentityRegion: "us-east-1"})
		}},
		{"Namespace", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Namespace(ctx, a, "nope")
			return err
		}},
		{"Namespace", "NUL", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Namespace(ctx, a, "default\x00")
			return err
		}},
		{"DeleteNamespace", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteNamespace(ctx, a, "nope")
		}},
		{"CreateUser", "taken name", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateUser(ctx, with(alice, func(u *qslocal.User) { u.PrincipalID = "fresh" }))
		}},
		{"CreateUser", "taken principal id", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateUser(ctx, with(alice, func(u *qslocal.User) { u.Name = "fresh" }))
		}},
		{"CreateUser", "no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateUser(ctx, with(alice, func(u *qslocal.User) { u.Namespace = "nope" }))
		}},
		{"CreateUser", "no account", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateUser(ctx, with(alice, func(u *qslocal.User) { u.Account = "2" }))
		}},
		{"User", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.User(ctx, a, ns, "nobody")
			return err
		}},
		{"User", "invalid UTF-8", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.User(ctx, a, ns, "\xff")
			return err
		}},
		{"UserByPrincipalID", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.UserByPrincipalID(ctx, a, ns, "nobody")
			return err
		}},
		{"UpdateUser", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateUser(ctx, user(a, ns, "nobody"))
		}},
		{"UpdateUser", "principal id of another user", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateUser(ctx, with(alice, func(u *qslocal.User) { u.PrincipalID = bob.PrincipalID }))
		}},
		{"DeleteUser", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteUser(ctx, a, ns, "nobody")
		}},
		{"CreateGroup", "taken name", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateGroup(ctx, withG(team, func(g *qslocal.Group) { g.PrincipalID = "fresh" }))
		}},
		{"CreateGroup", "taken principal id", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateGroup(ctx, withG(team, func(g *qslocal.Group) { g.Name = "fresh" }))
		}},
		{"CreateGroup", "no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateGroup(ctx, withG(team, func(g *qslocal.Group) { g.Namespace = "nope" }))
		}},
		{"Group", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Group(ctx, a, ns, "nope")
			return err
		}},
		{"UpdateGroup", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateGroup(ctx, group(a, ns, "nope"))
		}},
		{"UpdateGroup", "principal id of another group", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateGroup(ctx, withG(team, func(g *qslocal.Group) { g.PrincipalID = other.PrincipalID }))
		}},
		{"DeleteGroup", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteGroup(ctx, a, ns, "nope")
		}},
		{"AddGroupMember", "already a member", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.AddGroupMember(ctx, a, ns, "team", "alice")
		}},
		{"AddGroupMember", "no group", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.AddGroupMember(ctx, a, ns, "nope", "alice")
		}},
		{"AddGroupMember", "no user", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.AddGroupMember(ctx, a, ns, "team", "nobody")
		}},
		{"GroupMember", "not a member", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.GroupMember(ctx, a, ns, "team", "bob")
		}},
		{"RemoveGroupMember", "not a member", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.RemoveGroupMember(ctx, a, ns, "team", "bob")
		}},
		{"CreateCustomPermissions", "taken", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateCustomPermissions(ctx, profile)
		}},
		{"CreateCustomPermissions", "no account", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			p := profile
			p.Account = "2"
			return tx.CreateCustomPermissions(ctx, p)
		}},
		{"CustomPermissions", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.CustomPermissions(ctx, a, "nope")
			return err
		}},
		{"UpdateCustomPermissions", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			p := profile
			p.Name = "nope"
			return tx.UpdateCustomPermissions(ctx, p)
		}},
		{"DeleteCustomPermissions", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteCustomPermissions(ctx, a, "nope")
		}},
		{"SetAccountCustomPermission", "no account", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.SetAccountCustomPermission(ctx, "2", "p")
		}},
		{"SetRoleCustomPermission", "no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.SetRoleCustomPermission(ctx, a, "nope", "READER", "p")
		}},
		{"SetRoleCustomPermission", "clearing, no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.SetRoleCustomPermission(ctx, a, "nope", "READER", "")
		}},
		{"SetRoleCustomPermission", "clearing a role PostgreSQL cannot name, no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.SetRoleCustomPermission(ctx, a, "nope", "\xff", "")
		}},
		{"AddRoleMember", "already mapped", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.AddRoleMember(ctx, a, ns, "AUTHOR", "team")
		}},
		{"AddRoleMember", "no group", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.AddRoleMember(ctx, a, ns, "AUTHOR", "nope")
		}},
		{"RemoveRoleMember", "not mapped", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.RemoveRoleMember(ctx, a, ns, "READER", "team")
		}},
		{"CreateAsset", "taken", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, asset(a, "an"))
		}},
		{"CreateAsset", "taken, deleted", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, asset(a, "gone"))
		}},
		{"CreateAsset", "no account", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, asset("2", "an"))
		}},
		{"CreateAsset", "account PostgreSQL cannot name", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, asset("\xff", "an"))
		}},
		{"Asset", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Asset(ctx, a, "analysis", "nope")
			return err
		}},
		{"Asset", "other kind", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Asset(ctx, a, "dashboard", "an")
			return err
		}},
		{"Asset", "NUL", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Asset(ctx, a, "analysis", "an\x00")
			return err
		}},
		{"UpdateAsset", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateAsset(ctx, asset(a, "nope"))
		}},
		{"DeleteAsset", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteAsset(ctx, a, "analysis", "nope")
		}},
		{"CreateAssetVersion", "taken", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAssetVersion(ctx, assetVersion(a, "an", 1))
		}},
		{"CreateAssetVersion", "no asset", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAssetVersion(ctx, assetVersion(a, "nope", 1))
		}},
		{"AssetVersion", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.AssetVersion(ctx, a, "analysis", "an", 2)
			return err
		}},
		{"DeleteAssetVersion", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteAssetVersion(ctx, a, "analysis", "an", 2)
		}},
		{"SetAssetLink", "no asset", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.SetAssetLink(ctx, assetLink(a, "nope", "alias", "latest", "1"))
		}},
		{"AssetLink", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.AssetLink(ctx, a, "analysis", "an", "alias", "nope")
			return err
		}},
		{"DeleteAssetLink", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteAssetLink(ctx, a, "analysis", "an", "member", "latest")
		}},
		{"CreateAssignment", "taken", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, assignment(a, ns, "as", nil, nil))
		}},
		{"CreateAssignment", "no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, assignment(a, "nope", "fresh", nil, nil))
		}},
		{"CreateAssignment", "no user", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, assignment(a, ns, "fresh", []string{"alice", "nobody"}, []string{"team"}))
		}},
		{"CreateAssignment", "no group", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, assignment(a, ns, "fresh", []string{"alice"}, []string{"nope", "team"}))
		}},
		{"Assignment", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.Assignment(ctx, a, ns, "nope")
			return err
		}},
		{"UpdateAssignment", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, assignment(a, ns, "nope", []string{"alice"}, nil))
		}},
		{"UpdateAssignment", "no user", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, assignment(a, ns, "as", []string{"bob", "nobody"}, nil))
		}},
		{"UpdateAssignment", "no group", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, assignment(a, ns, "as", nil, []string{"nope"}))
		}},
		{"DeleteAssignment", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.DeleteAssignment(ctx, a, ns, "nope")
		}},
		{"CreateUpgradeRequest", "taken", exists, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, upgradeRequest(a, ns, "r1", "bob"))
		}},
		{"CreateUpgradeRequest", "no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, upgradeRequest(a, "nope", "r1", "alice"))
		}},
		{"UpgradeRequest", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			_, err := tx.UpgradeRequest(ctx, a, ns, "nope")
			return err
		}},
		{"UpdateUpgradeRequest", "unknown", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateUpgradeRequest(ctx, upgradeRequest(a, ns, "nope", "alice"))
		}},
		{"UpdateUpgradeRequest", "other namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.UpdateUpgradeRequest(ctx, upgradeRequest(a, "nope", "r1", "alice"))
		}},
		{"SetSelfUpgradeStatus", "no namespace", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.SetSelfUpgradeStatus(ctx, a, "nope", "AUTO_APPROVAL")
		}},
		{"SetSelfUpgradeStatus", "namespace PostgreSQL cannot name", notFound, func(ctx context.Context, tx qslocal.Tx) error {
			return tx.SetSelfUpgradeStatus(ctx, a, "\xff", "AUTO_APPROVAL")
		}},
	}
}

// noSentinel are the Tx methods that never return ErrExists or
// ErrNotFound.
var noSentinel = []string{
	"EnsureAccount", "ListAccounts", "ListNamespaces", "CountNamespaces", "ListUsers", "ListUserGroups", "ListGroups",
	"CountGroups", "ListGroupMembers", "ListCustomPermissions", "AccountCustomPermission",
	"RoleCustomPermission", "ProfileUses", "ListRoleMembers", "Tags", "SetTags", "DeleteTags", "ClearTags",
	"Grants", "Grant", "Revoke", "ClearGrants", "DropPrincipal", "DropPrincipalPrefix",
	"ListUpgradeRequests", "SelfUpgradeStatus", "CountUsers",
	"ListAssets", "ListAssetVersions", "ListAssetLinks", "ListAssignments", "ListUserAssignments",
}

func sentinelWorld(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	const a, ns = "1", "default"
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, a, "us-east-1", now),
			tx.CreateUser(ctx, user(a, ns, "alice")),
			tx.CreateUser(ctx, user(a, ns, "bob")),
			tx.CreateGroup(ctx, group(a, ns, "team")),
			tx.CreateGroup(ctx, group(a, ns, "other")),
			tx.AddGroupMember(ctx, a, ns, "team", "alice"),
			tx.AddRoleMember(ctx, a, ns, "AUTHOR", "team"),
			tx.CreateCustomPermissions(ctx, qslocal.CustomPermissions{Account: a, Name: "p", CreatedAt: now, UpdatedAt: now}),
			tx.CreateAsset(ctx, asset(a, "an")),
			tx.CreateAsset(ctx, func() qslocal.Asset { g := asset(a, "gone"); g.DeletionTime = now; return g }()),
			tx.CreateAssetVersion(ctx, assetVersion(a, "an", 1)),
			tx.SetAssetLink(ctx, assetLink(a, "an", "alias", "latest", "1")),
			tx.CreateAssignment(ctx, assignment(a, ns, "as", []string{"alice"}, []string{"team"})),
			tx.CreateUpgradeRequest(ctx, upgradeRequest(a, ns, "r1", "alice")),
			tx.Grant(ctx, a, "analysis/an", []qslocal.Grant{{Principal: "user/default/alice", Actions: []string{"quicksight:DescribeAnalysis"}}}),
		)
	})
}

// The service goes on after ErrExists or ErrNotFound in the same
// transaction (for instance, "already a member" is a success), so no method
// may return them with the PostgreSQL transaction aborted: after each, the
// transaction still reads, writes and commits.
func TestTxUsableAfterSentinelErrors(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	sentinelWorld(t, s)
	cases := sentinelCases()

	// Every Tx method is either covered or known never to return them.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method] = true
	}
	txType := reflect.TypeFor[qslocal.Tx]()
	for i := range txType.NumMethod() {
		m := txType.Method(i).Name
		if !covered[m] && !slices.Contains(noSentinel, m) {
			t.Errorf("Tx.%s: no case here, and not listed in noSentinel", m)
		}
		if covered[m] && slices.Contains(noSentinel, m) {
			t.Errorf("Tx.%s: has cases, but listed in noSentinel", m)
		}
	}

	for i, c := range cases {
		t.Run(c.method+" "+c.name, func(t *testing.T) {
			ctx := t.Context()
			marker := "marker/" + c.method + "/" + c.name
			mustUpdate(t, s, func(tx qslocal.Tx) error {
				if err := c.fn(ctx, tx); !errors.Is(err, c.want) {
					t.Errorf("err = %v, want %v", err, c.want)
				}
				// The same transaction still reads and writes.
				if _, err := tx.User(ctx, "1", "default", "alice"); err != nil {
					t.Errorf("User after the error: %v", err)
				}
				return tx.SetTags(ctx, "1", marker, []qslocal.Tag{{Key: "case", Value: string(rune('a' + i))}})
			})
			// And it committed.
			mustView(t, s, func(tx qslocal.Tx) error {
				tags, err := tx.Tags(ctx, "1", marker)
				if err != nil || len(tags) != 1 {
					t.Errorf("Tags(%s) = %v, %v; want the write made after the error", marker, tags, err)
				}
				return nil
			})
		})
	}

	// All of them in one transaction, then a write.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		for _, c := range cases {
			if err := c.fn(t.Context(), tx); !errors.Is(err, c.want) {
				t.Errorf("%s %s: err = %v, want %v", c.method, c.name, err, c.want)
			}
		}
		return tx.CreateUser(t.Context(), user("1", "default", "after-all"))
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		_, err := tx.User(t.Context(), "1", "default", "after-all")
		return err
	})
}

// When fn goes on after an error that did abort the transaction and
// returns nil, Update reports it rather than pretend to commit.
func TestUpdateRefusesAbortedTransaction(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	err := s.Update(ctx, func(qtx qslocal.Tx) error {
		if err := qtx.EnsureAccount(ctx, "1", "us-east-1", now); err != nil {
			return err
		}
		t := qtx.(*tx)
		_, err := t.exec(ctx, "boom", `SELECT 1/0`)
		_ = err // swallowed
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("Update = %v, want the swallowed error", err)
	}
	mustView(t, s, func(tx qslocal.Tx) error {
		_, err := tx.Namespace(ctx, "1", "default")
		if !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("Namespace after the failed Update: %v, want ErrNotFound", err)
		}
		return nil
	})
}
