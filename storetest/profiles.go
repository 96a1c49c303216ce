package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func getProfile(t *testing.T, s qslocal.Store, account, name string) (qslocal.CustomPermissions, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.CustomPermissions, error) {
		return tx.CustomPermissions(t.Context(), account, name)
	})
}

func profileUses(t *testing.T, s qslocal.Store, account, profile string) int {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) (int, error) { return tx.ProfileUses(t.Context(), account, profile) })
}

func accountProfile(t *testing.T, s qslocal.Store, account string) string {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) (string, error) { return tx.AccountCustomPermission(t.Context(), account) })
}

func roleProfile(t *testing.T, s qslocal.Store, account, namespace, role string) string {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) (string, error) {
		return tx.RoleCustomPermission(t.Context(), account, namespace, role)
	})
}

func testCustomPermissionsRoundTrip(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	noGovernance := newProfile(acct, "no-governance")
	noGovernance.Governance = nil
	noCapabilities := newProfile(acct, "no-capabilities")
	noCapabilities.Capabilities = nil
	neither := newProfile(acct, "neither")
	neither.Capabilities, neither.Governance = nil, nil
	// Kept as sent: not normalized, not parsed.
	raw := newProfile(acct, "raw")
	raw.Capabilities = []byte(" {\n\t\"B\" : \"DENY\",\"A\":\"DENY\" , \"é\":\"\\u00e9\"}\n")
	raw.Governance = []byte(`not even JSON \x00`)
	utc := newProfile(acct, "utc")
	utc.CreatedAt = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	utc.UpdatedAt = time.Date(2100, 1, 1, 0, 0, 0, 1000, time.UTC)
	profiles := []qslocal.CustomPermissions{
		newProfile(acct, "p"), newProfile(acct, "P"), newProfile(acct, "é/%_*"),
		noGovernance, noCapabilities, neither, raw, utc, newProfile(acct2, "p"),
	}
	update(t, s, func(tx qslocal.Tx) error {
		for _, p := range profiles {
			if err := tx.CreateCustomPermissions(ctx, p); err != nil {
				return fmt.Errorf("CreateCustomPermissions(%q): %w", p.Name, err)
			}
		}
		return nil
	})
	for _, want := range profiles {
		got, err := getProfile(t, s, want.Account, want.Name)
		if err != nil {
			t.Errorf("CustomPermissions(%s, %q): %v", want.Account, want.Name, err)
			continue
		}
		checkProfile(t, got, want)
	}

	for _, tt := range []struct {
		name string
		p    qslocal.CustomPermissions
		want error
	}{
		{"taken name", newProfile(acct, "neither"), qslocal.ErrExists},
		{"unknown account", newProfile("999", "p"), qslocal.ErrNotFound},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateCustomPermissions(ctx, tt.p) })
		checkErr(t, "CreateCustomPermissions "+tt.name, err, tt.want)
	}
	got, err := getProfile(t, s, acct, "neither")
	if err != nil {
		t.Fatal(err)
	}
	checkProfile(t, got, neither)
	for _, tt := range []struct{ account, name string }{{acct, "nope"}, {acct, "NEITHER"}, {acct2, "neither"}, {"999", "p"}} {
		_, err := getProfile(t, s, tt.account, tt.name)
		checkErr(t, fmt.Sprintf("CustomPermissions(%q, %q)", tt.account, tt.name), err, qslocal.ErrNotFound)
	}
}

func testUpdateCustomPermissions(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	orig := newProfile(acct, "p")
	update(t, s, func(tx qslocal.Tx) error { return tx.CreateCustomPermissions(ctx, orig) })

	cleared := qslocal.CustomPermissions{Account: acct, Name: "p", CreatedAt: t0.Add(-time.Hour), UpdatedAt: t0.Add(time.Hour)}
	changed := newProfile(acct, "p")
	changed.Capabilities = []byte(`{"CreateAndUpdateDatasets":"DENY"}`)
	changed.Governance = nil
	changed.UpdatedAt = t0.Add(2 * time.Hour)
	for _, want := range []qslocal.CustomPermissions{cleared, changed, orig} {
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateCustomPermissions(ctx, want) })
		got, err := getProfile(t, s, acct, "p")
		if err != nil {
			t.Fatal(err)
		}
		checkProfile(t, got, want)
	}
	for _, p := range []qslocal.CustomPermissions{newProfile(acct, "P"), newProfile(acct, "nope"), newProfile(acct2, "p")} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateCustomPermissions(ctx, p) })
		checkErr(t, fmt.Sprintf("UpdateCustomPermissions(%s, %q)", p.Account, p.Name), err, qslocal.ErrNotFound)
	}
	_, err := getProfile(t, s, acct2, "p")
	checkErr(t, "CustomPermissions after failed update", err, qslocal.ErrNotFound)
}

func testDeleteCustomPermissions(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	update(t, s, func(tx qslocal.Tx) error {
		for _, p := range []qslocal.CustomPermissions{newProfile(acct, "p"), newProfile(acct, "q"), newProfile(acct2, "p")} {
			if err := tx.CreateCustomPermissions(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tt := range []struct{ account, name string }{{acct, "P"}, {acct, "nope"}, {"999", "p"}} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteCustomPermissions(ctx, tt.account, tt.name) })
		checkErr(t, fmt.Sprintf("DeleteCustomPermissions(%q, %q)", tt.account, tt.name), err, qslocal.ErrNotFound)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteCustomPermissions(ctx, acct, "p") })
	_, err := getProfile(t, s, acct, "p")
	checkErr(t, "CustomPermissions after delete", err, qslocal.ErrNotFound)
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteCustomPermissions(ctx, acct, "p") })
	checkErr(t, "second DeleteCustomPermissions", err, qslocal.ErrNotFound)
	for _, tt := range []struct{ account, name string }{{acct, "q"}, {acct2, "p"}} {
		if _, err := getProfile(t, s, tt.account, tt.name); err != nil {
			t.Errorf("CustomPermissions(%q, %q) after deleting another: %v", tt.account, tt.name, err)
		}
	}
	// The name is free again.
	update(t, s, func(tx qslocal.Tx) error { return tx.CreateCustomPermissions(ctx, newProfile(acct, "p")) })
}

func testListCustomPermissions(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	all := byteOrder("p", "P", "a b", "a/b", "é", "z", "0", "pp")
	update(t, s, func(tx qslocal.Tx) error {
		for _, n := range all {
			if err := tx.CreateCustomPermissions(ctx, newProfile(acct, n)); err != nil {
				return err
			}
		}
		return tx.CreateCustomPermissions(ctx, newProfile(acct2, "other"))
	})
	full := must(t, s, func(tx qslocal.Tx) ([]qslocal.CustomPermissions, error) {
		return tx.ListCustomPermissions(ctx, acct, "", 100)
	})
	if len(full) != len(all) {
		t.Fatalf("ListCustomPermissions = %q, want %q", profileNames(full), all)
	}
	for i, p := range full {
		checkProfile(t, p, newProfile(acct, all[i]))
	}
	checkListing(t, "ListCustomPermissions", all, func(after string, limit int) []string {
		return profileNames(must(t, s, func(tx qslocal.Tx) ([]qslocal.CustomPermissions, error) {
			return tx.ListCustomPermissions(ctx, acct, after, limit)
		}))
	})
	other := must(t, s, func(tx qslocal.Tx) ([]qslocal.CustomPermissions, error) {
		return tx.ListCustomPermissions(ctx, "999", "", 10)
	})
	checkStrings(t, "ListCustomPermissions of unknown account", profileNames(other), nil)
}

func testAccountCustomPermission(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	if got := accountProfile(t, s, acct); got != "" {
		t.Errorf("AccountCustomPermission of a new account = %q, want none", got)
	}
	// Reading: an unknown account has no profile, and cannot be given one.
	if got := accountProfile(t, s, "999"); got != "" {
		t.Errorf("AccountCustomPermission of unknown account = %q, want none", got)
	}
	err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.SetAccountCustomPermission(ctx, "999", "p") })
	checkErr(t, "SetAccountCustomPermission of unknown account", err, qslocal.ErrNotFound)

	for _, tt := range []struct{ set, want2 string }{{"p", ""}, {"q/é", ""}, {"", ""}, {"", ""}, {"p", ""}} {
		update(t, s, func(tx qslocal.Tx) error { return tx.SetAccountCustomPermission(ctx, acct, tt.set) })
		if got := accountProfile(t, s, acct); got != tt.set {
			t.Errorf("AccountCustomPermission after setting %q = %q", tt.set, got)
		}
		if got := accountProfile(t, s, acct2); got != tt.want2 {
			t.Errorf("AccountCustomPermission of acct2 = %q, want %q", got, tt.want2)
		}
	}
	// EnsureAccount keeps it.
	update(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, acct, region, t0) })
	if got := accountProfile(t, s, acct); got != "p" {
		t.Errorf("AccountCustomPermission after EnsureAccount = %q, want p", got)
	}
}

func testRoleCustomPermission(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	for _, tt := range []struct{ namespace, role string }{{dflt, "READER"}, {"nope", "READER"}} {
		if got := roleProfile(t, s, acct, tt.namespace, tt.role); got != "" {
			t.Errorf("RoleCustomPermission(%s, %s) = %q, want none", tt.namespace, tt.role, got)
		}
	}
	for _, profile := range []string{"p", ""} {
		for _, tt := range []struct{ account, namespace string }{{acct, "nope"}, {acct, "Default"}, {"999", dflt}} {
			err := tryUpdate(t, s, func(tx qslocal.Tx) error {
				return tx.SetRoleCustomPermission(ctx, tt.account, tt.namespace, "READER", profile)
			})
			checkErr(t, fmt.Sprintf("SetRoleCustomPermission(%q, %q, READER, %q)", tt.account, tt.namespace, profile), err, qslocal.ErrNotFound)
		}
	}

	type key struct{ account, namespace, role string }
	want := map[key]string{}
	set := func(k key, profile string) {
		t.Helper()
		update(t, s, func(tx qslocal.Tx) error {
			return tx.SetRoleCustomPermission(ctx, k.account, k.namespace, k.role, profile)
		})
		want[k] = profile
		for k, p := range want {
			if got := roleProfile(t, s, k.account, k.namespace, k.role); got != p {
				t.Errorf("RoleCustomPermission(%+v) = %q, want %q", k, got, p)
			}
		}
	}
	set(key{acct, dflt, "READER"}, "p")
	set(key{acct, dflt, "AUTHOR"}, "q")
	set(key{acct, dflt, "reader"}, "r")
	set(key{acct, ns2, "READER"}, "s")
	set(key{acct2, dflt, "READER"}, "t")
	set(key{acct, dflt, "READER"}, "p2") // replaces
	set(key{acct, dflt, "READER"}, "")   // clears
	set(key{acct, dflt, "READER"}, "")   // clearing twice is fine
	set(key{acct, ns2, "ADMIN"}, "")     // clearing what was never set too
	set(key{acct, dflt, "READER"}, "p")
}

func testProfileUses(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	withProfile := func(u qslocal.User, p string) qslocal.User {
		u.CustomPermissionsName = p
		return u
	}
	create(t, s, []qslocal.User{
		withProfile(newUser(acct, "a"), "p"),
		withProfile(newUser(acct, "b"), "p"),
		withProfile(newUser(acct, "c"), "P"),
		withProfile(newUser(acct, "d"), ""),
		withProfile(newUserIn(acct, ns2, "a"), "p"),
		withProfile(newUser(acct2, "a"), "p"),
	}, nil)
	update(t, s, func(tx qslocal.Tx) error {
		for _, r := range []struct{ account, namespace, role, profile string }{
			{acct, dflt, "READER", "p"},
			{acct, dflt, "AUTHOR", "q"},
			{acct, ns2, "READER", "p"},
			{acct2, dflt, "READER", "p"},
		} {
			if err := tx.SetRoleCustomPermission(ctx, r.account, r.namespace, r.role, r.profile); err != nil {
				return err
			}
		}
		if err := tx.SetAccountCustomPermission(ctx, acct, "p"); err != nil {
			return err
		}
		return tx.SetAccountCustomPermission(ctx, acct2, "q")
	})
	check := func(when string, want map[string]int) {
		t.Helper()
		for p, n := range want {
			if got := profileUses(t, s, acct, p); got != n {
				t.Errorf("%s: ProfileUses(%q) = %d, want %d", when, p, got, n)
			}
		}
	}
	// p: users a, b, ns2/a; roles default/READER, ns2/READER; the account.
	check("initially", map[string]int{"p": 6, "P": 1, "q": 1, "nope": 0, "p%": 0})
	if got := profileUses(t, s, acct2, "q"); got != 1 {
		t.Errorf("ProfileUses(acct2, q) = %d, want 1", got)
	}
	if got := profileUses(t, s, "999", "p"); got != 0 {
		t.Errorf("ProfileUses(unknown account) = %d, want 0", got)
	}

	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, acct, dflt, "a") })
	check("after DeleteUser", map[string]int{"p": 5})
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateUser(ctx, withProfile(newUser(acct, "b"), "q")) })
	check("after UpdateUser", map[string]int{"p": 4, "q": 2})
	update(t, s, func(tx qslocal.Tx) error { return tx.SetRoleCustomPermission(ctx, acct, dflt, "READER", "") })
	check("after clearing a role", map[string]int{"p": 3})
	update(t, s, func(tx qslocal.Tx) error { return tx.SetAccountCustomPermission(ctx, acct, "") })
	check("after clearing the account", map[string]int{"p": 2})
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, acct, ns2) })
	check("after DeleteNamespace", map[string]int{"p": 0, "q": 2, "P": 1})
	if got := profileUses(t, s, acct2, "p"); got != 2 {
		t.Errorf("ProfileUses(acct2, p) = %d, want 2", got)
	}
}
