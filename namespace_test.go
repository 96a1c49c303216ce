package qslocal_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

// hooks replace some Tx methods, to reach limits without creating
// thousands of rows and to make a step fail midway through an operation.
// A nil hook leaves the store's method in place.
type hooks struct {
	countNamespaces func() (int, error)
	countGroups     func() (int, error)
	setTags         func() error
	clearTags       func() error
	// groupMember, when set, answers Tx.GroupMember instead of the store.
	groupMember func() error
}

type hookedStore struct {
	qslocal.Store
	h *hooks
}

func (s hookedStore) Update(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	return s.Store.Update(ctx, func(tx qslocal.Tx) error { return fn(hookedTx{tx, s.h}) })
}

func (s hookedStore) View(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	return s.Store.View(ctx, func(tx qslocal.Tx) error { return fn(hookedTx{tx, s.h}) })
}

type hookedTx struct {
	qslocal.Tx
	h *hooks
}

func (t hookedTx) CountNamespaces(ctx context.Context, account string) (int, error) {
	if t.h.countNamespaces != nil {
		return t.h.countNamespaces()
	}
	return t.Tx.CountNamespaces(ctx, account)
}

func (t hookedTx) CountGroups(ctx context.Context, account, namespace string) (int, error) {
	if t.h.countGroups != nil {
		return t.h.countGroups()
	}
	return t.Tx.CountGroups(ctx, account, namespace)
}

func (t hookedTx) SetTags(ctx context.Context, account, resource string, tags []qslocal.Tag) error {
	if t.h.setTags != nil {
		return t.h.setTags()
	}
	return t.Tx.SetTags(ctx, account, resource, tags)
}

func (t hookedTx) ClearTags(ctx context.Context, account, prefix string) error {
	if t.h.clearTags != nil {
		return t.h.clearTags()
	}
	return t.Tx.ClearTags(ctx, account, prefix)
}

func (t hookedTx) GroupMember(ctx context.Context, account, namespace, group, user string) error {
	if t.h.groupMember != nil {
		return t.h.groupMember()
	}
	return t.Tx.GroupMember(ctx, account, namespace, group, user)
}

// newHookedService is a Service on a fresh in-memory store whose
// transactions go through h. It returns the store too, to plant and read
// rows directly.
func newHookedService(t *testing.T, h *hooks) (*qslocal.Service, qslocal.Store) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	n := 0
	svc, err := qslocal.NewService(context.Background(), qslocal.Config{
		Store:  hookedStore{store, h},
		Region: "ap-south-1",
		Clock:  func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) },
		IDs: func() string {
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, store
}

// isError reports whether err is a *qslocal.Error with that code and
// resource type.
func isError(err error, code, resource string) bool {
	var e *qslocal.Error
	return errors.As(err, &e) && e.Code == code && e.ResourceType == resource
}

const acct = "111122223333"

func createNamespaceIn(name string, tags ...api.Tag) *api.CreateNamespaceRequest {
	return &api.CreateNamespaceRequest{
		AwsAccountId: s(acct), Namespace: s(name),
		IdentityStore: (*api.IdentityStore)(s("QUICKSIGHT")), Tags: tags,
	}
}

func registerUserIn(ns, name string) *api.RegisterUserRequest {
	return &api.RegisterUserRequest{
		AwsAccountId: s(acct), Namespace: s(ns), UserName: s(name), Email: s(name + "@example.com"),
		IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("READER")),
	}
}

func TestCreateNamespaceAnswer(t *testing.T) {
	svc := newService(t)
	ctx := qslocal.WithCall(context.Background(), qslocal.Call{Region: "eu-west-3"})
	out, err := svc.CreateNamespace(ctx, createNamespaceIn("sales"))
	if err != nil {
		t.Fatal(err)
	}
	if *out.Arn != "arn:aws:quicksight:eu-west-3:111122223333:namespace/sales" || *out.Name != "sales" ||
		*out.CapacityRegion != "eu-west-3" || *out.CreationStatus != api.NamespaceStatusCreated || *out.IdentityStore != api.IdentityStoreQuicksight {
		t.Errorf("CreateNamespace = %+v", out)
	}
	// The capacity region is where the namespace was made; the ARN's region
	// is the caller's.
	d, err := svc.DescribeNamespace(context.Background(), &api.DescribeNamespaceRequest{AwsAccountId: s(acct), Namespace: s("sales")})
	if err != nil {
		t.Fatal(err)
	}
	if ns := d.Namespace; *ns.Arn != "arn:aws:quicksight:ap-south-1:111122223333:namespace/sales" || *ns.CapacityRegion != "eu-west-3" {
		t.Errorf("DescribeNamespace = %+v", ns)
	}
	d, err = svc.DescribeNamespace(context.Background(), &api.DescribeNamespaceRequest{AwsAccountId: s(acct), Namespace: s("default")})
	if err != nil {
		t.Fatal(err)
	}
	// The default namespace lives in the account's identity region, the
	// region of its first request.
	if ns := d.Namespace; *ns.CapacityRegion != "eu-west-3" || *ns.IdentityStore != api.IdentityStoreQuicksight || *ns.CreationStatus != api.NamespaceStatusCreated {
		t.Errorf("default namespace = %+v", ns)
	}
}

// TestCreateNamespaceChecks covers checks the HTTP layer's validation does
// not make (the model allows an empty name) or that it makes first.
func TestCreateNamespaceChecks(t *testing.T) {
	svc := newService(t)
	tag := func(k string) api.Tag { return api.Tag{Key: s(k), Value: s("v")} }
	many := make([]api.Tag, 51)
	for i := range many {
		many[i] = tag(fmt.Sprintf("k%d", i))
	}
	tests := []struct {
		name           string
		in             *api.CreateNamespaceRequest
		code, resource string
	}{
		{"empty name", createNamespaceIn(""), qslocal.CodeInvalidParameterValue, ""},
		{"no identity store", &api.CreateNamespaceRequest{AwsAccountId: s(acct), Namespace: s("x")}, qslocal.CodeInvalidParameterValue, ""},
		{"duplicate tag key", createNamespaceIn("x", tag("a"), tag("a")), qslocal.CodeInvalidParameterValue, ""},
		{"reserved tag key", createNamespaceIn("x", tag("AWS:team")), qslocal.CodeInvalidParameterValue, ""},
		{"51 tags", createNamespaceIn("x", many...), qslocal.CodeLimitExceeded, qslocal.ResourceNamespace},
		{"default exists", createNamespaceIn("default"), qslocal.CodeResourceExists, qslocal.ResourceNamespace},
	}
	for _, tt := range tests {
		if _, err := svc.CreateNamespace(context.Background(), tt.in); !isError(err, tt.code, tt.resource) {
			t.Errorf("%s: %v, want %s %s", tt.name, err, tt.code, tt.resource)
		}
	}
	l, err := svc.ListNamespaces(context.Background(), &api.ListNamespacesRequest{AwsAccountId: s(acct)})
	if err != nil || len(l.Namespaces) != 1 {
		t.Errorf("after failed creations: %+v, %v", l, err)
	}
}

func TestNamespaceLimit(t *testing.T) {
	count := 99
	svc, _ := newHookedService(t, &hooks{countNamespaces: func() (int, error) { return count, nil }})
	ctx := context.Background()
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("ninety-nine")); err != nil {
		t.Fatalf("below the limit: %v", err)
	}
	count = 100
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("hundred")); !isError(err, qslocal.CodeLimitExceeded, qslocal.ResourceNamespace) {
		t.Errorf("at the limit: %v", err)
	}
	// A taken name is reported as such, even at the limit.
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("ninety-nine")); !isError(err, qslocal.CodeResourceExists, qslocal.ResourceNamespace) {
		t.Errorf("taken name at the limit: %v", err)
	}
}

func TestNamespaceNamesAreCaseSensitive(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	for _, name := range []string{"Sales", "sales", "Default"} {
		if _, err := svc.CreateNamespace(ctx, createNamespaceIn(name)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("Default")}); err != nil {
		t.Errorf("Default (not default) is deletable: %v", err)
	}
	if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("default")}); !isError(err, qslocal.CodeInvalidParameterValue, "") {
		t.Errorf("delete default: %v", err)
	}
}

// TestFailedNamespaceOperationsChangeNothing makes the last step of each
// operation fail and checks that the earlier steps were rolled back.
func TestFailedNamespaceOperationsChangeNothing(t *testing.T) {
	h := &hooks{}
	svc, _ := newHookedService(t, h)
	ctx := context.Background()
	boom := errors.New("boom")

	h.setTags = func() error { return boom }
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("sales", api.Tag{Key: s("k"), Value: s("v")})); !errors.Is(err, boom) {
		t.Fatalf("CreateNamespace: %v", err)
	}
	if _, err := svc.DescribeNamespace(ctx, &api.DescribeNamespaceRequest{AwsAccountId: s(acct), Namespace: s("sales")}); !isError(err, qslocal.CodeResourceNotFound, qslocal.ResourceNamespace) {
		t.Errorf("namespace left behind by a failed CreateNamespace: %v", err)
	}

	h.setTags = nil
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("sales")); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterUser(ctx, registerUserIn("sales", "alice")); err != nil {
		t.Fatal(err)
	}
	h.clearTags = func() error { return boom }
	if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("sales")}); !errors.Is(err, boom) {
		t.Fatalf("DeleteNamespace: %v", err)
	}
	if _, err := svc.DescribeUser(ctx, &api.DescribeUserRequest{AwsAccountId: s(acct), Namespace: s("sales"), UserName: s("alice")}); err != nil {
		t.Errorf("a failed DeleteNamespace removed a user: %v", err)
	}
}

// TestDeleteNamespaceClearsItsTags checks that the namespace's own tags and
// its users' and groups' go, and nothing else: not those of a namespace
// whose name starts the same, nor the default namespace's.
func TestDeleteNamespaceClearsItsTags(t *testing.T) {
	svc, store := newHookedService(t, &hooks{})
	ctx := context.Background()
	for _, ns := range []string{"sales", "sales2"} {
		if _, err := svc.CreateNamespace(ctx, createNamespaceIn(ns)); err != nil {
			t.Fatal(err)
		}
	}
	resources := []string{
		"namespace/sales", "user/sales/alice", "group/sales/g",
		"namespace/sales2", "user/sales2/alice", "group/sales2/g", "user/default/alice", "group/default/g",
	}
	err := store.Update(ctx, func(tx qslocal.Tx) error {
		for _, r := range resources {
			if err := tx.SetTags(ctx, acct, r, []qslocal.Tag{{Key: "k", Value: r}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("sales")}); err != nil {
		t.Fatal(err)
	}
	err = store.View(ctx, func(tx qslocal.Tx) error {
		for i, r := range resources {
			tags, err := tx.Tags(ctx, acct, r)
			if err != nil {
				return err
			}
			if gone := i < 3; gone != (len(tags) == 0) {
				t.Errorf("tags of %s after deleting namespace sales: %v", r, tags)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
