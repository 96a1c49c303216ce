// Package storetest is the conformance suite every qslocal.Store must pass.
//
// Stores keep times in UTC with at least microsecond precision: the suite
// compares times after truncating them to microseconds.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// Run runs the suite. open must return a fresh, empty store on every call;
// Run calls it once per parallel subtest and closes the store afterwards.
func Run(t *testing.T, open func(t *testing.T) qslocal.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s qslocal.Store)
	}{
		{"EnsureAccount", testEnsureAccount},
		{"UserRoundTrip", testUserRoundTrip},
		{"UserKeysAreCaseSensitive", testUserKeysAreCaseSensitive},
		{"CreateUserConflicts", testCreateUserConflicts},
		{"UpdateUser", testUpdateUser},
		{"DeleteUser", testDeleteUser},
		{"ListUsers", testListUsers},
		{"ListUsersEmpty", testListUsersEmpty},
		{"UpdateRollsBack", testUpdateRollsBack},
		{"UpdatePanicRollsBack", testUpdatePanicRollsBack},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"ViewSnapshot", testViewSnapshot},
		{"Secret", testSecret},
		{"ConcurrentCreates", testConcurrentCreates},
		{"ConcurrentConflicts", testConcurrentConflicts},
		{"CancelledContext", testCancelledContext},

		{"EnsureAccountRegion", testEnsureAccountRegion},
		{"CreateNamespace", testCreateNamespace},
		{"ListNamespaces", testListNamespaces},
		{"DeleteNamespace", testDeleteNamespace},
		{"GroupRoundTrip", testGroupRoundTrip},
		{"CreateGroupConflicts", testCreateGroupConflicts},
		{"UpdateGroup", testUpdateGroup},
		{"ListGroups", testListGroups},
		{"GroupMembers", testGroupMembers},
		{"ListUserGroups", testListUserGroups},
		{"RoleMembers", testRoleMembers},
		{"CustomPermissionsRoundTrip", testCustomPermissionsRoundTrip},
		{"UpdateCustomPermissions", testUpdateCustomPermissions},
		{"DeleteCustomPermissions", testDeleteCustomPermissions},
		{"ListCustomPermissions", testListCustomPermissions},
		{"AccountCustomPermission", testAccountCustomPermission},
		{"RoleCustomPermission", testRoleCustomPermission},
		{"ProfileUses", testProfileUses},
		{"Tags", testTags},
		{"ClearTags", testClearTags},
		{"DeleteUserCascade", testDeleteUserCascade},
		{"DeleteGroupCascade", testDeleteGroupCascade},
		{"DeleteNamespaceCascade", testDeleteNamespaceCascade},

		{"AnalysisRoundTrip", testAnalysisRoundTrip},
		{"CreateAnalysisConflicts", testCreateAnalysisConflicts},
		{"UpdateAnalysis", testUpdateAnalysis},
		{"DeleteAnalysis", testDeleteAnalysis},
		{"ListAnalyses", testListAnalyses},
		{"AnalysisErrorsKeepTransaction", testAnalysisErrorsKeepTransaction},
		{"Permissions", testPermissions},
		{"ClearPermissions", testClearPermissions},
		{"DropPrincipal", testDropPrincipal},
		{"DropPrincipalPrefix", testDropPrincipalPrefix},
		{"PermissionsRollBack", testPermissionsRollBack},
		{"ConcurrentGrants", testConcurrentGrants},
		{"UpgradeRequestRoundTrip", testUpgradeRequestRoundTrip},
		{"CreateUpgradeRequestConflicts", testCreateUpgradeRequestConflicts},
		{"UpdateUpgradeRequest", testUpdateUpgradeRequest},
		{"ListUpgradeRequests", testListUpgradeRequests},
		{"SelfUpgradeStatus", testSelfUpgradeStatus},
		{"UpgradeErrorsKeepTransaction", testUpgradeErrorsKeepTransaction},
		{"ViewRefusesNewWrites", testViewRefusesNewWrites},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

const (
	acct  = "111122223333"
	acct2 = "444455556666"
	dflt  = "default"
)

// t0 has nanoseconds and a non-UTC zone: stores must return it in UTC,
// equal to the microsecond.
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("UTC+1", 3600))

// newUser returns a user in the default namespace with every field set.
func newUser(account, name string) qslocal.User {
	return qslocal.User{
		Account:                   account,
		Namespace:                 dflt,
		Name:                      name,
		PrincipalID:               "pid-" + name,
		Email:                     name + "@example.com",
		Role:                      "AUTHOR",
		IdentityType:              "QUICKSIGHT",
		IAMArn:                    "arn:aws:iam::" + account + ":user/" + name,
		SessionName:               "session-" + name,
		Active:                    true,
		CustomPermissionsName:     "perms",
		ExternalLoginProviderType: "CUSTOM_OIDC",
		ExternalLoginProviderURL:  "https://idp.example.com/",
		ExternalLoginID:           "ext-" + name,
		CreatedAt:                 t0,
		UpdatedAt:                 t0.Add(time.Second),
	}
}

func update(t *testing.T, s qslocal.Store, fn func(tx qslocal.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, s qslocal.Store, fn func(tx qslocal.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// setup creates the accounts and then the users.
func setup(t *testing.T, s qslocal.Store, accounts []string, users ...qslocal.User) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, a := range accounts {
			if err := tx.EnsureAccount(t.Context(), a, region, t0); err != nil {
				return fmt.Errorf("EnsureAccount(%q): %w", a, err)
			}
		}
		for _, u := range users {
			if err := tx.CreateUser(t.Context(), u); err != nil {
				return fmt.Errorf("CreateUser(%q): %w", u.Name, err)
			}
		}
		return nil
	})
}

func getUser(t *testing.T, s qslocal.Store, account, namespace, name string) (qslocal.User, error) {
	t.Helper()
	var u qslocal.User
	var err error
	view(t, s, func(tx qslocal.Tx) error {
		u, err = tx.User(t.Context(), account, namespace, name)
		return nil
	})
	return u, err
}

func listUsers(t *testing.T, s qslocal.Store, account, namespace, after string, limit int) []qslocal.User {
	t.Helper()
	var users []qslocal.User
	view(t, s, func(tx qslocal.Tx) (err error) {
		users, err = tx.ListUsers(t.Context(), account, namespace, after, limit)
		return err
	})
	return users
}

func names(users []qslocal.User) []string {
	var n []string
	for _, u := range users {
		n = append(n, u.Name)
	}
	return n
}

// checkTime fails unless got is in UTC and equals want to the microsecond.
func checkTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if got.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", what, got.Location())
	}
	if !got.Truncate(time.Microsecond).Equal(want.Truncate(time.Microsecond)) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func checkUser(t *testing.T, got, want qslocal.User) {
	t.Helper()
	checkTime(t, want.Name+" CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, want.Name+" UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}
	want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("user:\n got %+v\nwant %+v", got, want)
	}
}

func checkUsers(t *testing.T, got, want []qslocal.User) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got users %q, want %q", names(got), names(want))
	}
	for i := range got {
		checkUser(t, got[i], want[i])
	}
}

func checkErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

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

var errBoom = errors.New("boom")

func testUpdateRollsBack(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	kept := newUser(acct, "kept")
	setup(t, s, []string{acct}, kept)

	changed := kept
	changed.Email = "changed@example.com"
	err := s.Update(ctx, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(ctx, acct2, region, t0); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, newUser(acct, "lost")); err != nil {
			return err
		}
		if err := tx.UpdateUser(ctx, changed); err != nil {
			return err
		}
		// The transaction sees its own writes.
		got, err := tx.User(ctx, acct, dflt, "kept")
		if err != nil {
			return err
		}
		checkUser(t, got, changed)
		if _, err := tx.User(ctx, acct, dflt, "lost"); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "Update", err, errBoom)
	checkUnchanged(t, s, kept)

	err = s.Update(ctx, func(tx qslocal.Tx) error {
		if err := tx.DeleteUser(ctx, acct, dflt, "kept"); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "Update", err, errBoom)
	checkUnchanged(t, s, kept)
}

// checkUnchanged checks the store holds exactly one account with one user.
func checkUnchanged(t *testing.T, s qslocal.Store, u qslocal.User) {
	t.Helper()
	view(t, s, func(tx qslocal.Tx) error {
		_, err := tx.Namespace(t.Context(), acct2, dflt)
		checkErr(t, "Namespace of rolled back account", err, qslocal.ErrNotFound)
		users, err := tx.ListUsers(t.Context(), acct, dflt, "", 10)
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		checkUsers(t, users, []qslocal.User{u})
		return nil
	})
}

func testUpdatePanicRollsBack(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	kept := newUser(acct, "kept")
	setup(t, s, []string{acct}, kept)

	func() {
		defer func() {
			if r := recover(); r != errBoom {
				t.Errorf("recovered %v, want %v", r, errBoom)
			}
		}()
		s.Update(ctx, func(tx qslocal.Tx) error {
			if err := tx.CreateUser(ctx, newUser(acct, "lost")); err != nil {
				return err
			}
			panic(errBoom)
		})
	}()
	checkUnchanged(t, s, kept)
	// The store is still usable for writes.
	update(t, s, func(tx qslocal.Tx) error { return tx.CreateUser(ctx, newUser(acct, "after")) })
}

func testViewIsReadOnly(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	kept := newUser(acct, "kept")
	setup(t, s, []string{acct}, kept)
	changed := kept
	changed.Email = "changed@example.com"
	// What the identity writes below would change.
	team, oldTeam, profile := newGroup(acct, dflt, "team"), newGroup(acct, dflt, "old-team"), newProfile(acct, "p")
	changedGroup, changedProfile := team, profile
	changedGroup.Description, changedProfile.Governance = "changed", nil
	update(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.CreateGroup(ctx, team), tx.CreateGroup(ctx, oldTeam),
			tx.AddGroupMember(ctx, acct, dflt, "old-team", "kept"),
			tx.AddRoleMember(ctx, acct, dflt, "AUTHOR", "old-team"),
			tx.CreateCustomPermissions(ctx, profile),
			tx.SetRoleCustomPermission(ctx, acct, dflt, "AUTHOR", "p"),
			tx.SetTags(ctx, acct, "user/default/kept", tags("k", "v")))
	})

	writes := []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"EnsureAccount", func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, acct2, region, t0) }},
		{"CreateUser", func(tx qslocal.Tx) error { return tx.CreateUser(ctx, newUser(acct, "lost")) }},
		{"UpdateUser", func(tx qslocal.Tx) error { return tx.UpdateUser(ctx, changed) }},
		{"DeleteUser", func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, acct, dflt, "kept") }},
		{"CreateNamespace", func(tx qslocal.Tx) error { return tx.CreateNamespace(ctx, newNamespace(acct, "lost")) }},
		{"DeleteNamespace", func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, acct, dflt) }},
		{"CreateGroup", func(tx qslocal.Tx) error { return tx.CreateGroup(ctx, newGroup(acct, dflt, "lost")) }},
		{"UpdateGroup", func(tx qslocal.Tx) error { return tx.UpdateGroup(ctx, changedGroup) }},
		{"DeleteGroup", func(tx qslocal.Tx) error { return tx.DeleteGroup(ctx, acct, dflt, "team") }},
		{"AddGroupMember", func(tx qslocal.Tx) error { return tx.AddGroupMember(ctx, acct, dflt, "team", "kept") }},
		{"RemoveGroupMember", func(tx qslocal.Tx) error { return tx.RemoveGroupMember(ctx, acct, dflt, "old-team", "kept") }},
		{"CreateCustomPermissions", func(tx qslocal.Tx) error { return tx.CreateCustomPermissions(ctx, newProfile(acct, "lost")) }},
		{"UpdateCustomPermissions", func(tx qslocal.Tx) error { return tx.UpdateCustomPermissions(ctx, changedProfile) }},
		{"DeleteCustomPermissions", func(tx qslocal.Tx) error { return tx.DeleteCustomPermissions(ctx, acct, "p") }},
		{"SetAccountCustomPermission", func(tx qslocal.Tx) error { return tx.SetAccountCustomPermission(ctx, acct, "p") }},
		{"SetRoleCustomPermission", func(tx qslocal.Tx) error { return tx.SetRoleCustomPermission(ctx, acct, dflt, "READER", "p") }},
		{"SetRoleCustomPermission clearing", func(tx qslocal.Tx) error { return tx.SetRoleCustomPermission(ctx, acct, dflt, "AUTHOR", "") }},
		{"AddRoleMember", func(tx qslocal.Tx) error { return tx.AddRoleMember(ctx, acct, dflt, "ADMIN", "team") }},
		{"RemoveRoleMember", func(tx qslocal.Tx) error { return tx.RemoveRoleMember(ctx, acct, dflt, "AUTHOR", "old-team") }},
		{"SetTags", func(tx qslocal.Tx) error {
			return tx.SetTags(ctx, acct, "user/default/kept", tags("k", "changed", "new", "v"))
		}},
		{"SetTags of nothing", func(tx qslocal.Tx) error { return tx.SetTags(ctx, acct, "user/default/kept", nil) }},
		{"DeleteTags", func(tx qslocal.Tx) error { return tx.DeleteTags(ctx, acct, "user/default/kept", []string{"k"}) }},
		{"DeleteTags of nothing", func(tx qslocal.Tx) error { return tx.DeleteTags(ctx, acct, "user/default/kept", nil) }},
		{"ClearTags", func(tx qslocal.Tx) error { return tx.ClearTags(ctx, acct, "") }},
	}
	for _, w := range writes {
		var inner error
		err := s.View(ctx, func(tx qslocal.Tx) error {
			inner = w.fn(tx)
			return nil
		})
		if err == nil && inner == nil {
			t.Errorf("%s in View succeeded", w.name)
		}
	}
	checkUnchanged(t, s, kept)
	view(t, s, func(tx qslocal.Tx) error {
		nss, err := tx.ListNamespaces(ctx, acct, "", 10)
		if err != nil {
			return err
		}
		checkStrings(t, "namespaces", namespaceNames(nss), []string{dflt})
		groups, err := tx.ListGroups(ctx, acct, dflt, "", "", 10)
		if err != nil {
			return err
		}
		checkGroups(t, groups, []qslocal.Group{oldTeam, team})
		members, err := tx.ListGroupMembers(ctx, acct, dflt, "old-team", "", 10)
		if err != nil {
			return err
		}
		checkStrings(t, "old-team members", members, []string{"kept"})
		members, err = tx.ListGroupMembers(ctx, acct, dflt, "team", "", 10)
		if err != nil {
			return err
		}
		checkStrings(t, "team members", members, nil)
		profiles, err := tx.ListCustomPermissions(ctx, acct, "", 10)
		if err != nil {
			return err
		}
		if len(profiles) != 1 {
			t.Fatalf("profiles = %q, want [p]", profileNames(profiles))
		}
		checkProfile(t, profiles[0], profile)
		for _, r := range []struct{ role, want string }{{"READER", ""}, {"AUTHOR", "p"}} {
			if got, err := tx.RoleCustomPermission(ctx, acct, dflt, r.role); err != nil || got != r.want {
				t.Errorf("RoleCustomPermission(%s) = %q, %v; want %q", r.role, got, err, r.want)
			}
		}
		if got, err := tx.AccountCustomPermission(ctx, acct); err != nil || got != "" {
			t.Errorf("AccountCustomPermission = %q, %v; want none", got, err)
		}
		for _, r := range []struct {
			role string
			want []string
		}{{"AUTHOR", []string{"old-team"}}, {"ADMIN", nil}} {
			got, err := tx.ListRoleMembers(ctx, acct, dflt, r.role, "", 10)
			if err != nil {
				return err
			}
			checkStrings(t, r.role+" members", got, r.want)
		}
		ts, err := tx.Tags(ctx, acct, "user/default/kept")
		if err != nil {
			return err
		}
		checkTags(t, "tags", ts, tags("k", "v"))
		return nil
	})
}

func testViewSnapshot(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct}, newUser(acct, "before"))

	var updateErr error
	updated := make(chan struct{})
	view(t, s, func(tx qslocal.Tx) error {
		first, err := tx.ListUsers(ctx, acct, dflt, "", 10)
		if err != nil {
			return err
		}
		go func() {
			defer close(updated)
			updateErr = s.Update(ctx, func(tx qslocal.Tx) error { return tx.CreateUser(ctx, newUser(acct, "during")) })
		}()
		// A store may make the writer wait for this View; either way the
		// write must stay invisible here.
		select {
		case <-updated:
		case <-time.After(100 * time.Millisecond):
		}
		second, err := tx.ListUsers(ctx, acct, dflt, "", 10)
		if err != nil {
			return err
		}
		if !slices.Equal(names(first), names(second)) {
			t.Errorf("View saw %q then %q", names(first), names(second))
		}
		return nil
	})
	<-updated
	if updateErr != nil {
		t.Fatalf("concurrent Update: %v", updateErr)
	}
	if got, want := names(listUsers(t, s, acct, dflt, "", 10)), []string{"before", "during"}; !slices.Equal(got, want) {
		t.Errorf("users after View = %q, want %q", got, want)
	}
}

func testSecret(t *testing.T, s qslocal.Store) {
	first, err := s.Secret(t.Context())
	if err != nil {
		t.Fatalf("Secret: %v", err)
	}
	if len(first) < 32 {
		t.Errorf("Secret has %d bytes, want at least 32", len(first))
	}
	if bytes.Equal(first, make([]byte, len(first))) {
		t.Error("Secret is all zero bytes")
	}
	want := bytes.Clone(first)
	first[0]++ // callers may modify the slice they get
	setup(t, s, []string{acct}, newUser(acct, "someone"))
	second, err := s.Secret(t.Context())
	if err != nil {
		t.Fatalf("Secret: %v", err)
	}
	if !bytes.Equal(second, want) {
		t.Errorf("Secret changed from %x to %x", want, second)
	}
}

func testConcurrentCreates(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct})
	const n = 20
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("user%02d", i))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, name := range want {
		wg.Go(func() {
			errs[i] = s.Update(t.Context(), func(tx qslocal.Tx) error {
				return tx.CreateUser(t.Context(), newUser(acct, name))
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("CreateUser(%q): %v", want[i], err)
		}
	}
	if got := names(listUsers(t, s, acct, dflt, "", 2*n)); !slices.Equal(got, want) {
		t.Errorf("users = %q, want %q", got, want)
	}
}

func testConcurrentConflicts(t *testing.T, s qslocal.Store) {
	setup(t, s, []string{acct})
	const n = 10
	tests := []struct {
		name string
		user func(i int) qslocal.User
	}{
		{"same name", func(i int) qslocal.User {
			u := newUser(acct, "same")
			u.PrincipalID = fmt.Sprintf("pid-%d", i)
			return u
		}},
		{"same principal id", func(i int) qslocal.User {
			u := newUser(acct, fmt.Sprintf("racer%d", i))
			u.PrincipalID = "pid-shared"
			return u
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					errs[i] = s.Update(t.Context(), func(tx qslocal.Tx) error {
						return tx.CreateUser(t.Context(), tt.user(i))
					})
				})
			}
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil && winner >= 0:
					t.Errorf("racers %d and %d both created their user", winner, i)
				case err == nil:
					winner = i
				case !errors.Is(err, qslocal.ErrExists):
					t.Errorf("racer %d: err = %v, want %v", i, err, qslocal.ErrExists)
				}
			}
			if winner < 0 {
				t.Fatal("no racer created its user")
			}
			want := tt.user(winner)
			var got qslocal.User
			view(t, s, func(tx qslocal.Tx) (err error) {
				got, err = tx.UserByPrincipalID(t.Context(), acct, dflt, want.PrincipalID)
				return err
			})
			checkUser(t, got, want)
		})
	}
}

func testCancelledContext(t *testing.T, s qslocal.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	fn := func(tx qslocal.Tx) error {
		called = true
		return tx.EnsureAccount(ctx, acct, region, t0)
	}
	checkErr(t, "Update", s.Update(ctx, fn), context.Canceled)
	checkErr(t, "View", s.View(ctx, fn), context.Canceled)
	_, err := s.Secret(ctx)
	checkErr(t, "Secret", err, context.Canceled)
	if called {
		t.Error("fn ran with a cancelled context")
	}
}
