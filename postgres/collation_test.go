package postgres

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/postgres/pgtest"
)

// naturalDatabase returns the DSN of a fresh database whose default
// collation is a natural-language one (libc en_US.UTF-8, else ICU en-US),
// or skips t when the server has neither.
func naturalDatabase(t *testing.T) string {
	t.Helper()
	dsn := database(t) // its cleanup drops whatever bears the name
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := cfg.Database
	var made string
	admin(t, pgtest.DSN(), func(conn *pgx.Conn) {
		if _, err := conn.Exec(t.Context(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
		for _, options := range []string{
			`LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'`,
			`LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`, // PostgreSQL 15+
		} {
			if _, err := conn.Exec(t.Context(), "CREATE DATABASE "+name+" TEMPLATE template0 "+options); err == nil {
				made = options
				return
			} else {
				t.Logf("CREATE DATABASE ... %s: %v", options, err)
			}
		}
	})
	if made == "" {
		t.Skip("the server has neither the en_US.UTF-8 locale nor ICU: cannot check names sort byte-wise under another default collation")
	}
	t.Logf("database created with %s", made)
	return dsn
}

// Names sort and compare by bytes even when the database's default
// collation would put "a" before "B" and "é" beside "e".
func TestByteOrderUnderNaturalCollation(t *testing.T) {
	t.Parallel()
	dsn := naturalDatabase(t)
	s := openTest(t, dsn)
	ctx := t.Context()

	// The database's own order differs, or this test proves nothing.
	var natural []string
	admin(t, dsn, func(conn *pgx.Conn) {
		rows, err := conn.Query(ctx, `SELECT x FROM unnest(ARRAY['B', 'a', 'é', 'Z', 'e', 'f']) AS x ORDER BY x`)
		if err != nil {
			t.Fatal(err)
		}
		natural, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("the database's default order: %q", natural)
	names := []string{"B", "a", "é", "Z", "e", "f", "ab", "aB", "A b", "é2", "É"}
	want := slices.Clone(names)
	slices.SortFunc(want, func(a, b string) int { return bytes.Compare([]byte(a), []byte(b)) })
	if slices.Equal(natural, []string{"B", "Z", "a", "e", "f", "é"}) {
		t.Fatal("the default collation sorts by bytes")
	}

	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(ctx, "1", "us-east-1", now); err != nil {
			return err
		}
		for _, n := range names {
			if err := tx.CreateUser(ctx, user("1", "default", n)); err != nil {
				return err
			}
			if err := tx.CreateGroup(ctx, group("1", "default", n)); err != nil {
				return err
			}
		}
		for _, n := range names {
			if err := tx.AddGroupMember(ctx, "1", "default", "a", n); err != nil {
				return err
			}
			if err := tx.SetTags(ctx, "1", "user/default/"+n, []qslocal.Tag{{Key: n, Value: n}}); err != nil {
				return err
			}
			if err := tx.CreateAsset(ctx, asset("1", n)); err != nil {
				return err
			}
			if err := tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", n, "alice")); err != nil {
				return err
			}
			// Actions in reverse, so the store must sort them.
			actions := slices.Clone(names)
			slices.Reverse(actions)
			if err := tx.Grant(ctx, "1", "analysis/a", []qslocal.Grant{{Principal: "user/default/" + n, Actions: actions}}); err != nil {
				return err
			}
		}
		for _, n := range names {
			if err := tx.SetAssetLink(ctx, assetLink("1", "a", "member", n, n)); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		// Keyset paging one name at a time.
		var paged []string
		after := ""
		for {
			users, err := tx.ListUsers(ctx, "1", "default", after, 1)
			if err != nil {
				return err
			}
			if len(users) == 0 {
				break
			}
			paged = append(paged, users[0].Name)
			after = users[0].Name
		}
		if !slices.Equal(paged, want) {
			t.Errorf("users paged = %q, want %q", paged, want)
		}
		groups, err := tx.ListGroups(ctx, "1", "default", "", "", 100)
		if err != nil {
			return err
		}
		if got := groupNamesOf(groups); !slices.Equal(got, want) {
			t.Errorf("groups = %q, want %q", got, want)
		}
		for prefix, want := range map[string][]string{"a": {"a", "aB", "ab"}, "é": {"é", "é2"}, "e": {"e"}, "A": {"A b"}, "B": {"B"}} {
			groups, err := tx.ListGroups(ctx, "1", "default", prefix, "", 100)
			if err != nil {
				return err
			}
			if got := groupNamesOf(groups); !slices.Equal(got, want) {
				t.Errorf("groups with prefix %q = %q, want %q", prefix, got, want)
			}
		}
		members, err := tx.ListGroupMembers(ctx, "1", "default", "a", "Z", 100)
		if err != nil {
			return err
		}
		if i := slices.Index(want, "Z"); !slices.Equal(members, want[i+1:]) {
			t.Errorf("members after Z = %q, want %q", members, want[i+1:])
		}
		// Case-sensitive lookups.
		if _, err := tx.User(ctx, "1", "default", "b"); err == nil {
			t.Error(`User("b") found "B"`)
		}
		if _, err := tx.Asset(ctx, "1", "analysis", "b"); err == nil {
			t.Error(`Asset("b") found "B"`)
		}
		assets, err := tx.ListAssets(ctx, "1", "analysis", "", 100)
		if err != nil {
			return err
		}
		var ids []string
		for _, a := range assets {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("assets = %q, want %q", ids, want)
		}
		links, err := tx.ListAssetLinks(ctx, "1", "analysis", "a", "member", "Z", 100)
		if err != nil {
			return err
		}
		ids = nil
		for _, l := range links {
			ids = append(ids, l.Name)
		}
		if i := slices.Index(want, "Z"); !slices.Equal(ids, want[i+1:]) {
			t.Errorf("links after Z = %q, want %q", ids, want[i+1:])
		}
		requests, err := tx.ListUpgradeRequests(ctx, "1", "default", "", "", "Z", 100)
		if err != nil {
			return err
		}
		ids = nil
		for _, r := range requests {
			ids = append(ids, r.ID)
		}
		if i := slices.Index(want, "Z"); !slices.Equal(ids, want[i+1:]) {
			t.Errorf("upgrade requests after Z = %q, want %q", ids, want[i+1:])
		}
		grants, err := tx.Grants(ctx, "1", "analysis/a")
		if err != nil {
			return err
		}
		var principals []string
		for _, g := range grants {
			principals = append(principals, strings.TrimPrefix(g.Principal, "user/default/"))
			if !slices.Equal(g.Actions, want) {
				t.Errorf("actions of %s = %q, want %q", g.Principal, g.Actions, want)
			}
		}
		if !slices.Equal(principals, want) {
			t.Errorf("principals = %q, want %q", principals, want)
		}
		return nil
	})
	// ClearTags and DropPrincipalPrefix of "user/default/e" leave "é" and
	// "é2" alone.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.DropPrincipalPrefix(ctx, "1", "user/default/e"); err != nil {
			return err
		}
		return tx.ClearTags(ctx, "1", "user/default/e")
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		for _, n := range names {
			tags, err := tx.Tags(ctx, "1", "user/default/"+n)
			if err != nil {
				return err
			}
			if cleared := n == "e"; cleared != (len(tags) == 0) {
				t.Errorf("tags of %q after ClearTags(user/default/e) = %v", n, tags)
			}
		}
		grants, err := tx.Grants(ctx, "1", "analysis/a")
		if err != nil {
			return err
		}
		if len(grants) != len(names)-1 || slices.ContainsFunc(grants, func(g qslocal.Grant) bool { return g.Principal == "user/default/e" }) {
			t.Errorf("grants after DropPrincipalPrefix(user/default/e): %v", grants)
		}
		return nil
	})
}

func groupNamesOf(groups []qslocal.Group) []string {
	var n []string
	for _, g := range groups {
		n = append(n, g.Name)
	}
	return n
}
