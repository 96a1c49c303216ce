package sqlite

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func upgradeRequest(account, namespace, id, user string) qslocal.UpgradeRequest {
	return qslocal.UpgradeRequest{
		Account: account, Namespace: namespace, ID: id, UserName: user,
		OriginalRole: "READER", RequestedRole: "AUTHOR", Status: "PENDING", CreatedAt: now,
	}
}

// Optional times and JSON documents are NULL when unset, and read back as
// the zero time and nil; set ones keep their microseconds.
func TestOptionalColumns(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	later := now.Add(time.Hour + 123456*time.Microsecond)
	bare := qslocal.Asset{Account: "1", Kind: "analysis", ID: "bare", Meta: []byte{}, CreatedAt: now, UpdatedAt: now}
	full := qslocal.Asset{Account: "1", Kind: "analysis", ID: "full", Name: "n", Status: "DELETED", Version: 3,
		CreatedAt: now, UpdatedAt: later, DeletionTime: later, Meta: []byte(`{"m":1}`), Doc: []byte(`null`)}
	bareVersion := qslocal.AssetVersion{Account: "1", Kind: "analysis", ID: "full", Number: 1, Doc: []byte{}, CreatedAt: now}
	fullVersion := qslocal.AssetVersion{Account: "1", Kind: "analysis", ID: "full", Number: 2, Status: "s",
		CreatedAt: later, Meta: []byte(`{}`), Doc: []byte(`{"d":1}`)}
	attempted := upgradeRequest("1", "default", "attempted", "alice")
	attempted.LastAttempt, attempted.FailureReason = later, "nope"
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateAsset(ctx, bare),
			tx.CreateAsset(ctx, full),
			tx.CreateAssetVersion(ctx, bareVersion),
			tx.CreateAssetVersion(ctx, fullVersion),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "fresh", "alice")),
			tx.CreateUpgradeRequest(ctx, attempted))
	})
	var kinds string
	if err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT group_concat(k, ' ') FROM (SELECT typeof(meta) || typeof(doc) || typeof(deletion_time) AS k FROM assets ORDER BY id)) || ' / ' ||
		(SELECT group_concat(k, ' ') FROM (SELECT typeof(meta) || typeof(doc) AS k FROM asset_versions ORDER BY number)) || ' / ' ||
		(SELECT group_concat(k, ' ') FROM (SELECT typeof(last_attempt) AS k FROM upgrade_requests ORDER BY id))`).Scan(&kinds); err != nil {
		t.Fatal(err)
	}
	if want := "nullnullnull blobblobinteger / nullnull blobblob / integer null"; kinds != want {
		t.Errorf("stored as %q, want %q", kinds, want)
	}
	bare.Meta, bareVersion.Doc = nil, nil
	err := s.View(ctx, func(tx qslocal.Tx) error {
		assets, err := tx.ListAssets(ctx, "1", "analysis", "", 10)
		if err != nil {
			return err
		}
		if len(assets) != 2 {
			t.Fatalf("ListAssets = %+v, want 2", assets)
		}
		for i, want := range []qslocal.Asset{bare, full} {
			got := assets[i]
			if got.Doc != nil || string(got.Meta) != string(want.Meta) || got.Meta == nil != (want.Meta == nil) {
				t.Errorf("%s: listed with Doc %q and Meta %q, want no Doc and Meta %q", want.ID, got.Doc, got.Meta, want.Meta)
			}
			if got, err = tx.Asset(ctx, "1", "analysis", want.ID); err != nil {
				return err
			}
			if got.Meta == nil != (want.Meta == nil) || got.Doc == nil != (want.Doc == nil) {
				t.Errorf("%s: nil documents differ: got %+v", want.ID, got)
			}
			if !assetEqual(got, want) || got.DeletionTime.Location() != time.UTC {
				t.Errorf("asset:\n got %+v\nwant %+v", got, want)
			}
		}
		for _, want := range []qslocal.AssetVersion{bareVersion, fullVersion} {
			got, err := tx.AssetVersion(ctx, "1", "analysis", "full", want.Number)
			if err != nil {
				return err
			}
			if got.Meta == nil != (want.Meta == nil) || got.Doc == nil != (want.Doc == nil) ||
				string(got.Meta) != string(want.Meta) || string(got.Doc) != string(want.Doc) || got.CreatedAt != want.CreatedAt {
				t.Errorf("version:\n got %+v\nwant %+v", got, want)
			}
		}
		for _, want := range []qslocal.UpgradeRequest{upgradeRequest("1", "default", "fresh", "alice"), attempted} {
			got, err := tx.UpgradeRequest(ctx, "1", "default", want.ID)
			if err != nil {
				return err
			}
			if got != want || got.LastAttempt.Location() != time.UTC {
				t.Errorf("upgrade request:\n got %+v\nwant %+v", got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Clearing a set time or document clears the column.
	full.DeletionTime, full.Meta, full.Doc = time.Time{}, nil, []byte{}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, full) })
	if err := s.read.QueryRowContext(ctx, `SELECT typeof(meta) || typeof(doc) || typeof(deletion_time) FROM assets WHERE id = 'full'`).Scan(&kinds); err != nil || kinds != "nullnullnull" {
		t.Errorf("after clearing, stored as %q, %v; want nullnullnull", kinds, err)
	}
}

func assetEqual(a, b qslocal.Asset) bool {
	return a.Account == b.Account && a.Kind == b.Kind && a.ID == b.ID && a.Name == b.Name && a.Status == b.Status &&
		a.Version == b.Version && string(a.Meta) == string(b.Meta) && string(a.Doc) == string(b.Doc) &&
		a.CreatedAt == b.CreatedAt && a.UpdatedAt == b.UpdatedAt && a.DeletionTime == b.DeletionTime
}

// Principals and actions sort byte-wise, and prefixes are bytes, not LIKE
// patterns: % and _ match only themselves, case counts.
func TestGrantsBytes(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	principals := []string{"user/d%/a", "user/d_/a", "user/dX/a", "user/dx/a", "User/d%/a", "user/d%", "user/d\xff/a", "user/d%\xff"}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		for _, p := range principals {
			for _, r := range []string{"analysis/a", "analysis/b"} {
				if err := tx.Grant(ctx, "1", r, []qslocal.Grant{{Principal: p, Actions: []string{"b", "a", "B", "é"}}}); err != nil {
					return err
				}
			}
			if err := tx.Grant(ctx, "2", "analysis/a", []qslocal.Grant{{Principal: p, Actions: []string{"a"}}}); err != nil {
				return err
			}
		}
		return nil
	})
	principalsOf := func(account, resource string) []string {
		var got []string
		err := s.View(ctx, func(tx qslocal.Tx) error {
			grants, err := tx.Grants(ctx, account, resource)
			for _, g := range grants {
				got = append(got, g.Principal)
				if want := []string{"B", "a", "b", "é"}; account == "1" && !slices.Equal(g.Actions, want) {
					t.Errorf("%s actions = %q, want %q", g.Principal, g.Actions, want)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	sorted := slices.Sorted(slices.Values(principals))
	if got := principalsOf("1", "analysis/a"); !slices.Equal(got, sorted) {
		t.Errorf("principals = %q, want %q", got, sorted)
	}

	for _, step := range []struct {
		prefix string
		gone   []string
	}{
		{"user/d_", []string{"user/d_/a"}},
		{"user/d%/", []string{"user/d%/a"}},
		{"user/dx", []string{"user/dx/a"}},
		{"user/d\xff", []string{"user/d\xff/a"}},
		{"user/d%", []string{"user/d%", "user/d%\xff"}},
		{"", []string{"User/d%/a", "user/dX/a"}},
	} {
		mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DropPrincipalPrefix(ctx, "1", step.prefix) })
		sorted = slices.DeleteFunc(sorted, func(p string) bool { return slices.Contains(step.gone, p) })
		for _, r := range []string{"analysis/a", "analysis/b"} {
			if got := principalsOf("1", r); !slices.Equal(got, sorted) {
				t.Errorf("after DropPrincipalPrefix(%q), %s principals = %q, want %q", step.prefix, r, got, sorted)
			}
		}
	}
	if got := principalsOf("2", "analysis/a"); len(got) != len(principals) {
		t.Errorf("account 2 kept %d principals, want %d", len(got), len(principals))
	}
}

// ListUpgradeRequests combines its filters with paging, and the self-upgrade
// status belongs to the namespace: gone with it, unset when it comes back.
func TestUpgradeRequests(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		errs := []error{tx.EnsureAccount(ctx, "1", "us-east-1", now)}
		for i, id := range []string{"r0", "r1", "r2", "r3", "r4", "r5"} {
			r := upgradeRequest("1", "default", id, []string{"alice", "bob"}[i%2])
			r.Status = []string{"PENDING", "APPROVED", "PENDING"}[i%3]
			errs = append(errs, tx.CreateUpgradeRequest(ctx, r))
		}
		return errors.Join(append(errs, tx.SetSelfUpgradeStatus(ctx, "1", "default", "AUTO_APPROVAL"))...)
	})
	tests := []struct {
		user, status, after string
		limit               int
		want                []string
	}{
		{"", "", "", 10, []string{"r0", "r1", "r2", "r3", "r4", "r5"}},
		{"", "", "r1", 2, []string{"r2", "r3"}},
		{"alice", "", "", 10, []string{"r0", "r2", "r4"}},
		{"", "PENDING", "r0", 10, []string{"r2", "r3", "r5"}},
		{"bob", "PENDING", "", 10, []string{"r3", "r5"}},
		{"bob", "PENDING", "r3", 10, []string{"r5"}},
		{"carol", "", "", 10, nil},
		{"", "", "", 0, nil},
	}
	for _, tt := range tests {
		var got []string
		err := s.View(ctx, func(tx qslocal.Tx) error {
			rs, err := tx.ListUpgradeRequests(ctx, "1", "default", tt.user, tt.status, tt.after, tt.limit)
			for _, r := range rs {
				got = append(got, r.ID)
			}
			return err
		})
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ListUpgradeRequests(%q, %q, after %q, %d) = %q, %v; want %q", tt.user, tt.status, tt.after, tt.limit, got, err, tt.want)
		}
	}

	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(tx.DeleteNamespace(ctx, "1", "default"), tx.EnsureAccount(ctx, "1", "us-east-1", now))
	})
	err := s.View(ctx, func(tx qslocal.Tx) error {
		if got, err := tx.SelfUpgradeStatus(ctx, "1", "default"); err != nil || got != "" {
			t.Errorf("SelfUpgradeStatus of the new namespace = %q, %v; want none", got, err)
		}
		if rs, err := tx.ListUpgradeRequests(ctx, "1", "default", "", "", "", 10); err != nil || len(rs) != 0 {
			t.Errorf("ListUpgradeRequests of the new namespace = %+v, %v; want none", rs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Missing parents are ErrNotFound and taken keys ErrExists, each wrapping
// the driver's error.
func TestResourceErrors(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateUser(ctx, user("1", "default", "alice")),
			tx.CreateAsset(ctx, qslocal.Asset{Account: "1", Kind: "analysis", ID: "a"}),
			tx.CreateAssetVersion(ctx, qslocal.AssetVersion{Account: "1", Kind: "analysis", ID: "a", Number: 1}),
			tx.CreateAssignment(ctx, qslocal.Assignment{Account: "1", Namespace: "default", Name: "p"}),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "nobody")))
	})
	var coded interface{ Code() int }
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
		want error
	}{
		{"CreateAsset in unknown account", func(tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, qslocal.Asset{Account: "2", Kind: "analysis", ID: "a"})
		}, qslocal.ErrNotFound},
		{"CreateAsset of taken id", func(tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, qslocal.Asset{Account: "1", Kind: "analysis", ID: "a"})
		}, qslocal.ErrExists},
		{"CreateAssetVersion of unknown asset", func(tx qslocal.Tx) error {
			return tx.CreateAssetVersion(ctx, qslocal.AssetVersion{Account: "1", Kind: "flow", ID: "a", Number: 1})
		}, qslocal.ErrNotFound},
		{"CreateAssetVersion of taken number", func(tx qslocal.Tx) error {
			return tx.CreateAssetVersion(ctx, qslocal.AssetVersion{Account: "1", Kind: "analysis", ID: "a", Number: 1})
		}, qslocal.ErrExists},
		{"SetAssetLink of unknown asset", func(tx qslocal.Tx) error {
			return tx.SetAssetLink(ctx, qslocal.AssetLink{Account: "1", Kind: "analysis", ID: "b", Rel: "r", Name: "n"})
		}, qslocal.ErrNotFound},
		{"CreateAssignment in unknown namespace", func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, qslocal.Assignment{Account: "1", Namespace: "other", Name: "p"})
		}, qslocal.ErrNotFound},
		{"CreateAssignment of taken name", func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, qslocal.Assignment{Account: "1", Namespace: "default", Name: "p"})
		}, qslocal.ErrExists},
		{"CreateAssignment of unknown user", func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, qslocal.Assignment{Account: "1", Namespace: "default", Name: "q", Users: []string{"alice", "bob"}})
		}, qslocal.ErrNotFound},
		{"UpdateAssignment with unknown group", func(tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, qslocal.Assignment{Account: "1", Namespace: "default", Name: "p", Groups: []string{"g"}})
		}, qslocal.ErrNotFound},
		{"CreateUpgradeRequest in unknown namespace", func(tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "other", "r", "alice"))
		}, qslocal.ErrNotFound},
		{"CreateUpgradeRequest of taken id", func(tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "alice"))
		}, qslocal.ErrExists},
	} {
		err := s.Update(ctx, tt.fn)
		if !errors.Is(err, tt.want) || !errors.As(err, &coded) {
			t.Errorf("%s: %v, want %v wrapping the driver error", tt.name, err, tt.want)
		}
	}
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"SetSelfUpgradeStatus in unknown namespace", func(tx qslocal.Tx) error { return tx.SetSelfUpgradeStatus(ctx, "1", "other", "AUTO_APPROVAL") }},
		{"UpdateAsset of unknown id", func(tx qslocal.Tx) error {
			return tx.UpdateAsset(ctx, qslocal.Asset{Account: "1", Kind: "analysis", ID: "b"})
		}},
		{"DeleteAsset of unknown id", func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, "1", "analysis", "b") }},
		{"DeleteAssetVersion of unknown number", func(tx qslocal.Tx) error { return tx.DeleteAssetVersion(ctx, "1", "analysis", "a", 2) }},
		{"DeleteAssetLink of unknown name", func(tx qslocal.Tx) error { return tx.DeleteAssetLink(ctx, "1", "analysis", "a", "r", "n") }},
		{"UpdateAssignment of unknown name", func(tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, qslocal.Assignment{Account: "1", Namespace: "default", Name: "q"})
		}},
		{"DeleteAssignment of unknown name", func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, "1", "default", "q") }},
		{"UpdateUpgradeRequest of unknown id", func(tx qslocal.Tx) error {
			return tx.UpdateUpgradeRequest(ctx, upgradeRequest("1", "default", "q", "alice"))
		}},
	} {
		if err := s.Update(ctx, tt.fn); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", tt.name, err)
		}
	}
}
