package qslocal_test

import (
	"context"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

// TestResetSeenByEveryService resets through one service what another,
// sharing the store, has cached as existing: the other must see the
// accounts new, as a second process would.
func TestResetSeenByEveryService(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	newSvc := func() *qslocal.Service {
		svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	a, b := newSvc(), newSvc()
	const acct1, acct2 = "111122223333", "444455556666"
	register := func(svc *qslocal.Service, account, name string) error {
		_, err := svc.RegisterUser(ctx, &api.RegisterUserRequest{
			AwsAccountId: s(account), Namespace: s("default"), UserName: s(name), Email: s(name + "@example.com"),
			IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("READER")),
		})
		return err
	}
	users := func(t *testing.T, svc *qslocal.Service, account string) []string {
		t.Helper()
		out, err := svc.ListUsers(ctx, &api.ListUsersRequest{AwsAccountId: s(account), Namespace: s("default")})
		if err != nil {
			t.Fatalf("ListUsers(%s): %v", account, err)
		}
		var names []string
		for _, u := range out.UserList {
			names = append(names, *u.UserName)
		}
		return names
	}
	for _, tt := range []struct {
		name  string
		reset string // the account reset, "" for all
		kept  []string
	}{
		{"one account", acct1, []string{"bob"}},
		{"every account", "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, acct := range []string{acct1, acct2} {
				if err := register(a, acct, "bob"); err != nil && codeOf(err) != qslocal.CodeResourceExists {
					t.Fatal(err)
				}
			}
			if _, err := a.CreateNamespace(ctx, &api.CreateNamespaceRequest{AwsAccountId: s(acct1), Namespace: s("ns2"), IdentityStore: (*api.IdentityStore)(s("QUICKSIGHT"))}); err != nil {
				t.Fatal(err)
			}
			if err := b.Reset(ctx, tt.reset); err != nil {
				t.Fatal(err)
			}
			// a still believes in acct1; it must find it new.
			if got := users(t, a, acct1); len(got) != 0 {
				t.Errorf("users of the reset account: %q", got)
			}
			out, err := a.ListNamespaces(ctx, &api.ListNamespacesRequest{AwsAccountId: s(acct1)})
			if err != nil || len(out.Namespaces) != 1 || *out.Namespaces[0].Name != "default" {
				t.Errorf("ListNamespaces of the reset account = %+v, %v; want only default", out, err)
			}
			if err := register(a, acct1, "carol"); err != nil {
				t.Errorf("RegisterUser in the reset account: %v", err)
			}
			if got := users(t, a, acct2); len(got) != len(tt.kept) {
				t.Errorf("users of %s = %q, want %q", acct2, got, tt.kept)
			}
			if err := b.Reset(ctx, ""); err != nil {
				t.Fatal(err)
			}
		})
	}
}
