package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

const (
	acct  = "111122223333"
	acct2 = "444455556666"
	dflt  = "default"
	ns2   = "second" // a namespace setupNamespaces creates in acct
	// region is what the suite passes to EnsureAccount.
	region = "us-east-1"
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

// newUserIn is newUser in another namespace, with a principal id unique to it.
func newUserIn(account, namespace, name string) qslocal.User {
	u := newUser(account, name)
	u.Namespace = namespace
	u.PrincipalID = "pid-" + namespace + "-" + name
	return u
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

// grant makes a grant of the actions, in the order given.
func grant(principal string, actions ...string) qslocal.Grant {
	return qslocal.Grant{Principal: principal, Actions: actions}
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

// setupNamespaces creates acct and acct2 with their default namespaces, and
// the namespace ns2 in acct.
func setupNamespaces(t *testing.T, s qslocal.Store) {
	t.Helper()
	setup(t, s, []string{acct, acct2})
	update(t, s, func(tx qslocal.Tx) error { return tx.CreateNamespace(t.Context(), newNamespace(acct, ns2)) })
}

// create runs the creations in one Update.
func create(t *testing.T, s qslocal.Store, users []qslocal.User, groups []qslocal.Group) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, u := range users {
			if err := tx.CreateUser(t.Context(), u); err != nil {
				return fmt.Errorf("CreateUser(%s/%s/%s): %w", u.Account, u.Namespace, u.Name, err)
			}
		}
		for _, g := range groups {
			if err := tx.CreateGroup(t.Context(), g); err != nil {
				return fmt.Errorf("CreateGroup(%s/%s/%s): %w", g.Account, g.Namespace, g.Name, err)
			}
		}
		return nil
	})
}

// setupIdentities creates users and groups of the names given in the
// namespace (which must exist).
func setupIdentities(t *testing.T, s qslocal.Store, account, namespace string, users, groups []string) {
	t.Helper()
	var us []qslocal.User
	var gs []qslocal.Group
	for _, u := range users {
		us = append(us, newUserIn(account, namespace, u))
	}
	for _, g := range groups {
		gs = append(gs, newGroup(account, namespace, g))
	}
	create(t, s, us, gs)
}

type membership struct{ account, namespace, group, user string }

func addMembers(t *testing.T, s qslocal.Store, ms ...membership) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, m := range ms {
			if err := tx.AddGroupMember(t.Context(), m.account, m.namespace, m.group, m.user); err != nil {
				return fmt.Errorf("AddGroupMember(%+v): %w", m, err)
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

func requestIDs(rs []qslocal.UpgradeRequest) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// byteOrder sorts names as the store must: by bytes.
func byteOrder(names ...string) []string {
	s := slices.Clone(names)
	slices.SortFunc(s, func(a, b string) int { return bytes.Compare([]byte(a), []byte(b)) })
	return s
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

func checkErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

// checkStrings compares lists, treating nil and empty alike.
func checkStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
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

func checkNamespace(t *testing.T, got, want qslocal.Namespace) {
	t.Helper()
	checkTime(t, want.Name+" CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, want.Name+" DeletingSince", got.DeletingSince, want.DeletingSince)
	got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	got.DeletingSince, want.DeletingSince = time.Time{}, time.Time{}
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

// The kinds the asset tests use: the store knows nothing of kinds, so any
// two would do.
const (
	analysis = "analysis"
	flow     = "flow"
)

// newAsset returns a live asset with every field set: a version, small
// attributes in Meta and a document in Doc (an analysis's theme, and its
// definition and parameters, say).
func newAsset(account, kind, id string) qslocal.Asset {
	return qslocal.Asset{
		Account:   account,
		Kind:      kind,
		ID:        id,
		Name:      "the " + id + " " + kind,
		Status:    "CREATION_SUCCESSFUL",
		Version:   1,
		CreatedAt: t0,
		UpdatedAt: t0.Add(time.Second),
		Meta:      []byte(`{"ThemeArn":"arn:aws:quicksight::aws:theme/MIDNIGHT","Of":"` + kind + `/` + id + `"}`),
		Doc: []byte(`{"Definition":{"DataSetIdentifierDeclarations":[{"Identifier":"` + id +
			`","DataSetArn":"arn:aws:quicksight:us-east-1:` + account + `:dataset/d"}],"Sheets":[]},` +
			`"Parameters":{"StringParameters":[{"Name":"p","Values":["v"]}]}}`),
	}
}

// deletedAsset is an asset waiting out its recovery window.
func deletedAsset(account, kind, id string) qslocal.Asset {
	a := newAsset(account, kind, id)
	a.Status = "DELETED"
	a.DeletionTime = t0.Add(30*24*time.Hour + 7*time.Microsecond)
	return a
}

// bigDoc is a JSON document of at least n bytes, of many lines of
// multi-byte text.
func bigDoc(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"Sheets":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"SheetId":"sheet-%06d","Name":"Sheet é ✓ \"%d\"","Visuals":[]}`, i, i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// checkBytes compares JSON documents byte for byte, and nil only to nil.
func checkBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	switch {
	case sameBytes(got, want):
	case got == nil || want == nil || len(got) <= 200 && len(want) <= 200:
		show := func(b []byte) string {
			if b == nil {
				return "nil"
			}
			return fmt.Sprintf("%q", b)
		}
		t.Errorf("%s:\n got %s\nwant %s", what, show(got), show(want))
	default:
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s: got %d bytes, want %d, differing from byte %d", what, len(got), len(want), i)
	}
}

func checkAsset(t *testing.T, got, want qslocal.Asset) {
	t.Helper()
	what := want.Kind + "/" + want.ID
	checkTime(t, what+" CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, what+" UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	checkOptionalTime(t, what+" DeletionTime", got.DeletionTime, want.DeletionTime)
	type scalars struct {
		Account, Kind, ID, Name, Status string
		Version                         int64
	}
	g := scalars{got.Account, got.Kind, got.ID, got.Name, got.Status, got.Version}
	w := scalars{want.Account, want.Kind, want.ID, want.Name, want.Status, want.Version}
	if g != w {
		t.Errorf("asset:\n got %+v\nwant %+v", g, w)
	}
	checkBytes(t, what+" Meta", got.Meta, want.Meta)
	checkBytes(t, what+" Doc", got.Doc, want.Doc)
}

func checkAssets(t *testing.T, got, want []qslocal.Asset) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got assets %q, want %q", assetIDs(got), assetIDs(want))
	}
	for i := range got {
		checkAsset(t, got[i], want[i])
	}
}

func assetIDs(as []qslocal.Asset) []string {
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	return ids
}

func getAsset(t *testing.T, s qslocal.Store, account, kind, id string) (qslocal.Asset, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.Asset, error) { return tx.Asset(t.Context(), account, kind, id) })
}

// listAssets lists assets of a kind and checks that the listing holds only
// that kind and carries no Doc; it returns the listed rows with their Doc
// read in the same transaction, for comparison with what was written.
// Meta is left as listed: listings carry it.
func listAssets(t *testing.T, s qslocal.Store, account, kind, after string, limit int) []qslocal.Asset {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Asset, error) {
		as, err := tx.ListAssets(t.Context(), account, kind, after, limit)
		if err != nil {
			return nil, err
		}
		for i, a := range as {
			if a.Kind != kind || a.Account != account {
				t.Errorf("ListAssets(%s, %q) returned %s/%s/%s", account, kind, a.Account, a.Kind, a.ID)
			}
			if a.Doc != nil {
				t.Errorf("ListAssets returned %s/%s with its Doc", a.Kind, a.ID)
			}
			full, err := tx.Asset(t.Context(), account, kind, a.ID)
			if err != nil {
				return nil, err
			}
			as[i].Doc = full.Doc
		}
		return as, nil
	})
}

// createAssets creates the assets in one Update.
func createAssets(t *testing.T, s qslocal.Store, as ...qslocal.Asset) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, a := range as {
			if err := tx.CreateAsset(t.Context(), a); err != nil {
				return fmt.Errorf("CreateAsset(%s, %s, %q): %w", a.Account, a.Kind, a.ID, err)
			}
		}
		return nil
	})
}

// newVersion returns a version of an asset with every field set, its
// content telling its number.
func newVersion(account, kind, id string, number int64) qslocal.AssetVersion {
	return qslocal.AssetVersion{
		Account:   account,
		Kind:      kind,
		ID:        id,
		Number:    number,
		Name:      fmt.Sprintf("%s é, version %d", id, number),
		Status:    "CREATION_SUCCESSFUL",
		CreatedAt: t0.Add(time.Duration(number%1000) * time.Minute),
		Meta:      []byte(fmt.Sprintf(`{"Description":"version %d of %s/%s"}`, number, kind, id)),
		Doc:       []byte(fmt.Sprintf(`{"Definition":{"Sheets":[{"SheetId":"v%d"}]}}`, number)),
	}
}

func checkVersion(t *testing.T, got, want qslocal.AssetVersion) {
	t.Helper()
	what := fmt.Sprintf("%s/%s version %d", want.Kind, want.ID, want.Number)
	checkTime(t, what+" CreatedAt", got.CreatedAt, want.CreatedAt)
	type scalars struct {
		Account, Kind, ID string
		Number            int64
		Name, Status      string
	}
	g := scalars{got.Account, got.Kind, got.ID, got.Number, got.Name, got.Status}
	w := scalars{want.Account, want.Kind, want.ID, want.Number, want.Name, want.Status}
	if g != w {
		t.Errorf("asset version:\n got %+v\nwant %+v", g, w)
	}
	checkBytes(t, what+" Meta", got.Meta, want.Meta)
	checkBytes(t, what+" Doc", got.Doc, want.Doc)
}

func checkVersions(t *testing.T, got, want []qslocal.AssetVersion) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got versions %v, want %v", versionNumbers(got), versionNumbers(want))
	}
	for i := range got {
		checkVersion(t, got[i], want[i])
	}
}

func versionNumbers(vs []qslocal.AssetVersion) []int64 {
	var ns []int64
	for _, v := range vs {
		ns = append(ns, v.Number)
	}
	return ns
}

func getVersion(t *testing.T, s qslocal.Store, account, kind, id string, number int64) (qslocal.AssetVersion, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.AssetVersion, error) {
		return tx.AssetVersion(t.Context(), account, kind, id, number)
	})
}

// listVersions is listAssets for versions: it checks that the listing is
// of that asset and carries no Doc, and returns the rows with their Doc.
func listVersions(t *testing.T, s qslocal.Store, account, kind, id string, after int64, limit int) []qslocal.AssetVersion {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.AssetVersion, error) {
		vs, err := tx.ListAssetVersions(t.Context(), account, kind, id, after, limit)
		if err != nil {
			return nil, err
		}
		for i, v := range vs {
			if v.Account != account || v.Kind != kind || v.ID != id {
				t.Errorf("ListAssetVersions(%s, %s, %q) returned a version of %s/%s/%s", account, kind, id, v.Account, v.Kind, v.ID)
			}
			if v.Doc != nil {
				t.Errorf("ListAssetVersions returned version %d with its Doc", v.Number)
			}
			full, err := tx.AssetVersion(t.Context(), account, kind, id, v.Number)
			if err != nil {
				return nil, err
			}
			vs[i].Doc = full.Doc
		}
		return vs, nil
	})
}

// createVersions creates the versions in one Update.
func createVersions(t *testing.T, s qslocal.Store, vs ...qslocal.AssetVersion) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, v := range vs {
			if err := tx.CreateAssetVersion(t.Context(), v); err != nil {
				return fmt.Errorf("CreateAssetVersion(%s/%s/%s, %d): %w", v.Account, v.Kind, v.ID, v.Number, err)
			}
		}
		return nil
	})
}

// newLink links an asset by rel and name to target.
func newLink(account, kind, id, rel, name, target string) qslocal.AssetLink {
	return qslocal.AssetLink{Account: account, Kind: kind, ID: id, Rel: rel, Name: name, Target: target}
}

func getLink(t *testing.T, s qslocal.Store, account, kind, id, rel, name string) (qslocal.AssetLink, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.AssetLink, error) {
		return tx.AssetLink(t.Context(), account, kind, id, rel, name)
	})
}

func listLinks(t *testing.T, s qslocal.Store, account, kind, id, rel, after string, limit int) []qslocal.AssetLink {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.AssetLink, error) {
		return tx.ListAssetLinks(t.Context(), account, kind, id, rel, after, limit)
	})
}

func linkNames(ls []qslocal.AssetLink) []string {
	var n []string
	for _, l := range ls {
		n = append(n, l.Name)
	}
	return n
}

// setLinks sets the links in one Update.
func setLinks(t *testing.T, s qslocal.Store, ls ...qslocal.AssetLink) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, l := range ls {
			if err := tx.SetAssetLink(t.Context(), l); err != nil {
				return fmt.Errorf("SetAssetLink(%+v): %w", l, err)
			}
		}
		return nil
	})
}

// newAssignment returns an enabled assignment with a policy, naming the
// users and groups in the order given.
func newAssignment(account, namespace, name string, users, groups []string) qslocal.Assignment {
	return qslocal.Assignment{
		Account:   account,
		Namespace: namespace,
		Name:      name,
		ID:        "id-" + namespace + "-" + name,
		Status:    "ENABLED",
		PolicyARN: "arn:aws:iam::" + account + ":policy/" + name,
		Users:     users,
		Groups:    groups,
	}
}

// checkAssignment compares an assignment read back with what was written:
// its identities each once, in byte order; nil and empty alike.
func checkAssignment(t *testing.T, got, want qslocal.Assignment) {
	t.Helper()
	type scalars struct{ Account, Namespace, Name, ID, Status, PolicyARN string }
	g := scalars{got.Account, got.Namespace, got.Name, got.ID, got.Status, got.PolicyARN}
	w := scalars{want.Account, want.Namespace, want.Name, want.ID, want.Status, want.PolicyARN}
	if g != w {
		t.Errorf("assignment:\n got %+v\nwant %+v", g, w)
	}
	checkStrings(t, want.Name+" Users", got.Users, byteOrder(want.Users...))
	checkStrings(t, want.Name+" Groups", got.Groups, byteOrder(want.Groups...))
}

// checkListedAssignments checks a listing: every field but the identities,
// which listings leave nil.
func checkListedAssignments(t *testing.T, what string, got, want []qslocal.Assignment) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %q, want %q", what, assignmentNames(got), assignmentNames(want))
	}
	for i, a := range got {
		if a.Users != nil || a.Groups != nil {
			t.Errorf("%s returned %s with its identities %q %q", what, a.Name, a.Users, a.Groups)
		}
		w := want[i]
		w.Users, w.Groups = nil, nil
		checkAssignment(t, a, w)
	}
}

func assignmentNames(as []qslocal.Assignment) []string {
	var n []string
	for _, a := range as {
		n = append(n, a.Name)
	}
	return n
}

func getAssignment(t *testing.T, s qslocal.Store, account, namespace, name string) (qslocal.Assignment, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.Assignment, error) {
		return tx.Assignment(t.Context(), account, namespace, name)
	})
}

func listAssignments(t *testing.T, s qslocal.Store, account, namespace, status, after string, limit int) []qslocal.Assignment {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Assignment, error) {
		return tx.ListAssignments(t.Context(), account, namespace, status, after, limit)
	})
}

func listUserAssignments(t *testing.T, s qslocal.Store, account, namespace, user, status, after string, limit int) []qslocal.Assignment {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Assignment, error) {
		return tx.ListUserAssignments(t.Context(), account, namespace, user, status, after, limit)
	})
}

// createAssignments creates the assignments in one Update.
func createAssignments(t *testing.T, s qslocal.Store, as ...qslocal.Assignment) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, a := range as {
			if err := tx.CreateAssignment(t.Context(), a); err != nil {
				return fmt.Errorf("CreateAssignment(%s/%s/%q): %w", a.Account, a.Namespace, a.Name, err)
			}
		}
		return nil
	})
}

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
	// worldAssignments name users and groups so that alice reaches a1
	// both herself and through g1.
	worldAssignments = []qslocal.Assignment{
		{Name: "a1", Users: []string{"alice"}, Groups: []string{"g1"}},
		{Name: "a2", Users: []string{"bob", "carol"}},
		{Name: "a3", Groups: []string{"g2", "g3"}},
		{Name: "a4", Status: "DISABLED"},
	}
)

// nsState is what a namespace holds. Members, UserGroups, RoleMembers and
// the assignments' identities are keyed by every world name, existing or
// not, so that rows left behind by a deleted user, group or assignment
// would show.
type nsState struct {
	Exists           bool
	Users            []string
	Groups           []string
	Members          map[string][]string // group -> users
	UserGroups       map[string][]string // user -> groups
	RoleMembers      map[string][]string // role -> groups
	RoleProfile      map[string]string   // role -> profile
	Tags             map[string][]qslocal.Tag
	Grants           map[string][]qslocal.Grant // resource -> grants
	Requests         []string                   // upgrade request ids
	SelfUpgrade      string
	Assignments      []string            // assignment names
	AssignmentUsers  map[string][]string // assignment -> users
	AssignmentGroups map[string][]string // assignment -> groups
	UserAssignments  map[string][]string // user -> assignments reaching them
}

func (st nsState) clone() nsState {
	c := st
	c.Users, c.Groups = slices.Clone(st.Users), slices.Clone(st.Groups)
	c.Members, c.UserGroups, c.RoleMembers = maps.Clone(st.Members), maps.Clone(st.UserGroups), maps.Clone(st.RoleMembers)
	c.RoleProfile, c.Tags = maps.Clone(st.RoleProfile), maps.Clone(st.Tags)
	c.Grants, c.Requests = maps.Clone(st.Grants), slices.Clone(st.Requests)
	c.Assignments, c.AssignmentUsers = slices.Clone(st.Assignments), maps.Clone(st.AssignmentUsers)
	c.AssignmentGroups, c.UserAssignments = maps.Clone(st.AssignmentGroups), maps.Clone(st.UserAssignments)
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
		Exists:           true,
		Users:            slices.Clone(worldUsers),
		Groups:           slices.Clone(worldGroups),
		Members:          map[string][]string{"g1": {"alice", "bob"}, "g2": {"alice", "carol"}, "g3": nil},
		UserGroups:       map[string][]string{"alice": {"g1", "g2"}, "bob": {"g1"}, "carol": {"g2"}},
		RoleMembers:      map[string][]string{"ADMIN": {"g1"}, "AUTHOR": {"g1", "g2"}, "READER": nil},
		RoleProfile:      map[string]string{"ADMIN": "", "AUTHOR": "q", "READER": "p"},
		Tags:             map[string][]qslocal.Tag{},
		Grants:           map[string][]qslocal.Grant{},
		Requests:         requestIDs(worldRequests(acct, namespace)),
		SelfUpgrade:      "ADMIN_APPROVAL",
		Assignments:      []string{"a1", "a2", "a3", "a4"},
		AssignmentUsers:  map[string][]string{"a1": {"alice"}, "a2": {"bob", "carol"}, "a3": nil, "a4": nil},
		AssignmentGroups: map[string][]string{"a1": {"g1"}, "a2": nil, "a3": {"g2", "g3"}, "a4": nil},
		UserAssignments:  map[string][]string{"alice": {"a1", "a3"}, "bob": {"a1", "a2"}, "carol": {"a2", "a3"}},
	}
	for _, r := range worldResources(namespace) {
		st.Tags[r] = tags("k", r)
		st.Grants[r] = []qslocal.Grant{
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
			for r, gs := range st.Grants {
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
			for _, as := range worldAssignments {
				w := newAssignment(a, ns, as.Name, as.Users, as.Groups)
				if as.Status != "" {
					w.Status = as.Status
				}
				if err := tx.CreateAssignment(ctx, w); err != nil {
					return err
				}
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
		Grants: map[string][]qslocal.Grant{}, AssignmentUsers: map[string][]string{}, AssignmentGroups: map[string][]string{},
		UserAssignments: map[string][]string{},
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
			gs, err := tx.Grants(ctx, account, r)
			if err != nil {
				return err
			}
			if len(gs) > 0 {
				st.Grants[r] = gs
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
		as, err := tx.ListAssignments(ctx, account, namespace, "", "", 100)
		if err != nil {
			return err
		}
		st.Assignments = nilIfEmpty(assignmentNames(as))
		for _, w := range worldAssignments {
			a, err := tx.Assignment(ctx, account, namespace, w.Name)
			if err != nil && !errors.Is(err, qslocal.ErrNotFound) {
				return err
			}
			st.AssignmentUsers[w.Name], st.AssignmentGroups[w.Name] = nilIfEmpty(a.Users), nilIfEmpty(a.Groups)
		}
		for _, u := range worldUsers {
			ua, err := tx.ListUserAssignments(ctx, account, namespace, u, "", "", 100)
			if err != nil {
				return err
			}
			st.UserAssignments[u] = nilIfEmpty(assignmentNames(ua))
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
		Grants: map[string][]qslocal.Grant{}, AssignmentUsers: map[string][]string{}, AssignmentGroups: map[string][]string{},
		UserAssignments: map[string][]string{},
	}
	for _, g := range worldGroups {
		st.Members[g] = nil
	}
	for _, u := range worldUsers {
		st.UserGroups[u], st.UserAssignments[u] = nil, nil
	}
	for _, a := range worldAssignments {
		st.AssignmentUsers[a.Name], st.AssignmentGroups[a.Name] = nil, nil
	}
	for _, r := range worldRoles {
		st.RoleMembers[r], st.RoleProfile[r] = nil, ""
	}
	return st
}
