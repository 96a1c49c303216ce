package sqlite

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// keyQueries select the key of every row of every table, one string per
// row; self_upgrade lists the namespaces whose status is set.
var keyQueries = map[string]string{
	"accounts":                `SELECT account || '|' || custom_permissions_name FROM accounts`,
	"namespaces":              `SELECT account || '/' || name FROM namespaces`,
	"users":                   `SELECT account || '/' || namespace || '/' || name FROM users`,
	"groups":                  `SELECT account || '/' || namespace || '/' || name FROM groups`,
	"group_members":           `SELECT account || '/' || namespace || '/' || group_name || '<' || user_name FROM group_members`,
	"custom_permissions":      `SELECT account || '/' || name FROM custom_permissions`,
	"role_custom_permissions": `SELECT account || '/' || namespace || '/' || role || '=' || profile FROM role_custom_permissions`,
	"role_members":            `SELECT account || '/' || namespace || '/' || role || '<' || group_name FROM role_members`,
	"tags":                    `SELECT account || ':' || resource || ':' || key FROM tags`,
	"assets":                  `SELECT account || '/' || kind || '/' || id FROM assets`,
	"asset_versions":          `SELECT account || '/' || kind || '/' || id || '#' || number FROM asset_versions`,
	"asset_links":             `SELECT account || '/' || kind || '/' || id || '>' || rel || ':' || name FROM asset_links`,
	"grants":                  `SELECT account || ':' || resource || ':' || principal || ':' || action FROM grants`,
	"assignments":             `SELECT account || '/' || namespace || '/' || name FROM assignments`,
	"assignment_users":        `SELECT account || '/' || namespace || '/' || assignment || '<' || user_name FROM assignment_users`,
	"assignment_groups":       `SELECT account || '/' || namespace || '/' || assignment || '<' || group_name FROM assignment_groups`,
	"upgrade_requests":        `SELECT account || '/' || namespace || '/' || id || '@' || user_name FROM upgrade_requests`,
	"self_upgrade":            `SELECT account || '/' || name || '=' || self_upgrade_status FROM namespaces WHERE self_upgrade_status != ''`,
}

// allKeys reads every table's keys, sorted.
func allKeys(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	keys := map[string][]string{}
	for table, query := range keyQueries {
		rows, err := s.read.QueryContext(t.Context(), query)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		var ks []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			ks = append(ks, k)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(ks)
		keys[table] = ks
	}
	return keys
}

// checkForeignKeys fails on any row whose parent is missing.
func checkForeignKeys(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), `SELECT "table", parent FROM pragma_foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		if err := rows.Scan(&table, &parent); err != nil {
			t.Fatal(err)
		}
		t.Errorf("orphan row in %s: no parent in %s", table, parent)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// buildWorld fills accounts 1 and 2, each with namespaces default and x
// holding users u1 u2, groups g1 {u1 u2} and g2 {u1}, role mappings
// AUTHOR {g1 g2} and ADMIN {g1}, role profiles READER and AUTHOR, a
// profile p applied to the account and to u1, upgrade requests r1 (of u1)
// and r2 (of u2), a self-upgrade status, assignments p1 {u1, g1} and
// p2 {u2, g2}, and tags on everything. Each account also has analyses a1
// and a2, each with versions 1 and 2 and an alias, with grants to users, a
// group and a namespace.
func buildWorld(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		for _, a := range []string{"1", "2"} {
			if err := tx.EnsureAccount(ctx, a, "us-east-1", now); err != nil {
				return err
			}
			if err := tx.CreateNamespace(ctx, qslocal.Namespace{Account: a, Name: "x", CapacityRegion: "us-east-1", IdentityStore: "QUICKSIGHT", CreatedAt: now}); err != nil {
				return err
			}
			if err := tx.CreateCustomPermissions(ctx, qslocal.CustomPermissions{Account: a, Name: "p", CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			if err := tx.SetAccountCustomPermission(ctx, a, "p"); err != nil {
				return err
			}
			var errs []error
			for _, id := range []string{"a1", "a2"} {
				errs = append(errs, tx.CreateAsset(ctx, qslocal.Asset{Account: a, Kind: "analysis", ID: id, Name: id, Status: "CREATION_SUCCESSFUL", CreatedAt: now, UpdatedAt: now}),
					tx.CreateAssetVersion(ctx, qslocal.AssetVersion{Account: a, Kind: "analysis", ID: id, Number: 1, CreatedAt: now}),
					tx.CreateAssetVersion(ctx, qslocal.AssetVersion{Account: a, Kind: "analysis", ID: id, Number: 2, CreatedAt: now}),
					tx.SetAssetLink(ctx, qslocal.AssetLink{Account: a, Kind: "analysis", ID: id, Rel: "alias", Name: "current", Target: "2"}),
					tx.SetTags(ctx, a, "analysis/"+id, []qslocal.Tag{{Key: "k", Value: "v"}}))
			}
			errs = append(errs,
				tx.Grant(ctx, a, "analysis/a1", []qslocal.Grant{
					{Principal: "user/default/u1", Actions: []string{"Describe", "Update"}},
					{Principal: "user/x/u1", Actions: []string{"Describe"}},
					{Principal: "group/x/g1", Actions: []string{"Describe"}},
					{Principal: "namespace/x", Actions: []string{"Describe"}},
				}),
				tx.Grant(ctx, a, "analysis/a2", []qslocal.Grant{
					{Principal: "user/x/u1", Actions: []string{"Describe"}},
					{Principal: "user/x/u2", Actions: []string{"Describe"}},
				}))
			if err := errors.Join(errs...); err != nil {
				return err
			}
			for _, ns := range []string{"default", "x"} {
				var errs []error
				for _, u := range []string{"u1", "u2"} {
					usr := user(a, ns, u)
					if u == "u1" {
						usr.CustomPermissionsName = "p"
					}
					errs = append(errs, tx.CreateUser(ctx, usr),
						tx.SetTags(ctx, a, "user/"+ns+"/"+u, []qslocal.Tag{{Key: "k", Value: "v"}}))
				}
				for _, g := range []string{"g1", "g2"} {
					errs = append(errs, tx.CreateGroup(ctx, qslocal.Group{Account: a, Namespace: ns, Name: g, PrincipalID: "pid-" + g, CreatedAt: now, UpdatedAt: now}),
						tx.SetTags(ctx, a, "group/"+ns+"/"+g, []qslocal.Tag{{Key: "k", Value: "v"}}))
				}
				errs = append(errs,
					tx.AddGroupMember(ctx, a, ns, "g1", "u1"),
					tx.AddGroupMember(ctx, a, ns, "g1", "u2"),
					tx.AddGroupMember(ctx, a, ns, "g2", "u1"),
					tx.AddRoleMember(ctx, a, ns, "AUTHOR", "g1"),
					tx.AddRoleMember(ctx, a, ns, "AUTHOR", "g2"),
					tx.AddRoleMember(ctx, a, ns, "ADMIN", "g1"),
					tx.SetRoleCustomPermission(ctx, a, ns, "READER", "p"),
					tx.SetRoleCustomPermission(ctx, a, ns, "AUTHOR", "p"),
					tx.CreateUpgradeRequest(ctx, upgradeRequest(a, ns, "r1", "u1")),
					tx.CreateUpgradeRequest(ctx, upgradeRequest(a, ns, "r2", "u2")),
					tx.SetSelfUpgradeStatus(ctx, a, ns, "AUTO_APPROVAL"),
					tx.CreateAssignment(ctx, qslocal.Assignment{Account: a, Namespace: ns, Name: "p1", Users: []string{"u1"}, Groups: []string{"g1"}}),
					tx.CreateAssignment(ctx, qslocal.Assignment{Account: a, Namespace: ns, Name: "p2", Users: []string{"u2"}, Groups: []string{"g2"}}),
					tx.SetTags(ctx, a, "namespace/"+ns, []qslocal.Tag{{Key: "k", Value: "v"}}))
				if err := errors.Join(errs...); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// TestNoOrphans checks, with SQL on every table, that each cascade removes
// exactly the rows it should, and leaves none whose parent is gone.
func TestNoOrphans(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "qslocal.db"))
	defer s.Close()
	buildWorld(t, s)
	want := allKeys(t, s)
	counts := map[string]int{
		"accounts": 2, "namespaces": 4, "users": 8, "groups": 8, "group_members": 12,
		"custom_permissions": 2, "role_custom_permissions": 8, "role_members": 12, "tags": 24,
		"assets": 4, "asset_versions": 8, "asset_links": 4, "grants": 14, "upgrade_requests": 8, "self_upgrade": 4,
		"assignments": 8, "assignment_users": 8, "assignment_groups": 8,
	}
	for table, n := range counts {
		if len(want[table]) != n {
			t.Fatalf("world has %d %s rows, want %d: %q", len(want[table]), table, n, want[table])
		}
	}
	checkForeignKeys(t, s)

	ctx := t.Context()
	steps := []struct {
		name    string
		fn      func(tx qslocal.Tx) error
		removed map[string][]string
	}{
		{"DeleteUser", func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, "1", "default", "u1") }, map[string][]string{
			"users":            {"1/default/u1"},
			"group_members":    {"1/default/g1<u1", "1/default/g2<u1"},
			"assignment_users": {"1/default/p1<u1"},
		}},
		{"DeleteGroup", func(tx qslocal.Tx) error { return tx.DeleteGroup(ctx, "1", "default", "g1") }, map[string][]string{
			"groups":            {"1/default/g1"},
			"group_members":     {"1/default/g1<u2"},
			"role_members":      {"1/default/AUTHOR<g1", "1/default/ADMIN<g1"},
			"assignment_groups": {"1/default/p1<g1"},
		}},
		{"UpdateAssignment", func(tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, qslocal.Assignment{Account: "2", Namespace: "x", Name: "p1", Users: []string{"u1"}})
		}, map[string][]string{
			"assignment_groups": {"2/x/p1<g1"},
		}},
		{"DeleteAssignment", func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, "2", "default", "p2") }, map[string][]string{
			"assignments":       {"2/default/p2"},
			"assignment_users":  {"2/default/p2<u2"},
			"assignment_groups": {"2/default/p2<g2"},
		}},
		{"RemoveGroupMember and RemoveRoleMember", func(tx qslocal.Tx) error {
			return errors.Join(tx.RemoveGroupMember(ctx, "2", "x", "g2", "u1"), tx.RemoveRoleMember(ctx, "2", "x", "AUTHOR", "g2"))
		}, map[string][]string{
			"group_members": {"2/x/g2<u1"},
			"role_members":  {"2/x/AUTHOR<g2"},
		}},
		{"DeleteNamespace", func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, "1", "x") }, map[string][]string{
			"namespaces":              {"1/x"},
			"users":                   {"1/x/u1", "1/x/u2"},
			"groups":                  {"1/x/g1", "1/x/g2"},
			"group_members":           {"1/x/g1<u1", "1/x/g1<u2", "1/x/g2<u1"},
			"role_members":            {"1/x/AUTHOR<g1", "1/x/AUTHOR<g2", "1/x/ADMIN<g1"},
			"role_custom_permissions": {"1/x/READER=p", "1/x/AUTHOR=p"},
			"upgrade_requests":        {"1/x/r1@u1", "1/x/r2@u2"},
			"self_upgrade":            {"1/x=AUTO_APPROVAL"},
			"assignments":             {"1/x/p1", "1/x/p2"},
			"assignment_users":        {"1/x/p1<u1", "1/x/p2<u2"},
			"assignment_groups":       {"1/x/p1<g1", "1/x/p2<g2"},
		}},
		{"DropPrincipalPrefix", func(tx qslocal.Tx) error { return tx.DropPrincipalPrefix(ctx, "1", "user/x/") }, map[string][]string{
			"grants": {"1:analysis/a1:user/x/u1:Describe", "1:analysis/a2:user/x/u1:Describe", "1:analysis/a2:user/x/u2:Describe"},
		}},
		{"DropPrincipal", func(tx qslocal.Tx) error {
			return errors.Join(tx.DropPrincipal(ctx, "1", "group/x/g1"), tx.DropPrincipal(ctx, "1", "namespace/x"))
		}, map[string][]string{
			"grants": {"1:analysis/a1:group/x/g1:Describe", "1:analysis/a1:namespace/x:Describe"},
		}},
		{"DeleteAssetVersion and DeleteAssetLink", func(tx qslocal.Tx) error {
			return errors.Join(tx.DeleteAssetVersion(ctx, "2", "analysis", "a2", 1), tx.DeleteAssetLink(ctx, "2", "analysis", "a2", "alias", "current"))
		}, map[string][]string{
			"asset_versions": {"2/analysis/a2#1"},
			"asset_links":    {"2/analysis/a2>alias:current"},
		}},
		{"DeleteAsset", func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, "1", "analysis", "a1") }, map[string][]string{
			"assets":         {"1/analysis/a1"},
			"asset_versions": {"1/analysis/a1#1", "1/analysis/a1#2"},
			"asset_links":    {"1/analysis/a1>alias:current"},
		}},
		{"ClearGrants", func(tx qslocal.Tx) error { return tx.ClearGrants(ctx, "1", "analysis/a1") }, map[string][]string{
			"grants": {"1:analysis/a1:user/default/u1:Describe", "1:analysis/a1:user/default/u1:Update"},
		}},
		{"ClearTags", func(tx qslocal.Tx) error { return tx.ClearTags(ctx, "1", "user/x/") }, map[string][]string{
			"tags": {"1:user/x/u1:k", "1:user/x/u2:k"},
		}},
		{"DeleteNamespace default", func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, "1", "default") }, map[string][]string{
			"namespaces":              {"1/default"},
			"users":                   {"1/default/u2"},
			"groups":                  {"1/default/g2"},
			"role_members":            {"1/default/AUTHOR<g2"},
			"role_custom_permissions": {"1/default/READER=p", "1/default/AUTHOR=p"},
			"upgrade_requests":        {"1/default/r1@u1", "1/default/r2@u2"},
			"self_upgrade":            {"1/default=AUTO_APPROVAL"},
			"assignments":             {"1/default/p1", "1/default/p2"},
			"assignment_users":        {"1/default/p2<u2"},
			"assignment_groups":       {"1/default/p2<g2"},
		}},
		{"DeleteCustomPermissions", func(tx qslocal.Tx) error { return tx.DeleteCustomPermissions(ctx, "1", "p") }, map[string][]string{
			"custom_permissions": {"1/p"},
		}},
	}
	for _, step := range steps {
		mustUpdate(t, s, step.fn)
		for table, keys := range step.removed {
			for _, k := range keys {
				i := slices.Index(want[table], k)
				if i < 0 {
					t.Fatalf("%s: test bug: %s has no row %q", step.name, table, k)
				}
				want[table] = slices.Delete(want[table], i, i+1)
			}
		}
		got := allKeys(t, s)
		for _, table := range slices.Sorted(maps.Keys(keyQueries)) {
			if !slices.Equal(got[table], want[table]) {
				t.Errorf("after %s, %s holds\n %q\nwant\n %q", step.name, table, got[table], want[table])
			}
		}
		checkForeignKeys(t, s)
	}
	// Account 1 keeps only its account row (its profile is still named
	// there: profiles have no foreign keys), its tags but user/x/, and
	// analysis a2 with its versions and link, which belong to the account,
	// not to a namespace.
	for table, keys := range allKeys(t, s) {
		for _, k := range keys {
			if strings.HasPrefix(k, "1") && table != "accounts" && table != "tags" && !strings.HasPrefix(table, "asset") {
				t.Errorf("%s still holds %q of account 1", table, k)
			}
		}
	}
}

// createOld makes a database as a program that knew only the first
// `version` migrations left it, then runs stmts (its rows) and stores
// secret.
func createOld(t *testing.T, path string, version int, secret []byte, stmts ...string) {
	t.Helper()
	uri := url.URL{Scheme: "file", Path: path, RawQuery: "_pragma=foreign_keys(1)"}
	db, err := sql.Open("sqlite", uri.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(files) < version {
		t.Fatalf("embedded migrations: %q, %v", files, err)
	}
	all := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`}
	for i, name := range files[:version] {
		body, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, string(body), fmt.Sprintf(`INSERT INTO schema_migrations VALUES (%d, 0)`, i+1))
	}
	for _, stmt := range append(all, stmts...) {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatalf("%.40s: %v", stmt, err)
		}
	}
	if _, err := db.ExecContext(t.Context(), `INSERT INTO meta VALUES ('pagination_secret', ?)`, secret); err != nil {
		t.Fatal(err)
	}
}

// create0001 makes a database as a program that knew only migration 0001
// left it, with one user whose profile is p and a second namespace.
func create0001(t *testing.T, path string, secret []byte) {
	t.Helper()
	createOld(t, path, 1, secret,
		`INSERT INTO accounts VALUES ('1', 100)`,
		`INSERT INTO namespaces VALUES ('1', 'default', 100), ('1', 'legacy', 200)`,
		`INSERT INTO users VALUES ('1', 'default', 'alice', 'pid-alice', 'a@example.com', 'AUTHOR', 'QUICKSIGHT',
			'', '', 1, 'p', '', '', '', 300, 400)`)
}

// schemaVersions lists the applied migrations, "1,2,3,4".
func schemaVersions(t *testing.T, s *Store) string {
	t.Helper()
	var versions string
	if err := s.read.QueryRowContext(t.Context(), `SELECT group_concat(version, ',') FROM (SELECT version FROM schema_migrations ORDER BY version)`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	return versions
}

func TestMigrateFrom0001(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	secret := bytes.Repeat([]byte{7}, 32)
	create0001(t, path, secret)
	s := mustOpen(t, path)
	defer s.Close()

	if versions := schemaVersions(t, s); versions != "1,2,3,4,5" {
		t.Errorf("schema_migrations versions = %s, want 1,2,3,4,5", versions)
	}
	if got, _ := s.Secret(ctx); !bytes.Equal(got, secret) {
		t.Errorf("Secret = %x, want the old %x", got, secret)
	}
	checkForeignKeys(t, s)

	want := qslocal.User{
		Account: "1", Namespace: "default", Name: "alice", PrincipalID: "pid-alice", Email: "a@example.com",
		Role: "AUTHOR", IdentityType: "QUICKSIGHT", Active: true, CustomPermissionsName: "p",
		CreatedAt: time.UnixMicro(300).UTC(), UpdatedAt: time.UnixMicro(400).UTC(),
	}
	namespaces := func() []qslocal.Namespace {
		var nss []qslocal.Namespace
		err := s.View(ctx, func(tx qslocal.Tx) (err error) {
			nss, err = tx.ListNamespaces(ctx, "1", "", 10)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return nss
	}
	// The old namespaces get an unknown ('') region and the QUICKSIGHT
	// identity store; the account no profile.
	wantNS := []qslocal.Namespace{
		{Account: "1", Name: "default", CapacityRegion: "", IdentityStore: "QUICKSIGHT", CreatedAt: time.UnixMicro(100).UTC()},
		{Account: "1", Name: "legacy", CapacityRegion: "", IdentityStore: "QUICKSIGHT", CreatedAt: time.UnixMicro(200).UTC()},
	}
	if got := namespaces(); !slices.Equal(got, wantNS) {
		t.Errorf("namespaces after migration:\n got %+v\nwant %+v", got, wantNS)
	}
	err := s.View(ctx, func(tx qslocal.Tx) error {
		got, err := tx.User(ctx, "1", "default", "alice")
		if err != nil {
			return err
		}
		if got != want {
			t.Errorf("user after migration:\n got %+v\nwant %+v", got, want)
		}
		if p, err := tx.AccountCustomPermission(ctx, "1"); err != nil || p != "" {
			t.Errorf("AccountCustomPermission = %q, %v; want none", p, err)
		}
		if n, err := tx.ProfileUses(ctx, "1", "p"); err != nil || n != 1 {
			t.Errorf("ProfileUses(p) = %d, %v; want 1 (the old user)", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The old user can join a new group; EnsureAccount records the default
	// namespace's region once, and leaves other namespaces alone.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.CreateGroup(ctx, qslocal.Group{Account: "1", Namespace: "default", Name: "g", PrincipalID: "pid-g", CreatedAt: now, UpdatedAt: now}),
			tx.AddGroupMember(ctx, "1", "default", "g", "alice"),
			tx.EnsureAccount(ctx, "1", "eu-west-1", now),
			tx.EnsureAccount(ctx, "1", "us-west-2", now))
	})
	wantNS[0].CapacityRegion = "eu-west-1"
	if got := namespaces(); !slices.Equal(got, wantNS) {
		t.Errorf("namespaces after EnsureAccount:\n got %+v\nwant %+v", got, wantNS)
	}
	// So does it the account's identity region, which migration 0005
	// could not take from a default namespace without one.
	if err := s.View(ctx, func(tx qslocal.Tx) error {
		a, err := tx.Account(ctx, "1")
		if err != nil || a.IdentityRegion != "eu-west-1" {
			t.Errorf("Account after EnsureAccount = %+v, %v; want identity region eu-west-1", a, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, "1", "default", "alice") })
	if n := count(t, s, "group_members"); n != 0 {
		t.Errorf("%d group_members rows after deleting the old user, want 0", n)
	}
	var integrity string
	if err := s.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q, %v", integrity, err)
	}
}

// TestMigrateFrom0002 opens a database that a program knowing migrations
// 0001 and 0002 filled, and uses what 0003 and 0004 add on its old rows.
func TestMigrateFrom0002(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	secret := bytes.Repeat([]byte{9}, 32)
	createOld(t, path, 2, secret,
		`INSERT INTO accounts VALUES ('1', 100, 'p')`,
		`INSERT INTO namespaces VALUES ('1', 'default', 100, 'us-east-1', 'QUICKSIGHT'), ('1', 'legacy', 200, 'eu-west-1', 'QUICKSIGHT')`,
		`INSERT INTO users VALUES ('1', 'legacy', 'alice', 'pid-alice', 'a@example.com', 'AUTHOR', 'QUICKSIGHT',
			'', '', 1, '', '', '', '', 300, 400)`,
		`INSERT INTO groups VALUES ('1', 'legacy', 'g', '', 'pid-g', 300, 400)`,
		`INSERT INTO group_members VALUES ('1', 'legacy', 'g', 'alice')`,
		`INSERT INTO role_members VALUES ('1', 'legacy', 'AUTHOR', 'g')`,
		`INSERT INTO custom_permissions VALUES ('1', 'p', NULL, NULL, 300, 400)`,
		`INSERT INTO tags VALUES ('1', 'user/legacy/alice', 'k', 'v')`)
	s := mustOpen(t, path)
	defer s.Close()

	if versions := schemaVersions(t, s); versions != "1,2,3,4,5" {
		t.Errorf("schema_migrations versions = %s, want 1,2,3,4,5", versions)
	}
	if got, _ := s.Secret(ctx); !bytes.Equal(got, secret) {
		t.Errorf("Secret = %x, want the old %x", got, secret)
	}
	checkForeignKeys(t, s)

	// Old namespaces have no self-upgrade status, and take one, requests,
	// assignments of their users and groups, and grants on a new analysis.
	err := s.View(ctx, func(tx qslocal.Tx) error {
		for _, ns := range []string{"default", "legacy"} {
			if got, err := tx.SelfUpgradeStatus(ctx, "1", ns); err != nil || got != "" {
				t.Errorf("SelfUpgradeStatus(%s) = %q, %v; want none", ns, got, err)
			}
		}
		got, err := tx.Namespace(ctx, "1", "legacy")
		want := qslocal.Namespace{Account: "1", Name: "legacy", CapacityRegion: "eu-west-1", IdentityStore: "QUICKSIGHT", CreatedAt: time.UnixMicro(200).UTC()}
		if err != nil || got != want {
			t.Errorf("Namespace(legacy) = %+v, %v; want %+v", got, err, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.SetSelfUpgradeStatus(ctx, "1", "legacy", "AUTO_APPROVAL"),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "legacy", "r1", "alice")),
			tx.CreateAsset(ctx, qslocal.Asset{Account: "1", Kind: "analysis", ID: "a", Name: "a", CreatedAt: now, UpdatedAt: now}),
			tx.CreateAssignment(ctx, qslocal.Assignment{Account: "1", Namespace: "legacy", Name: "p", Users: []string{"alice"}, Groups: []string{"g"}}),
			tx.Grant(ctx, "1", "analysis/a", []qslocal.Grant{{Principal: "user/legacy/alice", Actions: []string{"Describe"}}}))
	})
	err = s.View(ctx, func(tx qslocal.Tx) error {
		if got, err := tx.SelfUpgradeStatus(ctx, "1", "legacy"); err != nil || got != "AUTO_APPROVAL" {
			t.Errorf("SelfUpgradeStatus(legacy) = %q, %v; want AUTO_APPROVAL", got, err)
		}
		if got, err := tx.SelfUpgradeStatus(ctx, "1", "default"); err != nil || got != "" {
			t.Errorf("SelfUpgradeStatus(default) = %q, %v; want none", got, err)
		}
		if as, err := tx.ListUserAssignments(ctx, "1", "legacy", "alice", "", "", 10); err != nil || len(as) != 1 {
			t.Errorf("ListUserAssignments(alice) = %+v, %v; want p", as, err)
		}
		_, err := tx.UpgradeRequest(ctx, "1", "legacy", "r1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// The old namespace cascades to the new tables as well as the old ones.
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, "1", "legacy") })
	for table, want := range map[string]int{
		"namespaces": 1, "users": 0, "groups": 0, "group_members": 0, "role_members": 0,
		"upgrade_requests": 0, "assignments": 0, "assignment_users": 0, "assignment_groups": 0,
		"assets": 1, "grants": 1, "tags": 1,
	} {
		if n := count(t, s, table); n != want {
			t.Errorf("%d %s rows after deleting the old namespace, want %d", n, table, want)
		}
	}
	checkForeignKeys(t, s)
	var integrity string
	if err := s.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q, %v", integrity, err)
	}
}

func TestPrefixEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix, end string
		ok          bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"user/default/", "user/default0", true},
		{"a%", "a&", true},
		{"é", "\xc3\xaa", true}, // ê
		{"a\x7f", "a\x80", true},
		{"a\xff", "b", true},
		{"ab\xff\xff", "ac", true},
		{"\xff", "", false},
		{"\xff\xff", "", false},
		{"\U0010ffff", "\xf4\x8f\xbf\xc0", true},
	}
	for _, tt := range tests {
		end, ok := prefixEnd(tt.prefix)
		if end != tt.end || ok != tt.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tt.prefix, end, ok, tt.end, tt.ok)
		}
		if !ok {
			continue
		}
		// Every extension of the prefix sorts before end; end itself does not
		// start with the prefix.
		for _, ext := range []string{"", "\x00", "z", "\xff\xff\xff"} {
			if s := tt.prefix + ext; s >= end {
				t.Errorf("prefixEnd(%q) = %q, not above %q", tt.prefix, end, s)
			}
		}
		if strings.HasPrefix(end, tt.prefix) {
			t.Errorf("prefixEnd(%q) = %q starts with the prefix", tt.prefix, end)
		}
	}
}

// TestQueryPlans checks that counts, listings and prefix searches read an
// index range instead of scanning a table.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	groups, groupArgs := listGroupsQuery("1", "default", "a", "", 10)
	groupsAfter, groupsAfterArgs := listGroupsQuery("1", "default", "a", "ab", 10)
	clear, clearArgs := clearTagsQuery("1", "user/default/")
	drop, dropArgs := dropPrincipalPrefixQuery("1", "user/default/")
	upgrades := func(user, status string) (string, []any) {
		return listUpgradeRequestsQuery("1", "default", user, status, "", 10)
	}
	allUpgrades, allUpgradesArgs := upgrades("", "")
	userUpgrades, userUpgradesArgs := upgrades("alice", "")
	statusUpgrades, statusUpgradesArgs := upgrades("", "PENDING")
	bothUpgrades, bothUpgradesArgs := upgrades("alice", "PENDING")
	allAssignments, allAssignmentsArgs := listAssignmentsQuery("1", "default", "", "", 10)
	statusAssignments, statusAssignmentsArgs := listAssignmentsQuery("1", "default", "ENABLED", "", 10)
	userAssignments, userAssignmentsArgs := listUserAssignmentsQuery("1", "default", "alice", "", "", 10)
	statusUserAssignments, statusUserAssignmentsArgs := listUserAssignmentsQuery("1", "default", "alice", "ENABLED", "", 10)
	// want: the index constraints the plan must show, so that no query
	// reads a wider range than it returns.
	tests := []struct {
		name, query string
		args        []any
		want        []string
	}{
		{"CountNamespaces", countNamespacesQuery, []any{"1"}, []string{"namespaces USING PRIMARY KEY (account=?)"}},
		{"CountGroups", countGroupsQuery, []any{"1", "default"}, []string{"(account=? AND namespace=?)"}},
		{"ProfileUses", profileUsesQuery, []any{"1", "p"}, []string{
			"users USING COVERING INDEX users_by_custom_permissions (account=? AND custom_permissions_name=?)",
			"role_custom_permissions USING COVERING INDEX role_custom_permissions_by_profile (account=? AND profile=?)",
			"accounts USING PRIMARY KEY (account=?)",
		}},
		{"ListUserGroups", listUserGroupsQuery, []any{"1", "default", "u", "", 10}, []string{
			"group_members_by_user (account=? AND namespace=? AND user_name=? AND group_name>?)",
			"g USING PRIMARY KEY (account=? AND namespace=? AND name=?)",
		}},
		{"ListGroups", groups, groupArgs, []string{"(account=? AND namespace=? AND name>? AND name<?)"}},
		{"ListGroups after", groupsAfter, groupsAfterArgs, []string{"(account=? AND namespace=? AND name>? AND name<?)"}},
		{"ClearTags", clear, clearArgs, []string{"(account=? AND resource>? AND resource<?)"}},
		{"CountUsers", countUsersQuery, []any{"1", "default"}, []string{"users USING COVERING INDEX", "(account=? AND namespace=?)"}},
		{"ListAssets", listAssetsQuery, []any{"1", "analysis", "", 10}, []string{"assets USING INDEX sqlite_autoindex_assets_1 (account=? AND kind=? AND id>?)"}},
		{"ListAssetVersions", listVersionsQuery, []any{"1", "analysis", "a", 0, 10}, []string{"asset_versions USING INDEX sqlite_autoindex_asset_versions_1 (account=? AND kind=? AND id=? AND number>?)"}},
		{"ListAssetLinks", listLinksQuery, []any{"1", "analysis", "a", "alias", "", 10}, []string{"asset_links USING PRIMARY KEY (account=? AND kind=? AND id=? AND rel=? AND name>?)"}},
		{"Grants", grantsQuery, []any{"1", "analysis/a"}, []string{"grants USING PRIMARY KEY (account=? AND resource=?)"}},
		{"ClearGrants", clearGrantsQuery, []any{"1", "analysis/a"}, []string{"grants USING PRIMARY KEY (account=? AND resource=?)"}},
		{"DropPrincipal", dropPrincipalQuery, []any{"1", "user/default/alice"}, []string{"grants_by_principal (account=? AND principal=?)"}},
		{"DropPrincipalPrefix", drop, dropArgs, []string{"grants_by_principal (account=? AND principal>? AND principal<?)"}},
		{"ListAssignments", allAssignments, allAssignmentsArgs, []string{"assignments USING PRIMARY KEY (account=? AND namespace=? AND name>?)"}},
		{"ListAssignments by status", statusAssignments, statusAssignmentsArgs, []string{"assignments_by_status (account=? AND namespace=? AND status=? AND name>?)"}},
		{"ListUserAssignments", userAssignments, userAssignmentsArgs, []string{
			"assignment_users_by_user (account=? AND namespace=? AND user_name=? AND assignment>?)",
			"group_members_by_user (account=? AND namespace=? AND user_name=?)",
			"assignment_groups_by_group (account=? AND namespace=? AND group_name=? AND assignment>?)",
			"a USING PRIMARY KEY (account=? AND namespace=? AND name=?)",
		}},
		{"ListUserAssignments by status", statusUserAssignments, statusUserAssignmentsArgs, []string{
			"assignment_users_by_user (account=? AND namespace=? AND user_name=? AND assignment>?)",
			"assignment_groups_by_group (account=? AND namespace=? AND group_name=? AND assignment>?)",
		}},
		{"ListUpgradeRequests", allUpgrades, allUpgradesArgs, []string{"upgrade_requests USING PRIMARY KEY (account=? AND namespace=? AND id>?)"}},
		{"ListUpgradeRequests by user", userUpgrades, userUpgradesArgs, []string{"upgrade_requests_by_user (account=? AND namespace=? AND user_name=? AND id>?)"}},
		{"ListUpgradeRequests by status", statusUpgrades, statusUpgradesArgs, []string{"upgrade_requests_by_status (account=? AND namespace=? AND status=? AND id>?)"}},
		{"ListUpgradeRequests by user and status", bothUpgrades, bothUpgradesArgs, []string{"upgrade_requests_by_user (account=? AND namespace=? AND user_name=? AND id>?)"}},
	}
	// allowed are steps that read no more than the result needs:
	// ListUserAssignments scans its own subquery of the names reaching the
	// user, and sorts those reaching them through groups.
	userSteps := []string{"SCAN mine", "USE TEMP B-TREE FOR ORDER BY"}
	allowed := map[string][]string{"ListUserAssignments": userSteps, "ListUserAssignments by status": userSteps}
	for _, tt := range tests {
		rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+tt.query, tt.args...)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		searches := 0
		for _, step := range plan {
			if slices.Contains(allowed[tt.name], step) {
				continue
			}
			if (strings.HasPrefix(step, "SCAN") && step != "SCAN CONSTANT ROW") || strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("%s scans or sorts: %q", tt.name, plan)
			}
			if strings.HasPrefix(step, "SEARCH") {
				searches++
			}
		}
		if searches == 0 {
			t.Errorf("%s: plan %q has no index search", tt.name, plan)
		}
		for _, w := range tt.want {
			if !strings.Contains(strings.Join(plan, "\n"), w) {
				t.Errorf("%s: plan %q lacks %q", tt.name, plan, w)
			}
		}
	}
}

// TestForeignKeysIndexed checks that the child columns of every foreign key
// lead an index, so cascades and parent deletes look children up by range.
func TestForeignKeysIndexed(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	query := func(q string, args ...any) [][]string {
		rows, err := s.read.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out [][]string
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			out = append(out, []string{a, b})
		}
		return out
	}
	fks := 0
	for _, tbl := range query(`SELECT name, '' FROM sqlite_schema WHERE type = 'table'`) {
		table := tbl[0]
		byID := map[string][]string{}
		for _, fk := range query(`SELECT id, "from" FROM pragma_foreign_key_list(?)`, table) {
			byID[fk[0]] = append(byID[fk[0]], fk[1])
		}
		var indexes [][]string
		for _, idx := range query(`SELECT name, '' FROM pragma_index_list(?)`, table) {
			var cols []string
			for _, c := range query(`SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno`, idx[0]) {
				cols = append(cols, c[1])
			}
			indexes = append(indexes, cols)
		}
		for _, cols := range byID {
			fks++
			want := slices.Sorted(slices.Values(cols))
			found := false
			for _, idx := range indexes {
				if len(idx) >= len(cols) && slices.Equal(slices.Sorted(slices.Values(idx[:len(cols)])), want) {
					found = true
				}
			}
			if !found {
				t.Errorf("foreign key %s%v leads no index (indexes %v)", table, cols, indexes)
			}
		}
	}
	if fks < 17 {
		t.Errorf("found %d foreign keys, want at least 17", fks)
	}
}

// A user and a group, or two groups, may share a principal id: they are
// different kinds. And the namespace check of SetRoleCustomPermission runs
// only when there is nothing to clear.
func TestIdentityMisc(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateUser(ctx, user("1", "default", "alice")),
			tx.CreateGroup(ctx, qslocal.Group{Account: "1", Namespace: "default", Name: "g", PrincipalID: "pid-alice"}))
	})
	// Empty JSON documents read back as nil.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return tx.CreateCustomPermissions(ctx, qslocal.CustomPermissions{Account: "1", Name: "p", Capabilities: []byte{}, Governance: []byte("{}")})
	})
	err := s.View(ctx, func(tx qslocal.Tx) error {
		p, err := tx.CustomPermissions(ctx, "1", "p")
		if err != nil {
			return err
		}
		if p.Capabilities != nil || string(p.Governance) != "{}" {
			t.Errorf("profile = %q, %q; want nil, {}", p.Capabilities, p.Governance)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var kinds string
	if err := s.read.QueryRowContext(ctx, `SELECT typeof(capabilities) || typeof(governance) FROM custom_permissions`).Scan(&kinds); err != nil || kinds != "nullblob" {
		t.Errorf("stored as %q, %v; want nullblob", kinds, err)
	}
	for _, profile := range []string{"", "p"} {
		err := s.Update(ctx, func(tx qslocal.Tx) error { return tx.SetRoleCustomPermission(ctx, "1", "none", "READER", profile) })
		if !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("SetRoleCustomPermission(%q) in unknown namespace: %v, want ErrNotFound", profile, err)
		}
	}
	err = s.Update(ctx, func(tx qslocal.Tx) error { return tx.AddGroupMember(ctx, "1", "default", "g", "nobody") })
	var coded interface{ Code() int }
	if !errors.Is(err, qslocal.ErrNotFound) || !errors.As(err, &coded) {
		t.Errorf("AddGroupMember of unknown user: %v, want ErrNotFound wrapping the driver error", err)
	}
}
