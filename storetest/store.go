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

// testViewRefusesNewWrites checks that every write of assets, grants,
// upgrade requests and assignments fails in a View and changes nothing.
func testViewRefusesNewWrites(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	setupIdentities(t, s, acct, dflt, []string{"alice", "bob"}, []string{"g1", "g2"})
	abc, v1, l1 := newAsset(acct, analysis, "abc"), newVersion(acct, analysis, "abc", 1), newLink(acct, analysis, "abc", "alias", "current", "1")
	r1 := newUpgradeRequest(acct, dflt, "r1", "alice")
	p := newAssignment(acct, dflt, "p", []string{"alice"}, []string{"g1"})
	grants := []qslocal.Grant{grant("user/default/alice", "x", "y")}
	createAssets(t, s, abc)
	createVersions(t, s, v1)
	setLinks(t, s, l1)
	createUpgradeRequests(t, s, r1)
	createAssignments(t, s, p)
	update(t, s, func(tx qslocal.Tx) error {
		if err := tx.SetSelfUpgradeStatus(ctx, acct, dflt, "ADMIN_APPROVAL"); err != nil {
			return err
		}
		return tx.Grant(ctx, acct, "analysis/abc", grants)
	})
	changedAsset := abc
	changedAsset.Name = "changed"
	changedRequest := r1
	changedRequest.Status = "APPROVED"
	changedAssignment := p
	changedAssignment.Status, changedAssignment.Users, changedAssignment.Groups = "DISABLED", []string{"bob"}, []string{"g2"}

	writes := []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"CreateAsset", func(tx qslocal.Tx) error { return tx.CreateAsset(ctx, newAsset(acct, analysis, "lost")) }},
		{"UpdateAsset", func(tx qslocal.Tx) error { return tx.UpdateAsset(ctx, changedAsset) }},
		{"DeleteAsset", func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, acct, analysis, "abc") }},
		{"CreateAssetVersion", func(tx qslocal.Tx) error { return tx.CreateAssetVersion(ctx, newVersion(acct, analysis, "abc", 2)) }},
		{"DeleteAssetVersion", func(tx qslocal.Tx) error { return tx.DeleteAssetVersion(ctx, acct, analysis, "abc", 1) }},
		{"SetAssetLink", func(tx qslocal.Tx) error {
			return tx.SetAssetLink(ctx, newLink(acct, analysis, "abc", "alias", "current", "2"))
		}},
		{"SetAssetLink new", func(tx qslocal.Tx) error {
			return tx.SetAssetLink(ctx, newLink(acct, analysis, "abc", "alias", "lost", "2"))
		}},
		{"DeleteAssetLink", func(tx qslocal.Tx) error { return tx.DeleteAssetLink(ctx, acct, analysis, "abc", "alias", "current") }},
		{"Grant", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, "analysis/abc", []qslocal.Grant{grant("user/default/bob", "x")})
		}},
		{"Grant of nothing", func(tx qslocal.Tx) error { return tx.Grant(ctx, acct, "analysis/abc", nil) }},
		{"Revoke", func(tx qslocal.Tx) error { return tx.Revoke(ctx, acct, "analysis/abc", grants) }},
		{"Revoke of nothing", func(tx qslocal.Tx) error { return tx.Revoke(ctx, acct, "analysis/abc", nil) }},
		{"ClearGrants", func(tx qslocal.Tx) error { return tx.ClearGrants(ctx, acct, "analysis/abc") }},
		{"DropPrincipal", func(tx qslocal.Tx) error { return tx.DropPrincipal(ctx, acct, "user/default/alice") }},
		{"DropPrincipalPrefix", func(tx qslocal.Tx) error { return tx.DropPrincipalPrefix(ctx, acct, "user/") }},
		{"CreateUpgradeRequest", func(tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, newUpgradeRequest(acct, dflt, "lost", "alice"))
		}},
		{"UpdateUpgradeRequest", func(tx qslocal.Tx) error { return tx.UpdateUpgradeRequest(ctx, changedRequest) }},
		{"SetSelfUpgradeStatus", func(tx qslocal.Tx) error { return tx.SetSelfUpgradeStatus(ctx, acct, dflt, "AUTO_APPROVAL") }},
		{"CreateAssignment", func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, newAssignment(acct, dflt, "lost", []string{"bob"}, nil))
		}},
		{"UpdateAssignment", func(tx qslocal.Tx) error { return tx.UpdateAssignment(ctx, changedAssignment) }},
		{"DeleteAssignment", func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, acct, dflt, "p") }},
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
	checkAssets(t, listAssets(t, s, acct, analysis, "", 10), []qslocal.Asset{abc})
	checkVersions(t, listVersions(t, s, acct, analysis, "abc", 0, 10), []qslocal.AssetVersion{v1})
	if got := listLinks(t, s, acct, analysis, "abc", "alias", "", 10); !slices.Equal(got, []qslocal.AssetLink{l1}) {
		t.Errorf("ListAssetLinks = %+v, want [%+v]", got, l1)
	}
	checkGrants(t, "Grants", getGrants(t, s, acct, "analysis/abc"), grants)
	checkUpgradeRequests(t, listUpgradeRequests(t, s, acct, dflt, "", "", "", 10), []qslocal.UpgradeRequest{r1})
	if got := selfUpgradeStatus(t, s, acct, dflt); got != "ADMIN_APPROVAL" {
		t.Errorf("SelfUpgradeStatus = %q, want ADMIN_APPROVAL", got)
	}
	checkStrings(t, "ListAssignments", assignmentNames(listAssignments(t, s, acct, dflt, "", "", 10)), []string{"p"})
	got, err := getAssignment(t, s, acct, dflt, "p")
	if err != nil {
		t.Fatal(err)
	}
	checkAssignment(t, got, p)
}

// testConcurrentWritersAlone runs many Updates at once, as a store that
// batches concurrent writers into one transaction (group commit) would
// batch them: some fail after writing, or panic, and each of those must
// undo only its own writes; each that succeeds must be visible to a View
// begun once it returns (it was committed before it returned).
func testConcurrentWritersAlone(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct})
	const n = 60
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		want []string
	)
	for i := range n {
		name := fmt.Sprintf("user%02d", i)
		wg.Go(func() {
			var err error
			panicked := func() (panicked bool) {
				defer func() { panicked = recover() == errBoom }()
				err = s.Update(ctx, func(tx qslocal.Tx) error {
					if err := tx.CreateUser(ctx, newUser(acct, name)); err != nil {
						return err
					}
					switch i % 3 {
					case 1:
						return errBoom
					case 2:
						panic(errBoom)
					}
					return nil
				})
				return false
			}()
			switch {
			case i%3 == 2:
				if !panicked {
					t.Errorf("Update %s: %v, want the panic", name, err)
				}
			case i%3 == 1:
				checkErr(t, "Update "+name, err, errBoom)
			case err != nil:
				t.Errorf("Update %s: %v", name, err)
			default:
				err := s.View(ctx, func(tx qslocal.Tx) error {
					_, err := tx.User(ctx, acct, dflt, name)
					return err
				})
				if err != nil {
					t.Errorf("user %s once its Update returned: %v", name, err)
				}
				mu.Lock()
				want = append(want, name)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(want)
	if got := names(listUsers(t, s, acct, dflt, "", 2*n)); !slices.Equal(got, want) {
		t.Errorf("users = %q, want only those of the Updates that succeeded, %q", got, want)
	}
}
