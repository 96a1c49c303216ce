package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func getAnalysis(t *testing.T, s qslocal.Store, account, id string) (qslocal.Analysis, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.Analysis, error) { return tx.Analysis(t.Context(), account, id) })
}

// listAnalyses lists analyses, checks that the listing carries none of
// their JSON documents, and returns the full rows read in the same
// transaction, for comparison with what was written.
func listAnalyses(t *testing.T, s qslocal.Store, account, after string, limit int) []qslocal.Analysis {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Analysis, error) {
		as, err := tx.ListAnalyses(t.Context(), account, after, limit)
		if err != nil {
			return nil, err
		}
		for i, a := range as {
			if a.Definition != nil || a.SourceEntity != nil || a.Parameters != nil {
				t.Errorf("ListAnalyses returned analysis %q with its JSON documents", a.ID)
			}
			full, err := tx.Analysis(t.Context(), account, a.ID)
			if err != nil {
				return nil, err
			}
			a.Definition, a.SourceEntity, a.Parameters = full.Definition, full.SourceEntity, full.Parameters
			as[i] = a
		}
		return as, nil
	})
}

// createAnalyses creates the analyses in one Update.
func createAnalyses(t *testing.T, s qslocal.Store, as ...qslocal.Analysis) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, a := range as {
			if err := tx.CreateAnalysis(t.Context(), a); err != nil {
				return fmt.Errorf("CreateAnalysis(%s, %q): %w", a.Account, a.ID, err)
			}
		}
		return nil
	})
}

// deletedAnalysis is an analysis waiting out its recovery window.
func deletedAnalysis(account, id string) qslocal.Analysis {
	a := newAnalysis(account, id)
	a.Status = "DELETED"
	a.DeletionTime = t0.Add(30*24*time.Hour + 7*time.Microsecond)
	return a
}

// bigDefinition is a JSON document of some hundred kilobytes.
func bigDefinition() []byte {
	var b strings.Builder
	b.WriteString(`{"Sheets":[`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"SheetId":"sheet-%04d","Name":"Sheet é ✓ \"%d\"","Visuals":[]}`, i, i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func testAnalysisRoundTrip(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct, acct2})
	minimal := qslocal.Analysis{Account: acct, ID: "minimal"}
	onlyDefinition := newAnalysis(acct, "only-definition")
	onlyDefinition.SourceEntity, onlyDefinition.Parameters = nil, nil
	onlySource := newAnalysis(acct, "only-source")
	onlySource.Definition, onlySource.Parameters = nil, nil
	onlyParameters := newAnalysis(acct, "only-parameters")
	onlyParameters.Definition, onlyParameters.SourceEntity = nil, nil
	// Kept as sent: not normalized, not re-encoded.
	raw := newAnalysis(acct, "raw")
	raw.Definition = []byte(" {\n\t\"B\" : 1,\"A\":[ ] , \"é\":\"\\u00e9\\u0000\\\"\", \"A\": 1.50e+2 }\n")
	raw.SourceEntity = []byte(`{}`)
	raw.Parameters = []byte(`{"StringParameters":[{"Name":"p%_*","Values":["%","_","*","'",";--"]}]}`)
	big := newAnalysis(acct, "big")
	big.Definition = bigDefinition()
	utc := newAnalysis(acct, "utc")
	utc.CreatedAt = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	utc.UpdatedAt = time.Date(2100, 1, 1, 0, 0, 0, 1000, time.UTC)
	utc.DeletionTime = time.Date(2100, 1, 31, 0, 0, 0, 1000, time.UTC)
	elsewhere := newAnalysis(acct2, "abc")
	elsewhere.Name, elsewhere.Definition, elsewhere.Status = "elsewhere", []byte(`{"Sheets":[]}`), "UPDATE_FAILED"

	as := []qslocal.Analysis{
		minimal, onlyDefinition, onlySource, onlyParameters, raw, big, utc, elsewhere,
		deletedAnalysis(acct, "deleted"),
	}
	for _, id := range []string{"abc", "ABC", "a/b", "a%b", "a_b", "a b", "é", "分析", "0f8fad5b-d9cb-469f-a165-70867728950e"} {
		as = append(as, newAnalysis(acct, id))
	}
	createAnalyses(t, s, as...)

	for _, want := range as {
		got, err := getAnalysis(t, s, want.Account, want.ID)
		if err != nil {
			t.Errorf("Analysis(%s, %q): %v", want.Account, want.ID, err)
			continue
		}
		checkAnalysis(t, got, want)
	}
	for _, tt := range []struct{ account, id string }{
		{acct, "Abc"}, {acct, "nope"}, {acct, "ab"}, {acct, "abc "}, {acct, ""},
		{acct2, "ABC"}, {acct2, "deleted"}, {"999", "abc"}, {"", "abc"},
	} {
		_, err := getAnalysis(t, s, tt.account, tt.id)
		checkErr(t, fmt.Sprintf("Analysis(%q, %q)", tt.account, tt.id), err, qslocal.ErrNotFound)
	}
}

func testCreateAnalysisConflicts(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	existing, gone := newAnalysis(acct, "abc"), deletedAnalysis(acct, "gone")
	createAnalyses(t, s, existing, gone)

	other := func(account, id string) qslocal.Analysis {
		a := newAnalysis(account, id)
		a.Name, a.Definition, a.CreatedAt = "another", nil, t0.Add(time.Hour)
		return a
	}
	tests := []struct {
		name string
		a    qslocal.Analysis
		want error
	}{
		{"same analysis", existing, qslocal.ErrExists},
		{"taken id", other(acct, "abc"), qslocal.ErrExists},
		{"id of a deleted analysis", other(acct, "gone"), qslocal.ErrExists},
		{"unknown account", other("999", "x"), qslocal.ErrNotFound},
		{"empty account", other("", "x"), qslocal.ErrNotFound},
		{"other case", other(acct, "ABC"), nil},
		{"same id in another account", other(acct2, "abc"), nil},
		{"deleted id in another account", other(acct2, "gone"), nil},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateAnalysis(ctx, tt.a) })
		checkErr(t, "CreateAnalysis "+tt.name, err, tt.want)
	}
	for _, want := range []qslocal.Analysis{existing, gone, other(acct, "ABC"), other(acct2, "abc"), other(acct2, "gone")} {
		got, err := getAnalysis(t, s, want.Account, want.ID)
		if err != nil {
			t.Errorf("Analysis(%s, %q): %v", want.Account, want.ID, err)
			continue
		}
		checkAnalysis(t, got, want)
	}
	checkStrings(t, "ListAnalyses", analysisIDs(listAnalyses(t, s, acct, "", 10)), []string{"ABC", "abc", "gone"})
	_, err := getAnalysis(t, s, "999", "x")
	checkErr(t, "Analysis of unknown account", err, qslocal.ErrNotFound)
}

func testUpdateAnalysis(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	orig, neighbour, elsewhere := newAnalysis(acct, "abc"), newAnalysis(acct, "abd"), newAnalysis(acct2, "abc")
	createAnalyses(t, s, orig, neighbour, elsewhere)

	// Every field but the key changes, some to their zero value, and the
	// analysis is deleted.
	changed := qslocal.Analysis{
		Account:      acct,
		ID:           "abc",
		SourceEntity: []byte(`{"SourceAnalysis":{"Arn":"x"}}`),
		Status:       "DELETED",
		CreatedAt:    t0.Add(-time.Hour),
		UpdatedAt:    t0.Add(time.Hour + 7*time.Microsecond),
		DeletionTime: t0.Add(7 * 24 * time.Hour),
	}
	// Restored: the deletion time is zero again.
	restored := newAnalysis(acct, "abc")
	restored.Name, restored.ThemeARN, restored.Status = "restored", "arn:aws:quicksight::aws:theme/CLASSIC", "UPDATE_SUCCESSFUL"
	restored.Definition, restored.Parameters = []byte(` { "Sheets" : [ ] } `), []byte(`{"DecimalParameters":[]}`)
	restored.UpdatedAt = t0.Add(2 * time.Hour)
	for _, want := range []qslocal.Analysis{changed, restored, changed, orig} {
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAnalysis(ctx, want) })
		got, err := getAnalysis(t, s, acct, "abc")
		if err != nil {
			t.Fatalf("Analysis after update: %v", err)
		}
		checkAnalysis(t, got, want)
	}

	// ListAnalyses sees the deleting update, and then the restoring one.
	for _, want := range []qslocal.Analysis{changed, restored} {
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAnalysis(ctx, want) })
		checkAnalyses(t, listAnalyses(t, s, acct, "", 10), []qslocal.Analysis{want, neighbour})
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAnalysis(ctx, orig) })

	for _, tt := range []struct {
		name string
		a    qslocal.Analysis
	}{
		{"unknown id", newAnalysis(acct, "nope")},
		{"other case", newAnalysis(acct, "ABC")},
		{"prefix of an id", newAnalysis(acct, "ab")},
		{"id only in another account", newAnalysis(acct2, "abd")},
		{"unknown account", newAnalysis("999", "abc")},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateAnalysis(ctx, tt.a) })
		checkErr(t, "UpdateAnalysis "+tt.name, err, qslocal.ErrNotFound)
	}
	checkAnalyses(t, listAnalyses(t, s, acct, "", 10), []qslocal.Analysis{orig, neighbour})
	checkAnalyses(t, listAnalyses(t, s, acct2, "", 10), []qslocal.Analysis{elsewhere})
	checkStrings(t, "ListAnalyses of unknown account", analysisIDs(listAnalyses(t, s, "999", "", 10)), nil)
}

func testDeleteAnalysis(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	abc, abd, upper, gone, elsewhere := newAnalysis(acct, "abc"), newAnalysis(acct, "abd"), newAnalysis(acct, "ABC"),
		deletedAnalysis(acct, "gone"), newAnalysis(acct2, "abc")
	createAnalyses(t, s, abc, abd, upper, gone, elsewhere)
	const res = "analysis/abc"
	grants := []qslocal.Grant{grant("user/default/alice", "quicksight:DescribeAnalysis", "quicksight:UpdateAnalysis")}
	update(t, s, func(tx qslocal.Tx) error {
		if err := tx.SetTags(ctx, acct, res, tags("k", "v")); err != nil {
			return err
		}
		return tx.Grant(ctx, acct, res, grants)
	})

	for _, tt := range []struct{ account, id string }{{acct, "Abc"}, {acct, "nope"}, {acct, "ab"}, {acct2, "abd"}, {"999", "abc"}} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAnalysis(ctx, tt.account, tt.id) })
		checkErr(t, fmt.Sprintf("DeleteAnalysis(%q, %q)", tt.account, tt.id), err, qslocal.ErrNotFound)
	}

	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAnalysis(ctx, acct, "abc") })
	_, err := getAnalysis(t, s, acct, "abc")
	checkErr(t, "Analysis after delete", err, qslocal.ErrNotFound)
	checkAnalyses(t, listAnalyses(t, s, acct, "", 10), []qslocal.Analysis{upper, abd, gone})
	checkAnalyses(t, listAnalyses(t, s, acct2, "", 10), []qslocal.Analysis{elsewhere})
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"second DeleteAnalysis", func(tx qslocal.Tx) error { return tx.DeleteAnalysis(ctx, acct, "abc") }},
		{"UpdateAnalysis after delete", func(tx qslocal.Tx) error { return tx.UpdateAnalysis(ctx, abc) }},
	} {
		checkErr(t, tt.name, tryUpdate(t, s, tt.fn), qslocal.ErrNotFound)
	}
	// Its tags and permissions stay: the service clears them itself.
	checkTags(t, "Tags after DeleteAnalysis", getTags(t, s, acct, res), tags("k", "v"))
	checkGrants(t, "Permissions after DeleteAnalysis", getPermissions(t, s, acct, res), grants)

	// One waiting out its recovery window goes for good too.
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAnalysis(ctx, acct, "gone") })
	_, err = getAnalysis(t, s, acct, "gone")
	checkErr(t, "Analysis after deleting a deleted analysis", err, qslocal.ErrNotFound)

	// The ids are free again.
	again := newAnalysis(acct, "abc")
	again.Name, again.Definition = "again", nil
	createAnalyses(t, s, again, newAnalysis(acct, "gone"))
	got, err := getAnalysis(t, s, acct, "abc")
	if err != nil {
		t.Fatalf("Analysis after re-creating: %v", err)
	}
	checkAnalysis(t, got, again)
	got, err = getAnalysis(t, s, acct, "gone")
	if err != nil {
		t.Fatalf("Analysis after re-creating: %v", err)
	}
	checkAnalysis(t, got, newAnalysis(acct, "gone"))

	// A rolled back delete keeps the analysis.
	err = tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.DeleteAnalysis(ctx, acct, "abd"); err != nil {
			return err
		}
		if _, err := tx.Analysis(ctx, acct, "abd"); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("Analysis in the deleting transaction: err = %v, want %v", err, qslocal.ErrNotFound)
		}
		return errBoom
	})
	checkErr(t, "rolled back DeleteAnalysis", err, errBoom)
	got, err = getAnalysis(t, s, acct, "abd")
	if err != nil {
		t.Fatalf("Analysis after rolled back delete: %v", err)
	}
	checkAnalysis(t, got, abd)
}

func testListAnalyses(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct, acct2})
	ids := byteOrder("b", "B", "a", "A", "é", "ê", "z", "a b", "a/b", "a%", "a_", "0", "aa", "\U0010ffff")
	var as []qslocal.Analysis
	for i, id := range ids {
		a := newAnalysis(acct, id)
		if i%3 == 1 {
			a = deletedAnalysis(acct, id) // deleted ones are listed too
		}
		as = append(as, a)
	}
	createAnalyses(t, s, append(as, newAnalysis(acct2, "a"), newAnalysis(acct2, "c"))...)

	checkAnalyses(t, listAnalyses(t, s, acct, "", 100), as)
	checkListing(t, "ListAnalyses", ids, func(after string, limit int) []string {
		return analysisIDs(listAnalyses(t, s, acct, after, limit))
	})
	for _, tt := range []struct {
		after string
		limit int
		want  []string
	}{
		{"a", 3, []string{"a b", "a%", "a/b"}},
		{"a%", 2, []string{"a/b", "a_"}}, // not a LIKE pattern
		{"Z", 1, []string{"a"}},
		{"z", 10, []string{"é", "ê", "\U0010ffff"}},
		{"é", 1, []string{"ê"}},
	} {
		checkStrings(t, fmt.Sprintf("ListAnalyses(after %q, limit %d)", tt.after, tt.limit),
			analysisIDs(listAnalyses(t, s, acct, tt.after, tt.limit)), tt.want)
	}
	checkStrings(t, "ListAnalyses of acct2", analysisIDs(listAnalyses(t, s, acct2, "", 10)), []string{"a", "c"})
	checkStrings(t, "ListAnalyses of unknown account", analysisIDs(listAnalyses(t, s, "999", "", 10)), nil)
}

func testAnalysisErrorsKeepTransaction(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	abc := newAnalysis(acct, "abc")
	createAnalyses(t, s, abc, deletedAnalysis(acct, "gone"))
	cases := []sentinel{
		{"CreateAnalysis of a taken id", qslocal.ErrExists, func(tx qslocal.Tx) error {
			return tx.CreateAnalysis(ctx, newAnalysis(acct, "abc"))
		}},
		{"CreateAnalysis of a deleted analysis's id", qslocal.ErrExists, func(tx qslocal.Tx) error {
			return tx.CreateAnalysis(ctx, newAnalysis(acct, "gone"))
		}},
		{"CreateAnalysis in an unknown account", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateAnalysis(ctx, newAnalysis("999", "abc"))
		}},
		{"Analysis unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			_, err := tx.Analysis(ctx, acct, "nope")
			return err
		}},
		{"UpdateAnalysis unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.UpdateAnalysis(ctx, newAnalysis(acct, "nope"))
		}},
		{"DeleteAnalysis unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.DeleteAnalysis(ctx, acct, "nope")
		}},
	}
	after := func(tx qslocal.Tx, mark string) error {
		got, err := tx.Analysis(ctx, acct, "abc")
		if err != nil {
			return fmt.Errorf("Analysis(abc): %w", err)
		}
		checkAnalysis(t, got, abc)
		if err := tx.CreateAnalysis(ctx, newAnalysis(acct, mark)); err != nil {
			return fmt.Errorf("CreateAnalysis(%s): %w", mark, err)
		}
		return tx.Grant(ctx, acct, "analysis/"+mark, []qslocal.Grant{grant("user/default/alice", "x")})
	}
	checkSentinels(t, s, cases, after, func(mark string) {
		t.Helper()
		got, err := getAnalysis(t, s, acct, mark)
		if err != nil {
			t.Errorf("Analysis(%s) written after the error: %v", mark, err)
		} else {
			checkAnalysis(t, got, newAnalysis(acct, mark))
		}
		checkGrants(t, "Permissions written after the error", getPermissions(t, s, acct, "analysis/"+mark),
			[]qslocal.Grant{grant("user/default/alice", "x")})
	})
	// The failed calls changed nothing.
	got, err := getAnalysis(t, s, acct, "abc")
	if err != nil {
		t.Fatal(err)
	}
	checkAnalysis(t, got, abc)
	_, err = getAnalysis(t, s, acct, "nope")
	checkErr(t, "Analysis(nope)", err, qslocal.ErrNotFound)
	checkStrings(t, "ListAnalyses of unknown account", analysisIDs(listAnalyses(t, s, "999", "", 10)), nil)
}
