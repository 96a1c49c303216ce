package qslocal_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

// accessWorld is an account with users in two namespaces, groups, nested
// folders and grants of every route kind, for the explorer's tests.
type accessWorld struct {
	*folderWorld
	flow string // the flow's id
}

var (
	analysisViewer = []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"}
	analysisOwner  = []string{"quicksight:DeleteAnalysis", "quicksight:DescribeAnalysis", "quicksight:DescribeAnalysisPermissions",
		"quicksight:QueryAnalysis", "quicksight:RestoreAnalysis", "quicksight:UpdateAnalysis", "quicksight:UpdateAnalysisPermissions"}
	folderOwner = []string{"quicksight:CreateFolder", "quicksight:CreateFolderMembership", "quicksight:DeleteFolder", "quicksight:DeleteFolderMembership",
		"quicksight:DescribeFolder", "quicksight:DescribeFolderPermissions", "quicksight:UpdateFolder", "quicksight:UpdateFolderPermissions"}
)

func perm(principal string, actions ...string) api.ResourcePermission {
	return api.ResourcePermission{Principal: s(principal), Actions: actions}
}

func (w *folderWorld) namespace(name string) {
	w.t.Helper()
	_, err := w.svc.CreateNamespace(w.ctx, createNamespaceIn(name))
	w.must("CreateNamespace "+name, err)
}

func (w *folderWorld) userIn(ns, name string) {
	w.t.Helper()
	_, err := w.svc.RegisterUser(w.ctx, registerUserIn(ns, name))
	w.must("RegisterUser "+ns+"/"+name, err)
}

func (w *folderWorld) group(ns, name string, members ...string) {
	w.t.Helper()
	_, err := w.svc.CreateGroup(w.ctx, &api.CreateGroupRequest{AwsAccountId: s(acct), Namespace: s(ns), GroupName: s(name)})
	w.must("CreateGroup "+name, err)
	for _, m := range members {
		_, err := w.svc.CreateGroupMembership(w.ctx, &api.CreateGroupMembershipRequest{AwsAccountId: s(acct), Namespace: s(ns), GroupName: s(name), MemberName: s(m)})
		w.must("CreateGroupMembership "+m, err)
	}
}

func newAccessWorld(t *testing.T) *accessWorld {
	w := &accessWorld{folderWorld: newFolderWorld(t)}
	w.namespace("sales")
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		w.userIn("default", u)
	}
	w.userIn("sales", "sam")
	w.group("default", "team", "carol", "dave")
	w.group("sales", "crew", "sam")
	alice, bob, dave := reachARN("user/default/alice"), reachARN("user/default/bob"), reachARN("user/default/dave")
	team := reachARN("group/default/team")
	w.folder("root", "", "", perm(alice, folderOwner...))
	w.folder("child", "root", "", perm(bob, "quicksight:DescribeFolder"), perm(team, folderOwner...))
	w.folder("grand", "child", "")
	w.folder("other", "", "", perm(dave, "quicksight:DescribeFolder"))
	in := func(f string) []string { return []string{reachARN("folder/" + f)} }
	w.must("direct", w.analysis("direct", nil, perm(alice, analysisViewer...)))
	w.must("owned", w.analysis("owned", nil, perm(bob, analysisOwner...)))
	w.must("grouped", w.analysis("grouped", nil, perm(team, analysisViewer...)))
	w.must("spaced", w.analysis("spaced", nil, perm(reachARN("namespace/default"), analysisViewer...)))
	w.must("filed", w.analysis("filed", in("child")))
	w.must("deep", w.analysis("deep", in("grand"), perm(alice, analysisViewer...)))
	w.must("gone", w.analysis("gone", in("root"), perm(alice, analysisViewer...)))
	_, err := w.svc.DeleteAnalysis(w.ctx, &api.DeleteAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("gone")})
	w.must("DeleteAnalysis gone", err)
	w.must("ds", w.dataSource("ds", nil, perm(dave, "quicksight:DescribeDataSource", "quicksight:UpdateDataSourcePermissions")))
	flowViewer := []string{"quicksight:GetFlow"}
	f, err := w.svc.CreateFlow(w.ctx, &api.CreateFlowRequest{AwsAccountId: s(acct), Name: s("flow1"), FlowDefinition: []byte(`{}`),
		Permissions: []api.Permission{{Principal: s(reachARN("namespace/sales")), Actions: flowViewer},
			{Principal: s(reachARN("group/sales/crew")), Actions: flowViewer}}})
	w.must("CreateFlow", err)
	w.flow = *f.FlowId
	return w
}

// short names an ARN by the last part of its resource.
func short(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// routeText writes routes as "via:principal[@folder][*]", * for owners.
func routeText(routes []qslocal.AccessRoute) string {
	var out []string
	for _, r := range routes {
		t := r.Via + ":" + short(r.Principal)
		if r.Folder != "" {
			t += "@" + short(r.Folder)
		}
		if r.Owner {
			t += "*"
		}
		out = append(out, t)
	}
	return strings.Join(out, " ")
}

// Each route kind: grants to the user, its group and its namespace, on
// the asset and on the folders (and their ancestors) holding it; owners
// and viewers; deleted assets and other namespaces' grants left out.
func TestUserAccess(t *testing.T) {
	w := newAccessWorld(t)
	for _, tc := range []struct {
		ns, user string
		want     []string
	}{
		{"default", "alice", []string{
			"analysis/deep: user:alice folder:alice@root*",
			"analysis/direct: user:alice",
			"analysis/filed: folder:alice@root*",
			"analysis/spaced: namespace:default",
			"folder/child: folder:alice@root*",
			"folder/grand: folder:alice@root*",
			"folder/root: user:alice*",
		}},
		{"default", "bob", []string{
			"analysis/deep: folder:bob@child",
			"analysis/filed: folder:bob@child",
			"analysis/owned: user:bob*",
			"analysis/spaced: namespace:default",
			"folder/child: user:bob",
			"folder/grand: folder:bob@child",
		}},
		{"default", "carol", []string{
			"analysis/deep: folder:team@child*",
			"analysis/filed: folder:team@child*",
			"analysis/grouped: group:team",
			"analysis/spaced: namespace:default",
			"folder/child: group:team*",
			"folder/grand: folder:team@child*",
		}},
		{"default", "dave", []string{
			"analysis/deep: folder:team@child*",
			"analysis/filed: folder:team@child*",
			"analysis/grouped: group:team",
			"analysis/spaced: namespace:default",
			"datasource/ds: user:dave*",
			"folder/child: group:team*",
			"folder/grand: folder:team@child*",
			"folder/other: user:dave",
		}},
		{"sales", "sam", []string{"flow/flow1: group:crew namespace:sales"}},
	} {
		assets, err := w.svc.UserAccess(w.ctx, acct, tc.ns, tc.user)
		w.must("UserAccess "+tc.user, err)
		var got []string
		for _, a := range assets {
			if a.ARN != reachARN(a.Kind+"/"+a.ID) {
				t.Errorf("%s: %s/%s has ARN %s", tc.user, a.Kind, a.ID, a.ARN)
			}
			got = append(got, a.Kind+"/"+a.Name+": "+routeText(a.Routes))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("UserAccess %s:\n got %q\nwant %q", tc.user, got, tc.want)
		}
	}
	// The routes carry the grants' actions and ARNs.
	assets, err := w.svc.UserAccess(w.ctx, acct, "default", "alice")
	w.must("UserAccess alice", err)
	r := assets[0].Routes[1]
	if r.Principal != reachARN("user/default/alice") || r.Folder != reachARN("folder/root") || !slices.Equal(r.Actions, folderOwner) {
		t.Errorf("alice's folder route to deep: %+v", r)
	}

	_, err = w.svc.UserAccess(w.ctx, acct, "default", "nobody")
	wantErr(t, "UserAccess of a missing user", err, qslocal.CodeResourceNotFound, "nobody")
	_, err = w.svc.UserAccess(w.ctx, acct, "sales", "alice")
	wantErr(t, "UserAccess of a user of another namespace", err, qslocal.CodeResourceNotFound, "alice")
}

// assetAccess answers every page of AssetAccess, limit users at a time, as
// "ns/user: routes".
func assetAccess(t *testing.T, svc *qslocal.Service, arn string, limit int) ([]string, int) {
	t.Helper()
	var got []string
	pages := 0
	for after := ""; ; {
		users, next, err := svc.AssetAccess(context.Background(), acct, arn, after, limit)
		if err != nil {
			t.Fatalf("AssetAccess %s: %v", arn, err)
		}
		pages++
		if limit > 0 && len(users) > limit {
			t.Fatalf("AssetAccess %s: %d users in a page of %d", arn, len(users), limit)
		}
		for _, u := range users {
			if u.ARN != reachARN("user/"+u.Namespace+"/"+u.UserName) {
				t.Errorf("%s/%s has ARN %s", u.Namespace, u.UserName, u.ARN)
			}
			got = append(got, u.Namespace+"/"+u.UserName+": "+routeText(u.Routes))
		}
		if after = next; after == "" {
			return got, pages
		}
	}
}

func TestAssetAccess(t *testing.T) {
	w := newAccessWorld(t)
	everyone := func(route string) []string {
		var out []string
		for _, u := range []string{"alice", "bob", "carol", "dave"} {
			out = append(out, "default/"+u+": "+route)
		}
		return out
	}
	for _, tc := range []struct {
		asset string
		want  []string
	}{
		{"analysis/direct", []string{"default/alice: user:alice"}},
		{"analysis/owned", []string{"default/bob: user:bob*"}},
		{"analysis/grouped", []string{"default/carol: group:team", "default/dave: group:team"}},
		{"analysis/spaced", everyone("namespace:default")},
		{"analysis/filed", []string{"default/alice: folder:alice@root*", "default/bob: folder:bob@child",
			"default/carol: folder:team@child*", "default/dave: folder:team@child*"}},
		{"analysis/deep", []string{"default/alice: user:alice folder:alice@root*", "default/bob: folder:bob@child",
			"default/carol: folder:team@child*", "default/dave: folder:team@child*"}},
		{"analysis/gone", nil},
		{"datasource/ds", []string{"default/dave: user:dave*"}},
		{"folder/root", []string{"default/alice: user:alice*"}},
		{"folder/other", []string{"default/dave: user:dave"}},
		{"flow/" + w.flow, []string{"sales/sam: group:crew namespace:sales"}},
	} {
		for _, limit := range []int{0, 1, 3} {
			got, _ := assetAccess(t, w.svc, reachARN(tc.asset), limit)
			if !slices.Equal(got, tc.want) {
				t.Errorf("AssetAccess %s by %d:\n got %q\nwant %q", tc.asset, limit, got, tc.want)
			}
		}
	}

	for _, tc := range []struct {
		what, arn, after, code, inMessage string
	}{
		{"a missing asset", reachARN("analysis/nope"), "", qslocal.CodeResourceNotFound, "nope"},
		{"a user", reachARN("user/default/alice"), "", qslocal.CodeInvalidParameterValue, "does not name an asset"},
		{"another account's asset", "arn:aws:quicksight:us-east-1:999988887777:analysis/direct", "", qslocal.CodeInvalidParameterValue, "999988887777"},
		{"not an ARN", "direct", "", qslocal.CodeInvalidParameterValue, "direct"},
		{"a forged token", reachARN("analysis/spaced"), "user/default/bob", qslocal.CodeInvalidNextToken, ""},
	} {
		_, _, err := w.svc.AssetAccess(w.ctx, acct, tc.arn, tc.after, 0)
		wantErr(t, "AssetAccess of "+tc.what, err, tc.code, tc.inMessage)
	}
	// A token continues only the listing it came from.
	_, next, err := w.svc.AssetAccess(w.ctx, acct, reachARN("analysis/spaced"), "", 1)
	w.must("AssetAccess spaced", err)
	_, _, err = w.svc.AssetAccess(w.ctx, acct, reachARN("analysis/filed"), next, 1)
	wantErr(t, "AssetAccess with another asset's token", err, qslocal.CodeInvalidNextToken, "")
}

// countingStore counts the users and group members its transactions read.
type countingStore struct {
	qslocal.Store
	rows *atomic.Int64
}

func (c countingStore) View(ctx context.Context, fn func(qslocal.Tx) error) error {
	return c.Store.View(ctx, func(tx qslocal.Tx) error { return fn(countingTx{tx, c.rows}) })
}

type countingTx struct {
	qslocal.Tx
	rows *atomic.Int64
}

func (t countingTx) ListUsers(ctx context.Context, account, namespace, after string, limit int) ([]qslocal.User, error) {
	u, err := t.Tx.ListUsers(ctx, account, namespace, after, limit)
	t.rows.Add(int64(len(u)))
	return u, err
}

func (t countingTx) ListGroupMembers(ctx context.Context, account, namespace, group, after string, limit int) ([]string, error) {
	m, err := t.Tx.ListGroupMembers(ctx, account, namespace, group, after, limit)
	t.rows.Add(int64(len(m)))
	return m, err
}

// Users reached through namespaces, groups and directly, in several
// namespaces, come a page at a time in namespace and name order, each
// once; and a page reads about as many users as it answers, however many
// the namespace has.
func TestAssetAccessPages(t *testing.T) {
	if testing.Short() {
		t.Skip("registers 300 users")
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var rows atomic.Int64
	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: countingStore{store, &rows}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	w := &folderWorld{t: t, ctx: ctx, svc: svc, now: &now}
	w.namespace("a")
	w.namespace("b")
	const n = 150
	var big, odd []string
	for i := range n {
		name := fmt.Sprintf("u%03d", i)
		for _, ns := range []string{"a", "b"} {
			w.userIn(ns, name)
		}
		if i%2 == 1 {
			odd = append(odd, name)
		}
		big = append(big, name)
	}
	w.group("b", "odd", odd...)
	w.group("b", "big", big...)
	w.must("analysis", w.analysis("x", nil, perm(reachARN("namespace/a"), analysisViewer...),
		perm(reachARN("group/b/odd"), analysisViewer...), perm(reachARN("user/b/u004"), analysisOwner...),
		perm(reachARN("user/b/u005"), analysisViewer...)))
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("a/u%03d: namespace:a", i))
	}
	for i := range n {
		switch {
		case i == 4:
			want = append(want, "b/u004: user:u004*")
		case i == 5:
			want = append(want, "b/u005: group:odd user:u005")
		case i%2 == 1:
			want = append(want, fmt.Sprintf("b/u%03d: group:odd", i))
		}
	}
	for _, limit := range []int{7, 100} {
		rows.Store(0)
		got, pages := assetAccess(t, svc, reachARN("analysis/x"), limit)
		if !slices.Equal(got, want) {
			t.Errorf("AssetAccess by %d: %d users, want %d; %s", limit, len(got), len(want), difference(got, want))
		}
		// Each page reads at most a page and one of each source (the
		// namespace's users, the group's members) and the users' groups.
		if most := int64(pages * (limit + 1) * 4); rows.Load() > most {
			t.Errorf("AssetAccess by %d: %d pages read %d users and members, more than %d", limit, pages, rows.Load(), most)
		}
	}
	rows.Store(0)
	if users, _, err := svc.AssetAccess(ctx, acct, reachARN("analysis/x"), "", 2); err != nil || len(users) != 2 {
		t.Fatalf("first page of 2: %v, %v", users, err)
	}
	if got := rows.Load(); got > 3 {
		t.Errorf("a page of 2 of a namespace of %d read %d users", n, got)
	}
}

// difference tells what one list of lines has that the other lacks, or
// where their order differs.
func difference(got, want []string) string {
	var extra, missing []string
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	if extra == nil && missing == nil {
		return "the same lines in another order or repeated"
	}
	return fmt.Sprintf("extra %q, missing %q", extra, missing)
}
