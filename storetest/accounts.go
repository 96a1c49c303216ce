package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func testEnsureAccount(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	namespace := func(account, name string) (qslocal.Namespace, error) {
		var ns qslocal.Namespace
		var err error
		view(t, s, func(tx qslocal.Tx) error {
			ns, err = tx.Namespace(ctx, account, name)
			return nil
		})
		return ns, err
	}

	_, err := namespace(acct, dflt)
	checkErr(t, "Namespace before EnsureAccount", err, qslocal.ErrNotFound)

	// Twice in one transaction, then again later with another time.
	update(t, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(ctx, acct, region, t0); err != nil {
			return err
		}
		return tx.EnsureAccount(ctx, acct, region, t0)
	})
	update(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, acct, region, t0.Add(time.Hour)) })

	ns, err := namespace(acct, dflt)
	if err != nil {
		t.Fatalf("Namespace: %v", err)
	}
	checkNamespace(t, ns, qslocal.Namespace{
		Account: acct, Name: dflt, CapacityRegion: region, IdentityStore: "QUICKSIGHT", CreatedAt: t0,
	})

	for _, tt := range []struct{ account, name string }{
		{acct, "Default"},
		{acct, "other"},
		{acct, ""},
		{acct2, dflt},
		{"", dflt},
	} {
		_, err := namespace(tt.account, tt.name)
		checkErr(t, fmt.Sprintf("Namespace(%q, %q)", tt.account, tt.name), err, qslocal.ErrNotFound)
	}
}

func testEnsureAccountRegion(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	update(t, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(ctx, acct, "eu-central-1", t0); err != nil {
			return err
		}
		return tx.EnsureAccount(ctx, acct2, "ap-south-1", t0)
	})
	// Later calls change nothing, whatever region they carry.
	update(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, acct, "us-west-2", t0.Add(time.Hour)) })
	for _, tt := range []struct{ account, region string }{{acct, "eu-central-1"}, {acct2, "ap-south-1"}} {
		ns, err := getNamespace(t, s, tt.account, dflt)
		if err != nil {
			t.Fatalf("Namespace(%s, default): %v", tt.account, err)
		}
		checkNamespace(t, ns, qslocal.Namespace{
			Account: tt.account, Name: dflt, CapacityRegion: tt.region, IdentityStore: "QUICKSIGHT", CreatedAt: t0,
		})
	}
	// The default namespace is created exactly once.
	if n := countNamespaces(t, s, acct); n != 1 {
		t.Errorf("CountNamespaces = %d, want 1", n)
	}
	// The account's identity region is its first region too.
	for _, tt := range []struct{ account, region string }{{acct, "eu-central-1"}, {acct2, "ap-south-1"}} {
		a := must(t, s, func(tx qslocal.Tx) (qslocal.Account, error) { return tx.Account(ctx, tt.account) })
		if a.IdentityRegion != tt.region || a.Settings != nil {
			t.Errorf("Account(%s) = %+v, want identity region %s and no settings", tt.account, a, tt.region)
		}
	}
}

func testUpdateAccount(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	settings := []byte(`{"edition":"ENTERPRISE","name":"é"}`)
	update(t, s, func(tx qslocal.Tx) error {
		return tx.UpdateAccount(ctx, qslocal.Account{ID: acct, IdentityRegion: "eu-west-3", Settings: settings,
			CreatedAt: t0.Add(time.Hour)})
	})
	a := must(t, s, func(tx qslocal.Tx) (qslocal.Account, error) { return tx.Account(ctx, acct) })
	if a.IdentityRegion != "eu-west-3" || string(a.Settings) != string(settings) {
		t.Errorf("Account after UpdateAccount = %+v", a)
	}
	checkTime(t, "CreatedAt after UpdateAccount", a.CreatedAt, t0) // not replaced
	// The other account is untouched, and the listing reads the same.
	as := must(t, s, func(tx qslocal.Tx) ([]qslocal.Account, error) { return tx.ListAccounts(ctx, "", 10) })
	if len(as) != 2 || as[0].IdentityRegion != "eu-west-3" || string(as[0].Settings) != string(settings) ||
		as[1].IdentityRegion != region || as[1].Settings != nil {
		t.Errorf("ListAccounts after UpdateAccount = %+v", as)
	}
	// Settings go back to none.
	update(t, s, func(tx qslocal.Tx) error {
		return tx.UpdateAccount(ctx, qslocal.Account{ID: acct, IdentityRegion: region})
	})
	if a := must(t, s, func(tx qslocal.Tx) (qslocal.Account, error) { return tx.Account(ctx, acct) }); a.Settings != nil {
		t.Errorf("Settings after clearing = %q", a.Settings)
	}
	err := tryUpdate(t, s, func(tx qslocal.Tx) error {
		return tx.UpdateAccount(ctx, qslocal.Account{ID: "999999999999", IdentityRegion: region})
	})
	checkErr(t, "UpdateAccount of unknown account", err, qslocal.ErrNotFound)
}

func testListAccounts(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	all := byteOrder("9", "111122223333", "444455556666", "Z", "a", "é")
	update(t, s, func(tx qslocal.Tx) error {
		for i, a := range all {
			if err := tx.EnsureAccount(ctx, a, region, t0.Add(time.Duration(i)*time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	checkListing(t, "ListAccounts", all, func(after string, limit int) []string {
		as := must(t, s, func(tx qslocal.Tx) ([]qslocal.Account, error) { return tx.ListAccounts(ctx, after, limit) })
		var ids []string
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		return ids
	})
	for _, id := range all {
		a, err := read(t, s, func(tx qslocal.Tx) (qslocal.Account, error) { return tx.Account(ctx, id) })
		if err != nil {
			t.Fatalf("Account(%q): %v", id, err)
		}
		if a.ID != id {
			t.Errorf("Account(%q).ID = %q", id, a.ID)
		}
	}
	a := must(t, s, func(tx qslocal.Tx) (qslocal.Account, error) { return tx.Account(ctx, "9") })
	checkTime(t, "Account.CreatedAt", a.CreatedAt, t0.Add(time.Duration(slices.Index(all, "9"))*time.Hour))
	for _, id := range []string{"", "1111", "A", "\xff"} {
		_, err := read(t, s, func(tx qslocal.Tx) (qslocal.Account, error) { return tx.Account(ctx, id) })
		checkErr(t, fmt.Sprintf("Account(%q)", id), err, qslocal.ErrNotFound)
	}
}

func testDeleteAccount(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	want := buildWorld(t, s)
	for _, a := range []string{acct, acct2} {
		createAssets(t, s, newAsset(a, "analysis", "x"), newAsset(a, "flow", "y"))
		createVersions(t, s, newVersion(a, "analysis", "x", 1))
		setLinks(t, s, newLink(a, "analysis", "x", "alias", "current", "1"))
		update(t, s, func(tx qslocal.Tx) error {
			return errors.Join(
				tx.CreateCustomPermissions(ctx, newProfile(a, "p")),
				tx.SetAccountCustomPermission(ctx, a, "p"),
				tx.SetTags(ctx, a, "analysis/x", tags("k", "v")),
				tx.Grant(ctx, a, "analysis/x", []qslocal.Grant{grant("user/default/alice", "describe")}))
		})
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAccount(ctx, acct) })

	// Everything of acct goes, tags and grants included; acct2 keeps all.
	for _, sp := range worldSpaces {
		if sp.account == acct {
			want[sp.account+"/"+sp.namespace] = emptyState(false)
		}
	}
	checkWorld(t, s, "after DeleteAccount", want)
	_, err := read(t, s, func(tx qslocal.Tx) (qslocal.Account, error) { return tx.Account(ctx, acct) })
	checkErr(t, "Account after DeleteAccount", err, qslocal.ErrNotFound)
	checkStrings(t, "ListAccounts after DeleteAccount", func() []string {
		as := must(t, s, func(tx qslocal.Tx) ([]qslocal.Account, error) { return tx.ListAccounts(ctx, "", 10) })
		var ids []string
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		return ids
	}(), []string{acct2})
	for _, a := range []string{acct, acct2} {
		wantFound := a == acct2
		for _, kind := range []string{"analysis", "flow"} {
			if as := listAssets(t, s, a, kind, "", 10); (len(as) == 1) != wantFound {
				t.Errorf("%s %ss after DeleteAccount(%s): %v", a, kind, acct, assetIDs(as))
			}
		}
		_, err := getLink(t, s, a, "analysis", "x", "alias", "current")
		_, verr := getVersion(t, s, a, "analysis", "x", 1)
		ts := must(t, s, func(tx qslocal.Tx) ([]qslocal.Tag, error) { return tx.Tags(ctx, a, "analysis/x") })
		gs := must(t, s, func(tx qslocal.Tx) ([]qslocal.Grant, error) { return tx.Grants(ctx, a, "analysis/x") })
		ps := must(t, s, func(tx qslocal.Tx) ([]qslocal.CustomPermissions, error) {
			return tx.ListCustomPermissions(ctx, a, "", 10)
		})
		ap := must(t, s, func(tx qslocal.Tx) (string, error) { return tx.AccountCustomPermission(ctx, a) })
		if got := []bool{err == nil, verr == nil, len(ts) == 1, len(gs) == 1, len(ps) == 1, ap == "p"}; slices.Contains(got, !wantFound) {
			t.Errorf("%s after DeleteAccount(%s): link, version, tags, grants, profiles, account profile present = %v, want all %v", a, acct, got, wantFound)
		}
	}
	checkErr(t, "DeleteAccount again", tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAccount(ctx, acct) }), qslocal.ErrNotFound)

	// The account comes back new, with only its default namespace.
	setup(t, s, []string{acct})
	if got := namespaceNames(must(t, s, func(tx qslocal.Tx) ([]qslocal.Namespace, error) { return tx.ListNamespaces(ctx, acct, "", 10) })); !slices.Equal(got, []string{dflt}) {
		t.Errorf("namespaces of the account made again: %q", got)
	}
	if as := listAssets(t, s, acct, "analysis", "", 10); len(as) != 0 {
		t.Errorf("analyses of the account made again: %v", assetIDs(as))
	}
}
