package storetest

import (
	"fmt"
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
}
