package storetest

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// region is what the suite passes to EnsureAccount.
const region = "us-east-1"

// tryUpdate runs fn in its own Update and returns the error.
func tryUpdate(t *testing.T, s qslocal.Store, fn func(tx qslocal.Tx) error) error {
	t.Helper()
	return s.Update(t.Context(), fn)
}

// read runs fn in a View and returns its result and error; only a failure
// of View itself is fatal.
func read[T any](t *testing.T, s qslocal.Store, fn func(tx qslocal.Tx) (T, error)) (T, error) {
	t.Helper()
	var v T
	var err error
	view(t, s, func(tx qslocal.Tx) error {
		v, err = fn(tx)
		return nil
	})
	return v, err
}

// must runs fn in a View and fails the test on any error.
func must[T any](t *testing.T, s qslocal.Store, fn func(tx qslocal.Tx) (T, error)) T {
	t.Helper()
	v, err := read(t, s, fn)
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	return v
}

func newNamespace(account, name string) qslocal.Namespace {
	return qslocal.Namespace{
		Account:        account,
		Name:           name,
		CapacityRegion: "eu-west-1",
		IdentityStore:  "QUICKSIGHT",
		CreatedAt:      t0,
	}
}

func newGroup(account, namespace, name string) qslocal.Group {
	return qslocal.Group{
		Account:     account,
		Namespace:   namespace,
		Name:        name,
		Description: "the " + name + " group",
		PrincipalID: "group/" + namespace + "/" + name,
		CreatedAt:   t0,
		UpdatedAt:   t0.Add(time.Second),
	}
}

// newUserIn is newUser in another namespace, with a principal id unique to it.
func newUserIn(account, namespace, name string) qslocal.User {
	u := newUser(account, name)
	u.Namespace = namespace
	u.PrincipalID = "pid-" + namespace + "-" + name
	return u
}

func newProfile(account, name string) qslocal.CustomPermissions {
	return qslocal.CustomPermissions{
		Account:      account,
		Name:         name,
		Capabilities: []byte(`{"PrintReports":"DENY","ShareDashboards":"DENY"}`),
		Governance:   []byte(`{"Rules":[]}`),
		CreatedAt:    t0,
		UpdatedAt:    t0.Add(time.Minute),
	}
}

func checkNamespace(t *testing.T, got, want qslocal.Namespace) {
	t.Helper()
	checkTime(t, want.Name+" CreatedAt", got.CreatedAt, want.CreatedAt)
	got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("namespace:\n got %+v\nwant %+v", got, want)
	}
}

func checkGroup(t *testing.T, got, want qslocal.Group) {
	t.Helper()
	checkTime(t, want.Name+" CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, want.Name+" UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}
	want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("group:\n got %+v\nwant %+v", got, want)
	}
}

func checkGroups(t *testing.T, got, want []qslocal.Group) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got groups %q, want %q", groupNames(got), groupNames(want))
	}
	for i := range got {
		checkGroup(t, got[i], want[i])
	}
}

// checkProfile compares JSON documents byte for byte, and nil only to nil.
func checkProfile(t *testing.T, got, want qslocal.CustomPermissions) {
	t.Helper()
	checkTime(t, want.Name+" CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, want.Name+" UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	same := func(a, b []byte) bool { return (a == nil) == (b == nil) && bytes.Equal(a, b) }
	if got.Account != want.Account || got.Name != want.Name ||
		!same(got.Capabilities, want.Capabilities) || !same(got.Governance, want.Governance) {
		t.Errorf("custom permissions:\n got %s %s %q %q\nwant %s %s %q %q",
			got.Account, got.Name, got.Capabilities, got.Governance,
			want.Account, want.Name, want.Capabilities, want.Governance)
	}
}

func groupNames(groups []qslocal.Group) []string {
	var n []string
	for _, g := range groups {
		n = append(n, g.Name)
	}
	return n
}

func namespaceNames(nss []qslocal.Namespace) []string {
	var n []string
	for _, ns := range nss {
		n = append(n, ns.Name)
	}
	return n
}

func profileNames(ps []qslocal.CustomPermissions) []string {
	var n []string
	for _, p := range ps {
		n = append(n, p.Name)
	}
	return n
}

// byteOrder sorts names as the store must: by bytes.
func byteOrder(names ...string) []string {
	s := slices.Clone(names)
	slices.SortFunc(s, func(a, b string) int { return bytes.Compare([]byte(a), []byte(b)) })
	return s
}

// checkStrings compares lists, treating nil and empty alike.
func checkStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// pageAll follows a keyset listing with page size n until an empty page,
// checking no page is longer than n, and returns every key seen.
func pageAll(t *testing.T, n int, page func(after string, limit int) []string) []string {
	t.Helper()
	var all []string
	after := ""
	for i := 0; ; i++ {
		if i > 1000 {
			t.Fatal("paging does not end")
		}
		p := page(after, n)
		if len(p) > n {
			t.Fatalf("page of %d after %q, limit %d", len(p), after, n)
		}
		if len(p) == 0 {
			return all
		}
		all = append(all, p...)
		after = p[len(p)-1]
	}
}

// limitCases are the page shapes every keyset listing is checked with,
// given its full content in order (at least 3 items).
type limitCase struct {
	after string
	limit int
	want  []string
}

func limitCases(all []string) []limitCase {
	return []limitCase{
		{"", len(all) + 10, all},
		{"", 1, all[:1]},
		{"", 2, all[:2]},
		{all[0], 2, all[1:3]},
		{all[1], 100, all[2:]},
		{all[0] + "\x00", 1, all[1:2]}, // after need not exist
		{all[len(all)-1], 10, nil},
		{"", 0, nil},
		{"", -1, nil},
	}
}

// checkListing runs limitCases and a full paging against list.
func checkListing(t *testing.T, what string, all []string, list func(after string, limit int) []string) {
	t.Helper()
	for _, c := range limitCases(all) {
		checkStrings(t, fmt.Sprintf("%s(after %q, limit %d)", what, c.after, c.limit), list(c.after, c.limit), c.want)
	}
	for _, n := range []int{1, 2, 3} {
		checkStrings(t, fmt.Sprintf("%s paged by %d", what, n), pageAll(t, n, list), all)
	}
}

func deepEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// sameBytes compares JSON documents byte for byte, and nil only to nil.
func sameBytes(a, b []byte) bool { return (a == nil) == (b == nil) && bytes.Equal(a, b) }

// checkOptionalTime is checkTime for a time whose zero value means "none":
// a zero want must come back zero.
func checkOptionalTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if want.IsZero() {
		if !got.IsZero() {
			t.Errorf("%s = %v, want the zero time", what, got)
		}
		return
	}
	checkTime(t, what, got, want)
}

// sentinel is a call that must fail with want without spoiling its
// transaction.
type sentinel struct {
	name string
	want error
	fn   func(tx qslocal.Tx) error
}

// checkSentinels runs each call in an Update of its own that goes on, in
// the same fn, with after(tx, mark) and then commits; check(mark) must then
// see what after wrote. Then it runs every call in one Update, followed by
// after(tx, "after-all"). A store must leave a transaction usable after
// ErrExists or ErrNotFound (PostgreSQL aborts a transaction on any failed
// statement unless the store guards it).
func checkSentinels(t *testing.T, s qslocal.Store, cases []sentinel, after func(tx qslocal.Tx, mark string) error, check func(mark string)) {
	t.Helper()
	for i, c := range cases {
		mark := fmt.Sprintf("after-%02d", i)
		var got error
		err := tryUpdate(t, s, func(tx qslocal.Tx) error {
			got = c.fn(tx)
			return after(tx, mark)
		})
		checkErr(t, c.name, got, c.want)
		if err != nil {
			t.Errorf("%s, then going on in the same transaction: %v", c.name, err)
			continue
		}
		check(mark)
	}
	errs := make([]error, len(cases))
	err := tryUpdate(t, s, func(tx qslocal.Tx) error {
		for i, c := range cases {
			errs[i] = c.fn(tx)
		}
		return after(tx, "after-all")
	})
	for i, c := range cases {
		checkErr(t, c.name+" (every call in one transaction)", errs[i], c.want)
	}
	if err != nil {
		t.Errorf("every call in one transaction, then going on: %v", err)
		return
	}
	check("after-all")
}

// newAnalysis returns a live analysis with every field set.
func newAnalysis(account, id string) qslocal.Analysis {
	return qslocal.Analysis{
		Account:      account,
		ID:           id,
		Name:         "the " + id + " analysis",
		ThemeARN:     "arn:aws:quicksight::aws:theme/MIDNIGHT",
		Definition:   []byte(`{"DataSetIdentifierDeclarations":[{"Identifier":"` + id + `","DataSetArn":"arn:aws:quicksight:us-east-1:` + account + `:dataset/d"}],"Sheets":[]}`),
		SourceEntity: []byte(`{"SourceTemplate":{"Arn":"arn:aws:quicksight:us-east-1:` + account + `:template/t","DataSetReferences":[]}}`),
		Parameters:   []byte(`{"StringParameters":[{"Name":"p","Values":["v"]}]}`),
		Status:       "CREATION_SUCCESSFUL",
		CreatedAt:    t0,
		UpdatedAt:    t0.Add(time.Second),
	}
}

func checkAnalysis(t *testing.T, got, want qslocal.Analysis) {
	t.Helper()
	checkTime(t, want.ID+" CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, want.ID+" UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	checkOptionalTime(t, want.ID+" DeletionTime", got.DeletionTime, want.DeletionTime)
	type scalars struct{ Account, ID, Name, ThemeARN, Status string }
	g := scalars{got.Account, got.ID, got.Name, got.ThemeARN, got.Status}
	w := scalars{want.Account, want.ID, want.Name, want.ThemeARN, want.Status}
	if g != w {
		t.Errorf("analysis:\n got %+v\nwant %+v", g, w)
	}
	for _, f := range []struct {
		name      string
		got, want []byte
	}{
		{"Definition", got.Definition, want.Definition},
		{"SourceEntity", got.SourceEntity, want.SourceEntity},
		{"Parameters", got.Parameters, want.Parameters},
	} {
		if !sameBytes(f.got, f.want) {
			g, w := fmt.Sprintf("%q", f.got), fmt.Sprintf("%q", f.want)
			if f.got == nil {
				g = "nil"
			}
			if f.want == nil {
				w = "nil"
			}
			if len(g) > 200 || len(w) > 200 {
				g, w = fmt.Sprintf("%d bytes", len(f.got)), fmt.Sprintf("%d bytes", len(f.want))
			}
			t.Errorf("analysis %s %s:\n got %s\nwant %s", want.ID, f.name, g, w)
		}
	}
}

func checkAnalyses(t *testing.T, got, want []qslocal.Analysis) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got analyses %q, want %q", analysisIDs(got), analysisIDs(want))
	}
	for i := range got {
		checkAnalysis(t, got[i], want[i])
	}
}

func analysisIDs(as []qslocal.Analysis) []string {
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	return ids
}

// newUpgradeRequest returns a pending request that no attempt has touched
// yet.
func newUpgradeRequest(account, namespace, id, user string) qslocal.UpgradeRequest {
	return qslocal.UpgradeRequest{
		Account:       account,
		Namespace:     namespace,
		ID:            id,
		UserName:      user,
		OriginalRole:  "READER",
		RequestedRole: "AUTHOR",
		Note:          "please, " + id,
		Status:        "PENDING",
		CreatedAt:     t0,
	}
}

func checkUpgradeRequest(t *testing.T, got, want qslocal.UpgradeRequest) {
	t.Helper()
	checkTime(t, want.ID+" CreatedAt", got.CreatedAt, want.CreatedAt)
	checkOptionalTime(t, want.ID+" LastAttempt", got.LastAttempt, want.LastAttempt)
	got.CreatedAt, got.LastAttempt = time.Time{}, time.Time{}
	want.CreatedAt, want.LastAttempt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("upgrade request:\n got %+v\nwant %+v", got, want)
	}
}

func checkUpgradeRequests(t *testing.T, got, want []qslocal.UpgradeRequest) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got upgrade requests %q, want %q", requestIDs(got), requestIDs(want))
	}
	for i := range got {
		checkUpgradeRequest(t, got[i], want[i])
	}
}

func requestIDs(rs []qslocal.UpgradeRequest) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// grant makes a grant of the actions, in the order given.
func grant(principal string, actions ...string) qslocal.Grant {
	return qslocal.Grant{Principal: principal, Actions: actions}
}

// checkGrants compares grants exactly, in order, treating a nil and an
// empty list alike.
func checkGrants(t *testing.T, what string, got, want []qslocal.Grant) {
	t.Helper()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = got[i].Principal == want[i].Principal && slices.Equal(got[i].Actions, want[i].Actions)
	}
	if !same {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}
