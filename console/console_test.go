package console_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/console"
	"github.com/qslocal/qslocal/restjson"
	"github.com/qslocal/qslocal/sigv4"
	"github.com/qslocal/qslocal/sqlite"
)

const acct = "111122223333"

func s(v string) *string { return &v }

// world is a console over a service on a throwaway SQLite store, with
// the API beside it as cmd/qslocal wires them.
type world struct {
	t     testing.TB
	ctx   context.Context
	store qslocal.Store
	svc   *qslocal.Service
	srv   *httptest.Server
	// client keeps cookies and does not follow redirects.
	client *http.Client
}

func newWorld(t testing.TB, cfg console.Config) *world {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	log := console.NewRequestLog(0)
	cfg.Service, cfg.Log = svc, log
	c := console.New(cfg)
	srv := httptest.NewServer(c.Mount(restjson.New(restjson.Config{Handler: svc, Observer: log})))
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &world{t: t, ctx: ctx, store: store, svc: svc, srv: srv, client: client}
}

func (w *world) must(what string, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
}

func (w *world) user(name, role string) {
	w.t.Helper()
	_, err := w.svc.RegisterUser(w.ctx, &api.RegisterUserRequest{AwsAccountId: s(acct), Namespace: s("default"), UserName: s(name),
		Email: s(name + "@example.com"), IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s(role))})
	w.must("RegisterUser "+name, err)
}

func (w *world) upgrade(user string) string {
	w.t.Helper()
	d, err := w.svc.RequestSelfUpgrade(w.ctx, acct, "default", user, "AUTHOR", "I build dashboards now")
	w.must("RequestSelfUpgrade", err)
	return *d.UpgradeRequestId
}

func (w *world) role(user string) string {
	w.t.Helper()
	out, err := w.svc.DescribeUser(w.ctx, &api.DescribeUserRequest{AwsAccountId: s(acct), Namespace: s("default"), UserName: s(user)})
	w.must("DescribeUser", err)
	return string(*out.User.Role)
}

// get answers a page: its status and body.
func (w *world) get(path string) (int, string) {
	w.t.Helper()
	res, err := w.client.Get(w.srv.URL + path)
	w.must("GET "+path, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (w *world) post(path string, form url.Values) *http.Response {
	w.t.Helper()
	res, err := w.client.PostForm(w.srv.URL+path, form)
	w.must("POST "+path, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf is the token of the forms on a page.
func (w *world) csrf(path string) string {
	w.t.Helper()
	_, body := w.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		w.t.Fatalf("%s has no form with a CSRF token:\n%s", path, body)
	}
	return m[1]
}

const upgrades = "/console/accounts/" + acct + "/namespaces/default/upgrades"

func (w *world) decide(id, action string) *http.Response {
	w.t.Helper()
	return w.post(upgrades, url.Values{"csrf": {w.csrf(upgrades)}, "request": {id}, "action": {action}})
}

func TestConsolePages(t *testing.T) {
	w := newWorld(t, console.Config{})
	w.user("alice", "READER")
	w.user("bob", "AUTHOR")
	w.user("alfred", "READER")
	_, err := w.svc.CreateGroup(w.ctx, &api.CreateGroupRequest{AwsAccountId: s(acct), Namespace: s("default"), GroupName: s("analysts")})
	w.must("CreateGroup", err)
	_, err = w.svc.CreateGroupMembership(w.ctx, &api.CreateGroupMembershipRequest{AwsAccountId: s(acct), Namespace: s("default"),
		GroupName: s("analysts"), MemberName: s("alice")})
	w.must("CreateGroupMembership", err)
	group := "arn:aws:quicksight:us-east-1:" + acct + ":group/default/analysts"
	_, err = w.svc.CreateAnalysis(w.ctx, &api.CreateAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("sales"), Name: s("Sales report"),
		Definition: &api.AnalysisDefinition{}, Permissions: []api.ResourcePermission{{Principal: &group,
			Actions: []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"}}}})
	w.must("CreateAnalysis", err)
	_, err = w.svc.CreateIAMPolicyAssignment(w.ctx, &api.CreateIAMPolicyAssignmentRequest{AwsAccountId: s(acct), Namespace: s("default"),
		AssignmentName: s("readers"), AssignmentStatus: (*api.AssignmentStatus)(s("ENABLED")),
		PolicyArn: s("arn:aws:iam::aws:policy/ReadOnlyAccess"), Identities: map[string][]string{"user": {"bob"}}})
	w.must("CreateIAMPolicyAssignment", err)
	w.upgrade("alice")
	// One API request, for the log.
	res, err := http.Get(w.srv.URL + "/accounts/" + acct + "/namespaces/default/users/nobody")
	w.must("DescribeUser over HTTP", err)
	res.Body.Close()

	a := "/console/accounts/" + acct
	analysis := "arn:aws:quicksight:us-east-1:" + acct + ":analysis/sales"
	for _, tc := range []struct {
		path   string
		status int
		want   []string
		not    []string
	}{
		{"/console/", 200, []string{acct}, nil},
		{a + "/", 200, []string{"default", "CREATED"}, nil},
		{a + "/namespaces/default/users", 200, []string{"<td>alice</td><td>READER</td><td>QUICKSIGHT</td>", "analysts", "<td>bob</td><td>AUTHOR</td>"}, nil},
		{a + "/namespaces/default/users?q=al", 200, []string{"<td>alice</td>", "<td>alfred</td>"}, []string{"<td>bob</td>"}},
		{a + "/namespaces/default/users?q=alice", 200, []string{"<td>alice</td>"}, []string{"<td>alfred</td>"}},
		{a + "/namespaces/default/groups", 200, []string{"<td>analysts</td>", "alice"}, nil},
		{upgrades, 200, []string{"<td>alice</td><td>READER</td><td>AUTHOR</td>", "PENDING", ">Approve</button>", ">Deny</button>"}, []string{">Verify</button>"}},
		{a + "/assets", 200, []string{"Sales report", analysis, "group/default/analysts", `class="yes" aria-label="quicksight:QueryAnalysis: granted"`,
			`class="no" aria-label="quicksight:DeleteAnalysis: not granted"`, `id="flow"`, `id="dashboard"`}, nil},
		{a + "/namespaces/default/assignments", 200, []string{"readers", "ENABLED", "ReadOnlyAccess", "bob"}, nil},
		{a + "/namespaces/default/users/alice/access", 200, []string{"Sales report", "through group", "group/default/analysts"}, nil},
		{a + "/namespaces/default/users/bob/access", 200, []string{"Reaches no asset."}, nil},
		{a + "/namespaces/default/users/nobody/access", 404, []string{"ResourceNotFoundException"}, nil},
		{a + "/access?arn=" + url.QueryEscape(analysis), 200, []string{"<td>alice</td>", "through group"}, []string{"<td>bob</td>"}},
		{"/console/requests", 200, []string{"DescribeUser", "404", "ResourceNotFoundException"}, nil},
		{"/console/static/console.css", 200, []string{"font"}, nil},
		{"/console/nothing", 404, nil, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, body := w.get(tc.path)
			if status != tc.status {
				t.Fatalf("status %d, want %d:\n%s", status, tc.status, body)
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("no %q in:\n%s", want, body)
				}
			}
			for _, not := range tc.not {
				if strings.Contains(body, not) {
					t.Errorf("%q in:\n%s", not, body)
				}
			}
		})
	}
}

func TestConsoleSecurityHeaders(t *testing.T) {
	w := newWorld(t, console.Config{})
	res, err := http.Get(w.srv.URL + "/console/")
	w.must("GET", err)
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestConsoleUsersPaging(t *testing.T) {
	w := newWorld(t, console.Config{})
	for i := range 120 {
		w.user(fmt.Sprintf("u%03d", i), "READER")
	}
	seen := map[string]bool{}
	next := regexp.MustCompile(`href="\?q=[^&]*&amp;next=([^"]+)"`)
	for _, q := range []string{"", "u1"} {
		clear(seen)
		path := "/console/accounts/" + acct + "/namespaces/default/users?q=" + q
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("too many pages")
			}
			_, body := w.get(path)
			for _, m := range regexp.MustCompile(`<td>(u\d+)</td>`).FindAllStringSubmatch(body, -1) {
				if seen[m[1]] {
					t.Fatalf("q=%q: %s twice", q, m[1])
				}
				seen[m[1]] = true
			}
			m := next.FindStringSubmatch(body)
			if m == nil {
				break
			}
			tok, _ := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
			path = "/console/accounts/" + acct + "/namespaces/default/users?q=" + q + "&next=" + url.QueryEscape(tok)
		}
		want := 120
		if q == "u1" {
			want = 20 // u100 to u119
		}
		if len(seen) != want {
			t.Errorf("q=%q: %d users over the pages, want %d", q, len(seen), want)
		}
	}
}

func TestConsoleApprove(t *testing.T) {
	for _, tc := range []struct{ action, status, role, message string }{
		{"APPROVE", "APPROVED", "AUTHOR", "Request approved."},
		{"DENY", "DENIED", "READER", "Request denied."},
	} {
		t.Run(tc.action, func(t *testing.T) {
			w := newWorld(t, console.Config{})
			w.user("alice", "READER")
			id := w.upgrade("alice")
			token := w.csrf(upgrades)
			res := w.decide(id, tc.action)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST answered %d", res.StatusCode)
			}
			if got := w.role("alice"); got != tc.role {
				t.Errorf("DescribeUser: role %s, want %s", got, tc.role)
			}
			loc := res.Header.Get("Location")
			if want := upgrades + "?done=" + tc.action; loc != want {
				t.Errorf("redirected to %q, want %q", loc, want)
			}
			if _, body := w.get(loc); !strings.Contains(body, tc.message) {
				t.Errorf("no %q after the redirect:\n%s", tc.message, body)
			}
			// The page says only its own messages, whatever a link says.
			if _, body := w.get(upgrades + "?done=" + url.QueryEscape("Your session expired: call the helpdesk")); strings.Contains(body, "helpdesk") {
				t.Errorf("the page echoes ?done=:\n%s", body)
			}
			_, body := w.get(upgrades)
			if !strings.Contains(body, tc.status) || strings.Contains(body, ">Approve</button>") {
				t.Errorf("the page does not show %s, without an Approve button:\n%s", tc.status, body)
			}
			// Deciding again fails as the API would, and says why.
			if res := w.post(upgrades, url.Values{"csrf": {token}, "request": {id}, "action": {"APPROVE"}}); res.StatusCode != http.StatusConflict {
				t.Errorf("a second decision answered %d", res.StatusCode)
			}
		})
	}
}

// A console click and an API call on one request race as two API calls
// would: exactly one wins.
func TestConsoleApproveRace(t *testing.T) {
	w := newWorld(t, console.Config{})
	wins := map[string]int{}
	defer func() { t.Logf("wins: %v", wins) }()
	for round := range 10 {
		user := fmt.Sprintf("user%d", round)
		w.user(user, "READER")
		id := w.upgrade(user)
		token := w.csrf(upgrades)
		var wg sync.WaitGroup
		var clicked *http.Response
		var apiErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			res, err := w.client.PostForm(w.srv.URL+upgrades, url.Values{"csrf": {token}, "request": {id}, "action": {"APPROVE"}})
			if err == nil {
				res.Body.Close()
			}
			clicked = res
		}()
		go func() {
			defer wg.Done()
			// The API over HTTP, as an SDK would call it.
			body := strings.NewReader(`{"UpgradeRequestId":"` + id + `","Action":"DENY"}`)
			res, err := http.Post(w.srv.URL+"/accounts/"+acct+"/namespaces/default/update-self-upgrade-request", "application/json", body)
			if err != nil {
				apiErr = err
				return
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				apiErr = fmt.Errorf("HTTP %d %s", res.StatusCode, res.Header.Get("X-Amzn-ErrorType"))
			}
		}()
		wg.Wait()
		if clicked == nil {
			t.Fatal("the click failed")
		}
		clickWon, apiWon := clicked.StatusCode == http.StatusSeeOther, apiErr == nil
		if clickWon == apiWon {
			t.Fatalf("round %d: click answered %d, API %v: want exactly one to win", round, clicked.StatusCode, apiErr)
		}
		wins[map[bool]string{true: "console", false: "API"}[clickWon]]++
		want := "READER"
		if clickWon {
			want = "AUTHOR"
		}
		if got := w.role(user); got != want {
			t.Errorf("round %d: role %s, want %s (click won: %v)", round, got, want, clickWon)
		}
	}
}

func TestConsoleCSRF(t *testing.T) {
	w := newWorld(t, console.Config{})
	w.user("alice", "READER")
	id := w.upgrade("alice")
	for _, token := range []string{"", "00", strings.Repeat("ab", 32)} {
		if res := w.post(upgrades, url.Values{"csrf": {token}, "request": {id}, "action": {"APPROVE"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("token %q: %d, want 403", token, res.StatusCode)
		}
	}
	if got := w.role("alice"); got != "READER" {
		t.Errorf("role %s after refused forms", got)
	}
}

var creds = []sigv4.Credential{
	{AccessKeyID: "ADMINKEY", SecretAccessKey: "admin-secret", Account: acct, Admin: true},
	{AccessKeyID: "READKEY", SecretAccessKey: "read-secret", Account: acct, ARN: "arn:aws:iam::" + acct + ":user/reader"},
	{AccessKeyID: "OTHERKEY", SecretAccessKey: "other-secret", Account: "444455556666", Admin: true},
	{AccessKeyID: "UPGRADER", SecretAccessKey: "up-secret", Account: acct, ARN: "arn:aws:iam::" + acct + ":user/upgrader",
		Policies: []sigv4.Policy{{Version: "2012-10-17", Statement: []sigv4.Statement{{Effect: "Allow",
			Action: []string{"quicksight:UpdateSelfUpgrade", "quicksight:ListSelfUpgrades"}, Resource: []string{"*"}}}}}},
	// A key that may list the users of namespace default, and nothing else.
	{AccessKeyID: "LISTUSERS", SecretAccessKey: "list-secret", Account: acct, ARN: "arn:aws:iam::" + acct + ":user/lister",
		Policies: []sigv4.Policy{{Version: "2012-10-17", Statement: []sigv4.Statement{{Effect: "Allow",
			Action: []string{"quicksight:ListUsers"}, Resource: []string{"arn:aws:quicksight:us-east-1:" + acct + ":user/default/*"}}}}}},
	// An admin whose policies allow all but deny deciding upgrades.
	{AccessKeyID: "DENIEDADMIN", SecretAccessKey: "denied-secret", Account: acct, Admin: true, ARN: "arn:aws:iam::" + acct + ":user/denied",
		Policies: []sigv4.Policy{{Version: "2012-10-17", Statement: []sigv4.Statement{
			{Effect: "Allow", Action: []string{"quicksight:*"}, Resource: []string{"*"}},
			{Effect: "Deny", Action: []string{"quicksight:UpdateSelfUpgrade"}, Resource: []string{"*"}}}}}},
}

func (w *world) login(key, secret string) *http.Response {
	w.t.Helper()
	return w.post("/console/login", url.Values{"csrf": {w.csrf("/console/login")}, "access_key_id": {key}, "secret_access_key": {secret}})
}

func TestConsoleLogin(t *testing.T) {
	w := newWorld(t, console.Config{Credentials: creds})
	w.user("alice", "READER")
	if status, _ := w.get("/console/"); status != http.StatusSeeOther {
		t.Errorf("before signing in: %d, want a redirect to the login form", status)
	}
	for _, bad := range [][2]string{{"ADMINKEY", "wrong"}, {"NOKEY", "admin-secret"}, {"", ""}, {"ADMINKEY", "read-secret"}} {
		if res := w.login(bad[0], bad[1]); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("keys %q: %d, want 401", bad, res.StatusCode)
		}
	}
	if res := w.post("/console/login", url.Values{"access_key_id": {"ADMINKEY"}, "secret_access_key": {"admin-secret"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("signing in without the form's CSRF token: %d, want 403", res.StatusCode)
	}
	res := w.login("ADMINKEY", "admin-secret")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in: %d", res.StatusCode)
	}
	var ck []*http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "qslocal_console" {
			ck = append(ck, c)
		}
	}
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode || ck[0].Expires.IsZero() {
		t.Errorf("session cookie %+v: want one, HttpOnly, SameSite=Strict, expiring", ck)
	}
	status, body := w.get("/console/")
	if status != 200 || !strings.Contains(body, acct) || strings.Contains(body, "444455556666") {
		t.Errorf("accounts page %d, want the caller's account only:\n%s", status, body)
	}
	if status, _ := w.get("/console/accounts/444455556666/"); status != http.StatusNotFound {
		t.Errorf("another account's page: %d, want 404", status)
	}
	id := w.upgrade("alice")
	if res := w.post(upgrades, url.Values{"request": {id}, "action": {"APPROVE"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a POST without a CSRF token: %d, want 403", res.StatusCode)
	}
	if res := w.decide(id, "APPROVE"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an admin's approval: %d", res.StatusCode)
	}

	// A forged cookie is no session.
	u, _ := url.Parse(w.srv.URL + "/console/")
	w.client.Jar.SetCookies(u, []*http.Cookie{{Name: "qslocal_console", Value: "QURNSU5LRVk.99999999999.0.00", Path: "/console/"}})
	if status, _ := w.get("/console/"); status != http.StatusSeeOther {
		t.Errorf("with a forged cookie: %d, want a redirect to the login form", status)
	}
}

// TestConsoleLoginCSRF: the sign-in form's token is bound to the browser
// that read it, so another site cannot read one and post it from a
// victim's browser to sign it in with the attacker's keys.
func TestConsoleLoginCSRF(t *testing.T) {
	attacker := newWorld(t, console.Config{Credentials: creds})
	token := attacker.csrf("/console/login")
	keys := url.Values{"csrf": {token}, "access_key_id": {"READKEY"}, "secret_access_key": {"read-secret"}}

	// The victim's browser: a client of the same server with no cookie,
	// then with a pre-session cookie of its own.
	jar, _ := cookiejar.New(nil)
	victim := &world{t: t, ctx: attacker.ctx, svc: attacker.svc, srv: attacker.srv,
		client: &http.Client{Jar: jar, CheckRedirect: attacker.client.CheckRedirect}}
	if res := victim.post("/console/login", keys); res.StatusCode != http.StatusForbidden {
		t.Errorf("another browser's token, no pre-session cookie: %d, want 403", res.StatusCode)
	}
	victim.csrf("/console/login")
	if res := victim.post("/console/login", keys); res.StatusCode != http.StatusForbidden {
		t.Errorf("another browser's token, its own pre-session cookie: %d, want 403", res.StatusCode)
	}
	if status, _ := victim.get("/console/"); status != http.StatusSeeOther {
		t.Errorf("the victim is signed in: %d", status)
	}
	if res := attacker.post("/console/login", keys); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the token with its own cookie: %d, want a sign-in", res.StatusCode)
	}
}

// TestConsoleSignOut: signing out ends the session, a copy of its cookie
// included; signing in again makes a new one.
func TestConsoleSignOut(t *testing.T) {
	w := newWorld(t, console.Config{Credentials: creds})
	w.login("ADMINKEY", "admin-secret")
	u, _ := url.Parse(w.srv.URL + "/console/")
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, w.client.Jar.Cookies(u))
	thief := &world{t: t, srv: w.srv, client: &http.Client{Jar: jar, CheckRedirect: w.client.CheckRedirect}}
	if status, _ := thief.get("/console/"); status != 200 {
		t.Fatalf("the copied cookie before signing out: %d", status)
	}
	if res := w.post("/console/logout", url.Values{"csrf": {w.csrf("/console/")}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing out: %d", res.StatusCode)
	}
	if status, _ := thief.get("/console/"); status != http.StatusSeeOther {
		t.Errorf("the copied cookie after signing out: %d, want a redirect to the login form", status)
	}
	w.login("ADMINKEY", "admin-secret")
	if status, _ := w.get("/console/"); status != 200 {
		t.Errorf("signed in again: %d", status)
	}
}

func TestConsoleSessionExpires(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	w := newWorld(t, console.Config{Credentials: creds, SessionTTL: time.Hour, Now: clock})
	w.login("ADMINKEY", "admin-secret")
	if status, _ := w.get("/console/"); status != 200 {
		t.Fatalf("signed in: %d", status)
	}
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if status, _ := w.get("/console/"); status != http.StatusSeeOther {
		t.Errorf("after the session's time: %d, want a redirect to the login form", status)
	}
}

func TestConsoleWhoMayApprove(t *testing.T) {
	for _, tc := range []struct {
		key, secret string
		enforce     bool
		ok          bool
	}{
		{"ADMINKEY", "admin-secret", false, true},
		{"READKEY", "read-secret", false, false},
		{"READKEY", "read-secret", true, false},
		{"UPGRADER", "up-secret", false, false},
		{"UPGRADER", "up-secret", true, true},
		// With IAM enforced, policies decide for admins too, as in the API.
		{"DENIEDADMIN", "denied-secret", false, true},
		{"DENIEDADMIN", "denied-secret", true, false},
	} {
		t.Run(fmt.Sprintf("%s/enforce=%v", tc.key, tc.enforce), func(t *testing.T) {
			w := newWorld(t, console.Config{Credentials: creds, EnforceIAM: tc.enforce})
			w.user("alice", "READER")
			id := w.upgrade("alice")
			w.login(tc.key, tc.secret)
			_, body := w.get(upgrades)
			if strings.Contains(body, ">Approve</button>") != tc.ok {
				t.Errorf("Approve button shown: %v, want %v", !tc.ok, tc.ok)
			}
			token := csrfField.FindStringSubmatch(body)[1] // the sign-out form's
			res := w.post(upgrades, url.Values{"csrf": {token}, "request": {id}, "action": {"APPROVE"}})
			if ok := res.StatusCode == http.StatusSeeOther; ok != tc.ok {
				t.Errorf("approving answered %d", res.StatusCode)
			}
			want := map[bool]string{true: "AUTHOR", false: "READER"}[tc.ok]
			if got := w.role("alice"); got != want {
				t.Errorf("role %s, want %s", got, want)
			}
		})
	}
}

// TestConsoleReadNeedsIAM: with IAM enforced, each page needs the action
// an API client would need for what it shows: a key whose policies allow
// nothing reads nothing, one that may list users reads the users only.
func TestConsoleReadNeedsIAM(t *testing.T) {
	w := newWorld(t, console.Config{Credentials: creds, EnforceIAM: true})
	w.user("alice", "READER")
	w.upgrade("alice")
	_, err := w.svc.CreateAnalysis(w.ctx, &api.CreateAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("sales"), Name: s("Sales report"),
		Definition: &api.AnalysisDefinition{}})
	w.must("CreateAnalysis", err)
	a := "/console/accounts/" + acct
	analysis := "arn:aws:quicksight:us-east-1:" + acct + ":analysis/sales"
	pages := []string{a + "/", a + "/namespaces/default/users", a + "/namespaces/default/users?q=al", a + "/namespaces/default/groups",
		upgrades, a + "/namespaces/default/assignments", a + "/namespaces/default/users/alice/access",
		a + "/access?arn=" + url.QueryEscape(analysis), "/console/requests"}
	for _, key := range [][2]string{{"READKEY", "read-secret"}, {"LISTUSERS", "list-secret"}} {
		t.Run(key[0], func(t *testing.T) {
			jar, _ := cookiejar.New(nil)
			w.client = &http.Client{Jar: jar, CheckRedirect: w.client.CheckRedirect}
			w.login(key[0], key[1])
			for _, p := range pages {
				status, body := w.get(p)
				want := http.StatusForbidden
				if key[0] == "LISTUSERS" && strings.Contains(p, "/users") && !strings.Contains(p, "/access") {
					want = http.StatusOK
				}
				if status != want {
					t.Errorf("%s: %d, want %d", p, status, want)
				} else if want == http.StatusOK && !strings.Contains(body, "<td>alice</td>") {
					t.Errorf("%s shows no alice:\n%s", p, body)
				} else if want == http.StatusForbidden && (strings.Contains(body, "alice@example.com") || !strings.Contains(body, "IAM")) {
					t.Errorf("%s: the refusal shows data or does not say why:\n%s", p, body)
				}
			}
			if status, body := w.get(a + "/assets"); status != 200 || strings.Contains(body, "Sales report") {
				t.Errorf("assets page %d, want the analysis left out:\n%s", status, body)
			}
		})
	}
	// An admin key whose policies allow it reads them all.
	jar, _ := cookiejar.New(nil)
	w.client = &http.Client{Jar: jar, CheckRedirect: w.client.CheckRedirect}
	w.login("DENIEDADMIN", "denied-secret")
	for _, p := range append(pages, a+"/assets") {
		if status, _ := w.get(p); status != 200 {
			t.Errorf("%s: %d for a key allowed quicksight:*", p, status)
		}
	}
}

// TestConsoleUpgradesPendingFirst: a namespace with more decided requests
// than a page holds still shows a new pending one on the first page, and
// the others follow page by page.
func TestConsoleUpgradesPendingFirst(t *testing.T) {
	w := newWorld(t, console.Config{})
	w.user("alice", "READER")
	old := time.Now().Add(-time.Hour)
	w.must("filing decided requests", w.store.Update(w.ctx, func(tx qslocal.Tx) error {
		for i := range 1200 {
			if err := tx.CreateUpgradeRequest(w.ctx, qslocal.UpgradeRequest{Account: acct, Namespace: "default",
				ID: fmt.Sprintf("00000000-0000-7000-8000-%012d", i), UserName: "alice", OriginalRole: "READER", RequestedRole: "AUTHOR",
				Status: "DENIED", CreatedAt: old}); err != nil {
				return err
			}
		}
		return nil
	}))
	id := w.upgrade("alice")
	status, body := w.get(upgrades)
	if status != 200 || !strings.Contains(body, `id="request-`+id+`"`) {
		t.Fatalf("the pending request is not on the first page (%d):\n%.2000s", status, body)
	}
	if i, j := strings.Index(body, "PENDING"), strings.Index(body, "DENIED"); i < 0 || j < i {
		t.Errorf("the pending request does not come first")
	}
	next := regexp.MustCompile(`href="\?next=([^"]+)"`)
	seen := map[string]bool{}
	for pages := 0; ; pages++ {
		for _, m := range regexp.MustCompile(`id="request-([^"]+)"`).FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("request %s shown twice", m[1])
			}
			seen[m[1]] = true
		}
		m := next.FindStringSubmatch(body)
		if m == nil {
			break
		}
		if pages > 20 {
			t.Fatal("the pages do not end")
		}
		_, body = w.get(upgrades + "?next=" + m[1])
	}
	if len(seen) != 1201 {
		t.Errorf("%d requests over the pages, want 1201", len(seen))
	}
}

// TestConsoleDecideValidates: a decision passes the API's own input
// checks first, and a malformed account id reaches no service call, so
// nothing creates an account the API would have refused.
func TestConsoleDecideValidates(t *testing.T) {
	w := newWorld(t, console.Config{})
	w.user("alice", "READER")
	id := w.upgrade("alice")
	token := w.csrf(upgrades)
	for _, a := range []string{"abc", "1111222233334"} {
		p := "/console/accounts/" + a + "/namespaces/default/upgrades"
		if res := w.post(p, url.Values{"csrf": {token}, "request": {id}, "action": {"APPROVE"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("deciding in account %q: %d, want 404", a, res.StatusCode)
		}
		if status, _ := w.get(p); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, status)
		}
	}
	ids, err := w.svc.Accounts(w.ctx, "", 0)
	w.must("Accounts", err)
	if len(ids) != 1 || ids[0] != acct {
		t.Errorf("accounts %v, want only %s", ids, acct)
	}
	badNS := "/console/accounts/" + acct + "/namespaces/bad%24ns/upgrades"
	for _, tc := range []struct {
		path string
		form url.Values
	}{{upgrades, url.Values{"request": {id}, "action": {"EXPLODE"}}}, {upgrades, url.Values{"request": {id}}},
		{badNS, url.Values{"request": {id}, "action": {"APPROVE"}}}} {
		form := tc.form
		form.Set("csrf", token)
		res, err := w.client.PostForm(w.srv.URL+tc.path, form)
		w.must("POST", err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "Value") {
			t.Errorf("form %v: %d, want 400 with the validation message:\n%s", form, res.StatusCode, b)
		}
	}
	if got := w.role("alice"); got != "READER" {
		t.Errorf("role %s after refused forms", got)
	}
}

var benchUsers = flag.Int("bench.users", 10_000, "how many users BenchmarkUsersPage's namespace holds (1e6 for the figure in docs/console.md)")

// BenchmarkUsersPage renders the users page, first page and a search, in
// a namespace of -bench.users users filled through the store.
func BenchmarkUsersPage(b *testing.B) {
	w := newWorld(b, console.Config{})
	w.user("first", "READER") // makes the account
	ctx := b.Context()
	for first := 0; first < *benchUsers; first += 10_000 {
		err := w.store.Update(ctx, func(tx qslocal.Tx) error {
			for i := first; i < min(first+10_000, *benchUsers); i++ {
				name := fmt.Sprintf("user%07d", i)
				if err := tx.CreateUser(ctx, qslocal.User{Account: acct, Namespace: "default", Name: name, PrincipalID: "pid-" + name,
					Email: name + "@example.com", Role: "READER", IdentityType: "QUICKSIGHT", Active: true}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{"", "user00051"} {
		b.Run("q="+q, func(b *testing.B) {
			path := "/console/accounts/" + acct + "/namespaces/default/users?q=" + q
			for b.Loop() {
				if status, body := w.get(path); status != 200 || !strings.Contains(body, "user00") {
					b.Fatalf("status %d:\n%s", status, body)
				}
			}
		})
	}
}
