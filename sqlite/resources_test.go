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
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	later := now.Add(time.Hour + 123456*time.Microsecond)
	bare := qslocal.Analysis{Account: "1", ID: "bare", Definition: []byte{}, CreatedAt: now, UpdatedAt: now}
	full := qslocal.Analysis{Account: "1", ID: "full", Name: "n", ThemeARN: "arn:t", Definition: []byte(`{"d":1}`),
		SourceEntity: []byte(`{}`), Parameters: []byte(`null`), Status: "DELETED", CreatedAt: now, UpdatedAt: later, DeletionTime: later}
	attempted := upgradeRequest("1", "default", "attempted", "alice")
	attempted.LastAttempt, attempted.FailureReason = later, "nope"
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateAnalysis(ctx, bare),
			tx.CreateAnalysis(ctx, full),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "fresh", "alice")),
			tx.CreateUpgradeRequest(ctx, attempted))
	})
	var kinds string
	if err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT group_concat(k, ' ') FROM (SELECT typeof(definition) || typeof(source_entity) ||
			typeof(parameters) || typeof(deletion_time) AS k FROM analyses ORDER BY id)) || ' / ' ||
		(SELECT group_concat(k, ' ') FROM (SELECT typeof(last_attempt) AS k FROM upgrade_requests ORDER BY id))`).Scan(&kinds); err != nil {
		t.Fatal(err)
	}
	if want := "nullnullnullnull blobblobblobinteger / integer null"; kinds != want {
		t.Errorf("stored as %q, want %q", kinds, want)
	}
	bare.Definition = nil
	err := s.View(ctx, func(tx qslocal.Tx) error {
		analyses, err := tx.ListAnalyses(ctx, "1", "", 10)
		if err != nil {
			return err
		}
		if len(analyses) != 2 {
			t.Fatalf("ListAnalyses = %+v, want 2", analyses)
		}
		for i, want := range []qslocal.Analysis{bare, full} {
			got := analyses[i]
			if got.Definition != nil || got.SourceEntity != nil || got.Parameters != nil {
				t.Errorf("%s: listed with its documents: %+v", want.ID, got)
			}
			if got, err = tx.Analysis(ctx, "1", want.ID); err != nil {
				return err
			}
			if got.Definition == nil != (want.Definition == nil) || got.SourceEntity == nil != (want.SourceEntity == nil) {
				t.Errorf("%s: nil documents differ: got %+v", want.ID, got)
			}
			if !analysisEqual(got, want) {
				t.Errorf("analysis:\n got %+v\nwant %+v", got, want)
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
	// Clearing a set time clears the column.
	full.DeletionTime, full.Definition = time.Time{}, nil
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateAnalysis(ctx, full) })
	if err := s.read.QueryRowContext(ctx, `SELECT typeof(definition) || typeof(deletion_time) FROM analyses WHERE id = 'full'`).Scan(&kinds); err != nil || kinds != "nullnull" {
		t.Errorf("after clearing, stored as %q, %v; want nullnull", kinds, err)
	}
}

func analysisEqual(a, b qslocal.Analysis) bool {
	return a.Account == b.Account && a.ID == b.ID && a.Name == b.Name && a.ThemeARN == b.ThemeARN &&
		string(a.Definition) == string(b.Definition) && string(a.SourceEntity) == string(b.SourceEntity) &&
		string(a.Parameters) == string(b.Parameters) && a.Status == b.Status &&
		a.CreatedAt == b.CreatedAt && a.UpdatedAt == b.UpdatedAt && a.DeletionTime == b.DeletionTime
}

// Principals and actions sort byte-wise, and prefixes are bytes, not LIKE
// patterns: % and _ match only themselves, case counts.
func TestPermissionsBytes(t *testing.T) {
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
			grants, err := tx.Permissions(ctx, account, resource)
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
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateAnalysis(ctx, qslocal.Analysis{Account: "1", ID: "a"}),
			tx.CreateUpgradeRequest(ctx, upgradeRequest("1", "default", "r", "nobody")))
	})
	var coded interface{ Code() int }
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
		want error
	}{
		{"CreateAnalysis in unknown account", func(tx qslocal.Tx) error { return tx.CreateAnalysis(ctx, qslocal.Analysis{Account: "2", ID: "a"}) }, qslocal.ErrNotFound},
		{"CreateAnalysis of taken id", func(tx qslocal.Tx) error { return tx.CreateAnalysis(ctx, qslocal.Analysis{Account: "1", ID: "a"}) }, qslocal.ErrExists},
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
		{"UpdateAnalysis of unknown id", func(tx qslocal.Tx) error { return tx.UpdateAnalysis(ctx, qslocal.Analysis{Account: "1", ID: "b"}) }},
		{"DeleteAnalysis of unknown id", func(tx qslocal.Tx) error { return tx.DeleteAnalysis(ctx, "1", "b") }},
		{"UpdateUpgradeRequest of unknown id", func(tx qslocal.Tx) error {
			return tx.UpdateUpgradeRequest(ctx, upgradeRequest("1", "default", "q", "alice"))
		}},
	} {
		if err := s.Update(ctx, tt.fn); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", tt.name, err)
		}
	}
}
