package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func testUserRoundTrip(t *testing.T, s qslocal.Store) {
	minimal := qslocal.User{
		Account:     acct,
		Namespace:   dflt,
		Name:        "minimal",
		PrincipalID: "pid-minimal",
		CreatedAt:   t0,
		UpdatedAt:   t0,
	}
	zeroTimes := newUser(acct, "zero-times")
	zeroTimes.CreatedAt, zeroTimes.UpdatedAt = time.Time{}, time.Time{}
	utc := newUser(acct, "utc-micro")
	utc.CreatedAt = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	utc.UpdatedAt = time.Date(2100, 1, 1, 0, 0, 0, 1000, time.UTC)

	users := []qslocal.User{minimal, zeroTimes, utc}
	for _, name := range []string{
		"alice", "Alice", "a/b", "a@b", "a+b", "a=b", "a b", "é", "Zoë/Ünïcode+x@y=z", "ユーザー",
		"federated/session-name", "with.dot-and_underscore",
	} {
		users = append(users, newUser(acct, name))
	}
	setup(t, s, []string{acct}, users...)

	for _, want := range users {
		t.Run(want.Name, func(t *testing.T) {
			view(t, s, func(tx qslocal.Tx) error {
				got, err := tx.User(t.Context(), want.Account, want.Namespace, want.Name)
				if err != nil {
					t.Fatalf("User: %v", err)
				}
				checkUser(t, got, want)
				got, err = tx.UserByPrincipalID(t.Context(), want.Account, want.Namespace, want.PrincipalID)
				if err != nil {
					t.Fatalf("UserByPrincipalID: %v", err)
				}
				checkUser(t, got, want)
				return nil
			})
		})
	}
}

func testUserKeysAreCaseSensitive(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct}, newUser(acct, "bob"))
	view(t, s, func(tx qslocal.Tx) error {
		_, err := tx.User(t.Context(), acct, dflt, "Bob")
		checkErr(t, `User("Bob")`, err, qslocal.ErrNotFound)
		_, err = tx.User(t.Context(), acct, "Default", "bob")
		checkErr(t, `User in namespace "Default"`, err, qslocal.ErrNotFound)
		_, err = tx.UserByPrincipalID(t.Context(), acct, dflt, "PID-bob")
		checkErr(t, `UserByPrincipalID("PID-bob")`, err, qslocal.ErrNotFound)
		_, err = tx.User(t.Context(), acct2, dflt, "bob")
		checkErr(t, "User in another account", err, qslocal.ErrNotFound)
		_, err = tx.UserByPrincipalID(t.Context(), acct2, dflt, "pid-bob")
		checkErr(t, "UserByPrincipalID in another account", err, qslocal.ErrNotFound)
		return nil
	})
}

func testCreateUserConflicts(t *testing.T, s qslocal.Store) {
	existing := newUser(acct, "carol")
	setup(t, s, []string{acct, acct2}, existing)

	samePID := newUser(acct, "carol2")
	samePID.PrincipalID = existing.PrincipalID
	otherPID := newUser(acct, "carol")
	otherPID.PrincipalID = "pid-other"
	otherCase := newUser(acct, "Carol")
	otherCase.PrincipalID = "PID-carol"

	tests := []struct {
		name string
		user qslocal.User
		want error
	}{
		{"same name and principal id", existing, qslocal.ErrExists},
		{"same name", otherPID, qslocal.ErrExists},
		{"same principal id", samePID, qslocal.ErrExists},
		{"other case", otherCase, nil},
		{"another account", newUser(acct2, "carol"), nil},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), func(tx qslocal.Tx) error { return tx.CreateUser(t.Context(), tt.user) })
		checkErr(t, "CreateUser "+tt.name, err, tt.want)
	}

	got, err := getUser(t, s, acct, dflt, "carol")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	checkUser(t, got, existing)
}

func testUpdateUser(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	orig := newUser(acct, "dave")
	other := newUser(acct, "erin")
	setup(t, s, []string{acct, acct2}, orig, other)

	// Every field but the key changes, some to their zero value.
	changed := qslocal.User{
		Account:      acct,
		Namespace:    dflt,
		Name:         "dave",
		PrincipalID:  "pid-dave-2",
		Email:        "",
		Role:         "READER",
		IdentityType: "IAM",
		IAMArn:       "arn:aws:iam::111122223333:role/r",
		SessionName:  "",
		Active:       false,
		CreatedAt:    t0.Add(-time.Hour),
		UpdatedAt:    t0.Add(time.Hour + 7*time.Microsecond),
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateUser(ctx, changed) })
	view(t, s, func(tx qslocal.Tx) error {
		got, err := tx.User(ctx, acct, dflt, "dave")
		if err != nil {
			t.Fatalf("User: %v", err)
		}
		checkUser(t, got, changed)
		got, err = tx.UserByPrincipalID(ctx, acct, dflt, changed.PrincipalID)
		if err != nil {
			t.Fatalf("UserByPrincipalID: %v", err)
		}
		checkUser(t, got, changed)
		_, err = tx.UserByPrincipalID(ctx, acct, dflt, orig.PrincipalID)
		checkErr(t, "UserByPrincipalID(old principal id)", err, qslocal.ErrNotFound)
		return nil
	})

	// And back again, to check true and non-empty values are written too.
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateUser(ctx, orig) })
	got, err := getUser(t, s, acct, dflt, "dave")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	checkUser(t, got, orig)

	stealPID := orig
	stealPID.PrincipalID = other.PrincipalID
	unknownName := newUser(acct, "nobody")
	otherAccount := newUser(acct2, "dave")
	otherCase := newUser(acct, "Dave")
	tests := []struct {
		name string
		user qslocal.User
		want error
	}{
		{"unknown name", unknownName, qslocal.ErrNotFound},
		{"other account", otherAccount, qslocal.ErrNotFound},
		{"other case", otherCase, qslocal.ErrNotFound},
		{"principal id of another user", stealPID, qslocal.ErrExists},
	}
	for _, tt := range tests {
		err := s.Update(ctx, func(tx qslocal.Tx) error { return tx.UpdateUser(ctx, tt.user) })
		checkErr(t, "UpdateUser "+tt.name, err, tt.want)
	}
	got, err = getUser(t, s, acct, dflt, "dave")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	checkUser(t, got, orig)
	_, err = getUser(t, s, acct, dflt, "nobody")
	checkErr(t, "User(nobody)", err, qslocal.ErrNotFound)
}

func testDeleteUser(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	frank, grace := newUser(acct, "frank"), newUser(acct, "grace")
	setup(t, s, []string{acct, acct2}, frank, grace)

	for _, tt := range []struct{ account, namespace, name string }{
		{acct, dflt, "Frank"},
		{acct, dflt, "nobody"},
		{acct2, dflt, "frank"},
		{acct, "other", "frank"},
	} {
		err := s.Update(ctx, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, tt.account, tt.namespace, tt.name) })
		checkErr(t, fmt.Sprintf("DeleteUser(%q, %q, %q)", tt.account, tt.namespace, tt.name), err, qslocal.ErrNotFound)
	}

	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, acct, dflt, "frank") })
	view(t, s, func(tx qslocal.Tx) error {
		_, err := tx.User(ctx, acct, dflt, "frank")
		checkErr(t, "User after delete", err, qslocal.ErrNotFound)
		_, err = tx.UserByPrincipalID(ctx, acct, dflt, frank.PrincipalID)
		checkErr(t, "UserByPrincipalID after delete", err, qslocal.ErrNotFound)
		got, err := tx.User(ctx, acct, dflt, "grace")
		if err != nil {
			t.Fatalf("User(grace): %v", err)
		}
		checkUser(t, got, grace)
		return nil
	})
	err := s.Update(ctx, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, acct, dflt, "frank") })
	checkErr(t, "second DeleteUser", err, qslocal.ErrNotFound)

	// The name and principal id are free again.
	update(t, s, func(tx qslocal.Tx) error { return tx.CreateUser(ctx, frank) })
}

func testListUsers(t *testing.T, s qslocal.Store) {
	// Byte order puts upper case before lower case and 'é' after 'z'.
	var users []qslocal.User
	for _, name := range []string{"b", "B", "a", "A", "é", "z", "a b", "a/b", "a+b", "a=b", "a@b", "aa", "0"} {
		users = append(users, newUser(acct, name))
	}
	slices.SortFunc(users, func(a, b qslocal.User) int { return bytes.Compare([]byte(a.Name), []byte(b.Name)) })
	setup(t, s, []string{acct, acct2}, slices.Concat(users, []qslocal.User{newUser(acct2, "a"), newUser(acct2, "c")})...)

	checkUsers(t, listUsers(t, s, acct, dflt, "", 100), users)

	tests := []struct {
		after string
		limit int
		want  []string
	}{
		{"", 3, []string{"0", "A", "B"}},
		{"A", 2, []string{"B", "a"}},
		{"a", 4, []string{"a b", "a+b", "a/b", "a=b"}},
		{"a=b", 100, []string{"a@b", "aa", "b", "z", "é"}},
		{"a/", 1, []string{"a/b"}}, // after need not be a user
		{"z", 1, []string{"é"}},
		{"é", 10, nil},
		{"", 0, nil},
		{"", -1, nil},
	}
	for _, tt := range tests {
		got := names(listUsers(t, s, acct, dflt, tt.after, tt.limit))
		if !slices.Equal(got, tt.want) {
			t.Errorf("ListUsers(after %q, limit %d) = %q, want %q", tt.after, tt.limit, got, tt.want)
		}
	}

	// Paging with the last name as cursor visits every user once, in order.
	var paged []qslocal.User
	after := ""
	for {
		page := listUsers(t, s, acct, dflt, after, 4)
		if len(page) > 4 {
			t.Fatalf("page of %d users, limit 4", len(page))
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].Name
	}
	checkUsers(t, paged, users)
}

func testListUsersEmpty(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct, acct2}, newUser(acct2, "someone"))
	if got := listUsers(t, s, acct, dflt, "", 10); len(got) != 0 {
		t.Errorf("ListUsers of an empty namespace = %q, want none", names(got))
	}
}

func testCountUsers(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	create(t, s, []qslocal.User{
		newUser(acct, "a"), newUser(acct, "b"), newUser(acct, "c"), newUserIn(acct, ns2, "a"),
		newUser(acct2, "a"), newUser(acct2, "b"),
	}, []qslocal.Group{newGroup(acct, ns2, "not-a-user")})
	count := func(account, namespace string) int {
		t.Helper()
		return must(t, s, func(tx qslocal.Tx) (int, error) { return tx.CountUsers(ctx, account, namespace) })
	}
	for _, tt := range []struct {
		account, namespace string
		want               int
	}{
		{acct, dflt, 3}, {acct, ns2, 1}, {acct2, dflt, 2},
		{acct2, ns2, 0}, {acct, "nope", 0}, {acct, "Default", 0}, {acct, "", 0}, {"999", dflt, 0},
	} {
		if got := count(tt.account, tt.namespace); got != tt.want {
			t.Errorf("CountUsers(%q, %q) = %d, want %d", tt.account, tt.namespace, got, tt.want)
		}
	}

	// A transaction counts its own writes; a rolled back one changes
	// nothing.
	err := tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := errors.Join(tx.CreateUser(ctx, newUser(acct, "d")), tx.DeleteUser(ctx, acct, ns2, "a")); err != nil {
			return err
		}
		for _, tt := range []struct {
			namespace string
			want      int
		}{{dflt, 4}, {ns2, 0}} {
			if got, err := tx.CountUsers(ctx, acct, tt.namespace); err != nil || got != tt.want {
				t.Errorf("CountUsers(%s) in the writing transaction = %d, %v; want %d", tt.namespace, got, err, tt.want)
			}
		}
		return errBoom
	})
	checkErr(t, "rolled back Update", err, errBoom)
	if got := count(acct, dflt); got != 3 {
		t.Errorf("CountUsers after a rolled back create = %d, want 3", got)
	}

	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, acct, dflt, "b") })
	if got := count(acct, dflt); got != 2 {
		t.Errorf("CountUsers after DeleteUser = %d, want 2", got)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, acct, ns2) })
	if got := count(acct, ns2); got != 0 {
		t.Errorf("CountUsers after DeleteNamespace = %d, want 0", got)
	}
	if got := count(acct2, dflt); got != 2 {
		t.Errorf("CountUsers(acct2) = %d, want 2", got)
	}
}

func testDeleteUserCascade(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	want := buildWorld(t, s)
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, acct, dflt, "alice") })

	st := want[acct+"/"+dflt].clone()
	st.Users = []string{"bob", "carol"}
	st.Members["g1"], st.Members["g2"] = []string{"bob"}, []string{"carol"}
	st.UserGroups["alice"] = nil
	// She leaves the assignments naming her, which stay: a1 still has g1.
	st.AssignmentUsers["a1"], st.UserAssignments["alice"] = nil, nil
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after DeleteUser", want)
	a1, err := getAssignment(t, s, acct, dflt, "a1")
	if err != nil {
		t.Fatalf("Assignment(a1) after DeleteUser: %v", err)
	}
	checkAssignment(t, a1, newAssignment(acct, dflt, "a1", nil, []string{"g1"}))
	// Her upgrade requests outlive her, and so do her grants (the service
	// drops those itself).
	checkUpgradeRequests(t, listUpgradeRequests(t, s, acct, dflt, "alice", "", "", 10), worldRequests(acct, dflt)[:1])
	r, err := getUpgradeRequest(t, s, acct, dflt, "req-1")
	if err != nil {
		t.Errorf("UpgradeRequest of a deleted user: %v", err)
	} else {
		checkUpgradeRequest(t, r, worldRequests(acct, dflt)[0])
	}
	for _, g := range []string{"g1", "g2"} {
		checkErr(t, "GroupMember of deleted user", isMember(t, s, acct, dflt, g, "alice"), qslocal.ErrNotFound)
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.RemoveGroupMember(ctx, acct, dflt, g, "alice") })
		checkErr(t, "RemoveGroupMember of deleted user", err, qslocal.ErrNotFound)
	}

	// A new user of the same name starts with no groups and no
	// assignments.
	create(t, s, []qslocal.User{newUserIn(acct, dflt, "alice")}, nil)
	st.Users = worldUsers
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after re-creating the user", want)
	checkErr(t, "GroupMember of re-created user", isMember(t, s, acct, dflt, "g1", "alice"), qslocal.ErrNotFound)
}
