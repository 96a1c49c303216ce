package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// The cascade tests build the same small world in several namespaces of
// two accounts, change one namespace, and compare every namespace's state
// as seen through the contract with what it should be.

var (
	worldSpaces = []struct{ account, namespace string }{
		{acct, dflt}, {acct, ns2}, {acct, "third"}, {acct2, dflt}, {acct2, ns2},
	}
	worldUsers  = []string{"alice", "bob", "carol"}
	worldGroups = []string{"g1", "g2", "g3"}
	worldRoles  = []string{"ADMIN", "AUTHOR", "READER"}
)

// nsState is what a namespace holds. Members, UserGroups and RoleMembers
// are keyed by every world name, existing or not, so that rows left behind
// by a deleted user or group would show.
type nsState struct {
	Exists      bool
	Users       []string
	Groups      []string
	Members     map[string][]string // group -> users
	UserGroups  map[string][]string // user -> groups
	RoleMembers map[string][]string // role -> groups
	RoleProfile map[string]string   // role -> profile
	Tags        map[string][]qslocal.Tag
	Perms       map[string][]qslocal.Grant // resource -> grants
	Requests    []string                   // upgrade request ids
	SelfUpgrade string
}

func (st nsState) clone() nsState {
	c := st
	c.Users, c.Groups = slices.Clone(st.Users), slices.Clone(st.Groups)
	c.Members, c.UserGroups, c.RoleMembers = maps.Clone(st.Members), maps.Clone(st.UserGroups), maps.Clone(st.RoleMembers)
	c.RoleProfile, c.Tags = maps.Clone(st.RoleProfile), maps.Clone(st.Tags)
	c.Perms, c.Requests = maps.Clone(st.Perms), slices.Clone(st.Requests)
	return c
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func worldResources(namespace string) []string {
	return []string{"namespace/" + namespace, "user/" + namespace + "/alice", "group/" + namespace + "/g1"}
}

// worldRequests are a namespace's upgrade requests: alice's, bob's, and
// one of a user that never existed.
func worldRequests(account, namespace string) []qslocal.UpgradeRequest {
	approved := newUpgradeRequest(account, namespace, "req-2", "bob")
	approved.Status, approved.LastAttempt = "APPROVED", t0.Add(time.Minute)
	return []qslocal.UpgradeRequest{
		newUpgradeRequest(account, namespace, "req-1", "alice"),
		approved,
		failedUpgradeRequest(account, namespace, "req-3", "ghost"),
	}
}

// worldState is a namespace of the world as built.
func worldState(namespace string) nsState {
	st := nsState{
		Exists:      true,
		Users:       slices.Clone(worldUsers),
		Groups:      slices.Clone(worldGroups),
		Members:     map[string][]string{"g1": {"alice", "bob"}, "g2": {"alice", "carol"}, "g3": nil},
		UserGroups:  map[string][]string{"alice": {"g1", "g2"}, "bob": {"g1"}, "carol": {"g2"}},
		RoleMembers: map[string][]string{"ADMIN": {"g1"}, "AUTHOR": {"g1", "g2"}, "READER": nil},
		RoleProfile: map[string]string{"ADMIN": "", "AUTHOR": "q", "READER": "p"},
		Tags:        map[string][]qslocal.Tag{},
		Perms:       map[string][]qslocal.Grant{},
		Requests:    requestIDs(worldRequests(acct, namespace)),
		SelfUpgrade: "ADMIN_APPROVAL",
	}
	for _, r := range worldResources(namespace) {
		st.Tags[r] = tags("k", r)
		st.Perms[r] = []qslocal.Grant{
			grant("group/"+namespace+"/g1", "describe:"+r),
			grant("user/"+namespace+"/alice", "describe:"+r, "update:"+r),
		}
	}
	return st
}

func buildWorld(t *testing.T, s qslocal.Store) map[string]nsState {
	t.Helper()
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	want := map[string]nsState{}
	update(t, s, func(tx qslocal.Tx) error {
		for _, sp := range worldSpaces {
			a, ns := sp.account, sp.namespace
			if ns != dflt {
				if err := tx.CreateNamespace(ctx, newNamespace(a, ns)); err != nil {
					return err
				}
			}
			for _, u := range worldUsers {
				if err := tx.CreateUser(ctx, newUserIn(a, ns, u)); err != nil {
					return err
				}
			}
			for _, g := range worldGroups {
				if err := tx.CreateGroup(ctx, newGroup(a, ns, g)); err != nil {
					return err
				}
			}
			st := worldState(ns)
			for g, users := range st.Members {
				for _, u := range users {
					if err := tx.AddGroupMember(ctx, a, ns, g, u); err != nil {
						return err
					}
				}
			}
			for role, groups := range st.RoleMembers {
				for _, g := range groups {
					if err := tx.AddRoleMember(ctx, a, ns, role, g); err != nil {
						return err
					}
				}
			}
			for role, p := range st.RoleProfile {
				if err := tx.SetRoleCustomPermission(ctx, a, ns, role, p); err != nil {
					return err
				}
			}
			for r, ts := range st.Tags {
				if err := tx.SetTags(ctx, a, r, ts); err != nil {
					return err
				}
			}
			for r, gs := range st.Perms {
				if err := tx.Grant(ctx, a, r, gs); err != nil {
					return err
				}
			}
			for _, r := range worldRequests(a, ns) {
				if err := tx.CreateUpgradeRequest(ctx, r); err != nil {
					return err
				}
			}
			if err := tx.SetSelfUpgradeStatus(ctx, a, ns, st.SelfUpgrade); err != nil {
				return err
			}
			want[a+"/"+ns] = st
		}
		return nil
	})
	checkWorld(t, s, "world as built", want)
	return want
}

func readState(t *testing.T, s qslocal.Store, account, namespace string) nsState {
	t.Helper()
	ctx := t.Context()
	st := nsState{
		Members: map[string][]string{}, UserGroups: map[string][]string{},
		RoleMembers: map[string][]string{}, RoleProfile: map[string]string{}, Tags: map[string][]qslocal.Tag{},
		Perms: map[string][]qslocal.Grant{},
	}
	view(t, s, func(tx qslocal.Tx) error {
		_, err := tx.Namespace(ctx, account, namespace)
		st.Exists = err == nil
		users, err := tx.ListUsers(ctx, account, namespace, "", 100)
		if err != nil {
			return err
		}
		st.Users = nilIfEmpty(names(users))
		groups, err := tx.ListGroups(ctx, account, namespace, "", "", 100)
		if err != nil {
			return err
		}
		st.Groups = nilIfEmpty(groupNames(groups))
		for _, g := range worldGroups {
			m, err := tx.ListGroupMembers(ctx, account, namespace, g, "", 100)
			if err != nil {
				return err
			}
			st.Members[g] = nilIfEmpty(m)
		}
		for _, u := range worldUsers {
			ug, err := tx.ListUserGroups(ctx, account, namespace, u, "", 100)
			if err != nil {
				return err
			}
			st.UserGroups[u] = nilIfEmpty(groupNames(ug))
		}
		for _, role := range worldRoles {
			rm, err := tx.ListRoleMembers(ctx, account, namespace, role, "", 100)
			if err != nil {
				return err
			}
			st.RoleMembers[role] = nilIfEmpty(rm)
			if st.RoleProfile[role], err = tx.RoleCustomPermission(ctx, account, namespace, role); err != nil {
				return err
			}
		}
		for _, r := range worldResources(namespace) {
			ts, err := tx.Tags(ctx, account, r)
			if err != nil {
				return err
			}
			if len(ts) > 0 {
				st.Tags[r] = ts
			}
			gs, err := tx.Permissions(ctx, account, r)
			if err != nil {
				return err
			}
			if len(gs) > 0 {
				st.Perms[r] = gs
			}
		}
		reqs, err := tx.ListUpgradeRequests(ctx, account, namespace, "", "", "", 100)
		if err != nil {
			return err
		}
		st.Requests = nilIfEmpty(requestIDs(reqs))
		// The contract does not say whether a namespace that does not
		// exist has "" or ErrNotFound.
		st.SelfUpgrade, err = tx.SelfUpgradeStatus(ctx, account, namespace)
		if err != nil && (st.Exists || !errors.Is(err, qslocal.ErrNotFound)) {
			return err
		}
		return nil
	})
	return st
}

func checkWorld(t *testing.T, s qslocal.Store, when string, want map[string]nsState) {
	t.Helper()
	for _, sp := range worldSpaces {
		k := sp.account + "/" + sp.namespace
		deepEqual(t, fmt.Sprintf("%s: namespace %s", when, k), readState(t, s, sp.account, sp.namespace), want[k])
	}
}

// emptyState is a namespace with nothing in it.
func emptyState(exists bool) nsState {
	st := nsState{
		Exists: exists, Members: map[string][]string{}, UserGroups: map[string][]string{},
		RoleMembers: map[string][]string{}, RoleProfile: map[string]string{}, Tags: map[string][]qslocal.Tag{},
		Perms: map[string][]qslocal.Grant{},
	}
	for _, g := range worldGroups {
		st.Members[g] = nil
	}
	for _, u := range worldUsers {
		st.UserGroups[u] = nil
	}
	for _, r := range worldRoles {
		st.RoleMembers[r], st.RoleProfile[r] = nil, ""
	}
	return st
}

func testDeleteUserCascade(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	want := buildWorld(t, s)
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, acct, dflt, "alice") })

	st := want[acct+"/"+dflt].clone()
	st.Users = []string{"bob", "carol"}
	st.Members["g1"], st.Members["g2"] = []string{"bob"}, []string{"carol"}
	st.UserGroups["alice"] = nil
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after DeleteUser", want)
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

	// A new user of the same name starts with no groups.
	create(t, s, []qslocal.User{newUserIn(acct, dflt, "alice")}, nil)
	st.Users = worldUsers
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after re-creating the user", want)
	checkErr(t, "GroupMember of re-created user", isMember(t, s, acct, dflt, "g1", "alice"), qslocal.ErrNotFound)
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
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after DeleteGroup", want)
	err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteGroup(ctx, acct, dflt, "g1") })
	checkErr(t, "second DeleteGroup", err, qslocal.ErrNotFound)
	for _, tt := range []struct{ account, namespace, name string }{{acct, dflt, "G2"}, {acct, dflt, "nope"}, {acct, "nope", "g2"}, {"999", dflt, "g2"}} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteGroup(ctx, tt.account, tt.namespace, tt.name) })
		checkErr(t, fmt.Sprintf("DeleteGroup(%q, %q, %q)", tt.account, tt.namespace, tt.name), err, qslocal.ErrNotFound)
	}
	err = tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.RemoveRoleMember(ctx, acct, dflt, "ADMIN", "g1") })
	checkErr(t, "RemoveRoleMember of deleted group", err, qslocal.ErrNotFound)

	// A new group of the same name starts with no members and no roles.
	create(t, s, nil, []qslocal.Group{newGroup(acct, dflt, "g1")})
	st.Groups = worldGroups
	want[acct+"/"+dflt] = st
	checkWorld(t, s, "after re-creating the group", want)
}

func testDeleteNamespaceCascade(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	want := buildWorld(t, s)
	update(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, acct, ns2) })

	// Everything goes but the tags and permissions, which the service
	// clears itself.
	st := emptyState(false)
	st.Tags, st.Perms = want[acct+"/"+ns2].Tags, want[acct+"/"+ns2].Perms
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
	st.Users, st.Groups, st.Tags, st.Perms = worldUsers, worldGroups, want[acct+"/"+ns2].Tags, want[acct+"/"+ns2].Perms
	want[acct+"/"+ns2] = st
	checkWorld(t, s, "after re-creating the namespace", want)

	// The request ids are free again.
	createUpgradeRequests(t, s, reqs...)
	checkUpgradeRequests(t, listUpgradeRequests(t, s, acct, ns2, "", "", "", 10), reqs)
	st.Requests = requestIDs(reqs)
	want[acct+"/"+ns2] = st
	checkWorld(t, s, "after re-creating the requests", want)
}
