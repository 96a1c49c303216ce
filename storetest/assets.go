package storetest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// The asset tests use kind "analysis" for the lifecycle every kind shares,
// and other kinds to check that kinds never mix.

func testAssetRoundTrip(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct, acct2})
	minimal := qslocal.Asset{Account: acct, Kind: analysis, ID: "minimal"}
	onlyMeta := newAsset(acct, analysis, "only-meta")
	onlyMeta.Doc = nil
	onlyDoc := newAsset(acct, analysis, "only-doc")
	onlyDoc.Meta = nil
	// Kept as sent: not normalized, not re-encoded.
	raw := newAsset(acct, analysis, "raw")
	raw.Meta = []byte(` {"B" : 1,"A":[ ] , "A": 1.50e+2 } `)
	raw.Doc = []byte(" {\n\t\"B\" : 1,\"A\":[ ] , \"é\":\"\\u00e9\\u0000\\\"\", \"A\": 1.50e+2 ,\"p\":\"%_*';--\"}\n")
	scalars := newAsset(acct, analysis, "scalars")
	scalars.Meta, scalars.Doc = []byte(`42`), []byte(`[1,"two",null,{}]`)
	// Megabytes, byte for byte, and a Meta larger than a database page.
	big := newAsset(acct, analysis, "big")
	big.Meta, big.Doc = bigDoc(20<<10), bigDoc(3<<20)
	versioned := newAsset(acct, analysis, "versioned")
	versioned.Version = math.MaxInt64
	utc := newAsset(acct, analysis, "utc")
	utc.CreatedAt = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	utc.UpdatedAt = time.Date(2100, 1, 1, 0, 0, 0, 1000, time.UTC)
	utc.DeletionTime = time.Date(2100, 1, 31, 0, 0, 0, 1000, time.UTC)
	elsewhere := newAsset(acct2, analysis, "abc")
	elsewhere.Name, elsewhere.Doc, elsewhere.Status = "elsewhere", []byte(`{"Sheets":[]}`), "UPDATE_FAILED"
	// The same id in another kind is another asset.
	otherKind := newAsset(acct, flow, "abc")
	otherKind.Name, otherKind.Meta, otherKind.Doc, otherKind.Version = "a flow", nil, []byte(`{"Flow":true}`), 7

	as := []qslocal.Asset{
		minimal, onlyMeta, onlyDoc, raw, scalars, big, versioned, utc, elsewhere, otherKind,
		deletedAsset(acct, analysis, "deleted"),
	}
	for _, id := range []string{"abc", "ABC", "a/b", "a%b", "a_b", "a b", "é", "分析", "0f8fad5b-d9cb-469f-a165-70867728950e"} {
		as = append(as, newAsset(acct, analysis, id))
	}
	createAssets(t, s, as...)

	for _, want := range as {
		got, err := getAsset(t, s, want.Account, want.Kind, want.ID)
		if err != nil {
			t.Errorf("Asset(%s, %s, %q): %v", want.Account, want.Kind, want.ID, err)
			continue
		}
		checkAsset(t, got, want)
	}
	for _, tt := range []struct{ account, kind, id string }{
		{acct, analysis, "Abc"}, {acct, analysis, "nope"}, {acct, analysis, "ab"}, {acct, analysis, "abc "}, {acct, analysis, ""},
		{acct, "Analysis", "abc"}, {acct, "analysi", "abc"}, {acct, "analysiss", "abc"}, {acct, "", "abc"}, {acct, flow, "minimal"},
		{acct2, analysis, "ABC"}, {acct2, analysis, "deleted"}, {acct2, flow, "abc"}, {"999", analysis, "abc"}, {"", analysis, "abc"},
	} {
		_, err := getAsset(t, s, tt.account, tt.kind, tt.id)
		checkErr(t, fmt.Sprintf("Asset(%q, %q, %q)", tt.account, tt.kind, tt.id), err, qslocal.ErrNotFound)
	}
}

func testCreateAssetConflicts(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	existing, gone := newAsset(acct, analysis, "abc"), deletedAsset(acct, analysis, "gone")
	createAssets(t, s, existing, gone)

	other := func(account, kind, id string) qslocal.Asset {
		a := newAsset(account, kind, id)
		a.Name, a.Doc, a.CreatedAt = "another", nil, t0.Add(time.Hour)
		return a
	}
	tests := []struct {
		name string
		a    qslocal.Asset
		want error
	}{
		{"same asset", existing, qslocal.ErrExists},
		{"taken id", other(acct, analysis, "abc"), qslocal.ErrExists},
		{"id of a deleted asset", other(acct, analysis, "gone"), qslocal.ErrExists},
		{"unknown account", other("999", analysis, "x"), qslocal.ErrNotFound},
		{"empty account", other("", analysis, "x"), qslocal.ErrNotFound},
		{"other case", other(acct, analysis, "ABC"), nil},
		{"same id of another kind", other(acct, flow, "abc"), nil},
		{"deleted id of another kind", other(acct, flow, "gone"), nil},
		{"same id in another account", other(acct2, analysis, "abc"), nil},
		{"deleted id in another account", other(acct2, analysis, "gone"), nil},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateAsset(ctx, tt.a) })
		checkErr(t, "CreateAsset "+tt.name, err, tt.want)
	}
	for _, want := range []qslocal.Asset{
		existing, gone, other(acct, analysis, "ABC"), other(acct, flow, "abc"), other(acct, flow, "gone"),
		other(acct2, analysis, "abc"), other(acct2, analysis, "gone"),
	} {
		got, err := getAsset(t, s, want.Account, want.Kind, want.ID)
		if err != nil {
			t.Errorf("Asset(%s, %s, %q): %v", want.Account, want.Kind, want.ID, err)
			continue
		}
		checkAsset(t, got, want)
	}
	checkStrings(t, "ListAssets", assetIDs(listAssets(t, s, acct, analysis, "", 10)), []string{"ABC", "abc", "gone"})
	_, err := getAsset(t, s, "999", analysis, "x")
	checkErr(t, "Asset of unknown account", err, qslocal.ErrNotFound)
}

func testUpdateAsset(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	orig, neighbour, elsewhere := newAsset(acct, analysis, "abc"), newAsset(acct, analysis, "abd"), newAsset(acct2, analysis, "abc")
	sameID, onlyFlow := newAsset(acct, flow, "abc"), newAsset(acct, flow, "only-flow")
	createAssets(t, s, orig, neighbour, elsewhere, sameID, onlyFlow)

	// Every field but the key changes, some to their zero value, and the
	// asset is deleted.
	changed := qslocal.Asset{
		Account:      acct,
		Kind:         analysis,
		ID:           "abc",
		Version:      0,
		Doc:          []byte(`{"SourceEntity":{"SourceAnalysis":{"Arn":"x"}}}`),
		Status:       "DELETED",
		CreatedAt:    t0.Add(-time.Hour),
		UpdatedAt:    t0.Add(time.Hour + 7*time.Microsecond),
		DeletionTime: t0.Add(7 * 24 * time.Hour),
	}
	// Restored: the deletion time is zero again.
	restored := newAsset(acct, analysis, "abc")
	restored.Name, restored.Status, restored.Version = "restored", "UPDATE_SUCCESSFUL", 2
	restored.Meta, restored.Doc = []byte(`{"ThemeArn":"arn:aws:quicksight::aws:theme/CLASSIC"}`), []byte(` { "Sheets" : [ ] } `)
	restored.UpdatedAt = t0.Add(2 * time.Hour)
	// A document grown to megabytes, and shrunk again.
	grown := restored
	grown.Doc = bigDoc(2 << 20)
	for _, want := range []qslocal.Asset{changed, restored, grown, restored, changed, orig} {
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, want) })
		got, err := getAsset(t, s, acct, analysis, "abc")
		if err != nil {
			t.Fatalf("Asset after update: %v", err)
		}
		checkAsset(t, got, want)
	}

	// ListAssets sees the deleting update, and then the restoring one.
	for _, want := range []qslocal.Asset{changed, restored} {
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, want) })
		checkAssets(t, listAssets(t, s, acct, analysis, "", 10), []qslocal.Asset{want, neighbour})
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, orig) })

	for _, tt := range []struct {
		name string
		a    qslocal.Asset
	}{
		{"unknown id", newAsset(acct, analysis, "nope")},
		{"other case", newAsset(acct, analysis, "ABC")},
		{"prefix of an id", newAsset(acct, analysis, "ab")},
		{"id only in another kind", newAsset(acct, analysis, "only-flow")},
		{"kind of other case", newAsset(acct, "Analysis", "abc")},
		{"id only in another account", newAsset(acct2, analysis, "abd")},
		{"unknown account", newAsset("999", analysis, "abc")},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, tt.a) })
		checkErr(t, "UpdateAsset "+tt.name, err, qslocal.ErrNotFound)
	}
	checkAssets(t, listAssets(t, s, acct, analysis, "", 10), []qslocal.Asset{orig, neighbour})
	checkAssets(t, listAssets(t, s, acct, flow, "", 10), []qslocal.Asset{sameID, onlyFlow})
	checkAssets(t, listAssets(t, s, acct2, analysis, "", 10), []qslocal.Asset{elsewhere})
	checkStrings(t, "ListAssets of unknown account", assetIDs(listAssets(t, s, "999", analysis, "", 10)), nil)
}

func testDeleteAsset(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	abc, abd, upper, gone, elsewhere, sameID := newAsset(acct, analysis, "abc"), newAsset(acct, analysis, "abd"),
		newAsset(acct, analysis, "ABC"), deletedAsset(acct, analysis, "gone"), newAsset(acct2, analysis, "abc"), newAsset(acct, flow, "abc")
	createAssets(t, s, abc, abd, upper, gone, elsewhere, sameID)
	const res = "analysis/abc"
	grants := []qslocal.Grant{grant("user/default/alice", "quicksight:DescribeAnalysis", "quicksight:UpdateAnalysis")}
	update(t, s, func(tx qslocal.Tx) error {
		if err := tx.SetTags(ctx, acct, res, tags("k", "v")); err != nil {
			return err
		}
		return tx.Grant(ctx, acct, res, grants)
	})

	for _, tt := range []struct{ account, kind, id string }{
		{acct, analysis, "Abc"}, {acct, analysis, "nope"}, {acct, analysis, "ab"}, {acct, "Analysis", "abc"},
		{acct, flow, "abd"}, {acct2, analysis, "abd"}, {"999", analysis, "abc"},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, tt.account, tt.kind, tt.id) })
		checkErr(t, fmt.Sprintf("DeleteAsset(%q, %q, %q)", tt.account, tt.kind, tt.id), err, qslocal.ErrNotFound)
	}

	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, acct, analysis, "abc") })
	_, err := getAsset(t, s, acct, analysis, "abc")
	checkErr(t, "Asset after delete", err, qslocal.ErrNotFound)
	checkAssets(t, listAssets(t, s, acct, analysis, "", 10), []qslocal.Asset{upper, abd, gone})
	checkAssets(t, listAssets(t, s, acct, flow, "", 10), []qslocal.Asset{sameID})
	checkAssets(t, listAssets(t, s, acct2, analysis, "", 10), []qslocal.Asset{elsewhere})
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"second DeleteAsset", func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, acct, analysis, "abc") }},
		{"UpdateAsset after delete", func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, abc) }},
	} {
		checkErr(t, tt.name, tryUpdate(t, s, tt.fn), qslocal.ErrNotFound)
	}
	// Its tags and grants stay: the service clears them itself.
	checkTags(t, "Tags after DeleteAsset", getTags(t, s, acct, res), tags("k", "v"))
	checkGrants(t, "Grants after DeleteAsset", getGrants(t, s, acct, res), grants)

	// One waiting out its recovery window goes for good too.
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, acct, analysis, "gone") })
	_, err = getAsset(t, s, acct, analysis, "gone")
	checkErr(t, "Asset after deleting a deleted asset", err, qslocal.ErrNotFound)

	// The ids are free again.
	again := newAsset(acct, analysis, "abc")
	again.Name, again.Doc = "again", nil
	createAssets(t, s, again, newAsset(acct, analysis, "gone"))
	for _, want := range []qslocal.Asset{again, newAsset(acct, analysis, "gone")} {
		got, err := getAsset(t, s, acct, analysis, want.ID)
		if err != nil {
			t.Fatalf("Asset after re-creating: %v", err)
		}
		checkAsset(t, got, want)
	}

	// A rolled back delete keeps the asset.
	err = tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.DeleteAsset(ctx, acct, analysis, "abd"); err != nil {
			return err
		}
		if _, err := tx.Asset(ctx, acct, analysis, "abd"); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("Asset in the deleting transaction: err = %v, want %v", err, qslocal.ErrNotFound)
		}
		return errBoom
	})
	checkErr(t, "rolled back DeleteAsset", err, errBoom)
	got, err := getAsset(t, s, acct, analysis, "abd")
	if err != nil {
		t.Fatalf("Asset after rolled back delete: %v", err)
	}
	checkAsset(t, got, abd)
}

func testListAssets(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct, acct2})
	ids := byteOrder("b", "B", "a", "A", "é", "ê", "z", "a b", "a/b", "a%", "a_", "0", "aa", "\U0010ffff")
	var as, flows []qslocal.Asset
	for i, id := range ids {
		a := newAsset(acct, analysis, id)
		switch i % 3 {
		case 1:
			a = deletedAsset(acct, analysis, id) // deleted ones are listed too
		case 2:
			a.Meta = nil
		}
		as = append(as, a)
		// Flows whose ids fall between and on the analyses'.
		if i%2 == 0 {
			flows = append(flows, newAsset(acct, flow, id), newAsset(acct, flow, id+"-flow"))
		}
	}
	createAssets(t, s, slices.Concat(as, flows, []qslocal.Asset{
		newAsset(acct2, analysis, "a"), newAsset(acct2, analysis, "c"), newAsset(acct, "analysis2", "a"), newAsset(acct, "Analysis", "a"),
	})...)

	// Listings carry Meta (compared as listed) but no Doc.
	checkAssets(t, listAssets(t, s, acct, analysis, "", 100), as)
	checkAssets(t, listAssets(t, s, acct, flow, "", 100), flows)
	checkListing(t, "ListAssets", ids, func(after string, limit int) []string {
		return assetIDs(listAssets(t, s, acct, analysis, after, limit))
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
		checkStrings(t, fmt.Sprintf("ListAssets(after %q, limit %d)", tt.after, tt.limit),
			assetIDs(listAssets(t, s, acct, analysis, tt.after, tt.limit)), tt.want)
	}
	for _, tt := range []struct {
		account, kind string
		want          []string
	}{
		{acct2, analysis, []string{"a", "c"}},
		{acct2, flow, nil},
		{acct, "analysis2", []string{"a"}},
		{acct, "Analysis", []string{"a"}},
		{acct, "analysi", nil},
		{acct, "", nil},
		{"999", analysis, nil},
	} {
		checkStrings(t, fmt.Sprintf("ListAssets(%q, %q)", tt.account, tt.kind),
			assetIDs(listAssets(t, s, tt.account, tt.kind, "", 100)), tt.want)
	}
}

// testAssetKinds checks that assets of different kinds with the same id
// are different assets, with versions and links of their own.
func testAssetKinds(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct})
	kinds := []string{analysis, flow, "Analysis", "analysis2", "dashboard"}
	byKind := map[string]qslocal.Asset{}
	var all []qslocal.Asset
	for i, k := range kinds {
		a := newAsset(acct, k, "abc")
		a.Name, a.Version = "the "+k, int64(i+1)
		byKind[k] = a
		all = append(all, a)
	}
	createAssets(t, s, all...)
	var vs []qslocal.AssetVersion
	var ls []qslocal.AssetLink
	for _, k := range kinds {
		vs = append(vs, newVersion(acct, k, "abc", 1))
		ls = append(ls, newLink(acct, k, "abc", "alias", "current", "target of "+k))
	}
	createVersions(t, s, vs...)
	setLinks(t, s, ls...)

	check := func(when string, gone string) {
		t.Helper()
		for i, k := range kinds {
			got, err := getAsset(t, s, acct, k, "abc")
			if k == gone {
				checkErr(t, when+": Asset of the deleted kind", err, qslocal.ErrNotFound)
				checkStrings(t, when+": ListAssets of the deleted kind", assetIDs(listAssets(t, s, acct, k, "", 10)), nil)
				checkVersions(t, listVersions(t, s, acct, k, "abc", 0, 10), nil)
				checkStrings(t, when+": ListAssetLinks of the deleted kind", linkNames(listLinks(t, s, acct, k, "abc", "alias", "", 10)), nil)
				continue
			}
			if err != nil {
				t.Errorf("%s: Asset(%s, abc): %v", when, k, err)
				continue
			}
			checkAsset(t, got, byKind[k])
			checkAssets(t, listAssets(t, s, acct, k, "", 10), []qslocal.Asset{byKind[k]})
			v, err := getVersion(t, s, acct, k, "abc", 1)
			if err != nil {
				t.Errorf("%s: AssetVersion(%s, abc, 1): %v", when, k, err)
			} else {
				checkVersion(t, v, vs[i])
			}
			checkVersions(t, listVersions(t, s, acct, k, "abc", 0, 10), vs[i:i+1])
			l, err := getLink(t, s, acct, k, "abc", "alias", "current")
			if err != nil || l != ls[i] {
				t.Errorf("%s: AssetLink(%s, abc) = %+v, %v; want %+v", when, k, l, err, ls[i])
			}
			if got := listLinks(t, s, acct, k, "abc", "alias", "", 10); len(got) != 1 || got[0] != ls[i] {
				t.Errorf("%s: ListAssetLinks(%s, abc) = %+v, want [%+v]", when, k, got, ls[i])
			}
		}
	}
	check("as created", "")

	// Changing one kind's asset, version or link leaves the others alone.
	changed := byKind[flow]
	changed.Name, changed.Meta, changed.Doc = "changed", nil, []byte(`{}`)
	byKind[flow] = changed
	update(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.UpdateAsset(ctx, changed),
			tx.DeleteAssetVersion(ctx, acct, flow, "abc", 1),
			tx.CreateAssetVersion(ctx, vs[1]),
			tx.SetAssetLink(ctx, ls[1]))
	})
	check("after changing the flow", "")
	err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateAssetVersion(ctx, newVersion(acct, flow, "abc", 1)) })
	checkErr(t, "CreateAssetVersion of a number taken in the same kind", err, qslocal.ErrExists)

	// Deleting one leaves the others, versions and links included; and
	// what names the deleted one fails though the others share its id.
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, acct, analysis, "abc") })
	check("after deleting the analysis", analysis)
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"UpdateAsset", func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, byKind[analysis]) }},
		{"DeleteAsset", func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, acct, analysis, "abc") }},
		{"CreateAssetVersion", func(tx qslocal.Tx) error { return tx.CreateAssetVersion(ctx, newVersion(acct, analysis, "abc", 2)) }},
		{"DeleteAssetVersion", func(tx qslocal.Tx) error { return tx.DeleteAssetVersion(ctx, acct, analysis, "abc", 1) }},
		{"SetAssetLink", func(tx qslocal.Tx) error { return tx.SetAssetLink(ctx, ls[0]) }},
		{"DeleteAssetLink", func(tx qslocal.Tx) error { return tx.DeleteAssetLink(ctx, acct, analysis, "abc", "alias", "current") }},
	} {
		checkErr(t, tt.name+" of the deleted kind", tryUpdate(t, s, tt.fn), qslocal.ErrNotFound)
	}
	check("after failing on the deleted analysis", analysis)
}

func testAssetVersions(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	abc := newAsset(acct, analysis, "abc")
	createAssets(t, s, abc, newAsset(acct, analysis, "abd"), newAsset(acct, flow, "abc"), newAsset(acct2, analysis, "abc"))

	// Numbers sort as numbers: 10 after 3.
	numbers := []int64{1, 2, 3, 10, 11, 100, 1 << 40}
	var vs []qslocal.AssetVersion
	for _, n := range numbers {
		vs = append(vs, newVersion(acct, analysis, "abc", n))
	}
	vs[1].Meta = nil
	vs[2].Doc = nil
	vs[3].Doc = bigDoc(1 << 20)
	vs[4].Meta, vs[4].Doc = []byte(` { "B":1 , "A" : 2 } `), []byte(" {\"é\" : \"\\u00e9\" }\n")
	vs[5].Status, vs[5].CreatedAt = "CREATION_FAILED", time.Date(2100, 1, 1, 0, 0, 0, 1000, time.UTC)
	byNumber := map[int64]qslocal.AssetVersion{}
	for _, v := range vs {
		byNumber[v.Number] = v
	}
	// Created out of order.
	createVersions(t, s, append(slices.Clone(vs[3:]), vs[:3]...)...)
	for _, want := range vs {
		got, err := getVersion(t, s, acct, analysis, "abc", want.Number)
		if err != nil {
			t.Errorf("AssetVersion(%d): %v", want.Number, err)
			continue
		}
		checkVersion(t, got, want)
	}

	for _, tt := range []struct {
		name string
		v    qslocal.AssetVersion
		want error
	}{
		{"same version", vs[0], qslocal.ErrExists},
		{"taken number", newVersion(acct, analysis, "abc", 10), qslocal.ErrExists},
		{"unknown asset", newVersion(acct, analysis, "nope", 1), qslocal.ErrNotFound},
		{"asset of other case", newVersion(acct, analysis, "ABC", 1), qslocal.ErrNotFound},
		{"kind of other case", newVersion(acct, "Analysis", "abc", 1), qslocal.ErrNotFound},
		{"asset only in another account", newVersion(acct2, analysis, "abd", 1), qslocal.ErrNotFound},
		{"unknown account", newVersion("999", analysis, "abc", 1), qslocal.ErrNotFound},
		{"same number of another asset", newVersion(acct, analysis, "abd", 1), nil},
		{"same number of another kind", newVersion(acct, flow, "abc", 1), nil},
		{"same number in another account", newVersion(acct2, analysis, "abc", 1), nil},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateAssetVersion(ctx, tt.v) })
		checkErr(t, "CreateAssetVersion "+tt.name, err, tt.want)
	}
	got, err := getVersion(t, s, acct, analysis, "abc", 10)
	if err != nil {
		t.Fatal(err)
	}
	checkVersion(t, got, byNumber[10])
	for _, tt := range []struct {
		account, kind, id string
		number            int64
	}{
		{acct, analysis, "abc", 4}, {acct, analysis, "abc", 0}, {acct, analysis, "abc", -1}, {acct, analysis, "abc", 1<<40 + 1},
		{acct, analysis, "abd", 2}, {acct, flow, "abc", 2}, {acct, analysis, "nope", 1}, {acct2, analysis, "abc", 2}, {"999", analysis, "abc", 1},
	} {
		_, err := getVersion(t, s, tt.account, tt.kind, tt.id, tt.number)
		checkErr(t, fmt.Sprintf("AssetVersion(%q, %q, %q, %d)", tt.account, tt.kind, tt.id, tt.number), err, qslocal.ErrNotFound)
	}

	// Listing: in number order, Meta but no Doc, after a number.
	checkVersions(t, listVersions(t, s, acct, analysis, "abc", 0, 100), vs)
	pick := func(ns ...int64) []int64 { return ns }
	for _, tt := range []struct {
		after int64
		limit int
		want  []int64
	}{
		{0, 1, pick(1)},
		{0, 3, pick(1, 2, 3)},
		{3, 2, pick(10, 11)},
		{4, 10, pick(10, 11, 100, 1<<40)},
		{-5, 2, pick(1, 2)},
		{100, 10, pick(1 << 40)},
		{1 << 40, 10, nil},
		{math.MaxInt64, 10, nil},
		{0, 0, nil},
		{0, -1, nil},
	} {
		got := versionNumbers(listVersions(t, s, acct, analysis, "abc", tt.after, tt.limit))
		if !slices.Equal(got, tt.want) {
			t.Errorf("ListAssetVersions(after %d, limit %d) = %v, want %v", tt.after, tt.limit, got, tt.want)
		}
	}
	var paged []int64
	for after, i := int64(0), 0; ; i++ {
		page := listVersions(t, s, acct, analysis, "abc", after, 2)
		if len(page) == 0 || i > 100 {
			break
		}
		paged = append(paged, versionNumbers(page)...)
		after = page[len(page)-1].Number
	}
	if !slices.Equal(paged, numbers) {
		t.Errorf("ListAssetVersions paged by 2 = %v, want %v", paged, numbers)
	}
	for _, tt := range []struct {
		account, kind, id string
		want              []int64
	}{
		{acct, analysis, "abd", pick(1)}, {acct, flow, "abc", pick(1)}, {acct2, analysis, "abc", pick(1)},
		{acct, analysis, "nope", nil}, {acct, "Analysis", "abc", nil}, {"999", analysis, "abc", nil},
	} {
		got := versionNumbers(listVersions(t, s, tt.account, tt.kind, tt.id, 0, 100))
		if !slices.Equal(got, tt.want) {
			t.Errorf("ListAssetVersions(%q, %q, %q) = %v, want %v", tt.account, tt.kind, tt.id, got, tt.want)
		}
	}

	// Deleting.
	for _, tt := range []struct {
		account, kind, id string
		number            int64
	}{
		{acct, analysis, "abc", 4}, {acct, analysis, "abd", 2}, {acct, flow, "abc", 2}, {acct, analysis, "nope", 1},
		{acct2, analysis, "abc", 10}, {"999", analysis, "abc", 10},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error {
			return tx.DeleteAssetVersion(ctx, tt.account, tt.kind, tt.id, tt.number)
		})
		checkErr(t, fmt.Sprintf("DeleteAssetVersion(%q, %q, %q, %d)", tt.account, tt.kind, tt.id, tt.number), err, qslocal.ErrNotFound)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssetVersion(ctx, acct, analysis, "abc", 10) })
	_, err = getVersion(t, s, acct, analysis, "abc", 10)
	checkErr(t, "AssetVersion after delete", err, qslocal.ErrNotFound)
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssetVersion(ctx, acct, analysis, "abc", 10) })
	checkErr(t, "second DeleteAssetVersion", err, qslocal.ErrNotFound)
	rest := slices.DeleteFunc(slices.Clone(vs), func(v qslocal.AssetVersion) bool { return v.Number == 10 })
	checkVersions(t, listVersions(t, s, acct, analysis, "abc", 0, 100), rest)
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssetVersion(ctx, acct, analysis, "abd", 1) })
	checkVersions(t, listVersions(t, s, acct, flow, "abc", 0, 100), []qslocal.AssetVersion{newVersion(acct, flow, "abc", 1)})
	checkVersions(t, listVersions(t, s, acct2, analysis, "abc", 0, 100), []qslocal.AssetVersion{newVersion(acct2, analysis, "abc", 1)})
	checkVersions(t, listVersions(t, s, acct, analysis, "abc", 0, 100), rest)

	// The number is free again.
	again := newVersion(acct, analysis, "abc", 10)
	again.Meta, again.Doc, again.Status = nil, []byte(`{"again":true}`), "CREATION_IN_PROGRESS"
	createVersions(t, s, again)
	got, err = getVersion(t, s, acct, analysis, "abc", 10)
	if err != nil {
		t.Fatal(err)
	}
	checkVersion(t, got, again)

	// The store does not keep Asset.Version: it is the service's.
	a, err := getAsset(t, s, acct, analysis, "abc")
	if err != nil {
		t.Fatal(err)
	}
	checkAsset(t, a, abc)
}

func testAssetLinks(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	createAssets(t, s, newAsset(acct, analysis, "abc"), newAsset(acct, analysis, "abd"), newAsset(acct, flow, "abc"), newAsset(acct2, analysis, "abc"))
	link := func(name, target string) qslocal.AssetLink {
		return newLink(acct, analysis, "abc", "alias", name, target)
	}

	// Set creates, then replaces the target.
	for _, target := range []string{"1", "2", "", "arn:aws:quicksight:us-east-1:" + acct + ":analysis/abc/version/3"} {
		setLinks(t, s, link("current", target))
		got, err := getLink(t, s, acct, analysis, "abc", "alias", "current")
		if err != nil || got != link("current", target) {
			t.Errorf("AssetLink after setting %q = %+v, %v", target, got, err)
		}
		checkStrings(t, "ListAssetLinks after setting "+target, linkNames(listLinks(t, s, acct, analysis, "abc", "alias", "", 10)), []string{"current"})
	}

	names := byteOrder("current", "Current", "$LATEST", "a b", "a/b", "a%", "a_", "é", "z", "0")
	var aliases []qslocal.AssetLink
	for _, n := range names {
		aliases = append(aliases, link(n, "target of "+n))
	}
	members := []qslocal.AssetLink{
		newLink(acct, analysis, "abc", "member", "current", "dashboard/d1"),
		newLink(acct, analysis, "abc", "member", "m2", "dashboard/d2"),
	}
	others := []qslocal.AssetLink{
		newLink(acct, analysis, "abd", "alias", "current", "abd"),
		newLink(acct, flow, "abc", "alias", "current", "flow"),
		newLink(acct2, analysis, "abc", "alias", "current", "acct2"),
	}
	setLinks(t, s, slices.Concat(aliases, members, others)...)
	for _, want := range slices.Concat(aliases, members, others) {
		got, err := getLink(t, s, want.Account, want.Kind, want.ID, want.Rel, want.Name)
		if err != nil || got != want {
			t.Errorf("AssetLink(%+v) = %+v, %v", want, got, err)
		}
	}

	// Setting a link of an asset that does not exist fails and writes
	// nothing.
	for _, l := range []qslocal.AssetLink{
		newLink(acct, analysis, "nope", "alias", "x", "t"),
		newLink(acct, analysis, "ABC", "alias", "x", "t"),
		newLink(acct, "Analysis", "abc", "alias", "x", "t"),
		newLink(acct, flow, "abd", "alias", "x", "t"),
		newLink(acct2, analysis, "abd", "alias", "x", "t"),
		newLink("999", analysis, "abc", "alias", "x", "t"),
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.SetAssetLink(ctx, l) })
		checkErr(t, fmt.Sprintf("SetAssetLink(%+v)", l), err, qslocal.ErrNotFound)
		_, err = getLink(t, s, l.Account, l.Kind, l.ID, l.Rel, l.Name)
		checkErr(t, fmt.Sprintf("AssetLink(%+v) after failing to set it", l), err, qslocal.ErrNotFound)
	}
	for _, tt := range []struct{ account, kind, id, rel, name string }{
		{acct, analysis, "abc", "alias", "nope"},
		{acct, analysis, "abc", "alias", "CURRENT"},
		{acct, analysis, "abc", "Alias", "current"},
		{acct, analysis, "abc", "member", "z"},
		{acct, analysis, "abc", "", "current"},
		{acct, analysis, "abd", "member", "current"},
		{acct, analysis, "nope", "alias", "current"},
		{acct, "dashboard", "abc", "alias", "current"},
		{"999", analysis, "abc", "alias", "current"},
	} {
		_, err := getLink(t, s, tt.account, tt.kind, tt.id, tt.rel, tt.name)
		checkErr(t, fmt.Sprintf("AssetLink(%q, %q, %q, %q, %q)", tt.account, tt.kind, tt.id, tt.rel, tt.name), err, qslocal.ErrNotFound)
	}

	// Listing: one rel, in name order, full links.
	if got := listLinks(t, s, acct, analysis, "abc", "alias", "", 100); !slices.Equal(got, aliases) {
		t.Errorf("ListAssetLinks(alias) =\n %+v\nwant\n %+v", got, aliases)
	}
	checkListing(t, "ListAssetLinks", names, func(after string, limit int) []string {
		return linkNames(listLinks(t, s, acct, analysis, "abc", "alias", after, limit))
	})
	checkStrings(t, "ListAssetLinks(alias, after a%, 2): not a LIKE pattern",
		linkNames(listLinks(t, s, acct, analysis, "abc", "alias", "a%", 2)), []string{"a/b", "a_"})
	if got := listLinks(t, s, acct, analysis, "abc", "member", "", 100); !slices.Equal(got, members) {
		t.Errorf("ListAssetLinks(member) = %+v, want %+v", got, members)
	}
	checkStrings(t, "ListAssetLinks(member, after current)", linkNames(listLinks(t, s, acct, analysis, "abc", "member", "current", 100)), []string{"m2"})
	for _, tt := range []struct {
		account, kind, id, rel string
		want                   []string
	}{
		{acct, analysis, "abc", "Alias", nil},
		{acct, analysis, "abc", "", nil},
		{acct, analysis, "abc", "alia", nil},
		{acct, analysis, "abd", "alias", []string{"current"}},
		{acct, analysis, "abd", "member", nil},
		{acct, flow, "abc", "alias", []string{"current"}},
		{acct2, analysis, "abc", "alias", []string{"current"}},
		{acct, analysis, "nope", "alias", nil},
		{"999", analysis, "abc", "alias", nil},
	} {
		checkStrings(t, fmt.Sprintf("ListAssetLinks(%q, %q, %q, %q)", tt.account, tt.kind, tt.id, tt.rel),
			linkNames(listLinks(t, s, tt.account, tt.kind, tt.id, tt.rel, "", 100)), tt.want)
	}

	// Deleting.
	for _, tt := range []struct{ account, kind, id, rel, name string }{
		{acct, analysis, "abc", "alias", "nope"},
		{acct, analysis, "abc", "alias", "CURRENT"},
		{acct, analysis, "abc", "Alias", "current"},
		{acct, analysis, "abc", "member", "z"},
		{acct, analysis, "abd", "member", "current"},
		{acct, analysis, "nope", "alias", "current"},
		{"999", analysis, "abc", "alias", "current"},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssetLink(ctx, tt.account, tt.kind, tt.id, tt.rel, tt.name) })
		checkErr(t, fmt.Sprintf("DeleteAssetLink(%q, %q, %q, %q, %q)", tt.account, tt.kind, tt.id, tt.rel, tt.name), err, qslocal.ErrNotFound)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssetLink(ctx, acct, analysis, "abc", "alias", "current") })
	_, err := getLink(t, s, acct, analysis, "abc", "alias", "current")
	checkErr(t, "AssetLink after delete", err, qslocal.ErrNotFound)
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssetLink(ctx, acct, analysis, "abc", "alias", "current") })
	checkErr(t, "second DeleteAssetLink", err, qslocal.ErrNotFound)
	checkStrings(t, "ListAssetLinks after delete", linkNames(listLinks(t, s, acct, analysis, "abc", "alias", "", 100)),
		slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "current" }))
	// The same name of another rel, asset or kind stays.
	for _, want := range append(slices.Clone(members[:1]), others...) {
		if got, err := getLink(t, s, want.Account, want.Kind, want.ID, want.Rel, want.Name); err != nil || got != want {
			t.Errorf("AssetLink(%+v) after deleting another = %+v, %v", want, got, err)
		}
	}
	// The name is free again.
	setLinks(t, s, link("current", "again"))
	if got, err := getLink(t, s, acct, analysis, "abc", "alias", "current"); err != nil || got != link("current", "again") {
		t.Errorf("AssetLink after setting it again = %+v, %v", got, err)
	}
}

// testDeleteAssetCascade checks that an asset goes with its versions and
// links, and only its own.
func testDeleteAssetCascade(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	type world struct {
		asset    qslocal.Asset
		versions []qslocal.AssetVersion
		links    []qslocal.AssetLink
	}
	var worlds []world
	for _, a := range []qslocal.Asset{
		newAsset(acct, analysis, "abc"), newAsset(acct, analysis, "abcd"), newAsset(acct, analysis, "ab"),
		newAsset(acct, flow, "abc"), newAsset(acct2, analysis, "abc"),
	} {
		w := world{asset: a}
		for _, n := range []int64{1, 2} {
			w.versions = append(w.versions, newVersion(a.Account, a.Kind, a.ID, n))
		}
		w.links = []qslocal.AssetLink{
			newLink(a.Account, a.Kind, a.ID, "alias", "current", "2"),
			newLink(a.Account, a.Kind, a.ID, "member", "m", a.Kind+"/"+a.ID),
		}
		worlds = append(worlds, w)
		createAssets(t, s, a)
		createVersions(t, s, w.versions...)
		setLinks(t, s, w.links...)
	}
	update(t, s, func(tx qslocal.Tx) error {
		return errors.Join(tx.SetTags(ctx, acct, "analysis/abc", tags("k", "v")),
			tx.Grant(ctx, acct, "analysis/abc", []qslocal.Grant{grant("user/default/alice", "x")}))
	})
	check := func(when string, w world, exists bool) {
		t.Helper()
		a := w.asset
		what := fmt.Sprintf("%s: %s/%s/%s", when, a.Account, a.Kind, a.ID)
		var wantVersions []qslocal.AssetVersion
		var wantLinks []qslocal.AssetLink
		if exists {
			wantVersions, wantLinks = w.versions, w.links
		}
		checkVersions(t, listVersions(t, s, a.Account, a.Kind, a.ID, 0, 10), wantVersions)
		var gotLinks []qslocal.AssetLink
		for _, rel := range []string{"alias", "member"} {
			gotLinks = append(gotLinks, listLinks(t, s, a.Account, a.Kind, a.ID, rel, "", 10)...)
		}
		if !slices.Equal(gotLinks, wantLinks) {
			t.Errorf("%s links = %+v, want %+v", what, gotLinks, wantLinks)
		}
		for _, v := range w.versions {
			_, err := getVersion(t, s, a.Account, a.Kind, a.ID, v.Number)
			if exists && err != nil {
				t.Errorf("%s: AssetVersion(%d): %v", what, v.Number, err)
			} else if !exists {
				checkErr(t, fmt.Sprintf("%s: AssetVersion(%d)", what, v.Number), err, qslocal.ErrNotFound)
			}
		}
		for _, l := range w.links {
			_, err := getLink(t, s, a.Account, a.Kind, a.ID, l.Rel, l.Name)
			if exists && err != nil {
				t.Errorf("%s: AssetLink(%s, %s): %v", what, l.Rel, l.Name, err)
			} else if !exists {
				checkErr(t, fmt.Sprintf("%s: AssetLink(%s, %s)", what, l.Rel, l.Name), err, qslocal.ErrNotFound)
			}
		}
	}

	// A rolled back delete keeps everything.
	err := tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.DeleteAsset(ctx, acct, analysis, "abc"); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "rolled back DeleteAsset", err, errBoom)
	for _, w := range worlds {
		check("after a rolled back DeleteAsset", w, true)
	}

	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, acct, analysis, "abc") })
	for i, w := range worlds {
		check("after DeleteAsset", w, i != 0)
	}
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"DeleteAssetVersion", func(tx qslocal.Tx) error { return tx.DeleteAssetVersion(ctx, acct, analysis, "abc", 1) }},
		{"DeleteAssetLink", func(tx qslocal.Tx) error { return tx.DeleteAssetLink(ctx, acct, analysis, "abc", "alias", "current") }},
	} {
		checkErr(t, tt.name+" of a deleted asset", tryUpdate(t, s, tt.fn), qslocal.ErrNotFound)
	}
	// Its grants and tags stay: the service clears them itself.
	checkTags(t, "Tags after DeleteAsset", getTags(t, s, acct, "analysis/abc"), tags("k", "v"))
	checkGrants(t, "Grants after DeleteAsset", getGrants(t, s, acct, "analysis/abc"), []qslocal.Grant{grant("user/default/alice", "x")})

	// Created again, it starts with no versions and no links.
	createAssets(t, s, worlds[0].asset)
	check("after re-creating the asset", worlds[0], false)
	for _, w := range worlds[1:] {
		check("after re-creating the asset", w, true)
	}
}

func testAssetErrorsKeepTransaction(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	abc, v1, l1 := newAsset(acct, analysis, "abc"), newVersion(acct, analysis, "abc", 1), newLink(acct, analysis, "abc", "alias", "current", "1")
	createAssets(t, s, abc, deletedAsset(acct, analysis, "gone"))
	createVersions(t, s, v1)
	setLinks(t, s, l1)
	cases := []sentinel{
		{"CreateAsset of a taken id", qslocal.ErrExists, func(tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, newAsset(acct, analysis, "abc"))
		}},
		{"CreateAsset of a deleted asset's id", qslocal.ErrExists, func(tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, newAsset(acct, analysis, "gone"))
		}},
		{"CreateAsset in an unknown account", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateAsset(ctx, newAsset("999", analysis, "abc"))
		}},
		{"Asset unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			_, err := tx.Asset(ctx, acct, analysis, "nope")
			return err
		}},
		{"UpdateAsset unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.UpdateAsset(ctx, newAsset(acct, analysis, "nope"))
		}},
		{"DeleteAsset unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.DeleteAsset(ctx, acct, analysis, "nope")
		}},
		{"CreateAssetVersion of a taken number", qslocal.ErrExists, func(tx qslocal.Tx) error {
			return tx.CreateAssetVersion(ctx, newVersion(acct, analysis, "abc", 1))
		}},
		{"CreateAssetVersion of an unknown asset", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateAssetVersion(ctx, newVersion(acct, analysis, "nope", 1))
		}},
		{"AssetVersion unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			_, err := tx.AssetVersion(ctx, acct, analysis, "abc", 2)
			return err
		}},
		{"DeleteAssetVersion unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.DeleteAssetVersion(ctx, acct, analysis, "abc", 2)
		}},
		{"SetAssetLink of an unknown asset", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.SetAssetLink(ctx, newLink(acct, analysis, "nope", "alias", "current", "1"))
		}},
		{"AssetLink unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			_, err := tx.AssetLink(ctx, acct, analysis, "abc", "alias", "nope")
			return err
		}},
		{"DeleteAssetLink unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.DeleteAssetLink(ctx, acct, analysis, "abc", "alias", "nope")
		}},
	}
	after := func(tx qslocal.Tx, mark string) error {
		got, err := tx.Asset(ctx, acct, analysis, "abc")
		if err != nil {
			return fmt.Errorf("Asset(abc): %w", err)
		}
		checkAsset(t, got, abc)
		return errors.Join(
			tx.CreateAsset(ctx, newAsset(acct, analysis, mark)),
			tx.CreateAssetVersion(ctx, newVersion(acct, analysis, mark, 1)),
			tx.SetAssetLink(ctx, newLink(acct, analysis, mark, "alias", "current", mark)),
			tx.Grant(ctx, acct, "analysis/"+mark, []qslocal.Grant{grant("user/default/alice", "x")}))
	}
	checkSentinels(t, s, cases, after, func(mark string) {
		t.Helper()
		if got, err := getAsset(t, s, acct, analysis, mark); err != nil {
			t.Errorf("Asset(%s) written after the error: %v", mark, err)
		} else {
			checkAsset(t, got, newAsset(acct, analysis, mark))
		}
		checkVersions(t, listVersions(t, s, acct, analysis, mark, 0, 10), []qslocal.AssetVersion{newVersion(acct, analysis, mark, 1)})
		if got, err := getLink(t, s, acct, analysis, mark, "alias", "current"); err != nil || got.Target != mark {
			t.Errorf("AssetLink of %s written after the error = %+v, %v", mark, got, err)
		}
		checkGrants(t, "Grants written after the error", getGrants(t, s, acct, "analysis/"+mark),
			[]qslocal.Grant{grant("user/default/alice", "x")})
	})
	// The failed calls changed nothing.
	got, err := getAsset(t, s, acct, analysis, "abc")
	if err != nil {
		t.Fatal(err)
	}
	checkAsset(t, got, abc)
	checkVersions(t, listVersions(t, s, acct, analysis, "abc", 0, 10), []qslocal.AssetVersion{v1})
	if got := listLinks(t, s, acct, analysis, "abc", "alias", "", 10); !slices.Equal(got, []qslocal.AssetLink{l1}) {
		t.Errorf("ListAssetLinks(abc) = %+v, want [%+v]", got, l1)
	}
	_, err = getAsset(t, s, acct, analysis, "nope")
	checkErr(t, "Asset(nope)", err, qslocal.ErrNotFound)
	checkVersions(t, listVersions(t, s, acct, analysis, "nope", 0, 10), nil)
	checkStrings(t, "ListAssets of unknown account", assetIDs(listAssets(t, s, "999", analysis, "", 10)), nil)
}
