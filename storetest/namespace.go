package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func getNamespace(t *testing.T, s qslocal.Store, account, name string) (qslocal.Namespace, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.Namespace, error) { return tx.Namespace(t.Context(), account, name) })
}

func listNamespaces(t *testing.T, s qslocal.Store, account, after string, limit int) []qslocal.Namespace {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Namespace, error) {
		return tx.ListNamespaces(t.Context(), account, after, limit)
	})
}

func countNamespaces(t *testing.T, s qslocal.Store, account string) int {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) (int, error) { return tx.CountNamespaces(t.Context(), account) })
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
}

func testCreateNamespace(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})

	other := newNamespace(acct, "other")
	other.CapacityRegion, other.IdentityStore = "ap-northeast-1", "IAM_IDENTITY_CENTER"
	other.CreatedAt = time.Date(2030, 1, 1, 0, 0, 0, 999000, time.UTC)
	created := []qslocal.Namespace{
		other,
		newNamespace(acct, "Other"), // case-sensitive
		newNamespace(acct, "ns-é_%*"),
		newNamespace(acct2, "other"), // same name in another account
	}
	update(t, s, func(tx qslocal.Tx) error {
		for _, ns := range created {
			if err := tx.CreateNamespace(ctx, ns); err != nil {
				return fmt.Errorf("CreateNamespace(%s, %q): %w", ns.Account, ns.Name, err)
			}
		}
		return nil
	})
	for _, want := range created {
		got, err := getNamespace(t, s, want.Account, want.Name)
		if err != nil {
			t.Errorf("Namespace(%s, %q): %v", want.Account, want.Name, err)
			continue
		}
		checkNamespace(t, got, want)
	}

	tests := []struct {
		name string
		ns   qslocal.Namespace
		want error
	}{
		{"taken name", newNamespace(acct, "other"), qslocal.ErrExists},
		{"default", newNamespace(acct, dflt), qslocal.ErrExists},
		{"unknown account", newNamespace("999999999999", "other"), qslocal.ErrNotFound},
		{"empty account", newNamespace("", "x"), qslocal.ErrNotFound},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateNamespace(ctx, tt.ns) })
		checkErr(t, "CreateNamespace "+tt.name, err, tt.want)
	}
	// The failed creates changed nothing.
	got, err := getNamespace(t, s, acct, "other")
	if err != nil {
		t.Fatal(err)
	}
	checkNamespace(t, got, other)
	_, err = getNamespace(t, s, "999999999999", "other")
	checkErr(t, "Namespace of unknown account", err, qslocal.ErrNotFound)
}

func testListNamespaces(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	extra := []string{"b", "B", "a", "é", "z", "a b", "a/b", "0", "default2"}
	update(t, s, func(tx qslocal.Tx) error {
		for _, name := range extra {
			if err := tx.CreateNamespace(ctx, newNamespace(acct, name)); err != nil {
				return err
			}
		}
		return tx.CreateNamespace(ctx, newNamespace(acct2, "c"))
	})
	all := byteOrder(append(extra, dflt)...)

	full := listNamespaces(t, s, acct, "", 100)
	checkStrings(t, "ListNamespaces", namespaceNames(full), all)
	for _, ns := range full {
		if ns.Account != acct {
			t.Errorf("ListNamespaces returned %+v of another account", ns)
		}
		if ns.Name != dflt {
			checkNamespace(t, ns, newNamespace(acct, ns.Name))
		}
	}
	checkListing(t, "ListNamespaces", all, func(after string, limit int) []string {
		return namespaceNames(listNamespaces(t, s, acct, after, limit))
	})
	checkStrings(t, "ListNamespaces of acct2", namespaceNames(listNamespaces(t, s, acct2, "", 10)), []string{"c", dflt})
	checkStrings(t, "ListNamespaces of unknown account", namespaceNames(listNamespaces(t, s, "999", "", 10)), nil)

	for _, tt := range []struct {
		account string
		want    int
	}{{acct, len(all)}, {acct2, 2}, {"999", 0}, {"", 0}} {
		if got := countNamespaces(t, s, tt.account); got != tt.want {
			t.Errorf("CountNamespaces(%q) = %d, want %d", tt.account, got, tt.want)
		}
	}
}

func testDeleteNamespace(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	update(t, s, func(tx qslocal.Tx) error {
		for _, ns := range []qslocal.Namespace{newNamespace(acct, "gone"), newNamespace(acct, "kept"), newNamespace(acct2, "gone")} {
			if err := tx.CreateNamespace(ctx, ns); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tt := range []struct{ account, name string }{
		{acct, "Gone"}, {acct, "nope"}, {"999", "gone"}, {acct, ""},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, tt.account, tt.name) })
		checkErr(t, fmt.Sprintf("DeleteNamespace(%q, %q)", tt.account, tt.name), err, qslocal.ErrNotFound)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, acct, "gone") })
	_, err := getNamespace(t, s, acct, "gone")
	checkErr(t, "Namespace after delete", err, qslocal.ErrNotFound)
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, acct, "gone") })
	checkErr(t, "second DeleteNamespace", err, qslocal.ErrNotFound)
	checkStrings(t, "ListNamespaces", namespaceNames(listNamespaces(t, s, acct, "", 10)), []string{dflt, "kept"})
	checkStrings(t, "ListNamespaces of acct2", namespaceNames(listNamespaces(t, s, acct2, "", 10)), []string{dflt, "gone"})
	if n := countNamespaces(t, s, acct); n != 2 {
		t.Errorf("CountNamespaces = %d, want 2", n)
	}
	// The name is free again.
	update(t, s, func(tx qslocal.Tx) error { return tx.CreateNamespace(ctx, newNamespace(acct, "gone")) })

	// A rolled back delete keeps the namespace.
	err = tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.DeleteNamespace(ctx, acct, "kept"); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "rolled back DeleteNamespace", err, errBoom)
	if _, err := getNamespace(t, s, acct, "kept"); err != nil {
		t.Errorf("Namespace after rolled back delete: %v", err)
	}
}
