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

// asset returns an analysis, the asset kind qslocal had first.
func asset(account, id string) qslocal.Asset {
	return qslocal.Asset{Account: account, Kind: "analysis", ID: id, Name: "the " + id, Status: "CREATION_SUCCESSFUL",
		Doc: []byte(`{"Definition":{"Sheets":[]}}`), CreatedAt: now, UpdatedAt: now}
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
			tx.CreateAsset(ctx, asset("1", "an")),
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
		_, err := tx.Asset(ctx, "1", "analysis", "an")
		return err
	})
}

// Unset times are NULL and read back as the zero time; set ones, the zero
// instant included where a time is required, come back as they went.
func TestResourceTimes(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	live := asset("1", "live")
	live.Meta = []byte(`{"ThemeArn":"arn:aws:quicksight::aws:theme/MIDNIGHT"}`)
	deleted := asset("1", "deleted")
	deleted.DeletionTime = time.Date(2024, 2, 3, 4, 5, 6, 123456000, time.FixedZone("x", 3600))
	zero := asset("1", "zero")
	zero.CreatedAt, zero.UpdatedAt = time.Time{}, time.Time{}
	zero.Doc = nil
	pending := upgradeRequest("1", "default", "pending", "alice")
	tried := upgradeRequest("1", "default", "tried", "alice")
	tried.LastAttempt = now.Add(time.Microsecond)
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateAsset(ctx, live), tx.CreateAsset(ctx, deleted), tx.CreateAsset(ctx, zero),
			tx.CreateUpgradeRequest(ctx, pending), tx.CreateUpgradeRequest(ctx, tried),
		)
	})
	if n := queryInt(t, s, `SELECT count(*) FROM assets WHERE deletion_time IS NULL AND doc IS NOT NULL`); n != 1 {
		t.Errorf("%d live assets with a document, want 1", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM upgrade_requests WHERE last_attempt IS NULL`); n != 1 {
		t.Errorf("%d requests never attempted, want 1", n)
	}
	deleted.DeletionTime = deleted.DeletionTime.UTC()
	mustView(t, s, func(tx qslocal.Tx) error {
		for _, want := range []qslocal.Asset{live, deleted, zero} {
			got, err := tx.Asset(ctx, "1", "analysis", want.ID)
			if err != nil {
				return err
			}
			if !equalAsset(got, want) {
				t.Errorf("Asset(%s):\n got %+v\nwant %+v", want.ID, got, want)
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
		return errors.Join(tx.UpdateAsset(ctx, deleted), tx.UpdateUpgradeRequest(ctx, tried))
	})
	if n := queryInt(t, s, `SELECT count(*) FROM assets WHERE deletion_time IS NOT NULL`); n != 0 {
		t.Errorf("%d assets with a deletion time after clearing it", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM upgrade_requests WHERE last_attempt IS NOT NULL`); n != 0 {
		t.Errorf("%d requests with a last attempt after clearing it", n)
	}
}

// sameJSON reports equal documents, nil (none) and empty apart.
func sameJSON(x, y []byte) bool { return (x == nil) == (y == nil) && string(x) == string(y) }

func equalAsset(a, b qslocal.Asset) bool {
	return sameJSON(a.Meta, b.Meta) && sameJSON(a.Doc, b.Doc) &&
		a.Account == b.Account && a.Kind == b.Kind && a.ID == b.ID && a.Name == b.Name &&
		a.Status == b.Status && a.Version == b.Version &&
		a.CreatedAt == b.CreatedAt && a.UpdatedAt == b.UpdatedAt && a.DeletionTime == b.DeletionTime
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
			tx.CreateAsset(ctx, asset("1", "an")),
			tx.CreateAssetVersion(ctx, assetVersion("1", "an", 1)),
			tx.SetAssetLink(ctx, assetLink("1", "an", "alias", "latest", "1")),
			tx.CreateUser(ctx, user("1", "default", "alice")),
			tx.CreateAssignment(ctx, assignment("1", "default", "as", []string{"alice"}, nil)),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "alice")),
			tx.Grant(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: "user/default/alice", Actions: []string{"a"}}}),
		)
	})
	bad := "x\xff\x00"
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		writes := map[string]error{
			"CreateAsset id":   tx.CreateAsset(ctx, asset("1", bad)),
			"CreateAsset kind": tx.CreateAsset(ctx, func() qslocal.Asset { a := asset("1", "x"); a.Kind = bad; return a }()),
			"CreateAsset name": tx.CreateAsset(ctx, func() qslocal.Asset { a := asset("1", "x"); a.Name = bad; return a }()),
			"UpdateAsset name": tx.UpdateAsset(ctx, func() qslocal.Asset { a := asset("1", "an"); a.Name = bad; return a }()),
			"CreateAssetVersion status": tx.CreateAssetVersion(ctx, func() qslocal.AssetVersion {
				v := assetVersion("1", "an", 2)
				v.Status = bad
				return v
			}()),
			"CreateAssetVersion name": tx.CreateAssetVersion(ctx, func() qslocal.AssetVersion {
				v := assetVersion("1", "an", 2)
				v.Name = bad
				return v
			}()),
			"SetAssetLink rel":      tx.SetAssetLink(ctx, assetLink("1", "an", bad, "n", "t")),
			"SetAssetLink name":     tx.SetAssetLink(ctx, assetLink("1", "an", "alias", bad, "t")),
			"SetAssetLink target":   tx.SetAssetLink(ctx, assetLink("1", "an", "alias", "n", bad)),
			"CreateAssignment name": tx.CreateAssignment(ctx, assignment("1", "default", bad, nil, nil)),
			"CreateAssignment policy": tx.CreateAssignment(ctx, func() qslocal.Assignment {
				a := assignment("1", "default", "x", nil, nil)
				a.PolicyARN = bad
				return a
			}()),
			"UpdateAssignment status": tx.UpdateAssignment(ctx, func() qslocal.Assignment {
				a := assignment("1", "default", "as", nil, nil)
				a.Status = bad
				return a
			}()),
			"Grant principal": tx.Grant(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: bad, Actions: []string{"a"}}}),
			"Grant action":    tx.Grant(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: "p", Actions: []string{bad}}}),
			"Grant resource":  tx.Grant(ctx, "1", bad, []qslocal.Grant{{Principal: "p", Actions: []string{"a"}}}),
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
		// Lookups, updates and deletions of such names find nothing, and
		// neither do writes naming users or groups no row can have.
		for what, err := range map[string]error{
			"Asset":                          func() error { _, err := tx.Asset(ctx, "1", "analysis", bad); return err }(),
			"Asset kind":                     func() error { _, err := tx.Asset(ctx, "1", bad, "an"); return err }(),
			"UpdateAsset":                    tx.UpdateAsset(ctx, asset("1", bad)),
			"DeleteAsset":                    tx.DeleteAsset(ctx, "1", "analysis", bad),
			"CreateAssetVersion":             tx.CreateAssetVersion(ctx, assetVersion("1", bad, 1)),
			"AssetVersion":                   func() error { _, err := tx.AssetVersion(ctx, "1", "analysis", bad, 1); return err }(),
			"DeleteAssetVersion":             tx.DeleteAssetVersion(ctx, "1", "analysis", bad, 1),
			"SetAssetLink":                   tx.SetAssetLink(ctx, assetLink("1", bad, "alias", "n", "t")),
			"AssetLink":                      func() error { _, err := tx.AssetLink(ctx, "1", "analysis", "an", "alias", bad); return err }(),
			"DeleteAssetLink":                tx.DeleteAssetLink(ctx, "1", "analysis", "an", bad, "latest"),
			"CreateAssignment namespace":     tx.CreateAssignment(ctx, assignment("1", bad, "x", nil, nil)),
			"CreateAssignment user":          tx.CreateAssignment(ctx, assignment("1", "default", "x", []string{"alice", bad}, nil)),
			"CreateAssignment group":         tx.CreateAssignment(ctx, assignment("1", "default", "x", nil, []string{bad})),
			"Assignment":                     func() error { _, err := tx.Assignment(ctx, "1", "default", bad); return err }(),
			"UpdateAssignment":               tx.UpdateAssignment(ctx, assignment("1", "default", bad, nil, nil)),
			"UpdateAssignment user":          tx.UpdateAssignment(ctx, assignment("1", "default", "as", []string{bad}, nil)),
			"DeleteAssignment":               tx.DeleteAssignment(ctx, "1", bad, "as"),
			"UpgradeRequest":                 func() error { _, err := tx.UpgradeRequest(ctx, "1", "default", bad); return err }(),
			"UpdateUpgradeRequest namespace": tx.UpdateUpgradeRequest(ctx, upgradeRequest("1", bad, "r", "alice")),
		} {
			if !errors.Is(err, qslocal.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", what, err)
			}
		}
		for what, err := range map[string]error{
			"Revoke":              tx.Revoke(ctx, "1", "analysis/an", []qslocal.Grant{{Principal: bad, Actions: []string{"a"}}, {Principal: "user/default/alice", Actions: []string{bad}}}),
			"Revoke resource":     tx.Revoke(ctx, "1", bad, []qslocal.Grant{{Principal: "p", Actions: []string{"a"}}}),
			"ClearGrants":         tx.ClearGrants(ctx, "1", bad),
			"DropPrincipal":       tx.DropPrincipal(ctx, "1", bad),
			"DropPrincipalPrefix": tx.DropPrincipalPrefix(ctx, "1", "\xf4"),
		} {
			if err != nil {
				t.Errorf("%s: %v", what, err)
			}
		}
		if g, err := tx.Grants(ctx, "1", bad); err != nil || g == nil || len(g) != 0 {
			t.Errorf("Grants = %#v, %v; want an empty list", g, err)
		}
		if st, err := tx.SelfUpgradeStatus(ctx, bad, "default"); err != nil || st != "" {
			t.Errorf("SelfUpgradeStatus = %q, %v", st, err)
		}
		if n, err := tx.CountUsers(ctx, "1", bad); err != nil || n != 0 {
			t.Errorf("CountUsers = %d, %v", n, err)
		}
		for _, f := range [][2]string{{bad, ""}, {"", bad}} {
			if rs, err := tx.ListUpgradeRequests(ctx, "1", "default", f[0], f[1], "", 10); err != nil || len(rs) != 0 {
				t.Errorf("ListUpgradeRequests(user %q, status %q) = %v, %v", f[0], f[1], rs, err)
			}
			if as, err := tx.ListUserAssignments(ctx, "1", "default", "alice"+f[0], f[1], "", 10); err != nil || len(as) != 0 {
				t.Errorf("ListUserAssignments(user alice%q, status %q) = %v, %v", f[0], f[1], as, err)
			}
		}
		if as, err := tx.ListAssets(ctx, "1", "analysis", "an\xff", 10); err != nil || len(as) != 0 {
			t.Errorf("ListAssets after \"an\\xff\" = %v, %v", as, err)
		}
		if as, err := tx.ListAssets(ctx, "1", bad, "", 10); err != nil || len(as) != 0 {
			t.Errorf("ListAssets of kind %q = %v, %v", bad, as, err)
		}
		if vs, err := tx.ListAssetVersions(ctx, "1", "analysis", bad, 0, 10); err != nil || len(vs) != 0 {
			t.Errorf("ListAssetVersions = %v, %v", vs, err)
		}
		if ls, err := tx.ListAssetLinks(ctx, "1", "analysis", "an", "alias", "latest\xff", 10); err != nil || len(ls) != 0 {
			t.Errorf("ListAssetLinks after \"latest\\xff\" = %v, %v", ls, err)
		}
		if as, err := tx.ListAssignments(ctx, "1", "default", bad, "", 10); err != nil || len(as) != 0 {
			t.Errorf("ListAssignments(status %q) = %v, %v", bad, as, err)
		}
		// The transaction is fine.
		return tx.CreateAsset(ctx, asset("1", "after"))
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		g, err := tx.Grants(ctx, "1", "analysis/an")
		if err != nil {
			return err
		}
		if want := []qslocal.Grant{{Principal: "user/default/alice", Actions: []string{"a"}}}; !grantsEqual(g, want) {
			t.Errorf("Grants = %v, want %v", g, want)
		}
		if a, err := tx.Assignment(ctx, "1", "default", "as"); err != nil || !slices.Equal(a.Users, []string{"alice"}) {
			t.Errorf("Assignment = %+v, %v; want it unchanged", a, err)
		}
		_, err = tx.Asset(ctx, "1", "analysis", "after")
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
	bad := "\xff"
	mustView(t, s, func(tx qslocal.Tx) error {
		for what, err := range map[string]error{
			"CreateAsset":                tx.CreateAsset(ctx, asset("1", "an")),
			"CreateAsset, bad account":   tx.CreateAsset(ctx, asset(bad, "an")),
			"UpdateAsset":                tx.UpdateAsset(ctx, asset("1", "an")),
			"UpdateAsset, bad id":        tx.UpdateAsset(ctx, asset("1", bad)),
			"DeleteAsset":                tx.DeleteAsset(ctx, "1", "analysis", "an"),
			"DeleteAsset, bad id":        tx.DeleteAsset(ctx, "1", "analysis", bad),
			"CreateAssetVersion":         tx.CreateAssetVersion(ctx, assetVersion("1", "an", 1)),
			"CreateAssetVersion, bad id": tx.CreateAssetVersion(ctx, assetVersion("1", bad, 1)),
			"DeleteAssetVersion":         tx.DeleteAssetVersion(ctx, "1", "analysis", "an", 1),
			"SetAssetLink":               tx.SetAssetLink(ctx, assetLink("1", "an", "alias", "n", "t")),
			"SetAssetLink, bad id":       tx.SetAssetLink(ctx, assetLink("1", bad, "alias", "n", "t")),
			"DeleteAssetLink":            tx.DeleteAssetLink(ctx, "1", "analysis", "an", "alias", "n"),
			"CreateAssignment":           tx.CreateAssignment(ctx, assignment("1", "default", "as", nil, nil)),
			"CreateAssignment, bad user": tx.CreateAssignment(ctx, assignment("1", "default", "as", []string{bad}, nil)),
			"CreateAssignment, bad name": tx.CreateAssignment(ctx, assignment("1", "default", bad, nil, nil)),
			"UpdateAssignment":           tx.UpdateAssignment(ctx, assignment("1", "default", "as", nil, nil)),
			"UpdateAssignment, bad name": tx.UpdateAssignment(ctx, assignment("1", "default", bad, nil, nil)),
			"DeleteAssignment":           tx.DeleteAssignment(ctx, "1", "default", "as"),
			"Grant":                      tx.Grant(ctx, "1", "r", g),
			"Revoke":                     tx.Revoke(ctx, "1", "r", g),
			"ClearGrants":                tx.ClearGrants(ctx, "1", "r"),
			"DropPrincipal":              tx.DropPrincipal(ctx, "1", "p"),
			"DropPrincipalPrefix":        tx.DropPrincipalPrefix(ctx, "1", "p"),
			"CreateUpgradeRequest":       tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "alice")),
			"UpdateUpgradeRequest":       tx.UpdateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "alice")),
			"SetSelfUpgradeStatus":       tx.SetSelfUpgradeStatus(ctx, "1", "default", "AUTO_APPROVAL"),
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
func TestGrantsLiteralPrefixes(t *testing.T) {
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
			gs, err := tx.Grants(ctx, account, "analysis/b")
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
			a := asset("1", "an")
			a.Name = fmt.Sprint("racer ", i)
			return tx.CreateAsset(ctx, a)
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
		grants, err := tx.Grants(ctx, "1", "analysis/x")
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
