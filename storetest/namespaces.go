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
	deleting := newNamespace(acct, "going")
	deleting.DeletingSince = time.Date(2030, 1, 2, 3, 4, 5, 6000, time.UTC)
	created = append(created, deleting)
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

func testDeleteNamespaceCascade(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	want := buildWorld(t, s)
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, acct, ns2) })

	// Everything goes but the tags and grants, which the service
	// clears itself.
	st := emptyState(false)
	st.Tags, st.Grants = want[acct+"/"+ns2].Tags, want[acct+"/"+ns2].Grants
	want[acct+"/"+ns2] = st
	checkWorld(t, s, "after DeleteNamespace", want)
	for _, u := range worldUsers {
		_, err := getUser(t, s, acct, ns2, u)
		checkErr(t, "User in deleted namespace", err, qslocal.ErrNotFound)
		_, err = read(t, s, func(tx qslocal.Tx) (qslocal.User, error) {
			return tx.UserByPrincipalID(ctx, acct, ns2, newUserIn(acct, ns2, u).PrincipalID)
		})
		checkErr(t, "UserByPrincipalID in deleted namespace", err, qslocal.ErrNotFound)
	}
	for _, g := range worldGroups {
		_, err := getGroup(t, s, acct, ns2, g)
		checkErr(t, "Group in deleted namespace", err, qslocal.ErrNotFound)
	}
	if n := must(t, s, func(tx qslocal.Tx) (int, error) { return tx.CountGroups(ctx, acct, ns2) }); n != 0 {
		t.Errorf("CountGroups of deleted namespace = %d", n)
	}
	if n := must(t, s, func(tx qslocal.Tx) (int, error) { return tx.CountUsers(ctx, acct, ns2) }); n != 0 {
		t.Errorf("CountUsers of deleted namespace = %d", n)
	}
	for _, a := range worldAssignments {
		_, err := getAssignment(t, s, acct, ns2, a.Name)
		checkErr(t, "Assignment in deleted namespace", err, qslocal.ErrNotFound)
	}
	reqs := worldRequests(acct, ns2)
	for _, r := range reqs {
		_, err := getUpgradeRequest(t, s, acct, ns2, r.ID)
		checkErr(t, "UpgradeRequest in deleted namespace", err, qslocal.ErrNotFound)
	}
	for _, tt := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"CreateUpgradeRequest", func(tx qslocal.Tx) error { return tx.CreateUpgradeRequest(ctx, reqs[0]) }},
		{"UpdateUpgradeRequest", func(tx qslocal.Tx) error { return tx.UpdateUpgradeRequest(ctx, reqs[1]) }},
		{"SetSelfUpgradeStatus", func(tx qslocal.Tx) error { return tx.SetSelfUpgradeStatus(ctx, acct, ns2, "AUTO_APPROVAL") }},
		{"CreateAssignment", func(tx qslocal.Tx) error { return tx.CreateAssignment(ctx, newAssignment(acct, ns2, "a1", nil, nil)) }},
		{"UpdateAssignment", func(tx qslocal.Tx) error { return tx.UpdateAssignment(ctx, newAssignment(acct, ns2, "a1", nil, nil)) }},
		{"DeleteAssignment", func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, acct, ns2, "a1") }},
	} {
		checkErr(t, tt.name+" in deleted namespace", tryUpdate(t, s, tt.fn), qslocal.ErrNotFound)
	}

	// A new namespace of the same name, with users and groups of the same
	// names, inherits nothing.
	update(t, s, func(tx qslocal.Tx) error { return tx.CreateNamespace(ctx, newNamespace(acct, ns2)) })
	var users []qslocal.User
	var groups []qslocal.Group
	for _, u := range worldUsers {
		users = append(users, newUserIn(acct, ns2, u))
	}
	for _, g := range worldGroups {
		groups = append(groups, newGroup(acct, ns2, g))
	}
	create(t, s, users, groups)
	st = emptyState(true)
	st.Users, st.Groups, st.Tags, st.Grants = worldUsers, worldGroups, want[acct+"/"+ns2].Tags, want[acct+"/"+ns2].Grants
	want[acct+"/"+ns2] = st
	checkWorld(t, s, "after re-creating the namespace", want)

	// The request ids and assignment names are free again, and an
	// assignment of the same name starts with no identities.
	createUpgradeRequests(t, s, reqs...)
	checkUpgradeRequests(t, listUpgradeRequests(t, s, acct, ns2, "", "", "", 10), reqs)
	createAssignments(t, s, newAssignment(acct, ns2, "a1", nil, nil))
	st.Requests, st.Assignments = requestIDs(reqs), []string{"a1"}
	want[acct+"/"+ns2] = st
	checkWorld(t, s, "after re-creating the requests and an assignment", want)
}
