package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

func getUpgradeRequest(t *testing.T, s qslocal.Store, account, namespace, id string) (qslocal.UpgradeRequest, error) {
	t.Helper()
	return read(t, s, func(tx qslocal.Tx) (qslocal.UpgradeRequest, error) {
		return tx.UpgradeRequest(t.Context(), account, namespace, id)
	})
}

func listUpgradeRequests(t *testing.T, s qslocal.Store, account, namespace, user, status, after string, limit int) []qslocal.UpgradeRequest {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.UpgradeRequest, error) {
		return tx.ListUpgradeRequests(t.Context(), account, namespace, user, status, after, limit)
	})
}

func selfUpgradeStatus(t *testing.T, s qslocal.Store, account, namespace string) string {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) (string, error) {
		return tx.SelfUpgradeStatus(t.Context(), account, namespace)
	})
}

// createUpgradeRequests creates the requests in one Update.
func createUpgradeRequests(t *testing.T, s qslocal.Store, rs ...qslocal.UpgradeRequest) {
	t.Helper()
	update(t, s, func(tx qslocal.Tx) error {
		for _, r := range rs {
			if err := tx.CreateUpgradeRequest(t.Context(), r); err != nil {
				return fmt.Errorf("CreateUpgradeRequest(%s/%s/%q): %w", r.Account, r.Namespace, r.ID, err)
			}
		}
		return nil
	})
}

// failedUpgradeRequest is a request whose last approval attempt failed.
func failedUpgradeRequest(account, namespace, id, user string) qslocal.UpgradeRequest {
	r := newUpgradeRequest(account, namespace, id, user)
	r.Status = "UPDATE_FAILED"
	r.LastAttempt = t0.Add(time.Hour + 3*time.Microsecond + 999*time.Nanosecond)
	r.FailureReason = "the role of \"" + user + "\" changed: é\n%_*"
	return r
}

func testUpgradeRequestRoundTrip(t *testing.T, s qslocal.Store) {
	setupNamespaces(t, s)
	minimal := qslocal.UpgradeRequest{Account: acct, Namespace: dflt, ID: "minimal"}
	attempted := newUpgradeRequest(acct, dflt, "attempted", "alice")
	attempted.Status, attempted.LastAttempt = "APPROVED", t0.Add(time.Minute) // and no failure reason
	utc := failedUpgradeRequest(acct, dflt, "utc", "alice")
	utc.CreatedAt = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	utc.LastAttempt = time.Date(2100, 1, 1, 0, 0, 0, 1000, time.UTC)
	admin := newUpgradeRequest(acct, dflt, "admin", "bob")
	admin.OriginalRole, admin.RequestedRole, admin.Note = "AUTHOR", "ADMIN", "Ünïcode ✓ 'quoted' \"twice\"\n;--"
	rs := []qslocal.UpgradeRequest{
		minimal, attempted, utc, admin,
		failedUpgradeRequest(acct, dflt, "failed", "alice"),
		// Requests need no user, and ids are per namespace.
		newUpgradeRequest(acct, dflt, "r1", "nobody"),
		newUpgradeRequest(acct, ns2, "r1", "carol"),
		failedUpgradeRequest(acct2, dflt, "r1", "dave"),
	}
	for _, id := range []string{"R1", "a/b", "a%b", "a_b", "a b", "é", "請求", "0f8fad5b-d9cb-469f-a165-70867728950e"} {
		rs = append(rs, newUpgradeRequest(acct, dflt, id, "alice"))
	}
	createUpgradeRequests(t, s, rs...)
	for _, want := range rs {
		got, err := getUpgradeRequest(t, s, want.Account, want.Namespace, want.ID)
		if err != nil {
			t.Errorf("UpgradeRequest(%s, %s, %q): %v", want.Account, want.Namespace, want.ID, err)
			continue
		}
		checkUpgradeRequest(t, got, want)
	}
	for _, tt := range []struct{ account, namespace, id string }{
		{acct, dflt, "nope"}, {acct, dflt, "r"}, {acct, dflt, "r1 "}, {acct, dflt, "Failed"}, {acct, dflt, ""},
		{acct, ns2, "failed"}, {acct, "nope", "r1"}, {acct, "Default", "r1"},
		{acct2, dflt, "failed"}, {acct2, ns2, "r1"}, {"999", dflt, "r1"},
	} {
		_, err := getUpgradeRequest(t, s, tt.account, tt.namespace, tt.id)
		checkErr(t, fmt.Sprintf("UpgradeRequest(%q, %q, %q)", tt.account, tt.namespace, tt.id), err, qslocal.ErrNotFound)
	}
}

func testCreateUpgradeRequestConflicts(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	existing := failedUpgradeRequest(acct, dflt, "r1", "alice")
	createUpgradeRequests(t, s, existing)

	tests := []struct {
		name string
		r    qslocal.UpgradeRequest
		want error
	}{
		{"same request", existing, qslocal.ErrExists},
		{"taken id", newUpgradeRequest(acct, dflt, "r1", "bob"), qslocal.ErrExists},
		{"unknown namespace", newUpgradeRequest(acct, "nope", "r2", "alice"), qslocal.ErrNotFound},
		{"namespace of other case", newUpgradeRequest(acct, "Default", "r2", "alice"), qslocal.ErrNotFound},
		{"namespace only in another account", newUpgradeRequest(acct2, ns2, "r2", "alice"), qslocal.ErrNotFound},
		{"unknown account", newUpgradeRequest("999", dflt, "r2", "alice"), qslocal.ErrNotFound},
		{"other case", newUpgradeRequest(acct, dflt, "R1", "alice"), nil},
		{"same id in another namespace", newUpgradeRequest(acct, ns2, "r1", "alice"), nil},
		{"same id in another account", newUpgradeRequest(acct2, dflt, "r1", "alice"), nil},
		{"user that does not exist", newUpgradeRequest(acct, dflt, "r3", "nobody"), nil},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateUpgradeRequest(ctx, tt.r) })
		checkErr(t, "CreateUpgradeRequest "+tt.name, err, tt.want)
	}
	got, err := getUpgradeRequest(t, s, acct, dflt, "r1")
	if err != nil {
		t.Fatal(err)
	}
	checkUpgradeRequest(t, got, existing)
	checkStrings(t, "ListUpgradeRequests", requestIDs(listUpgradeRequests(t, s, acct, dflt, "", "", "", 10)), []string{"R1", "r1", "r3"})
	checkStrings(t, "ListUpgradeRequests of bob", requestIDs(listUpgradeRequests(t, s, acct, dflt, "bob", "", "", 10)), nil)
	for _, tt := range []struct{ account, namespace string }{{acct, "nope"}, {acct2, ns2}, {"999", dflt}} {
		_, err := getUpgradeRequest(t, s, tt.account, tt.namespace, "r2")
		checkErr(t, fmt.Sprintf("UpgradeRequest(%q, %q, r2)", tt.account, tt.namespace), err, qslocal.ErrNotFound)
	}
}

func testUpdateUpgradeRequest(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	orig := newUpgradeRequest(acct, dflt, "r1", "alice")
	others := []qslocal.UpgradeRequest{
		newUpgradeRequest(acct, dflt, "r2", "alice"),
		newUpgradeRequest(acct, ns2, "r1", "alice"),
		newUpgradeRequest(acct2, dflt, "r1", "alice"),
	}
	createUpgradeRequests(t, s, append(others, orig)...)

	// Every field but the key changes, the user and status too.
	changed := qslocal.UpgradeRequest{
		Account: acct, Namespace: dflt, ID: "r1",
		UserName: "bob", OriginalRole: "AUTHOR", RequestedRole: "ADMIN", Note: "", Status: "UPDATE_FAILED",
		CreatedAt:     t0.Add(-time.Hour),
		LastAttempt:   t0.Add(time.Hour + 7*time.Microsecond),
		FailureReason: "it failed",
	}
	// The next attempt succeeds: no failure, and a later attempt time.
	approved := changed
	approved.Status, approved.LastAttempt, approved.FailureReason = "APPROVED", t0.Add(2*time.Hour), ""
	// Back to no attempt at all.
	reset := changed
	reset.Status, reset.LastAttempt, reset.FailureReason = "PENDING", time.Time{}, ""
	for _, want := range []qslocal.UpgradeRequest{changed, approved, reset, changed, orig} {
		update(t, s, func(tx qslocal.Tx) error { return tx.UpdateUpgradeRequest(ctx, want) })
		got, err := getUpgradeRequest(t, s, acct, dflt, "r1")
		if err != nil {
			t.Fatalf("UpgradeRequest after update: %v", err)
		}
		checkUpgradeRequest(t, got, want)
	}

	// The filters of ListUpgradeRequests see the new user and status.
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateUpgradeRequest(ctx, changed) })
	checkStrings(t, "requests of bob", requestIDs(listUpgradeRequests(t, s, acct, dflt, "bob", "", "", 10)), []string{"r1"})
	checkStrings(t, "requests of alice", requestIDs(listUpgradeRequests(t, s, acct, dflt, "alice", "", "", 10)), []string{"r2"})
	checkStrings(t, "UPDATE_FAILED requests", requestIDs(listUpgradeRequests(t, s, acct, dflt, "", "UPDATE_FAILED", "", 10)), []string{"r1"})
	checkStrings(t, "PENDING requests", requestIDs(listUpgradeRequests(t, s, acct, dflt, "", "PENDING", "", 10)), []string{"r2"})
	update(t, s, func(tx qslocal.Tx) error { return tx.UpdateUpgradeRequest(ctx, orig) })

	for _, tt := range []struct {
		name string
		r    qslocal.UpgradeRequest
	}{
		{"unknown id", newUpgradeRequest(acct, dflt, "nope", "alice")},
		{"other case", newUpgradeRequest(acct, dflt, "R1", "alice")},
		{"id only in another namespace", newUpgradeRequest(acct, ns2, "r2", "alice")},
		{"unknown namespace", newUpgradeRequest(acct, "nope", "r1", "alice")},
		{"id only in another account", newUpgradeRequest(acct2, dflt, "r2", "alice")},
		{"unknown account", newUpgradeRequest("999", dflt, "r1", "alice")},
	} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error { return tx.UpdateUpgradeRequest(ctx, tt.r) })
		checkErr(t, "UpdateUpgradeRequest "+tt.name, err, qslocal.ErrNotFound)
	}
	for _, want := range append(others, orig) {
		got, err := getUpgradeRequest(t, s, want.Account, want.Namespace, want.ID)
		if err != nil {
			t.Errorf("UpgradeRequest(%s, %s, %q): %v", want.Account, want.Namespace, want.ID, err)
			continue
		}
		checkUpgradeRequest(t, got, want)
	}
	checkStrings(t, "requests in ns2", requestIDs(listUpgradeRequests(t, s, acct, ns2, "", "", "", 10)), []string{"r1"})
	checkStrings(t, "requests in acct2", requestIDs(listUpgradeRequests(t, s, acct2, dflt, "", "", "", 10)), []string{"r1"})
}

func testListUpgradeRequests(t *testing.T, s qslocal.Store) {
	setupNamespaces(t, s)
	type row struct{ id, user, status string }
	rows := []row{
		{"0", "alice", "PENDING"},
		{"A", "bob", "PENDING"},
		{"B", "alice", "APPROVED"},
		{"a", "al", "PENDING"},
		{"a b", "alice", "DENIED"},
		{"a/b", "Alice", "PENDING"},
		{"a%", "alice", "PENDING"},
		{"a_", "bob", "APPROVED"},
		{"aa", "alice", "PENDING"},
		{"b", "", "PENDING"},
		{"z", "alice", "UPDATE_FAILED"},
		{"é", "bob", "PENDING"},
		{"ê", "alice", "pending"},
		{"\U0010ffff", "alice", "PENDING"},
	}
	byID := map[string]qslocal.UpgradeRequest{}
	var all []string
	for i, r := range rows {
		req := newUpgradeRequest(acct, dflt, r.id, r.user)
		req.Status = r.status
		if i%3 == 1 {
			req.LastAttempt, req.FailureReason = t0.Add(time.Duration(i)*time.Minute), "reason "+r.id
		}
		byID[r.id] = req
		all = append(all, r.id)
	}
	all = byteOrder(all...)
	var want []qslocal.UpgradeRequest
	for _, id := range all {
		want = append(want, byID[id])
	}
	createUpgradeRequests(t, s, append(want,
		newUpgradeRequest(acct, ns2, "a", "alice"), newUpgradeRequest(acct, ns2, "c", "bob"),
		newUpgradeRequest(acct2, dflt, "a", "alice"), newUpgradeRequest(acct2, dflt, "d", "alice"))...)

	checkUpgradeRequests(t, listUpgradeRequests(t, s, acct, dflt, "", "", "", 100), want)
	for _, tt := range []struct {
		user, status string
		want         []string
	}{
		{"", "", all},
		{"alice", "", byteOrder("0", "B", "a b", "a%", "aa", "z", "ê", "\U0010ffff")},
		{"", "PENDING", byteOrder("0", "A", "a", "a/b", "a%", "aa", "b", "é", "\U0010ffff")},
		{"alice", "PENDING", byteOrder("0", "a%", "aa", "\U0010ffff")},
		{"bob", "", byteOrder("A", "a_", "é")},
		{"bob", "APPROVED", []string{"a_"}},
		{"bob", "DENIED", nil},
		{"", "APPROVED", []string{"B", "a_"}},
		{"", "DENIED", []string{"a b"}},
		{"", "pending", []string{"ê"}}, // case-sensitive
		{"", "PEND", nil},
		{"Alice", "", []string{"a/b"}}, // case-sensitive
		{"al", "", []string{"a"}},      // not a prefix
		{"al%", "", nil},               // not a pattern
		{"alic_", "", nil},
		{"nobody", "", nil},
	} {
		what := fmt.Sprintf("ListUpgradeRequests(user %q, status %q)", tt.user, tt.status)
		list := func(after string, limit int) []string {
			return requestIDs(listUpgradeRequests(t, s, acct, dflt, tt.user, tt.status, after, limit))
		}
		checkStrings(t, what, list("", 100), tt.want)
		if len(tt.want) >= 3 {
			checkListing(t, what, tt.want, list)
		} else if len(tt.want) > 0 {
			checkStrings(t, what+" limit 1", list("", 1), tt.want[:1])
			checkStrings(t, fmt.Sprintf("%s after %q", what, tt.want[0]), list(tt.want[0], 100), tt.want[1:])
		}
	}

	// Full rows through a filter.
	got := listUpgradeRequests(t, s, acct, dflt, "bob", "", "", 100)
	checkUpgradeRequests(t, got, []qslocal.UpgradeRequest{byID["A"], byID["a_"], byID["é"]})

	for _, tt := range []struct {
		account, namespace, user string
		want                     []string
	}{
		{acct, ns2, "", []string{"a", "c"}},
		{acct, ns2, "alice", []string{"a"}},
		{acct2, dflt, "", []string{"a", "d"}},
		{acct2, dflt, "bob", nil},
		{acct2, ns2, "", nil},
		{acct, "nope", "", nil},
		{acct, "Default", "", nil},
		{"999", dflt, "", nil},
	} {
		checkStrings(t, fmt.Sprintf("ListUpgradeRequests(%q, %q, user %q)", tt.account, tt.namespace, tt.user),
			requestIDs(listUpgradeRequests(t, s, tt.account, tt.namespace, tt.user, "", "", 100)), tt.want)
	}
}

func testSelfUpgradeStatus(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	for _, tt := range []struct{ account, namespace string }{{acct, dflt}, {acct, ns2}, {acct2, dflt}} {
		if got := selfUpgradeStatus(t, s, tt.account, tt.namespace); got != "" {
			t.Errorf("SelfUpgradeStatus(%s, %s) before any set = %q, want \"\"", tt.account, tt.namespace, got)
		}
	}
	for _, tt := range []struct{ account, namespace string }{{acct, "nope"}, {acct, "Default"}, {acct2, ns2}, {"999", dflt}, {acct, ""}} {
		err := tryUpdate(t, s, func(tx qslocal.Tx) error {
			return tx.SetSelfUpgradeStatus(ctx, tt.account, tt.namespace, "AUTO_APPROVAL")
		})
		checkErr(t, fmt.Sprintf("SetSelfUpgradeStatus(%q, %q)", tt.account, tt.namespace), err, qslocal.ErrNotFound)
	}

	type key struct{ account, namespace string }
	want := map[key]string{{acct, dflt}: "", {acct, ns2}: "", {acct2, dflt}: ""}
	check := func(when string) {
		t.Helper()
		for k, st := range want {
			if got := selfUpgradeStatus(t, s, k.account, k.namespace); got != st {
				t.Errorf("%s: SelfUpgradeStatus(%s, %s) = %q, want %q", when, k.account, k.namespace, got, st)
			}
		}
	}
	set := func(k key, status string) {
		t.Helper()
		update(t, s, func(tx qslocal.Tx) error { return tx.SetSelfUpgradeStatus(ctx, k.account, k.namespace, status) })
		want[k] = status
		check(fmt.Sprintf("after setting %s/%s to %q", k.account, k.namespace, status))
	}
	set(key{acct, dflt}, "ADMIN_APPROVAL")
	set(key{acct, ns2}, "AUTO_APPROVAL")
	set(key{acct2, dflt}, "AUTO_APPROVAL")
	set(key{acct, dflt}, "AUTO_APPROVAL") // replaces
	set(key{acct, dflt}, "AUTO_APPROVAL") // setting twice is fine
	set(key{acct, dflt}, "ADMIN_APPROVAL")

	// A new namespace starts without one, and EnsureAccount keeps them.
	update(t, s, func(tx qslocal.Tx) error {
		if err := tx.CreateNamespace(ctx, newNamespace(acct, "third")); err != nil {
			return err
		}
		return tx.EnsureAccount(ctx, acct, region, t0.Add(time.Hour))
	})
	want[key{acct, "third"}] = ""
	check("after CreateNamespace and EnsureAccount")

	// A rolled back set changes nothing.
	err := tryUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.SetSelfUpgradeStatus(ctx, acct, dflt, "AUTO_APPROVAL"); err != nil {
			return err
		}
		if got, err := tx.SelfUpgradeStatus(ctx, acct, dflt); err != nil || got != "AUTO_APPROVAL" {
			t.Errorf("SelfUpgradeStatus in the setting transaction = %q, %v; want AUTO_APPROVAL", got, err)
		}
		if err := tx.SetSelfUpgradeStatus(ctx, acct, "third", "AUTO_APPROVAL"); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "rolled back SetSelfUpgradeStatus", err, errBoom)
	check("after a rolled back set")
}

func testUpgradeErrorsKeepTransaction(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	setupNamespaces(t, s)
	r1 := failedUpgradeRequest(acct, dflt, "r1", "alice")
	createUpgradeRequests(t, s, r1)
	cases := []sentinel{
		{"CreateUpgradeRequest of a taken id", qslocal.ErrExists, func(tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, newUpgradeRequest(acct, dflt, "r1", "bob"))
		}},
		{"CreateUpgradeRequest in an unknown namespace", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, newUpgradeRequest(acct, "nope", "x", "bob"))
		}},
		{"CreateUpgradeRequest in an unknown account", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.CreateUpgradeRequest(ctx, newUpgradeRequest("999", dflt, "x", "bob"))
		}},
		{"UpgradeRequest unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			_, err := tx.UpgradeRequest(ctx, acct, dflt, "nope")
			return err
		}},
		{"UpdateUpgradeRequest unknown", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.UpdateUpgradeRequest(ctx, newUpgradeRequest(acct, dflt, "nope", "bob"))
		}},
		{"SetSelfUpgradeStatus of an unknown namespace", qslocal.ErrNotFound, func(tx qslocal.Tx) error {
			return tx.SetSelfUpgradeStatus(ctx, acct, "nope", "AUTO_APPROVAL")
		}},
	}
	after := func(tx qslocal.Tx, mark string) error {
		got, err := tx.UpgradeRequest(ctx, acct, dflt, "r1")
		if err != nil {
			return fmt.Errorf("UpgradeRequest(r1): %w", err)
		}
		checkUpgradeRequest(t, got, r1)
		if err := tx.CreateUpgradeRequest(ctx, newUpgradeRequest(acct, dflt, mark, "alice")); err != nil {
			return fmt.Errorf("CreateUpgradeRequest(%s): %w", mark, err)
		}
		if err := tx.CreateNamespace(ctx, newNamespace(acct, mark)); err != nil {
			return fmt.Errorf("CreateNamespace(%s): %w", mark, err)
		}
		return tx.SetSelfUpgradeStatus(ctx, acct, mark, "AUTO_APPROVAL")
	}
	checkSentinels(t, s, cases, after, func(mark string) {
		t.Helper()
		got, err := getUpgradeRequest(t, s, acct, dflt, mark)
		if err != nil {
			t.Errorf("UpgradeRequest(%s) written after the error: %v", mark, err)
		} else {
			checkUpgradeRequest(t, got, newUpgradeRequest(acct, dflt, mark, "alice"))
		}
		if got := selfUpgradeStatus(t, s, acct, mark); got != "AUTO_APPROVAL" {
			t.Errorf("SelfUpgradeStatus set after the error = %q, want AUTO_APPROVAL", got)
		}
	})
	// The failed calls changed nothing.
	got, err := getUpgradeRequest(t, s, acct, dflt, "r1")
	if err != nil {
		t.Fatal(err)
	}
	checkUpgradeRequest(t, got, r1)
	for _, tt := range []struct{ account, namespace, id string }{{acct, dflt, "nope"}, {acct, "nope", "x"}, {"999", dflt, "x"}} {
		_, err := getUpgradeRequest(t, s, tt.account, tt.namespace, tt.id)
		checkErr(t, fmt.Sprintf("UpgradeRequest(%q, %q, %q)", tt.account, tt.namespace, tt.id), err, qslocal.ErrNotFound)
	}
	if got := selfUpgradeStatus(t, s, acct, dflt); got != "" {
		t.Errorf("SelfUpgradeStatus(default) = %q, want \"\"", got)
	}
}
