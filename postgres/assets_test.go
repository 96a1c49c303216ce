package postgres

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/qslocal/qslocal"
)

func assetVersion(account, id string, number int64) qslocal.AssetVersion {
	return qslocal.AssetVersion{Account: account, Kind: "analysis", ID: id, Number: number,
		Name: fmt.Sprint("the ", id, " at ", number), Status: "CREATION_SUCCESSFUL", CreatedAt: now,
		Meta: []byte(fmt.Sprintf(`{"Description":"v%d"}`, number)), Doc: []byte(fmt.Sprintf(`{"Definition":{"v":%d}}`, number))}
}

func assetLink(account, id, rel, name, target string) qslocal.AssetLink {
	return qslocal.AssetLink{Account: account, Kind: "analysis", ID: id, Rel: rel, Name: name, Target: target}
}

func assignment(account, namespace, name string, users, groups []string) qslocal.Assignment {
	return qslocal.Assignment{Account: account, Namespace: namespace, Name: name, ID: "id-" + name,
		Status: "ENABLED", PolicyARN: "arn:aws:iam::aws:policy/P", Users: users, Groups: groups}
}

func equalAssignment(a, b qslocal.Assignment) bool {
	return a.Account == b.Account && a.Namespace == b.Namespace && a.Name == b.Name && a.ID == b.ID &&
		a.Status == b.Status && a.PolicyARN == b.PolicyARN &&
		slices.Equal(a.Users, b.Users) && slices.Equal(a.Groups, b.Groups) &&
		(a.Users == nil) == (b.Users == nil) && (a.Groups == nil) == (b.Groups == nil)
}

// Listings leave documents out, and keep meta; versions and links go with
// their asset, and an asset of one kind is not one of another.
func TestAssetVersionsAndLinks(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	an := asset("1", "an")
	an.Meta = []byte(`{"ThemeArn":"t"}`)
	an.Version = 3
	other := asset("1", "an")
	other.Kind = "dashboard"
	other.Doc = []byte(`{"other":true}`)
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		errs := []error{tx.EnsureAccount(ctx, "1", "us-east-1", now), tx.CreateAsset(ctx, an), tx.CreateAsset(ctx, other),
			tx.CreateAssetVersion(ctx, assetVersion("1", "an", 1)),
			tx.SetAssetLink(ctx, assetLink("1", "an", "alias", "latest", "1")),
			tx.SetAssetLink(ctx, assetLink("1", "an", "alias", "pinned", "1")),
			tx.SetAssetLink(ctx, assetLink("1", "an", "member", "folder", "x")),
			tx.SetAssetLink(ctx, qslocal.AssetLink{Account: "1", Kind: "dashboard", ID: "an", Rel: "alias", Name: "d", Target: "2"})}
		for n := int64(3); n >= 2; n-- {
			errs = append(errs, tx.CreateAssetVersion(ctx, assetVersion("1", "an", n)))
		}
		v := assetVersion("1", "an", 10)
		v.Meta, v.Doc = nil, nil
		errs = append(errs, tx.CreateAssetVersion(ctx, v))
		// Replaces the target.
		errs = append(errs, tx.SetAssetLink(ctx, assetLink("1", "an", "alias", "latest", "3")))
		return errors.Join(errs...)
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		got, err := tx.Asset(ctx, "1", "dashboard", "an")
		if err != nil || !equalAsset(got, other) {
			t.Errorf("Asset(dashboard) = %+v, %v; want %+v", got, err, other)
		}
		list, err := tx.ListAssets(ctx, "1", "analysis", "", 10)
		if err != nil {
			return err
		}
		want := an
		want.Doc = nil
		if len(list) != 1 || !equalAsset(list[0], want) {
			t.Errorf("ListAssets = %+v, want %+v (no Doc)", list, want)
		}
		var numbers []int64
		after := int64(0)
		for {
			page, err := tx.ListAssetVersions(ctx, "1", "analysis", "an", after, 2)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			for _, v := range page {
				if v.Doc != nil || v.Name != assetVersion("1", "an", v.Number).Name ||
					(v.Number != 10 && string(v.Meta) != fmt.Sprintf(`{"Description":"v%d"}`, v.Number)) {
					t.Errorf("listed version %+v: want its Meta and no Doc", v)
				}
				numbers = append(numbers, v.Number)
			}
			after = page[len(page)-1].Number
		}
		if !slices.Equal(numbers, []int64{1, 2, 3, 10}) {
			t.Errorf("versions = %v, want 1 2 3 10", numbers)
		}
		v, err := tx.AssetVersion(ctx, "1", "analysis", "an", 2)
		if w := assetVersion("1", "an", 2); err != nil || string(v.Doc) != string(w.Doc) || string(v.Meta) != string(w.Meta) ||
			v.Name != w.Name || v.Status != w.Status || !v.CreatedAt.Equal(w.CreatedAt) || v.CreatedAt.Location() != w.CreatedAt.Location() {
			t.Errorf("AssetVersion = %+v, %v; want %+v", v, err, w)
		}
		if v, err := tx.AssetVersion(ctx, "1", "analysis", "an", 10); err != nil || v.Meta != nil || v.Doc != nil {
			t.Errorf("AssetVersion(10) = %+v, %v; want no Meta or Doc", v, err)
		}
		links, err := tx.ListAssetLinks(ctx, "1", "analysis", "an", "alias", "", 10)
		if want := []qslocal.AssetLink{assetLink("1", "an", "alias", "latest", "3"), assetLink("1", "an", "alias", "pinned", "1")}; err != nil || !slices.Equal(links, want) {
			t.Errorf("ListAssetLinks(alias) = %+v, %v; want %+v", links, err, want)
		}
		if l, err := tx.AssetLink(ctx, "1", "analysis", "an", "member", "folder"); err != nil || l.Target != "x" {
			t.Errorf("AssetLink = %+v, %v", l, err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(tx.DeleteAssetVersion(ctx, "1", "analysis", "an", 2), tx.DeleteAssetLink(ctx, "1", "analysis", "an", "alias", "pinned"))
	})
	if n := queryInt(t, s, `SELECT count(*) FROM asset_versions`) + queryInt(t, s, `SELECT count(*) FROM asset_links`); n != 3+3 {
		t.Errorf("%d versions and links after deleting one of each, want 6", n)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAsset(ctx, "1", "analysis", "an") })
	if n := queryInt(t, s, `SELECT count(*) FROM asset_versions`) + queryInt(t, s, `SELECT count(*) FROM asset_links`); n != 1 {
		t.Errorf("%d versions and links after deleting their asset, want only the dashboard's link", n)
	}
	// Made again, the asset has neither.
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateAsset(ctx, an) })
	mustView(t, s, func(tx qslocal.Tx) error {
		vs, err := tx.ListAssetVersions(ctx, "1", "analysis", "an", 0, 10)
		ls, err2 := tx.ListAssetLinks(ctx, "1", "analysis", "an", "alias", "", 10)
		if len(vs) != 0 || len(ls) != 0 || err != nil || err2 != nil {
			t.Errorf("new asset: versions %v, links %v (%v, %v)", vs, ls, err, err2)
		}
		return nil
	})
}

// Assignments keep their identities sorted, each once; an update replaces
// them, and one naming a missing identity changes nothing.
func TestAssignmentIdentities(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		errs := []error{tx.EnsureAccount(ctx, "1", "us-east-1", now)}
		for _, u := range []string{"alice", "bob", "carol", "B"} {
			errs = append(errs, tx.CreateUser(ctx, user("1", "default", u)))
		}
		for _, g := range []string{"team", "ops"} {
			errs = append(errs, tx.CreateGroup(ctx, group("1", "default", g)))
		}
		errs = append(errs,
			tx.CreateAssignment(ctx, assignment("1", "default", "as", []string{"bob", "alice", "B", "bob"}, []string{"team", "ops", "team"})),
			tx.CreateAssignment(ctx, assignment("1", "default", "empty", nil, []string{})))
		return errors.Join(errs...)
	})
	read := func(name string) qslocal.Assignment {
		var a qslocal.Assignment
		mustView(t, s, func(tx qslocal.Tx) (err error) {
			a, err = tx.Assignment(ctx, "1", "default", name)
			return err
		})
		return a
	}
	if got, want := read("as"), assignment("1", "default", "as", []string{"B", "alice", "bob"}, []string{"ops", "team"}); !equalAssignment(got, want) {
		t.Errorf("Assignment = %+v, want %+v", got, want)
	}
	if got, want := read("empty"), assignment("1", "default", "empty", nil, nil); !equalAssignment(got, want) {
		t.Errorf("Assignment = %+v, want %+v", got, want)
	}

	updated := assignment("1", "default", "as", []string{"carol", "alice"}, nil)
	updated.ID, updated.Status, updated.PolicyARN = "new-id", "DRAFT", ""
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.UpdateAssignment(ctx, assignment("1", "default", "as", []string{"carol", "nobody"}, nil)); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("UpdateAssignment naming a missing user: %v", err)
		}
		return tx.UpdateAssignment(ctx, updated)
	})
	updated.Users = []string{"alice", "carol"}
	if got := read("as"); !equalAssignment(got, updated) {
		t.Errorf("Assignment after update = %+v, want %+v", got, updated)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM assignment_users`) + queryInt(t, s, `SELECT count(*) FROM assignment_groups`); n != 2 {
		t.Errorf("%d identity rows, want 2", n)
	}

	// A failed update changes nothing.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		bad := assignment("1", "default", "as", []string{"bob"}, []string{"nope"})
		if err := tx.UpdateAssignment(ctx, bad); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("UpdateAssignment naming a missing group: %v", err)
		}
		return nil
	})
	if got := read("as"); !equalAssignment(got, updated) {
		t.Errorf("Assignment after a failed update = %+v, want %+v", got, updated)
	}

	// Deleting a user takes it out; deleting the assignment takes the rest.
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteUser(ctx, "1", "default", "carol") })
	if got := read("as"); !slices.Equal(got.Users, []string{"alice"}) {
		t.Errorf("users after deleting carol = %q", got.Users)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, "1", "default", "as") })
	if n := queryInt(t, s, `SELECT count(*) FROM assignment_users`); n != 0 {
		t.Errorf("%d identity rows outlived their assignment", n)
	}
}

// ListUserAssignments finds the assignments naming the user or one of its
// groups, each once, filtered by status, in name order, by pages;
// assignments of other users, namespaces or accounts stay out.
func TestListUserAssignments(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	type spec struct {
		name          string
		users, groups []string
		status        string
		mine          bool
	}
	specs := []spec{
		{"a-direct", []string{"alice"}, nil, "ENABLED", true},
		{"b-group", nil, []string{"team"}, "ENABLED", true},
		{"c-both", []string{"alice"}, []string{"team", "ops"}, "DRAFT", true},
		{"d-other-user", []string{"bob"}, nil, "ENABLED", false},
		{"e-other-group", []string{"bob"}, []string{"strangers"}, "ENABLED", false},
		{"f-two-groups", nil, []string{"ops", "team"}, "DISABLED", true},
		{"g-nobody", nil, nil, "ENABLED", false},
		{"h-direct", []string{"bob", "alice"}, []string{"strangers"}, "ENABLED", true},
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		errs := []error{tx.EnsureAccount(ctx, "1", "us-east-1", now), tx.EnsureAccount(ctx, "2", "us-east-1", now),
			tx.CreateNamespace(ctx, qslocal.Namespace{Account: "1", Name: "other", CreatedAt: now})}
		for _, k := range [][2]string{{"1", "default"}, {"1", "other"}, {"2", "default"}} {
			for _, u := range []string{"alice", "bob"} {
				errs = append(errs, tx.CreateUser(ctx, user(k[0], k[1], u)))
			}
			for _, g := range []string{"team", "ops", "strangers"} {
				errs = append(errs, tx.CreateGroup(ctx, group(k[0], k[1], g)))
			}
			errs = append(errs,
				tx.AddGroupMember(ctx, k[0], k[1], "team", "alice"),
				tx.AddGroupMember(ctx, k[0], k[1], "ops", "alice"),
				tx.AddGroupMember(ctx, k[0], k[1], "strangers", "bob"))
		}
		for _, sp := range specs {
			a := assignment("1", "default", sp.name, sp.users, sp.groups)
			a.Status = sp.status
			errs = append(errs, tx.CreateAssignment(ctx, a))
		}
		// Elsewhere, assignments naming alice directly.
		errs = append(errs,
			tx.CreateAssignment(ctx, assignment("1", "other", "a-elsewhere", []string{"alice"}, []string{"team"})),
			tx.CreateAssignment(ctx, assignment("2", "default", "a-elsewhere", []string{"alice"}, []string{"team"})))
		return errors.Join(errs...)
	})
	for _, status := range []string{"", "ENABLED", "DRAFT", "DISABLED", "enabled"} {
		var want []string
		for _, sp := range specs {
			if sp.mine && (status == "" || sp.status == status) {
				want = append(want, sp.name)
			}
		}
		for _, n := range []int{1, 2, 100} {
			var got []string
			after := ""
			for {
				var page []qslocal.Assignment
				mustView(t, s, func(tx qslocal.Tx) (err error) {
					page, err = tx.ListUserAssignments(ctx, "1", "default", "alice", status, after, n)
					return err
				})
				if len(page) > n {
					t.Fatalf("page of %d, limit %d", len(page), n)
				}
				if len(page) == 0 {
					break
				}
				for _, a := range page {
					if a.Users != nil || a.Groups != nil || a.ID != "id-"+a.Name {
						t.Errorf("listed %+v: want its fields, no Users or Groups", a)
					}
					got = append(got, a.Name)
				}
				after = page[len(page)-1].Name
			}
			if !slices.Equal(got, want) {
				t.Errorf("status %q by %d: %q, want %q", status, n, got, want)
			}
		}
	}
	mustView(t, s, func(tx qslocal.Tx) error {
		as, err := tx.ListUserAssignments(ctx, "1", "default", "nobody", "", "", 10)
		if err != nil || len(as) != 0 {
			t.Errorf("ListUserAssignments(nobody) = %v, %v", as, err)
		}
		all, err := tx.ListAssignments(ctx, "1", "default", "ENABLED", "b-group", 10)
		var names []string
		for _, a := range all {
			names = append(names, a.Name)
		}
		if want := []string{"d-other-user", "e-other-group", "g-nobody", "h-direct"}; err != nil || !slices.Equal(names, want) {
			t.Errorf("ListAssignments(ENABLED after b-group) = %q, %v; want %q", names, err, want)
		}
		return nil
	})
	// alice leaves her groups: only the assignments naming her stay hers.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(tx.RemoveGroupMember(ctx, "1", "default", "team", "alice"), tx.DeleteGroup(ctx, "1", "default", "ops"))
	})
	mustView(t, s, func(tx qslocal.Tx) error {
		as, err := tx.ListUserAssignments(ctx, "1", "default", "alice", "", "", 10)
		var names []string
		for _, a := range as {
			names = append(names, a.Name)
		}
		if want := []string{"a-direct", "c-both", "h-direct"}; err != nil || !slices.Equal(names, want) {
			t.Errorf("after leaving her groups: %q, %v; want %q", names, err, want)
		}
		return nil
	})
	// Deleting the namespace takes its assignments and their rows only.
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.DeleteNamespace(ctx, "1", "default") })
	if n := queryInt(t, s, `SELECT count(*) FROM assignments`); n != 2 {
		t.Errorf("%d assignments left, want the other namespace's and account's", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM assignment_users`) + queryInt(t, s, `SELECT count(*) FROM assignment_groups`); n != 4 {
		t.Errorf("%d identity rows left, want 4", n)
	}
}

// Creating and updating assignments that name a user, racing the user's
// deletion: each racer commits or finds the user gone, and no assignment
// names a user that is gone.
func TestAssignmentRaces(t *testing.T) {
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	mustUpdate(t, stores[0], func(tx qslocal.Tx) error {
		return errors.Join(tx.CreateUser(ctx, user("1", "default", "u")), tx.CreateUser(ctx, user("1", "default", "v")),
			tx.CreateAssignment(ctx, assignment("1", "default", "existing", []string{"v"}, nil)))
	})
	const n = 12
	errs := race(stores, n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			switch {
			case i == n/2:
				return tx.DeleteUser(ctx, "1", "default", "u")
			case i%3 == 0:
				return tx.UpdateAssignment(ctx, assignment("1", "default", "existing", []string{"u", "v"}, nil))
			}
			return tx.CreateAssignment(ctx, assignment("1", "default", fmt.Sprint("as", i), []string{"u", "v"}, nil))
		})
	})
	for i, err := range errs {
		if err != nil && (i == n/2 || !errors.Is(err, qslocal.ErrNotFound)) {
			t.Errorf("racer %d: %v", i, err)
		}
	}
	if c := queryInt(t, stores[0], `SELECT count(*) FROM assignment_users WHERE user_name = 'u'`); c != 0 {
		t.Errorf("%d assignments name the deleted user", c)
	}
	// Racing creates of one name: one wins.
	oneWinner(t, race(stores, 8, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			return tx.CreateAssignment(ctx, assignment("1", "default", "same", []string{"v"}, nil))
		})
	}))
}
