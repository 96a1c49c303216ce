package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/qslocal/qslocal"
)

func getGrants(t *testing.T, s qslocal.Store, account, resource string) []qslocal.Grant {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Grant, error) {
		return tx.Grants(t.Context(), account, resource)
	})
}

// grantWorld is what Grants should return for each resource of an
// account: principals and actions in byte order.
type grantWorld map[string][]qslocal.Grant

// makeGrantWorld grants each principal two actions naming the resource:
// every principal on resources[0], and the principals at even and odd
// positions (in byte order) on the others, in turn.
func makeGrantWorld(principals, resources []string) grantWorld {
	w := grantWorld{}
	for ri, r := range resources {
		for pi, p := range byteOrder(principals...) {
			if ri == 0 || pi%2 == ri%2 {
				w[r] = append(w[r], grant(p, "describe:"+r, "update:"+r))
			}
		}
	}
	return w
}

// without is w less the grants to principals that drop selects.
func (w grantWorld) without(drop func(principal string) bool) grantWorld {
	out := grantWorld{}
	for r, gs := range w {
		for _, g := range gs {
			if !drop(g.Principal) {
				out[r] = append(out[r], g)
			}
		}
	}
	return out
}

func grantAll(t *testing.T, tx qslocal.Tx, account string, w grantWorld) error {
	t.Helper()
	for _, r := range slices.Sorted(maps.Keys(w)) {
		if err := tx.Grant(t.Context(), account, r, w[r]); err != nil {
			return fmt.Errorf("Grant(%s, %q): %w", account, r, err)
		}
	}
	return nil
}

// checkGrantWorld checks the grants on every resource in resources.
func checkGrantWorld(t *testing.T, s qslocal.Store, what, account string, resources []string, want grantWorld) {
	t.Helper()
	view(t, s, func(tx qslocal.Tx) error {
		for _, r := range resources {
			got, err := tx.Grants(t.Context(), account, r)
			if err != nil {
				return fmt.Errorf("Grants(%s, %q): %w", account, r, err)
			}
			checkGrants(t, fmt.Sprintf("%s: Grants(%s, %q)", what, account, r), got, want[r])
		}
		return nil
	})
}

func testGrants(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	const (
		res        = "analysis/abc"
		alice      = "user/default/alice"
		upperAlice = "user/default/Alice"
		bob        = "user/default/bob"
		carol      = "user/default/carol"
		eacute     = "user/default/é"
		g          = "group/default/g"
		ns         = "namespace/default"
		describe   = "quicksight:DescribeAnalysis"
		update_    = "quicksight:UpdateAnalysis"
		delete_    = "quicksight:DeleteAnalysis"
	)
	setup(t, s, []string{acct, acct2})
	for _, tt := range []struct{ account, resource string }{{acct, res}, {acct2, res}, {"999", res}, {acct, ""}} {
		if got := getGrants(t, s, tt.account, tt.resource); len(got) != 0 {
			t.Errorf("Grants(%q, %q) before any grant = %q, want none", tt.account, tt.resource, got)
		}
	}

	// Each step, then the grants it leaves: principals in byte order, each
	// with its actions in byte order.
	steps := []struct {
		name string
		fn   func(tx qslocal.Tx) error
		want []qslocal.Grant
	}{
		{"grant", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, res, []qslocal.Grant{
				grant(bob, "b", "a"), grant(alice, update_, describe), grant(upperAlice, "x"),
				grant(g, "b", "a", "B"), grant(eacute, "x"),
			})
		}, []qslocal.Grant{
			grant(g, "B", "a", "b"), grant(upperAlice, "x"), grant(alice, describe, update_),
			grant(bob, "a", "b"), grant(eacute, "x"),
		}},
		{"grant again (idempotent)", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(bob, "a", "b"), grant(alice, describe, update_)})
		}, []qslocal.Grant{
			grant(g, "B", "a", "b"), grant(upperAlice, "x"), grant(alice, describe, update_),
			grant(bob, "a", "b"), grant(eacute, "x"),
		}},
		{"add actions, some already granted", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(alice, describe, delete_), grant(bob, "c"), grant(ns, "y")})
		}, []qslocal.Grant{
			grant(g, "B", "a", "b"), grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe, update_),
			grant(bob, "a", "b", "c"), grant(eacute, "x"),
		}},
		{"a principal twice and an action twice in one call", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(bob, "d", "d"), grant(bob, "e", "a")})
		}, []qslocal.Grant{
			grant(g, "B", "a", "b"), grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe, update_),
			grant(bob, "a", "b", "c", "d", "e"), grant(eacute, "x"),
		}},
		{"actions are case-sensitive", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(bob, "A"), grant(alice, "quicksight:describeanalysis")})
		}, []qslocal.Grant{
			grant(g, "B", "a", "b"), grant(ns, "y"), grant(upperAlice, "x"),
			grant(alice, delete_, describe, update_, "quicksight:describeanalysis"),
			grant(bob, "A", "a", "b", "c", "d", "e"), grant(eacute, "x"),
		}},
		{"grant nothing", func(tx qslocal.Tx) error {
			if err := tx.Grant(ctx, acct, res, nil); err != nil {
				return err
			}
			// A principal given no action holds no grant.
			return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(carol)})
		}, []qslocal.Grant{
			grant(g, "B", "a", "b"), grant(ns, "y"), grant(upperAlice, "x"),
			grant(alice, delete_, describe, update_, "quicksight:describeanalysis"),
			grant(bob, "A", "a", "b", "c", "d", "e"), grant(eacute, "x"),
		}},
		{"revoke some, ignoring actions not granted and other case", func(tx qslocal.Tx) error {
			return tx.Revoke(ctx, acct, res, []qslocal.Grant{
				grant(alice, update_, "quicksight:describeanalysis", "quicksight:deleteanalysis", "nope"),
				grant(g, "b"),
			})
		}, []qslocal.Grant{
			grant(g, "B", "a"), grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe),
			grant(bob, "A", "a", "b", "c", "d", "e"), grant(eacute, "x"),
		}},
		{"revoke again (idempotent)", func(tx qslocal.Tx) error {
			return tx.Revoke(ctx, acct, res, []qslocal.Grant{grant(alice, update_), grant(g, "b")})
		}, []qslocal.Grant{
			grant(g, "B", "a"), grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe),
			grant(bob, "A", "a", "b", "c", "d", "e"), grant(eacute, "x"),
		}},
		{"revoke from principals without grants", func(tx qslocal.Tx) error {
			return tx.Revoke(ctx, acct, res, []qslocal.Grant{
				grant(carol, "x"), grant("user/default/alic", delete_), grant("USER/default/alice", delete_),
			})
		}, []qslocal.Grant{
			grant(g, "B", "a"), grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe),
			grant(bob, "A", "a", "b", "c", "d", "e"), grant(eacute, "x"),
		}},
		{"revoke nothing", func(tx qslocal.Tx) error {
			if err := tx.Revoke(ctx, acct, res, nil); err != nil {
				return err
			}
			return tx.Revoke(ctx, acct, res, []qslocal.Grant{grant(bob)})
		}, []qslocal.Grant{
			grant(g, "B", "a"), grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe),
			grant(bob, "A", "a", "b", "c", "d", "e"), grant(eacute, "x"),
		}},
		{"revoke every action of a principal", func(tx qslocal.Tx) error {
			return tx.Revoke(ctx, acct, res, []qslocal.Grant{grant(bob, "e", "d", "c", "b", "a", "A", "z")})
		}, []qslocal.Grant{
			grant(g, "B", "a"), grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe), grant(eacute, "x"),
		}},
		{"revoke every action of a principal, in two grants of one call", func(tx qslocal.Tx) error {
			return tx.Revoke(ctx, acct, res, []qslocal.Grant{grant(g, "B"), grant(g, "a")})
		}, []qslocal.Grant{grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe), grant(eacute, "x")}},
		{"grant to a principal whose actions were all revoked", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(bob, "z")})
		}, []qslocal.Grant{grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe), grant(bob, "z"), grant(eacute, "x")}},
		{"revoke everything", func(tx qslocal.Tx) error {
			return tx.Revoke(ctx, acct, res, []qslocal.Grant{
				grant(ns, "y"), grant(upperAlice, "x"), grant(alice, delete_, describe), grant(bob, "z"), grant(eacute, "x"),
			})
		}, nil},
		{"grant after revoking everything", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(alice, "k")})
		}, []qslocal.Grant{grant(alice, "k")}},
	}
	// Grants on neighbouring resources and in another account, which no
	// step touches.
	others := []struct{ account, resource string }{
		{acct, "analysis/ab"},
		{acct, "analysis/abcd"},
		{acct, "analysis/ABC"},
		{acct, "dashboard/abc"},
		{acct, alice}, // a resource named like a principal
		{acct2, res},
	}
	otherGrants := []qslocal.Grant{grant(alice, describe), grant(bob, "a", "b")}
	update(t, s, func(tx qslocal.Tx) error {
		for _, o := range others {
			if err := tx.Grant(ctx, o.account, o.resource, otherGrants); err != nil {
				return err
			}
		}
		return nil
	})
	for _, step := range steps {
		update(t, s, step.fn)
		checkGrants(t, "Grants after "+step.name, getGrants(t, s, acct, res), step.want)
	}
	for _, o := range others {
		checkGrants(t, fmt.Sprintf("Grants(%s, %q)", o.account, o.resource), getGrants(t, s, o.account, o.resource), otherGrants)
	}
	// The store does not check that accounts exist.
	update(t, s, func(tx qslocal.Tx) error { return tx.Grant(ctx, "999", res, []qslocal.Grant{grant(alice, "x")}) })
	checkGrants(t, "Grants in an account never ensured", getGrants(t, s, "999", res), []qslocal.Grant{grant(alice, "x")})
}

func testClearGrants(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	resources := []string{"analysis/a", "analysis/ab", "analysis/A", "analysis/", "analysis/é", "dashboard/a", "user/default/alice"}
	w := makeGrantWorld([]string{"user/default/alice", "group/default/g", "namespace/default"}, resources)
	update(t, s, func(tx qslocal.Tx) error { return errors.Join(grantAll(t, tx, acct, w), grantAll(t, tx, acct2, w)) })
	checkGrantWorld(t, s, "as built", acct, resources, w)

	want := maps.Clone(w)
	for _, r := range []string{"analysis/a", "analysis/a", "analysis/", "analysis/nope", "user/default/alice"} {
		update(t, s, func(tx qslocal.Tx) error { return tx.ClearGrants(ctx, acct, r) })
		delete(want, r)
		checkGrantWorld(t, s, fmt.Sprintf("after ClearGrants(%q)", r), acct, resources, want)
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.ClearGrants(ctx, "999", "analysis/ab") })
	checkGrantWorld(t, s, "acct2", acct2, resources, w)

	// A cleared resource starts afresh.
	update(t, s, func(tx qslocal.Tx) error {
		return tx.Grant(ctx, acct, "analysis/a", []qslocal.Grant{grant("user/default/alice", "new")})
	})
	checkGrants(t, "Grants after granting on a cleared resource", getGrants(t, s, acct, "analysis/a"),
		[]qslocal.Grant{grant("user/default/alice", "new")})
}

func testDropPrincipal(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setup(t, s, []string{acct, acct2})
	const al = "user/default/al"
	principals := []string{
		al, "user/default/alice", "user/default/Al", "user/default/a_", "user/default/al%",
		"user/default/al/x", "group/default/al", "user/default2/al", "namespace/default",
	}
	// al is the only grantee of analysis/only-al.
	resources := []string{"analysis/x", "analysis/y", "analysis/z", al}
	w := makeGrantWorld(principals, resources)
	w["analysis/only-al"] = []qslocal.Grant{grant(al, "a", "b")}
	resources = append(resources, "analysis/only-al")
	update(t, s, func(tx qslocal.Tx) error { return errors.Join(grantAll(t, tx, acct, w), grantAll(t, tx, acct2, w)) })

	dropped := map[string]bool{}
	for _, p := range []string{al, al, "user/default/", "user/default/A", "user/default/a_", "nope", ""} {
		update(t, s, func(tx qslocal.Tx) error { return tx.DropPrincipal(ctx, acct, p) })
		if slices.Contains(principals, p) {
			dropped[p] = true
		}
		checkGrantWorld(t, s, fmt.Sprintf("after DropPrincipal(%q)", p), acct, resources,
			w.without(func(principal string) bool { return dropped[principal] }))
	}
	update(t, s, func(tx qslocal.Tx) error { return tx.DropPrincipal(ctx, "999", "user/default/alice") })
	checkGrantWorld(t, s, "acct2", acct2, resources, w)

	// A dropped principal given a grant again has only that.
	update(t, s, func(tx qslocal.Tx) error {
		return tx.Grant(ctx, acct, "analysis/only-al", []qslocal.Grant{grant(al, "new")})
	})
	checkGrants(t, "Grants after granting to a dropped principal", getGrants(t, s, acct, "analysis/only-al"),
		[]qslocal.Grant{grant(al, "new")})
	for _, r := range []string{"analysis/x", "analysis/y"} {
		for _, gr := range getGrants(t, s, acct, r) {
			if gr.Principal == al {
				t.Errorf("Grants(%q) after re-granting elsewhere has %q", r, gr)
			}
		}
	}
}

func testDropPrincipalPrefix(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	users := []string{
		"user/default/al", "user/default/alice", "user/default/alicia", "user/default/Alice",
		"user/default/a_b", "user/default/a%b", "user/default/é", "user/default/ê",
	}
	principals := append(slices.Clone(users),
		"user/default2/bob", "user/Default/carol", "user/other/carol",
		"group/default/alice", "group/default/g", "namespace/default", "%", "_")
	var allUsers []string
	for _, p := range principals {
		if len(p) > 5 && p[:5] == "user/" {
			allUsers = append(allUsers, p)
		}
	}
	tests := []struct {
		prefix  string
		dropped []string
	}{
		{"user/default/", users},
		{"user/default/al", []string{"user/default/al", "user/default/alice", "user/default/alicia"}},
		{"user/default/alice", []string{"user/default/alice"}},
		{"user/default/al%", nil},
		{"user/default/a_", []string{"user/default/a_b"}}, // not a LIKE pattern
		{"user/default/a%", []string{"user/default/a%b"}},
		{"user/default/A", []string{"user/default/Alice"}}, // case-sensitive
		{"user/default/é", []string{"user/default/é"}},
		{"user/default/\xc3", []string{"user/default/é", "user/default/ê"}}, // a byte prefix
		{"user/", allUsers},
		{"group/default/", []string{"group/default/alice", "group/default/g"}},
		{"User/", nil},
		{"user/_efault/", nil},
		{"user/*", nil},
		{"%", []string{"%"}},
		{"_", []string{"_"}},
		{"zzz", nil},
		{"", principals},
	}
	// Resources named like principals are resources, not principals.
	resources := []string{"analysis/x", "analysis/y", "analysis/z", "user/default/alice", "group/default/g"}
	w := makeGrantWorld(principals, resources)
	// Each case has an account of its own; control is never touched.
	const control = "000000000000"
	account := func(i int) string { return fmt.Sprintf("acct-%02d", i) }
	update(t, s, func(tx qslocal.Tx) error {
		for i := -1; i < len(tests); i++ {
			a := control
			if i >= 0 {
				a = account(i)
			}
			if err := grantAll(t, tx, a, w); err != nil {
				return err
			}
		}
		return nil
	})
	for i, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			update(t, s, func(tx qslocal.Tx) error { return tx.DropPrincipalPrefix(ctx, account(i), tt.prefix) })
			// Dropping twice is fine.
			update(t, s, func(tx qslocal.Tx) error { return tx.DropPrincipalPrefix(ctx, account(i), tt.prefix) })
			checkGrantWorld(t, s, fmt.Sprintf("after DropPrincipalPrefix(%q)", tt.prefix), account(i), resources,
				w.without(func(p string) bool { return slices.Contains(tt.dropped, p) }))
		})
	}
	checkGrantWorld(t, s, "control", control, resources, w)
}

func testGrantsRollBack(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	const alice, bob = "user/default/alice", "user/default/bob"
	setup(t, s, []string{acct})

	// A failed Update that only granted leaves no grants.
	err := tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.Grant(ctx, acct2, "analysis/new", []qslocal.Grant{grant(alice, "x")}); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "Update", err, errBoom)
	if got := getGrants(t, s, acct2, "analysis/new"); len(got) != 0 {
		t.Errorf("Grants after rolled back Grant = %q, want none", got)
	}

	resources := []string{"analysis/a", "analysis/b", "analysis/new"}
	w := grantWorld{
		"analysis/a": {grant(alice, "x", "y"), grant(bob, "z")},
		"analysis/b": {grant(alice, "x")},
	}
	update(t, s, func(tx qslocal.Tx) error { return grantAll(t, tx, acct, w) })

	// Each write, and what its transaction then sees of res when it runs
	// alone.
	steps := []struct {
		name string
		fn   func(tx qslocal.Tx) error
		res  string
		want []qslocal.Grant
	}{
		{"Grant", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, "analysis/new", []qslocal.Grant{grant(alice, "x")})
		}, "analysis/new", []qslocal.Grant{grant(alice, "x")}},
		{"Grant more", func(tx qslocal.Tx) error {
			return tx.Grant(ctx, acct, "analysis/a", []qslocal.Grant{grant(alice, "w")})
		}, "analysis/a", []qslocal.Grant{grant(alice, "w", "x", "y"), grant(bob, "z")}},
		{"Revoke", func(tx qslocal.Tx) error {
			return tx.Revoke(ctx, acct, "analysis/a", []qslocal.Grant{grant(bob, "z")})
		}, "analysis/a", []qslocal.Grant{grant(alice, "x", "y")}},
		{"ClearGrants", func(tx qslocal.Tx) error { return tx.ClearGrants(ctx, acct, "analysis/b") }, "analysis/b", nil},
		{"DropPrincipal", func(tx qslocal.Tx) error { return tx.DropPrincipal(ctx, acct, alice) }, "analysis/a", []qslocal.Grant{grant(bob, "z")}},
		{"DropPrincipalPrefix", func(tx qslocal.Tx) error { return tx.DropPrincipalPrefix(ctx, acct, "user/") }, "analysis/a", nil},
	}
	for _, st := range steps {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error {
			if err := st.fn(tx); err != nil {
				return err
			}
			got, err := tx.Grants(ctx, acct, st.res)
			if err != nil {
				return err
			}
			checkGrants(t, fmt.Sprintf("%s: Grants(%q) in its own transaction", st.name, st.res), got, st.want)
			return errBoom
		})
		checkErr(t, "rolled back "+st.name, err, errBoom)
		checkGrantWorld(t, s, "after rolling back "+st.name, acct, resources, w)
	}
	// All of them in one transaction, which leaves no grant at all.
	err = tryUpdate(t, s, func(tx qslocal.Tx) error {
		for _, st := range steps {
			if err := st.fn(tx); err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
		}
		for _, r := range resources {
			got, err := tx.Grants(ctx, acct, r)
			if err != nil {
				return err
			}
			checkGrants(t, fmt.Sprintf("Grants(%q) after every write, in their transaction", r), got, nil)
		}
		return errBoom
	})
	checkErr(t, "rolled back writes", err, errBoom)
	checkGrantWorld(t, s, "after rolling back every write", acct, resources, w)
}

func testConcurrentGrants(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	const (
		n      = 16
		res    = "analysis/shared"
		shared = "user/default/shared"
	)
	setup(t, s, []string{acct})
	action := func(i int) string { return fmt.Sprintf("a%02d", i) }
	owner := func(i int) string { return fmt.Sprintf("user/default/u%d", i%4) }
	run := func(what string, fn func(tx qslocal.Tx, i int) error) {
		t.Helper()
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = s.Update(ctx, func(tx qslocal.Tx) error { return fn(tx, i) }) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s %d: %v", what, i, err)
			}
		}
	}

	// Every goroutine adds an action of its own and one they all share, to
	// a principal they all share and to one of four others.
	run("Grant", func(tx qslocal.Tx, i int) error {
		return tx.Grant(ctx, acct, res, []qslocal.Grant{grant(shared, "shared", action(i)), grant(owner(i), action(i))})
	})
	var want []qslocal.Grant
	sharedActions := []string{"shared"}
	for i := range n {
		sharedActions = append(sharedActions, action(i))
	}
	for o := range 4 {
		var as []string
		for i := o; i < n; i += 4 {
			as = append(as, action(i))
		}
		want = append(want, grant(owner(o), as...))
	}
	want = append([]qslocal.Grant{grant(shared, byteOrder(sharedActions...)...)}, want...)
	want = sortedGrants(want)
	checkGrants(t, "Grants after concurrent grants", getGrants(t, s, acct, res), want)

	// Then every goroutine revokes its own actions again.
	run("Revoke", func(tx qslocal.Tx, i int) error {
		return tx.Revoke(ctx, acct, res, []qslocal.Grant{grant(shared, action(i)), grant(owner(i), action(i))})
	})
	checkGrants(t, "Grants after concurrent revokes", getGrants(t, s, acct, res),
		[]qslocal.Grant{grant(shared, "shared")})
}

// sortedGrants sorts grants by principal bytes.
func sortedGrants(gs []qslocal.Grant) []qslocal.Grant {
	var ps []string
	by := map[string]qslocal.Grant{}
	for _, g := range gs {
		ps = append(ps, g.Principal)
		by[g.Principal] = g
	}
	var out []qslocal.Grant
	for _, p := range byteOrder(ps...) {
		out = append(out, by[p])
	}
	return out
}
