package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qslocal/qslocal"
)

func analysis(account, id string) qslocal.Analysis {
	return qslocal.Analysis{Account: account, ID: id, Name: "the " + id, Status: "CREATION_SUCCESSFUL",
		Definition: []byte(`{"Sheets":[]}`), CreatedAt: now, UpdatedAt: now}
}

func upgradeRequest(account, namespace, id, userName string) qslocal.UpgradeRequest {
	return qslocal.UpgradeRequest{Account: account, Namespace: namespace, ID: id, UserName: userName,
		OriginalRole: "READER", RequestedRole: "AUTHOR", Status: "PENDING", CreatedAt: now}
}

// A database migrated by an older qslocal (0001 only, with data in it) is
// brought up to date by Open, keeping its data and its secret.
func TestMigrateFromFirstVersion(t *testing.T) {
	t.Parallel()
	dsn := database(t)
	ctx := t.Context()
	first, err := migrations.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("an older process's secret, 32 b.")
	admin(t, dsn, func(conn *pgx.Conn) {
		for _, q := range []string{
			`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)`,
			string(first),
			`INSERT INTO schema_migrations VALUES (1, now())`,
			`INSERT INTO accounts VALUES ('1', '', now())`,
			`INSERT INTO namespaces VALUES ('1', 'default', 'us-east-1', 'QUICKSIGHT', now())`,
		} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatalf("%.40s: %v", q, err)
			}
		}
		if _, err := conn.Exec(ctx, `INSERT INTO meta VALUES ('pagination_secret', $1)`, secret); err != nil {
			t.Fatal(err)
		}
	})

	s := openTest(t, dsn)
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	if got := queryInt(t, s, `SELECT max(version) FROM schema_migrations`); got != len(files) || got < 2 {
		t.Errorf("schema version %d after Open, want %d", got, len(files))
	}
	if got, _ := s.Secret(ctx); string(got) != string(secret) {
		t.Errorf("Secret = %q, want the older process's", got)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.CreateAnalysis(ctx, analysis("1", "an")),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r1", "alice")),
			tx.SetSelfUpgradeStatus(ctx, "1", "default", "AUTO_APPROVAL"),
			tx.Grant(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: "user/default/alice", Actions: []string{"a"}}}),
		)
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		if _, err := tx.Namespace(ctx, "1", "default"); err != nil {
			t.Errorf("Namespace made before the migration: %v", err)
		}
		if st, err := tx.SelfUpgradeStatus(ctx, "1", "default"); err != nil || st != "AUTO_APPROVAL" {
			t.Errorf("SelfUpgradeStatus = %q, %v", st, err)
		}
		_, err := tx.Analysis(ctx, "1", "an")
		return err
	})
}

// Unset times are NULL and read back as the zero time; set ones, the zero
// instant included where a time is required, come back as they went.
func TestResourceTimes(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	live := analysis("1", "live")
	deleted := analysis("1", "deleted")
	deleted.DeletionTime = time.Date(2024, 2, 3, 4, 5, 6, 123456000, time.FixedZone("x", 3600))
	zero := analysis("1", "zero")
	zero.CreatedAt, zero.UpdatedAt = time.Time{}, time.Time{}
	zero.Definition = nil
	pending := upgradeRequest("1", "default", "pending", "alice")
	tried := upgradeRequest("1", "default", "tried", "alice")
	tried.LastAttempt = now.Add(time.Microsecond)
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateAnalysis(ctx, live), tx.CreateAnalysis(ctx, deleted), tx.CreateAnalysis(ctx, zero),
			tx.CreateUpgradeRequest(ctx, pending), tx.CreateUpgradeRequest(ctx, tried),
		)
	})
	if n := queryInt(t, s, `SELECT count(*) FROM analyses WHERE deletion_time IS NULL AND definition IS NOT NULL`); n != 1 {
		t.Errorf("%d live analyses with a definition, want 1", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM upgrade_requests WHERE last_attempt IS NULL`); n != 1 {
		t.Errorf("%d requests never attempted, want 1", n)
	}
	deleted.DeletionTime = deleted.DeletionTime.UTC()
	mustView(t, s, func(tx qslocal.Tx) error {
		for _, want := range []qslocal.Analysis{live, deleted, zero} {
			got, err := tx.Analysis(ctx, "1", want.ID)
			if err != nil {
				return err
			}
			if !equalAnalysis(got, want) {
				t.Errorf("Analysis(%s):\n got %+v\nwant %+v", want.ID, got, want)
			}
		}
		for _, want := range []qslocal.UpgradeRequest{pending, tried} {
			got, err := tx.UpgradeRequest(ctx, "1", "default", want.ID)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("UpgradeRequest(%s):\n got %+v\nwant %+v", want.ID, got, want)
			}
		}
		return nil
	})
	// Back to unset.
	deleted.DeletionTime = time.Time{}
	tried.LastAttempt = time.Time{}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(tx.UpdateAnalysis(ctx, deleted), tx.UpdateUpgradeRequest(ctx, tried))
	})
	if n := queryInt(t, s, `SELECT count(*) FROM analyses WHERE deletion_time IS NOT NULL`); n != 0 {
		t.Errorf("%d analyses with a deletion time after clearing it", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM upgrade_requests WHERE last_attempt IS NOT NULL`); n != 0 {
		t.Errorf("%d requests with a last attempt after clearing it", n)
	}
}

func equalAnalysis(a, b qslocal.Analysis) bool {
	sameJSON := func(x, y []byte) bool { return (x == nil) == (y == nil) && string(x) == string(y) }
	return sameJSON(a.Definition, b.Definition) && sameJSON(a.SourceEntity, b.SourceEntity) &&
		sameJSON(a.Parameters, b.Parameters) &&
		a.Account == b.Account && a.ID == b.ID && a.Name == b.Name && a.ThemeARN == b.ThemeARN &&
		a.Status == b.Status && a.CreatedAt == b.CreatedAt && a.UpdatedAt == b.UpdatedAt &&
		a.DeletionTime == b.DeletionTime
}

// Names PostgreSQL cannot hold (invalid UTF-8, NUL) name nothing, and
// writing them fails before any statement, leaving the transaction usable.
func TestResourcesUnstorableText(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateAnalysis(ctx, analysis("1", "an")),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "alice")),
			tx.Grant(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: "user/default/alice", Actions: []string{"a"}}}),
		)
	})
	bad := "x\xff\x00"
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		writes := map[string]error{
			"CreateAnalysis id":   tx.CreateAnalysis(ctx, analysis("1", bad)),
			"CreateAnalysis name": tx.CreateAnalysis(ctx, func() qslocal.Analysis { a := analysis("1", "x"); a.Name = bad; return a }()),
			"UpdateAnalysis name": tx.UpdateAnalysis(ctx, func() qslocal.Analysis { a := analysis("1", "an"); a.Name = bad; return a }()),
			"Grant principal":     tx.Grant(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: bad, Actions: []string{"a"}}}),
			"Grant action":        tx.Grant(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: "p", Actions: []string{bad}}}),
			"Grant resource":      tx.Grant(ctx, "1", bad, []qslocal.Grant{{Principal: "p", Actions: []string{"a"}}}),
			"CreateUpgradeRequest note": tx.CreateUpgradeRequest(ctx, func() qslocal.UpgradeRequest {
				r := upgradeRequest("1", "default", "r2", "alice")
				r.Note = bad
				return r
			}()),
			"SetSelfUpgradeStatus": tx.SetSelfUpgradeStatus(ctx, "1", "default", bad),
		}
		for what, err := range writes {
			if !errors.Is(err, errText) {
				t.Errorf("%s: %v, want errText", what, err)
			}
		}
		// Lookups and deletions of such names find nothing.
		if _, err := tx.Analysis(ctx, "1", bad); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("Analysis: %v", err)
		}
		if err := tx.DeleteAnalysis(ctx, "1", bad); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("DeleteAnalysis: %v", err)
		}
		if _, err := tx.UpgradeRequest(ctx, "1", "default", bad); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("UpgradeRequest: %v", err)
		}
		if err := tx.UpdateUpgradeRequest(ctx, upgradeRequest("1", bad, "r", "alice")); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("UpdateUpgradeRequest: %v", err)
		}
		for what, err := range map[string]error{
			"Revoke":              tx.Revoke(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: bad, Actions: []string{"a"}}, {Principal: "user/default/alice", Actions: []string{bad}}}),
			"Revoke resource":     tx.Revoke(ctx, "1", bad, []qslocal.Grant{{Principal: "p", Actions: []string{"a"}}}),
			"ClearPermissions":    tx.ClearPermissions(ctx, "1", bad),
			"DropPrincipal":       tx.DropPrincipal(ctx, "1", bad),
			"DropPrincipalPrefix": tx.DropPrincipalPrefix(ctx, "1", "\xf4"),
		} {
			if err != nil {
				t.Errorf("%s: %v", what, err)
			}
		}
		if g, err := tx.Permissions(ctx, "1", bad); err != nil || g == nil || len(g) != 0 {
			t.Errorf("Permissions = %#v, %v; want an empty list", g, err)
		}
		if st, err := tx.SelfUpgradeStatus(ctx, bad, "default"); err != nil || st != "" {
			t.Errorf("SelfUpgradeStatus = %q, %v", st, err)
		}
		for _, f := range [][2]string{{bad, ""}, {"", bad}} {
			if rs, err := tx.ListUpgradeRequests(ctx, "1", "default", f[0], f[1], "", 10); err != nil || len(rs) != 0 {
				t.Errorf("ListUpgradeRequests(user %q, status %q) = %v, %v", f[0], f[1], rs, err)
			}
		}
		if as, err := tx.ListAnalyses(ctx, "1", "an\xff", 10); err != nil || len(as) != 0 {
			t.Errorf("ListAnalyses after \"an\\xff\" = %v, %v", as, err)
		}
		// The transaction is fine.
		return tx.CreateAnalysis(ctx, analysis("1", "after"))
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		g, err := tx.Permissions(ctx, "1", "analysis/an")
		if err != nil {
			return err
		}
		if want := []qslocal.Grant{{Principal: "user/default/alice", Actions: []string{"a"}}}; !grantsEqual(g, want) {
			t.Errorf("Permissions = %v, want %v", g, want)
		}
		_, err = tx.Analysis(ctx, "1", "after")
		return err
	})
}

func grantsEqual(a, b []qslocal.Grant) bool {
	return slices.EqualFunc(a, b, func(x, y qslocal.Grant) bool {
		return x.Principal == y.Principal && slices.Equal(x.Actions, y.Actions)
	})
}

// Writes in a View fail before any statement, so the View goes on.
func TestResourceWritesInView(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) })
	g := []qslocal.Grant{{Principal: "p", Actions: []string{"a"}}}
	mustView(t, s, func(tx qslocal.Tx) error {
		for what, err := range map[string]error{
			"CreateAnalysis":       tx.CreateAnalysis(ctx, analysis("1", "an")),
			"UpdateAnalysis":       tx.UpdateAnalysis(ctx, analysis("1", "an")),
			"DeleteAnalysis":       tx.DeleteAnalysis(ctx, "1", "an"),
			"Grant":                tx.Grant(ctx, "1", "r", g),
			"Revoke":               tx.Revoke(ctx, "1", "r", g),
			"ClearPermissions":     tx.ClearPermissions(ctx, "1", "r"),
			"DropPrincipal":        tx.DropPrincipal(ctx, "1", "p"),
			"DropPrincipalPrefix":  tx.DropPrincipalPrefix(ctx, "1", "p"),
			"CreateUpgradeRequest": tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "alice")),
			"UpdateUpgradeRequest": tx.UpdateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "alice")),
			"SetSelfUpgradeStatus": tx.SetSelfUpgradeStatus(ctx, "1", "default", "AUTO_APPROVAL"),
		} {
			if !errors.Is(err, errReadOnly) {
				t.Errorf("%s in a View: %v, want errReadOnly", what, err)
			}
		}
		_, err := tx.Namespace(ctx, "1", "default")
		return err
	})
}

// Grants name principals by prefix literally: wildcards of LIKE are plain
// bytes, and the index range is used rather than a scan.
func TestPermissionsLiteralPrefixes(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	principals := []string{"user/ns_1/a", "user/nsx1/a", "user/ns%/b", "user/nsA/c", "user/ns/d", "group/ns_1/g", "user/ns_1"}
	var grants []qslocal.Grant
	for _, p := range principals {
		grants = append(grants, qslocal.Grant{Principal: p, Actions: []string{"x", "y"}})
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.Grant(ctx, "1", "analysis/a", grants),
			tx.Grant(ctx, "1", "analysis/b", grants),
			tx.Grant(ctx, "2", "analysis/b", grants),
		)
	})
	remaining := func(account string) []string {
		var got []string
		mustView(t, s, func(tx qslocal.Tx) error {
			gs, err := tx.Permissions(ctx, account, "analysis/b")
			for _, g := range gs {
				got = append(got, g.Principal)
			}
			return err
		})
		return got
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(tx.DropPrincipalPrefix(ctx, "1", "user/ns_1/"), tx.DropPrincipalPrefix(ctx, "1", "user/ns%"))
	})
	if got, want := remaining("1"), []string{"group/ns_1/g", "user/ns/d", "user/nsA/c", "user/ns_1", "user/nsx1/a"}; !slices.Equal(got, want) {
		t.Errorf("principals left = %q, want %q", got, want)
	}
	if got := remaining("2"); len(got) != len(principals) {
		t.Errorf("account 2 lost grants: %q", got)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DropPrincipal(ctx, "1", "user/ns") })
	if got := remaining("1"); len(got) != 5 {
		t.Errorf("DropPrincipal of a mere prefix dropped grants: %q", got)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DropPrincipalPrefix(ctx, "1", "") })
	if got := remaining("1"); len(got) != 0 {
		t.Errorf(`DropPrincipalPrefix("") left %q`, got)
	}
}

// Deleting a namespace takes its upgrade requests and configuration, and
// nothing of another namespace or account.
func TestDeleteNamespaceTakesUpgrades(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		errs := []error{tx.EnsureAccount(ctx, "1", "us-east-1", now), tx.EnsureAccount(ctx, "2", "us-east-1", now)}
		for _, a := range []string{"1", "2"} {
			for _, ns := range []string{"gone", "kept"} {
				if a == "1" || ns == "gone" {
					errs = append(errs, tx.CreateNamespace(ctx, qslocal.Namespace{Account: a, Name: ns, CreatedAt: now}))
				}
			}
		}
		for _, k := range [][2]string{{"1", "gone"}, {"1", "kept"}, {"2", "gone"}} {
			errs = append(errs,
				tx.CreateUpgradeRequest(ctx, upgradeRequest(k[0], k[1], "r", "alice")),
				tx.SetSelfUpgradeStatus(ctx, k[0], k[1], "AUTO_APPROVAL"))
		}
		return errors.Join(errs...)
	})
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, "1", "gone") })
	if n := queryInt(t, s, `SELECT count(*) FROM upgrade_requests`); n != 2 {
		t.Errorf("%d upgrade requests left, want 2", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM self_upgrade_configurations`); n != 2 {
		t.Errorf("%d configurations left, want 2", n)
	}
	// Made again, the namespace has neither.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return tx.CreateNamespace(ctx, qslocal.Namespace{Account: "1", Name: "gone", CreatedAt: now})
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		if st, err := tx.SelfUpgradeStatus(ctx, "1", "gone"); err != nil || st != "" {
			t.Errorf("SelfUpgradeStatus of the new namespace = %q, %v", st, err)
		}
		if _, err := tx.UpgradeRequest(ctx, "1", "gone", "r"); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("UpgradeRequest in the new namespace: %v", err)
		}
		return nil
	})
}

// Filters of ListUpgradeRequests, alone and together, page by id.
func TestListUpgradeRequestFilters(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	var all []qslocal.UpgradeRequest
	for i := range 12 {
		r := upgradeRequest("1", "default", fmt.Sprintf("r%02d", 11-i), []string{"alice", "bob", "Alice"}[i%3])
		r.Status = []string{"PENDING", "APPROVED"}[i%2]
		all = append(all, r)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		errs := []error{tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateNamespace(ctx, qslocal.Namespace{Account: "1", Name: "other", CreatedAt: now}),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "other", "r05", "alice"))}
		for _, r := range all {
			errs = append(errs, tx.CreateUpgradeRequest(ctx, r))
		}
		return errors.Join(errs...)
	})
	slices.SortFunc(all, func(a, b qslocal.UpgradeRequest) int { return strings.Compare(a.ID, b.ID) })
	for _, user := range []string{"", "alice", "Alice", "bob", "carol"} {
		for _, status := range []string{"", "PENDING", "APPROVED", "pending"} {
			var want []string
			for _, r := range all {
				if (user == "" || r.UserName == user) && (status == "" || r.Status == status) {
					want = append(want, r.ID)
				}
			}
			for _, n := range []int{1, 2, 100} {
				var got []string
				after := ""
				for {
					var page []qslocal.UpgradeRequest
					mustView(t, s, func(tx qslocal.Tx) (err error) {
						page, err = tx.ListUpgradeRequests(ctx, "1", "default", user, status, after, n)
						return err
					})
					if len(page) > n {
						t.Fatalf("page of %d, limit %d", len(page), n)
					}
					if len(page) == 0 {
						break
					}
					for _, r := range page {
						got = append(got, r.ID)
					}
					after = page[len(page)-1].ID
				}
				if !slices.Equal(got, want) {
					t.Errorf("user %q status %q by %d: %q, want %q", user, status, n, got, want)
				}
			}
		}
	}
}

// Racing creates of one id: one wins, the others meet ErrExists (after
// running again, when the winner committed under their snapshot).
func TestResourceCreateRaces(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: races between two stores")
	}
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	const n = 8
	oneWinner(t, race(stores, n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			a := analysis("1", "an")
			a.Name = fmt.Sprint("racer ", i)
			return tx.CreateAnalysis(ctx, a)
		})
	}))
	oneWinner(t, race(stores, n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", fmt.Sprint("user", i)))
		})
	}))
}

// Racing grants and revokes of overlapping actions on one resource all
// commit (retried, never deadlocked for good), and grants add up.
func TestGrantRaces(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: races between two stores")
	}
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	const n = 16
	actions := []string{"a", "b", "c", "d", "e", "f"}
	principals := []string{"user/default/alice", "user/default/bob", "group/default/g"}
	errs := race(stores, n, func(i int, s *Store) error {
		// Each racer names the same rows in a different order.
		var grants []qslocal.Grant
		for j := range principals {
			p := principals[(i+j)%len(principals)]
			acts := slices.Clone(actions)
			if i%2 == 1 {
				slices.Reverse(acts)
			}
			grants = append(grants, qslocal.Grant{Principal: p, Actions: acts}, qslocal.Grant{Principal: p, Actions: []string{fmt.Sprint("own", i)}})
		}
		return s.Update(ctx, func(tx qslocal.Tx) error {
			if i%4 == 3 {
				return tx.Revoke(ctx, "1", "analysis/x", grants[:2])
			}
			return tx.Grant(ctx, "1", "analysis/x", grants)
		})
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("racer %d: %v", i, err)
		}
	}
	mustView(t, stores[0], func(tx qslocal.Tx) error {
		grants, err := tx.Permissions(ctx, "1", "analysis/x")
		if err != nil {
			return err
		}
		if len(grants) != len(principals) {
			t.Fatalf("grants = %v", grants)
		}
		for _, g := range grants {
			own := 0
			for _, a := range g.Actions {
				if strings.HasPrefix(a, "own") {
					own++
				}
			}
			if !slices.IsSorted(g.Actions) || own < n*3/4 {
				t.Errorf("%s: actions %q, want sorted with the own actions of every granter", g.Principal, g.Actions)
			}
		}
		return nil
	})
}

// SetSelfUpgradeStatus racing itself and the namespace's deletion: every
// racer either sets it or finds the namespace gone, and no configuration
// outlives its namespace.
func TestSelfUpgradeStatusRaces(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: races between two stores")
	}
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	mustUpdate(t, stores[0], func(tx qslocal.Tx) error {
		return tx.CreateNamespace(ctx, qslocal.Namespace{Account: "1", Name: "ns", CreatedAt: now})
	})
	const n = 12
	errs := race(stores, n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			if i == n/2 {
				return tx.DeleteNamespace(ctx, "1", "ns")
			}
			if err := tx.SetSelfUpgradeStatus(ctx, "1", "ns", fmt.Sprint("S", i)); err != nil {
				return err
			}
			return tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "ns", fmt.Sprint("r", i), "alice"))
		})
	})
	for i, err := range errs {
		if err != nil && (i == n/2 || !errors.Is(err, qslocal.ErrNotFound)) {
			t.Errorf("racer %d: %v", i, err)
		}
	}
	if c := queryInt(t, stores[0], `SELECT count(*) FROM self_upgrade_configurations`) +
		queryInt(t, stores[0], `SELECT count(*) FROM upgrade_requests`); c != 0 {
		t.Errorf("%d rows outlived the namespace", c)
	}
}
