package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/qslocal/qslocal"
)

func testAssignmentRoundTrip(t *testing.T, s qslocal.Store) {
	setupNamespaces(t, s)
	users := []string{"alice", "bob", "Zoë", "a b", "é"}
	groups := []string{"g1", "G2", "team/é"}
	setupIdentities(t, s, acct, dflt, users, groups)
	setupIdentities(t, s, acct, ns2, []string{"alice"}, []string{"g1"})
	setupIdentities(t, s, acct2, dflt, []string{"alice"}, nil)

	disabled := newAssignment(acct, dflt, "disabled", []string{"alice"}, nil)
	disabled.Status, disabled.PolicyARN = "DISABLED", ""
	as := []qslocal.Assignment{
		// Identities in any order come back sorted by bytes.
		newAssignment(acct, dflt, "full", []string{"bob", "é", "alice", "a b", "Zoë"}, []string{"team/é", "g1", "G2"}),
		{Account: acct, Namespace: dflt, Name: "bare"},
		newAssignment(acct, dflt, "users-only", []string{"é", "alice"}, nil),
		newAssignment(acct, dflt, "groups-only", nil, []string{"G2"}),
		newAssignment(acct, dflt, "empty-lists", []string{}, []string{}),
		disabled,
		// The same name in another namespace or account is another
		// assignment.
		newAssignment(acct, ns2, "full", []string{"alice"}, []string{"g1"}),
		newAssignment(acct2, dflt, "full", []string{"alice"}, nil),
	}
	for _, name := range []string{"Full", "a/b", "a%b", "a_b", "a b", "é", "割り当て"} {
		as = append(as, newAssignment(acct, dflt, name, []string{"alice"}, []string{"g1"}))
	}
	createAssignments(t, s, as...)
	for _, want := range as {
		got, err := getAssignment(t, s, want.Account, want.Namespace, want.Name)
		if err != nil {
			t.Errorf("Assignment(%s, %s, %q): %v", want.Account, want.Namespace, want.Name, err)
			continue
		}
		checkAssignment(t, got, want)
	}
	for _, tt := range []struct{ account, namespace, name string }{
		{acct, dflt, "FULL"}, {acct, dflt, "nope"}, {acct, dflt, "ful"}, {acct, dflt, ""},
		{acct, "nope", "full"}, {acct, "Default", "full"}, {acct, ns2, "bare"},
		{acct2, ns2, "full"}, {acct2, dflt, "bare"}, {"999", dflt, "full"},
	} {
		_, err := getAssignment(t, s, tt.account, tt.namespace, tt.name)
		checkErr(t, fmt.Sprintf("Assignment(%q, %q, %q)", tt.account, tt.namespace, tt.name), err, qslocal.ErrNotFound)
	}

	// A name given twice is kept once, on create and on update.
	twice := newAssignment(acct, dflt, "twice", []string{"bob", "alice", "bob"}, []string{"g1", "g1"})
	createAssignments(t, s, twice)
	got, err := getAssignment(t, s, acct, dflt, "twice")
	if err != nil || !slices.Equal(got.Users, []string{"alice", "bob"}) || !slices.Equal(got.Groups, []string{"g1"}) {
		t.Errorf("created with names twice: %+v, %v", got, err)
	}
	twice.Users, twice.Groups = []string{"é", "é"}, []string{"G2", "g1", "G2"}
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAssignment(t.Context(), twice) })
	got, err = getAssignment(t, s, acct, dflt, "twice")
	if err != nil || !slices.Equal(got.Users, []string{"é"}) || !slices.Equal(got.Groups, []string{"G2", "g1"}) {
		t.Errorf("updated with names twice: %+v, %v", got, err)
	}
}

func testCreateAssignmentConflicts(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	setupIdentities(t, s, acct, dflt, []string{"alice", "bob"}, []string{"g1"})
	setupIdentities(t, s, acct, ns2, []string{"carol"}, []string{"g2"})
	setupIdentities(t, s, acct2, dflt, []string{"alice"}, []string{"g1"})
	existing := newAssignment(acct, dflt, "policy", []string{"alice"}, []string{"g1"})
	createAssignments(t, s, existing)

	other := existing
	other.ID, other.Status, other.Users, other.Groups = "other", "DRAFT", []string{"bob"}, nil
	tests := []struct {
		name string
		a    qslocal.Assignment
		want error
	}{
		{"same assignment", existing, qslocal.ErrExists},
		{"taken name", other, qslocal.ErrExists},
		{"unknown namespace", newAssignment(acct, "nope", "x", nil, nil), qslocal.ErrNotFound},
		{"namespace of other case", newAssignment(acct, "Default", "x", nil, nil), qslocal.ErrNotFound},
		{"namespace only in another account", newAssignment(acct2, ns2, "x", nil, nil), qslocal.ErrNotFound},
		{"unknown account", newAssignment("999", dflt, "x", nil, nil), qslocal.ErrNotFound},
		{"unknown user", newAssignment(acct, dflt, "x", []string{"alice", "nobody"}, []string{"g1"}), qslocal.ErrNotFound},
		{"user of other case", newAssignment(acct, dflt, "x", []string{"Alice"}, nil), qslocal.ErrNotFound},
		{"user of another namespace", newAssignment(acct, dflt, "x", []string{"carol"}, nil), qslocal.ErrNotFound},
		{"unknown group", newAssignment(acct, dflt, "x", []string{"alice"}, []string{"g1", "nope"}), qslocal.ErrNotFound},
		{"group of another namespace", newAssignment(acct, dflt, "x", nil, []string{"g2"}), qslocal.ErrNotFound},
		{"a user named as a group", newAssignment(acct, dflt, "x", nil, []string{"alice"}), qslocal.ErrNotFound},
		{"a group named as a user", newAssignment(acct, dflt, "x", []string{"g1"}, nil), qslocal.ErrNotFound},
		{"other case", newAssignment(acct, dflt, "Policy", []string{"bob"}, nil), nil},
		{"same name in another namespace", newAssignment(acct, ns2, "policy", []string{"carol"}, []string{"g2"}), nil},
		{"same name in another account", newAssignment(acct2, dflt, "policy", []string{"alice"}, []string{"g1"}), nil},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateAssignment(ctx, tt.a) })
		checkErr(t, "CreateAssignment "+tt.name, err, tt.want)
	}
	for _, tt := range tests[len(tests)-3:] {
		got, err := getAssignment(t, s, tt.a.Account, tt.a.Namespace, tt.a.Name)
		if err != nil {
			t.Errorf("Assignment(%s, %s, %q): %v", tt.a.Account, tt.a.Namespace, tt.a.Name, err)
			continue
		}
		checkAssignment(t, got, tt.a)
	}
	got, err := getAssignment(t, s, acct, dflt, "policy")
	if err != nil {
		t.Fatal(err)
	}
	checkAssignment(t, got, existing)
	// The failed creates left nothing behind, not even a part.
	_, err = getAssignment(t, s, acct, dflt, "x")
	checkErr(t, "Assignment(x) after failed creates", err, qslocal.ErrNotFound)
	checkStrings(t, "ListAssignments", assignmentNames(listAssignments(t, s, acct, dflt, "", "", 10)), []string{"Policy", "policy"})
	checkStrings(t, "ListUserAssignments(alice)", assignmentNames(listUserAssignments(t, s, acct, dflt, "alice", "", "", 10)), []string{"policy"})
	checkStrings(t, "ListUserAssignments(bob)", assignmentNames(listUserAssignments(t, s, acct, dflt, "bob", "", "", 10)), []string{"Policy"})
	for _, tt := range []struct{ account, namespace string }{{acct, "nope"}, {acct2, ns2}, {"999", dflt}} {
		checkStrings(t, fmt.Sprintf("ListAssignments(%q, %q)", tt.account, tt.namespace),
			assignmentNames(listAssignments(t, s, tt.account, tt.namespace, "", "", 10)), nil)
	}
}

func testUpdateAssignment(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	setupIdentities(t, s, acct, dflt, []string{"alice", "bob", "carol"}, []string{"g1", "g2", "g3"})
	setupIdentities(t, s, acct, ns2, []string{"alice", "dave"}, []string{"g1"})
	orig := newAssignment(acct, dflt, "p", []string{"alice", "bob"}, []string{"g1"})
	neighbour := newAssignment(acct, dflt, "q", []string{"alice"}, []string{"g1", "g2"})
	others := []qslocal.Assignment{neighbour, newAssignment(acct, ns2, "p", []string{"alice"}, []string{"g1"})}
	createAssignments(t, s, append(others, orig)...)

	// Every field but the key changes, identities added and removed.
	changed := qslocal.Assignment{
		Account: acct, Namespace: dflt, Name: "p",
		ID: "id-2", Status: "DISABLED", PolicyARN: "",
		Users: []string{"carol", "alice"}, Groups: []string{"g3", "g2"},
	}
	cleared := changed
	cleared.Status, cleared.Users, cleared.Groups = "DRAFT", nil, nil
	for _, want := range []qslocal.Assignment{changed, cleared, changed, orig} {
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAssignment(ctx, want) })
		got, err := getAssignment(t, s, acct, dflt, "p")
		if err != nil {
			t.Fatalf("Assignment after update: %v", err)
		}
		checkAssignment(t, got, want)
	}

	// ListUserAssignments follows the identities.
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAssignment(ctx, changed) })
	for _, tt := range []struct {
		user string
		want []string
	}{{"alice", []string{"p", "q"}}, {"bob", nil}, {"carol", []string{"p"}}} {
		checkStrings(t, "ListUserAssignments("+tt.user+") after update",
			assignmentNames(listUserAssignments(t, s, acct, dflt, tt.user, "", "", 10)), tt.want)
	}
	checkStrings(t, "DISABLED assignments after update", assignmentNames(listAssignments(t, s, acct, dflt, "DISABLED", "", 10)), []string{"p"})
	checkStrings(t, "ENABLED assignments after update", assignmentNames(listAssignments(t, s, acct, dflt, "ENABLED", "", 10)), []string{"q"})
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateAssignment(ctx, orig) })

	withUsers := func(users, groups []string) qslocal.Assignment {
		a := changed
		a.Users, a.Groups = users, groups
		return a
	}
	for _, tt := range []struct {
		name string
		a    qslocal.Assignment
	}{
		{"unknown name", newAssignment(acct, dflt, "nope", nil, nil)},
		{"other case", newAssignment(acct, dflt, "P", nil, nil)},
		{"name only in another namespace", newAssignment(acct, ns2, "q", nil, nil)},
		{"unknown namespace", newAssignment(acct, "nope", "p", nil, nil)},
		{"unknown account", newAssignment("999", dflt, "p", nil, nil)},
		// A failing update changes nothing, the fields before the
		// identities included.
		{"unknown user", withUsers([]string{"carol", "nobody"}, nil)},
		{"user of another namespace", withUsers([]string{"dave"}, nil)},
		{"unknown group", withUsers(nil, []string{"g2", "nope"})},
		{"a user named as a group", withUsers(nil, []string{"carol"})},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateAssignment(ctx, tt.a) })
		checkErr(t, "UpdateAssignment "+tt.name, err, qslocal.ErrNotFound)
	}
	for _, want := range append(others, orig) {
		got, err := getAssignment(t, s, want.Account, want.Namespace, want.Name)
		if err != nil {
			t.Errorf("Assignment(%s, %s, %q): %v", want.Account, want.Namespace, want.Name, err)
			continue
		}
		checkAssignment(t, got, want)
	}
	_, err := getAssignment(t, s, acct, dflt, "nope")
	checkErr(t, "Assignment(nope)", err, qslocal.ErrNotFound)
}

func testDeleteAssignment(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	setupIdentities(t, s, acct, dflt, []string{"alice"}, []string{"g1"})
	setupIdentities(t, s, acct, ns2, []string{"alice"}, []string{"g1"})
	setupIdentities(t, s, acct2, dflt, []string{"alice"}, []string{"g1"})
	addMembers(t, s, membership{acct, dflt, "g1", "alice"})
	p, q := newAssignment(acct, dflt, "p", []string{"alice"}, []string{"g1"}), newAssignment(acct, dflt, "q", nil, []string{"g1"})
	others := []qslocal.Assignment{newAssignment(acct, ns2, "p", []string{"alice"}, []string{"g1"}), newAssignment(acct2, dflt, "p", []string{"alice"}, []string{"g1"})}
	createAssignments(t, s, append(others, p, q)...)

	for _, tt := range []struct{ account, namespace, name string }{
		{acct, dflt, "P"}, {acct, dflt, "nope"}, {acct, "nope", "p"}, {acct2, ns2, "p"}, {"999", dflt, "p"},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, tt.account, tt.namespace, tt.name) })
		checkErr(t, fmt.Sprintf("DeleteAssignment(%q, %q, %q)", tt.account, tt.namespace, tt.name), err, qslocal.ErrNotFound)
	}

	// A rolled back delete keeps it, identities included.
	err := tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.DeleteAssignment(ctx, acct, dflt, "p"); err != nil {
			return err
		}
		if _, err := tx.Assignment(ctx, acct, dflt, "p"); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("Assignment in the deleting transaction: err = %v, want %v", err, qslocal.ErrNotFound)
		}
		return errBoom
	})
	checkErr(t, "rolled back DeleteAssignment", err, errBoom)
	got, err := getAssignment(t, s, acct, dflt, "p")
	if err != nil {
		t.Fatalf("Assignment after a rolled back delete: %v", err)
	}
	checkAssignment(t, got, p)

	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, acct, dflt, "p") })
	_, err = getAssignment(t, s, acct, dflt, "p")
	checkErr(t, "Assignment after delete", err, qslocal.ErrNotFound)
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, acct, dflt, "p") })
	checkErr(t, "second DeleteAssignment", err, qslocal.ErrNotFound)
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateAssignment(ctx, p) })
	checkErr(t, "UpdateAssignment after delete", err, qslocal.ErrNotFound)
	checkStrings(t, "ListAssignments after delete", assignmentNames(listAssignments(t, s, acct, dflt, "", "", 10)), []string{"q"})
	checkStrings(t, "ListUserAssignments after delete", assignmentNames(listUserAssignments(t, s, acct, dflt, "alice", "", "", 10)), []string{"q"})
	for _, want := range append(others, q) {
		got, err := getAssignment(t, s, want.Account, want.Namespace, want.Name)
		if err != nil {
			t.Errorf("Assignment(%s, %s, %q) after deleting another: %v", want.Account, want.Namespace, want.Name, err)
			continue
		}
		checkAssignment(t, got, want)
	}
	// Its users and groups stay, and the name is free again: a new
	// assignment of that name inherits no identity.
	if _, err := getUser(t, s, acct, dflt, "alice"); err != nil {
		t.Errorf("User(alice) after DeleteAssignment: %v", err)
	}
	if _, err := getGroup(t, s, acct, dflt, "g1"); err != nil {
		t.Errorf("Group(g1) after DeleteAssignment: %v", err)
	}
	again := newAssignment(acct, dflt, "p", nil, nil)
	createAssignments(t, s, again)
	got, err = getAssignment(t, s, acct, dflt, "p")
	if err != nil {
		t.Fatal(err)
	}
	checkAssignment(t, got, again)
}

func testListAssignments(t *testing.T, s qslocal.Store) {
	setupNamespaces(t, s)
	setupIdentities(t, s, acct, dflt, []string{"u"}, []string{"g"})
	names := byteOrder("a", "A", "b", "a b", "a/b", "a%", "a_", "é", "z", "0", "aa", "\U0010ffff")
	statuses := []string{"ENABLED", "DISABLED", "DRAFT"}
	byStatus := map[string][]string{}
	var as []qslocal.Assignment
	for i, n := range names {
		// Listings leave out the identities.
		a := newAssignment(acct, dflt, n, []string{"u"}, []string{"g"})
		a.Status = statuses[i%3]
		byStatus[a.Status] = append(byStatus[a.Status], n)
		as = append(as, a)
	}
	createAssignments(t, s, append(as,
		newAssignment(acct, ns2, "a", nil, nil), newAssignment(acct, ns2, "c", nil, nil),
		newAssignment(acct2, dflt, "a", nil, nil), newAssignment(acct2, dflt, "d", nil, nil))...)

	checkListedAssignments(t, "ListAssignments", listAssignments(t, s, acct, dflt, "", "", 100), as)
	checkListing(t, "ListAssignments", names, func(after string, limit int) []string {
		return assignmentNames(listAssignments(t, s, acct, dflt, "", after, limit))
	})
	for _, st := range statuses {
		var want []qslocal.Assignment
		for _, a := range as {
			if a.Status == st {
				want = append(want, a)
			}
		}
		checkListedAssignments(t, "ListAssignments("+st+")", listAssignments(t, s, acct, dflt, st, "", 100), want)
		checkListing(t, "ListAssignments("+st+")", byStatus[st], func(after string, limit int) []string {
			return assignmentNames(listAssignments(t, s, acct, dflt, st, after, limit))
		})
	}
	for _, tt := range []struct {
		account, namespace, status, after string
		want                              []string
	}{
		{acct, dflt, "enabled", "", nil}, // case-sensitive
		{acct, dflt, "ENABLE", "", nil},  // not a prefix
		{acct, dflt, "", "a%", []string{"a/b", "a_", "aa", "b", "z", "é", "\U0010ffff"}}, // not a LIKE pattern
		{acct, ns2, "", "", []string{"a", "c"}},
		{acct, ns2, "DISABLED", "", nil},
		{acct2, dflt, "", "", []string{"a", "d"}},
		{acct2, dflt, "ENABLED", "a", []string{"d"}},
		{acct2, ns2, "", "", nil},
		{acct, "nope", "", "", nil},
		{"999", dflt, "", "", nil},
	} {
		checkStrings(t, fmt.Sprintf("ListAssignments(%q, %q, %q, after %q)", tt.account, tt.namespace, tt.status, tt.after),
			assignmentNames(listAssignments(t, s, tt.account, tt.namespace, tt.status, tt.after, 100)), tt.want)
	}
}

func testListUserAssignments(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	setupIdentities(t, s, acct, dflt, []string{"alice", "bob", "carol", "Alice", "dave"}, []string{"g1", "g2", "g3", "G1", "empty"})
	setupIdentities(t, s, acct, ns2, []string{"alice"}, []string{"g1"})
	setupIdentities(t, s, acct2, dflt, []string{"alice"}, []string{"g1"})
	addMembers(t, s,
		membership{acct, dflt, "g1", "alice"}, membership{acct, dflt, "g1", "bob"},
		membership{acct, dflt, "g2", "alice"}, membership{acct, dflt, "g3", "carol"},
		membership{acct, dflt, "G1", "Alice"},
		membership{acct, ns2, "g1", "alice"}, membership{acct2, dflt, "g1", "alice"})
	with := func(name, status string, users, groups []string) qslocal.Assignment {
		a := newAssignment(acct, dflt, name, users, groups)
		a.Status = status
		return a
	}
	as := []qslocal.Assignment{
		with("direct", "ENABLED", []string{"alice"}, nil),
		with("via-g1", "ENABLED", nil, []string{"g1"}),
		// alice thrice: herself, and through two groups.
		with("both", "ENABLED", []string{"alice"}, []string{"g1", "g2"}),
		with("two-groups", "DISABLED", nil, []string{"g2", "g1"}),
		with("disabled", "DISABLED", []string{"alice", "bob"}, nil),
		with("via-g2", "DRAFT", nil, []string{"g2"}),
		with("others", "ENABLED", []string{"bob"}, []string{"g3"}),
		with("upper", "ENABLED", []string{"Alice"}, []string{"G1"}),
		with("empty-group", "ENABLED", nil, []string{"empty"}),
		with("none", "ENABLED", nil, nil),
		with("a%", "ENABLED", []string{"alice"}, nil),
		with("é", "DRAFT", nil, []string{"g1"}),
	}
	byName := map[string]qslocal.Assignment{}
	for _, a := range as {
		byName[a.Name] = a
	}
	createAssignments(t, s, append(as,
		newAssignment(acct, ns2, "direct", []string{"alice"}, nil), newAssignment(acct, ns2, "ns2-only", nil, []string{"g1"}),
		newAssignment(acct2, dflt, "direct", nil, []string{"g1"}))...)

	aliceAll := byteOrder("direct", "via-g1", "both", "two-groups", "disabled", "via-g2", "a%", "é")
	var want []qslocal.Assignment
	for _, n := range aliceAll {
		want = append(want, byName[n])
	}
	checkListedAssignments(t, "ListUserAssignments(alice)", listUserAssignments(t, s, acct, dflt, "alice", "", "", 100), want)
	checkListing(t, "ListUserAssignments(alice)", aliceAll, func(after string, limit int) []string {
		return assignmentNames(listUserAssignments(t, s, acct, dflt, "alice", "", after, limit))
	})
	for _, tt := range []struct {
		account, namespace, user, status string
		want                             []string
	}{
		{acct, dflt, "alice", "ENABLED", byteOrder("direct", "via-g1", "both", "a%")},
		{acct, dflt, "alice", "DISABLED", byteOrder("two-groups", "disabled")},
		{acct, dflt, "alice", "DRAFT", byteOrder("via-g2", "é")},
		{acct, dflt, "alice", "enabled", nil},
		{acct, dflt, "bob", "", byteOrder("via-g1", "both", "two-groups", "disabled", "others", "é")},
		{acct, dflt, "bob", "ENABLED", byteOrder("via-g1", "both", "others")},
		{acct, dflt, "carol", "", []string{"others"}},
		{acct, dflt, "Alice", "", []string{"upper"}},
		{acct, dflt, "dave", "", nil},
		{acct, dflt, "nobody", "", nil},
		{acct, dflt, "alic", "", nil},
		{acct, ns2, "alice", "", []string{"direct", "ns2-only"}},
		{acct2, dflt, "alice", "", []string{"direct"}},
		{acct, "nope", "alice", "", nil},
		{"999", dflt, "alice", "", nil},
	} {
		list := func(after string, limit int) []string {
			return assignmentNames(listUserAssignments(t, s, tt.account, tt.namespace, tt.user, tt.status, after, limit))
		}
		what := fmt.Sprintf("ListUserAssignments(%q, %q, %q, %q)", tt.account, tt.namespace, tt.user, tt.status)
		checkStrings(t, what, list("", 100), tt.want)
		if len(tt.want) >= 3 {
			checkListing(t, what, tt.want, list)
		}
	}

	// The listing follows memberships and identities as they change.
	update(t, s, func(tx qslocal.Tx) error {
		a := byName["direct"]
		a.Users = []string{"bob"}
		return errors.Join(
			tx.RemoveGroupMember(ctx, acct, dflt, "g1", "alice"), // loses via-g1 and é; keeps both and two-groups through g2
			tx.AddGroupMember(ctx, acct, dflt, "g3", "alice"),    // gains others
			tx.UpdateAssignment(ctx, a))                          // loses direct
	})
	checkStrings(t, "ListUserAssignments(alice) after changes", assignmentNames(listUserAssignments(t, s, acct, dflt, "alice", "", "", 100)),
		byteOrder("both", "two-groups", "disabled", "via-g2", "others", "a%"))
	checkStrings(t, "ListUserAssignments(bob) after changes", assignmentNames(listUserAssignments(t, s, acct, dflt, "bob", "", "", 100)),
		byteOrder("direct", "via-g1", "both", "two-groups", "disabled", "others", "é"))
}

func testAssignmentErrorsKeepTransaction(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	setupIdentities(t, s, acct, dflt, []string{"alice"}, []string{"g1"})
	p := newAssignment(acct, dflt, "p", []string{"alice"}, []string{"g1"})
	createAssignments(t, s, p)
	changed := p
	changed.Status, changed.Users = "DISABLED", []string{"alice", "nobody"}
	cases := []sentinel{
		{"CreateAssignment of a taken name", qslocal.ErrExists, func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, newAssignment(acct, dflt, "p", nil, nil))
		}},
		{"CreateAssignment in an unknown namespace", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, newAssignment(acct, "nope", "x", nil, nil))
		}},
		{"CreateAssignment of an unknown user", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, newAssignment(acct, dflt, "ghost-user", []string{"alice", "nobody"}, []string{"g1"}))
		}},
		{"CreateAssignment of an unknown group", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, newAssignment(acct, dflt, "ghost-group", []string{"alice"}, []string{"g1", "nope"}))
		}},
		{"Assignment unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			_, err := tx.Assignment(ctx, acct, dflt, "nope")
			return err
		}},
		{"UpdateAssignment unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, newAssignment(acct, dflt, "nope", nil, nil))
		}},
		{"UpdateAssignment of an unknown user", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, changed)
		}},
		{"DeleteAssignment unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.DeleteAssignment(ctx, acct, dflt, "nope")
		}},
	}
	after := func(tx qslocal.Tx, mark string) error {
		got, err := tx.Assignment(ctx, acct, dflt, "p")
		if err != nil {
			return fmt.Errorf("Assignment(p): %w", err)
		}
		checkAssignment(t, got, p)
		return tx.CreateAssignment(ctx, newAssignment(acct, dflt, mark, []string{"alice"}, []string{"g1"}))
	}
	checkSentinels(t, s, cases, after, func(mark string) {
		t.Helper()
		got, err := getAssignment(t, s, acct, dflt, mark)
		if err != nil {
			t.Errorf("Assignment(%s) written after the error: %v", mark, err)
			return
		}
		checkAssignment(t, got, newAssignment(acct, dflt, mark, []string{"alice"}, []string{"g1"}))
	})
	// The failed calls changed nothing, and left no part of what they
	// wrote before failing.
	got, err := getAssignment(t, s, acct, dflt, "p")
	if err != nil {
		t.Fatal(err)
	}
	checkAssignment(t, got, p)
	for _, name := range []string{"x", "ghost-user", "ghost-group", "nope"} {
		_, err := getAssignment(t, s, acct, dflt, name)
		checkErr(t, fmt.Sprintf("Assignment(%s)", name), err, qslocal.ErrNotFound)
	}
}
