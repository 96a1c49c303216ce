package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func getGroup(t *testing.T, s qslocal.Store, account, namespace, name string) (qslocal.Group, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.Group, error) {
		return tx.Group(t.Context(), account, namespace, name)
	})
}

func listGroups(t *testing.T, s qslocal.Store, account, namespace, prefix, after string, limit int) []qslocal.Group {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Group, error) {
		return tx.ListGroups(t.Context(), account, namespace, prefix, after, limit)
	})
}

func groupMembers(t *testing.T, s qslocal.Store, account, namespace, group string) []string {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]string, error) {
		return tx.ListGroupMembers(t.Context(), account, namespace, group, "", 1000)
	})
}

func userGroups(t *testing.T, s qslocal.Store, account, namespace, user string) []string {
	t.Helper()
	return groupNames(must(t, s, func(tx qslocal.Tx) ([]qslocal.Group, error) {
		return tx.ListUserGroups(t.Context(), account, namespace, user, "", 1000)
	}))
}

func roleMembers(t *testing.T, s qslocal.Store, account, namespace, role string) []string {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]string, error) {
		return tx.ListRoleMembers(t.Context(), account, namespace, role, "", 1000)
	})
}

func isMember(t *testing.T, s qslocal.Store, account, namespace, group, user string) error {
	t.Helper()
	_, err := read(t, s, func(tx qslocal.Tx) (struct{}, error) {
		return struct{}{}, tx.GroupMember(t.Context(), account, namespace, group, user)
	})
	return err
}

func testGroupRoundTrip(t *testing.T, s qslocal.Store) {
	setupNamespaces(t, s)
	minimal := qslocal.Group{Account: acct, Namespace: dflt, Name: "minimal", PrincipalID: "pid-minimal"}
	utc := newGroup(acct, dflt, "utc")
	utc.CreatedAt = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	utc.UpdatedAt = time.Date(2100, 1, 1, 0, 0, 0, 1000, time.UTC)
	groups := []qslocal.Group{minimal, utc, newGroup(acct, ns2, "utc"), newGroup(acct2, dflt, "utc")}
	for _, name := range []string{"g", "G", "a/b", "a%b", "a_b", "a*b", "a b", "é", "グループ", "with.dot-and_underscore+x@y=z"} {
		groups = append(groups, newGroup(acct, dflt, name))
	}
	create(t, s, nil, groups)
	for _, want := range groups {
		got, err := getGroup(t, s, want.Account, want.Namespace, want.Name)
		if err != nil {
			t.Errorf("Group(%s/%s/%q): %v", want.Account, want.Namespace, want.Name, err)
			continue
		}
		checkGroup(t, got, want)
	}
	for _, tt := range []struct{ account, namespace, name string }{
		{acct, dflt, "Utc"},
		{acct, dflt, "nobody"},
		{acct, "Default", "utc"},
		{acct, "nope", "utc"},
		{"999", dflt, "utc"},
	} {
		_, err := getGroup(t, s, tt.account, tt.namespace, tt.name)
		checkErr(t, fmt.Sprintf("Group(%q, %q, %q)", tt.account, tt.namespace, tt.name), err, qslocal.ErrNotFound)
	}
}

func testCreateGroupConflicts(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	existing := newGroup(acct, dflt, "team")
	create(t, s, nil, []qslocal.Group{existing})

	otherPID := existing
	otherPID.PrincipalID = "pid-other"
	samePID := newGroup(acct, dflt, "team2")
	samePID.PrincipalID = existing.PrincipalID
	otherCase := newGroup(acct, dflt, "Team")
	samePIDOtherNamespace := newGroup(acct, ns2, "team")
	samePIDOtherNamespace.PrincipalID = existing.PrincipalID
	samePIDOtherAccount := newGroup(acct2, dflt, "team")
	samePIDOtherAccount.PrincipalID = existing.PrincipalID

	tests := []struct {
		name  string
		group qslocal.Group
		want  error
	}{
		{"same group", existing, qslocal.ErrExists},
		{"same name", otherPID, qslocal.ErrExists},
		{"same principal id", samePID, qslocal.ErrExists},
		{"unknown namespace", newGroup(acct, "nope", "team"), qslocal.ErrNotFound},
		{"unknown account", newGroup("999", dflt, "team"), qslocal.ErrNotFound},
		{"other case", otherCase, nil},
		{"same principal id in another namespace", samePIDOtherNamespace, nil},
		{"same principal id in another account", samePIDOtherAccount, nil},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateGroup(ctx, tt.group) })
		checkErr(t, "CreateGroup "+tt.name, err, tt.want)
	}
	got, err := getGroup(t, s, acct, dflt, "team")
	if err != nil {
		t.Fatal(err)
	}
	checkGroup(t, got, existing)
	_, err = getGroup(t, s, acct, dflt, "team2")
	checkErr(t, "Group(team2)", err, qslocal.ErrNotFound)
}

func testUpdateGroup(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	orig, other := newGroup(acct, dflt, "team"), newGroup(acct, dflt, "other")
	create(t, s, nil, []qslocal.Group{orig, other})

	changed := qslocal.Group{
		Account: acct, Namespace: dflt, Name: "team",
		Description: "", PrincipalID: "pid-team-2",
		CreatedAt: t0.Add(-time.Hour), UpdatedAt: t0.Add(time.Hour + 7*time.Microsecond),
	}
	for _, want := range []qslocal.Group{changed, orig} { // and back, to write non-empty values
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateGroup(ctx, want) })
		got, err := getGroup(t, s, acct, dflt, "team")
		if err != nil {
			t.Fatal(err)
		}
		checkGroup(t, got, want)
	}

	stealPID := orig
	stealPID.PrincipalID = other.PrincipalID
	tests := []struct {
		name  string
		group qslocal.Group
		want  error
	}{
		{"unknown name", newGroup(acct, dflt, "nope"), qslocal.ErrNotFound},
		{"other case", newGroup(acct, dflt, "Team"), qslocal.ErrNotFound},
		{"other namespace", newGroup(acct, ns2, "team"), qslocal.ErrNotFound},
		{"other account", newGroup(acct2, dflt, "team"), qslocal.ErrNotFound},
		{"principal id of another group", stealPID, qslocal.ErrExists},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateGroup(ctx, tt.group) })
		checkErr(t, "UpdateGroup "+tt.name, err, tt.want)
	}
	got, err := getGroup(t, s, acct, dflt, "team")
	if err != nil {
		t.Fatal(err)
	}
	checkGroup(t, got, orig)
	_, err = getGroup(t, s, acct, dflt, "nope")
	checkErr(t, "Group(nope)", err, qslocal.ErrNotFound)
}

func testListGroups(t *testing.T, s qslocal.Store) {
	setupNamespaces(t, s)
	names := []string{
		"a", "a%", "a%b", "a_b", "ab", "a*", "a*b", "A", "Ab", "%", "_x", "*x",
		"é", "éa", "ê", "É", "b", "ba", "z\u007f", "\U0010ffff",
	}
	var groups []qslocal.Group
	for _, n := range byteOrder(names...) {
		groups = append(groups, newGroup(acct, dflt, n))
	}
	create(t, s, nil, append(groups,
		newGroup(acct, ns2, "a"), newGroup(acct, ns2, "c"), newGroup(acct2, dflt, "a"), newGroup(acct2, dflt, "d")))

	checkGroups(t, listGroups(t, s, acct, dflt, "", "", 100), groups)

	tests := []struct {
		prefix string
		want   []string
	}{
		{"", byteOrder(names...)},
		{"a", []string{"a", "a%", "a%b", "a*", "a*b", "a_b", "ab"}},
		{"a%", []string{"a%", "a%b"}}, // not a LIKE pattern
		{"a_", []string{"a_b"}},
		{"a*", []string{"a*", "a*b"}}, // not a GLOB pattern
		{"%", []string{"%"}},
		{"_", []string{"_x"}},
		{"*", []string{"*x"}},
		{"A", []string{"A", "Ab"}}, // case-sensitive
		{"B", nil},
		{"b", []string{"b", "ba"}},
		{"ab", []string{"ab"}},
		{"abc", nil},
		{"é", []string{"é", "éa"}}, // not "ê", the next code point
		{"É", []string{"É"}},
		{"z", []string{"z\u007f"}},
		{"z\u007f", []string{"z\u007f"}},
		{"\U0010ffff", []string{"\U0010ffff"}},
		{"\xf4", []string{"\U0010ffff"}}, // a byte prefix
		{"zz", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			got := groupNames(listGroups(t, s, acct, dflt, tt.prefix, "", 100))
			checkStrings(t, fmt.Sprintf("ListGroups(prefix %q)", tt.prefix), got, tt.want)
			if len(tt.want) >= 3 {
				checkListing(t, fmt.Sprintf("ListGroups(prefix %q)", tt.prefix), tt.want, func(after string, limit int) []string {
					return groupNames(listGroups(t, s, acct, dflt, tt.prefix, after, limit))
				})
			}
		})
	}

	// after outside the prefix's range.
	for _, tt := range []struct {
		prefix, after string
		limit         int
		want          []string
	}{
		{"b", "a", 10, []string{"b", "ba"}},
		{"b", "", 1, []string{"b"}},
		{"b", "b", 10, []string{"ba"}},
		{"a", "b", 10, nil},
		{"a", "ab", 10, nil},
		{"a", "A", 2, []string{"a", "a%"}},
		{"a", "a%c", 10, []string{"a*", "a*b", "a_b", "ab"}},
		{"a", "", 0, nil},
		{"a", "", -1, nil},
	} {
		got := groupNames(listGroups(t, s, acct, dflt, tt.prefix, tt.after, tt.limit))
		checkStrings(t, fmt.Sprintf("ListGroups(prefix %q, after %q, limit %d)", tt.prefix, tt.after, tt.limit), got, tt.want)
	}

	checkStrings(t, "ListGroups in ns2", groupNames(listGroups(t, s, acct, ns2, "", "", 10)), []string{"a", "c"})
	checkStrings(t, "ListGroups in acct2", groupNames(listGroups(t, s, acct2, dflt, "", "", 10)), []string{"a", "d"})
	checkStrings(t, "ListGroups in unknown namespace", groupNames(listGroups(t, s, acct, "nope", "", "", 10)), nil)

	for _, tt := range []struct {
		account, namespace string
		want               int
	}{{acct, dflt, len(names)}, {acct, ns2, 2}, {acct2, dflt, 2}, {acct2, ns2, 0}, {acct, "nope", 0}, {"999", dflt, 0}} {
		got := must(t, s, func(tx qslocal.Tx) (int, error) { return tx.CountGroups(t.Context(), tt.account, tt.namespace) })
		if got != tt.want {
			t.Errorf("CountGroups(%q, %q) = %d, want %d", tt.account, tt.namespace, got, tt.want)
		}
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteGroup(t.Context(), acct, ns2, "c") })
	if got := must(t, s, func(tx qslocal.Tx) (int, error) { return tx.CountGroups(t.Context(), acct, ns2) }); got != 1 {
		t.Errorf("CountGroups after delete = %d, want 1", got)
	}
}

func testGroupMembers(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	members := byteOrder("alice", "Bob", "carol", "é", "a b", "a/b", "dave")
	var users []qslocal.User
	for _, n := range append(members, "outsider") {
		users = append(users, newUser(acct, n))
	}
	users = append(users, newUserIn(acct, ns2, "alice"), newUser(acct2, "alice"))
	create(t, s, users, []qslocal.Group{
		newGroup(acct, dflt, "team"), newGroup(acct, dflt, "empty"),
		newGroup(acct, ns2, "team"), newGroup(acct2, dflt, "team"),
	})
	var ms []membership
	for _, n := range members {
		ms = append(ms, membership{acct, dflt, "team", n})
	}
	addMembers(t, s, ms...)

	tests := []struct {
		name string
		m    membership
		want error
	}{
		{"already a member", membership{acct, dflt, "team", "alice"}, qslocal.ErrExists},
		{"unknown user", membership{acct, dflt, "team", "nobody"}, qslocal.ErrNotFound},
		{"user of other case", membership{acct, dflt, "team", "Alice"}, qslocal.ErrNotFound},
		{"unknown group", membership{acct, dflt, "nope", "alice"}, qslocal.ErrNotFound},
		{"group of other case", membership{acct, dflt, "Team", "alice"}, qslocal.ErrNotFound},
		{"user of another namespace", membership{acct, ns2, "team", "carol"}, qslocal.ErrNotFound},
		{"unknown namespace", membership{acct, "nope", "team", "alice"}, qslocal.ErrNotFound},
		{"unknown account", membership{"999", dflt, "team", "alice"}, qslocal.ErrNotFound},
		{"same names in another namespace", membership{acct, ns2, "team", "alice"}, nil},
		{"same names in another account", membership{acct2, dflt, "team", "alice"}, nil},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error {
			return tx.AddGroupMember(ctx, tt.m.account, tt.m.namespace, tt.m.group, tt.m.user)
		})
		checkErr(t, "AddGroupMember "+tt.name, err, tt.want)
	}

	checkListing(t, "ListGroupMembers", members, func(after string, limit int) []string {
		return must(t, s, func(tx qslocal.Tx) ([]string, error) {
			return tx.ListGroupMembers(ctx, acct, dflt, "team", after, limit)
		})
	})
	checkStrings(t, "members of empty", groupMembers(t, s, acct, dflt, "empty"), nil)
	checkStrings(t, "members of unknown group", groupMembers(t, s, acct, dflt, "nope"), nil)
	checkStrings(t, "members in ns2", groupMembers(t, s, acct, ns2, "team"), []string{"alice"})
	checkStrings(t, "members in acct2", groupMembers(t, s, acct2, dflt, "team"), []string{"alice"})

	for _, tt := range []struct {
		m    membership
		want error
	}{
		{membership{acct, dflt, "team", "alice"}, nil},
		{membership{acct, dflt, "team", "é"}, nil},
		{membership{acct, ns2, "team", "alice"}, nil},
		{membership{acct, dflt, "team", "outsider"}, qslocal.ErrNotFound},
		{membership{acct, dflt, "team", "Alice"}, qslocal.ErrNotFound},
		{membership{acct, dflt, "empty", "alice"}, qslocal.ErrNotFound},
		{membership{acct, dflt, "nope", "alice"}, qslocal.ErrNotFound},
		{membership{acct, dflt, "team", "nobody"}, qslocal.ErrNotFound},
		{membership{acct2, dflt, "team", "carol"}, qslocal.ErrNotFound},
	} {
		err := isMember(t, s, tt.m.account, tt.m.namespace, tt.m.group, tt.m.user)
		if tt.want == nil && err != nil {
			t.Errorf("GroupMember(%+v) = %v, want nil", tt.m, err)
		}
		if tt.want != nil {
			checkErr(t, fmt.Sprintf("GroupMember(%+v)", tt.m), err, tt.want)
		}
	}

	// Removing.
	for _, tt := range []struct {
		name string
		m    membership
	}{
		{"not a member", membership{acct, dflt, "team", "outsider"}},
		{"other case", membership{acct, dflt, "team", "Alice"}},
		{"unknown group", membership{acct, dflt, "nope", "alice"}},
		{"unknown user", membership{acct, dflt, "team", "nobody"}},
		{"another account", membership{acct2, dflt, "team", "carol"}},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error {
			return tx.RemoveGroupMember(ctx, tt.m.account, tt.m.namespace, tt.m.group, tt.m.user)
		})
		checkErr(t, "RemoveGroupMember "+tt.name, err, qslocal.ErrNotFound)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.RemoveGroupMember(ctx, acct, dflt, "team", "carol") })
	err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.RemoveGroupMember(ctx, acct, dflt, "team", "carol") })
	checkErr(t, "second RemoveGroupMember", err, qslocal.ErrNotFound)
	checkErr(t, "GroupMember after remove", isMember(t, s, acct, dflt, "team", "carol"), qslocal.ErrNotFound)
	var rest []string
	for _, n := range members {
		if n != "carol" {
			rest = append(rest, n)
		}
	}
	checkStrings(t, "members after remove", groupMembers(t, s, acct, dflt, "team"), rest)
	checkStrings(t, "members in ns2 after remove", groupMembers(t, s, acct, ns2, "team"), []string{"alice"})
	// The user is still there, and can join again.
	if _, err := getUser(t, s, acct, dflt, "carol"); err != nil {
		t.Errorf("User(carol) after remove: %v", err)
	}
	addMembers(t, s, membership{acct, dflt, "team", "carol"})
	checkStrings(t, "members after re-adding", groupMembers(t, s, acct, dflt, "team"), members)
}

func testListUserGroups(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	joined := byteOrder("team", "Team", "a%", "a_b", "é", "z", "b/c")
	var groups []qslocal.Group
	for _, n := range joined {
		groups = append(groups, newGroup(acct, dflt, n))
	}
	create(t, s, []qslocal.User{newUser(acct, "alice"), newUser(acct, "bob"), newUserIn(acct, ns2, "alice"), newUser(acct2, "alice")},
		append(slices.Clone(groups), newGroup(acct, dflt, "not-joined"), newGroup(acct, ns2, "ns2-group"), newGroup(acct2, dflt, "acct2-group")))
	var ms []membership
	for _, g := range joined {
		ms = append(ms, membership{acct, dflt, g, "alice"})
	}
	ms = append(ms,
		membership{acct, dflt, "team", "bob"},
		membership{acct, ns2, "ns2-group", "alice"},
		membership{acct2, dflt, "acct2-group", "alice"})
	addMembers(t, s, ms...)

	// Full rows, in name order.
	got := must(t, s, func(tx qslocal.Tx) ([]qslocal.Group, error) {
		return tx.ListUserGroups(ctx, acct, dflt, "alice", "", 100)
	})
	checkGroups(t, got, groups)
	checkListing(t, "ListUserGroups", joined, func(after string, limit int) []string {
		return groupNames(must(t, s, func(tx qslocal.Tx) ([]qslocal.Group, error) {
			return tx.ListUserGroups(ctx, acct, dflt, "alice", after, limit)
		}))
	})
	for _, tt := range []struct {
		account, namespace, user string
		want                     []string
	}{
		{acct, dflt, "bob", []string{"team"}},
		{acct, ns2, "alice", []string{"ns2-group"}},
		{acct2, dflt, "alice", []string{"acct2-group"}},
		{acct, dflt, "Alice", nil},
		{acct, dflt, "nobody", nil},
		{acct, "nope", "alice", nil},
	} {
		checkStrings(t, fmt.Sprintf("ListUserGroups(%q, %q, %q)", tt.account, tt.namespace, tt.user),
			userGroups(t, s, tt.account, tt.namespace, tt.user), tt.want)
	}

	// An updated group reads back updated.
	changed := newGroup(acct, dflt, "team")
	changed.Description = "changed"
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateGroup(ctx, changed) })
	got = must(t, s, func(tx qslocal.Tx) ([]qslocal.Group, error) {
		return tx.ListUserGroups(ctx, acct, dflt, "bob", "", 100)
	})
	checkGroups(t, got, []qslocal.Group{changed})
}

func testRoleMembers(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	mapped := byteOrder("team", "Team", "a%", "a_b", "é", "z")
	var groups []qslocal.Group
	for _, n := range append(mapped, "unmapped") {
		groups = append(groups, newGroup(acct, dflt, n))
	}
	create(t, s, nil, append(groups, newGroup(acct, ns2, "team"), newGroup(acct2, dflt, "team")))
	update(t, s, func(tx qslocal.Tx) error {
		for _, g := range mapped {
			if err := tx.AddRoleMember(ctx, acct, dflt, "AUTHOR", g); err != nil {
				return err
			}
		}
		return nil
	})

	tests := []struct {
		name                     string
		account, namespace, role string
		group                    string
		want                     error
	}{
		{"already mapped", acct, dflt, "AUTHOR", "team", qslocal.ErrExists},
		{"unknown group", acct, dflt, "AUTHOR", "nope", qslocal.ErrNotFound},
		{"group of other case", acct, dflt, "AUTHOR", "TEAM", qslocal.ErrNotFound},
		{"unknown namespace", acct, "nope", "AUTHOR", "team", qslocal.ErrNotFound},
		{"unknown account", "999", dflt, "AUTHOR", "team", qslocal.ErrNotFound},
		{"another role", acct, dflt, "ADMIN", "team", nil},
		{"another namespace", acct, ns2, "AUTHOR", "team", nil},
		{"another account", acct2, dflt, "AUTHOR", "team", nil},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.AddRoleMember(ctx, tt.account, tt.namespace, tt.role, tt.group) })
		checkErr(t, "AddRoleMember "+tt.name, err, tt.want)
	}

	checkListing(t, "ListRoleMembers", mapped, func(after string, limit int) []string {
		return must(t, s, func(tx qslocal.Tx) ([]string, error) {
			return tx.ListRoleMembers(ctx, acct, dflt, "AUTHOR", after, limit)
		})
	})
	for _, tt := range []struct {
		account, namespace, role string
		want                     []string
	}{
		{acct, dflt, "ADMIN", []string{"team"}},
		{acct, dflt, "READER", nil},
		{acct, dflt, "author", nil},
		{acct, ns2, "AUTHOR", []string{"team"}},
		{acct2, dflt, "AUTHOR", []string{"team"}},
		{acct, "nope", "AUTHOR", nil},
	} {
		checkStrings(t, fmt.Sprintf("ListRoleMembers(%q, %q, %q)", tt.account, tt.namespace, tt.role),
			roleMembers(t, s, tt.account, tt.namespace, tt.role), tt.want)
	}

	for _, tt := range []struct{ name, namespace, role, group string }{
		{"not mapped", dflt, "AUTHOR", "unmapped"},
		{"other role", dflt, "READER", "team"},
		{"other case", dflt, "AUTHOR", "TEAM"},
		{"unknown group", dflt, "AUTHOR", "nope"},
		{"unknown namespace", "nope", "AUTHOR", "team"},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.RemoveRoleMember(ctx, acct, tt.namespace, tt.role, tt.group) })
		checkErr(t, "RemoveRoleMember "+tt.name, err, qslocal.ErrNotFound)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.RemoveRoleMember(ctx, acct, dflt, "AUTHOR", "team") })
	err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.RemoveRoleMember(ctx, acct, dflt, "AUTHOR", "team") })
	checkErr(t, "second RemoveRoleMember", err, qslocal.ErrNotFound)
	var rest []string
	for _, g := range mapped {
		if g != "team" {
			rest = append(rest, g)
		}
	}
	checkStrings(t, "AUTHOR members after remove", roleMembers(t, s, acct, dflt, "AUTHOR"), rest)
	checkStrings(t, "ADMIN members after remove", roleMembers(t, s, acct, dflt, "ADMIN"), []string{"team"})
	checkStrings(t, "ns2 AUTHOR members after remove", roleMembers(t, s, acct, ns2, "AUTHOR"), []string{"team"})
	// The group is still there.
	if _, err := getGroup(t, s, acct, dflt, "team"); err != nil {
		t.Errorf("Group(team) after RemoveRoleMember: %v", err)
	}
}

func testDeleteGroupCascade(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	want := buildWorld(t, s)
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteGroup(ctx, acct, dflt, "g1") })

	st := want[acct+"/"+dflt].clone()
	st.Groups = []string{"g2", "g3"}
	st.Members["g1"] = nil
	st.UserGroups["alice"], st.UserGroups["bob"] = []string{"g2"}, nil
	st.RoleMembers["ADMIN"], st.RoleMembers["AUTHOR"] = nil, []string{"g2"}
	// It leaves the assignments naming it, which stay: alice still has a1
	// herself, bob only had it through g1.
	st.AssignmentGroups["a1"], st.UserAssignments["bob"] = nil, []string{"a2"}
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after DeleteGroup", want)
	a1, err := getAssignment(t, s, acct, dflt, "a1")
	if err != nil {
		t.Fatalf("Assignment(a1) after DeleteGroup: %v", err)
	}
	checkAssignment(t, a1, newAssignment(acct, dflt, "a1", []string{"alice"}, nil))
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteGroup(ctx, acct, dflt, "g1") })
	checkErr(t, "second DeleteGroup", err, qslocal.ErrNotFound)
	for _, tt := range []struct{ account, namespace, name string }{{acct, dflt, "G2"}, {acct, dflt, "nope"}, {acct, "nope", "g2"}, {"999", dflt, "g2"}} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteGroup(ctx, tt.account, tt.namespace, tt.name) })
		checkErr(t, fmt.Sprintf("DeleteGroup(%q, %q, %q)", tt.account, tt.namespace, tt.name), err, qslocal.ErrNotFound)
	}
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.RemoveRoleMember(ctx, acct, dflt, "ADMIN", "g1") })
	checkErr(t, "RemoveRoleMember of deleted group", err, qslocal.ErrNotFound)

	// A new group of the same name starts with no members, no roles and
	// no assignments.
	create(t, s, nil, []qslocal.Group{newGroup(acct, dflt, "g1")})
	st.Groups = worldGroups
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after re-creating the group", want)
}
