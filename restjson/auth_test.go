package restjson_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/restjson"
	"github.com/qslocal/qslocal/sigv4"
)

const otherAccount = "444455556666"

// testCaller is a verified caller; deny, when set, is its IAM verdict.
type testCaller struct {
	account, arn string
	admin        bool
	deny         func(action, resource string) error

	mu    sync.Mutex
	asked [][2]string // the action and resource of each Authorize
}

func (c *testCaller) Account() string { return c.account }
func (c *testCaller) ARN() string     { return c.arn }
func (c *testCaller) Admin() bool     { return c.admin }
func (c *testCaller) Region() string  { return testRegion }
func (c *testCaller) Authorize(action, resource string) error {
	c.mu.Lock()
	c.asked = append(c.asked, [2]string{action, resource})
	c.mu.Unlock()
	if c.deny != nil {
		return c.deny(action, resource)
	}
	return nil
}

// authServer verifies requests by their X-Test-Caller header, naming one
// of callers; without one a request is MissingAuthenticationToken.
func authServer(h api.Handler, callers map[string]*testCaller, opts ...func(*restjson.Config)) http.Handler {
	return newServer(h, append([]func(*restjson.Config){func(c *restjson.Config) {
		c.Authenticate = func(r *http.Request, _ []byte) (restjson.Caller, error) {
			if c, ok := callers[r.Header.Get("X-Test-Caller")]; ok {
				return c, nil
			}
			return nil, &qslocal.Error{Code: "MissingAuthenticationTokenException", Message: "Missing Authentication Token"}
		}
	}}, opts...)...)
}

func alice() *testCaller {
	return &testCaller{account: testAccount, arn: "arn:aws:iam::111122223333:user/alice"}
}

// TestEveryOperationRefusesAnotherAccount walks every operation of the
// model (the built ones among them) with another account's id, or an ARN
// of another account, in its path: each is refused with AWS's
// AccessDeniedException before the handler or validation sees it, while
// the same call in the caller's own account goes through.
func TestEveryOperationRefusesAnotherAccount(t *testing.T) {
	t.Parallel()
	h := &fakeHandler{}
	srv := authServer(h, map[string]*testCaller{"alice": alice()})
	for _, op := range api.Operations {
		foreign := buildPath(op.URI, func(l string) string {
			switch {
			case isAccountLabel(l):
				return otherAccount
			case l == "ResourceArn":
				return "arn:aws:quicksight:us-east-1:" + otherAccount + ":dashboard/abc-123"
			}
			return labelValue(l)
		})
		r := send(t, srv, op.Method, foreign, "{}", "X-Test-Caller", "alice")
		e := wantError(t, r, http.StatusForbidden, "AccessDeniedException")
		want := fmt.Sprintf("User: arn:aws:iam::111122223333:user/alice is not authorized to perform: quicksight:%s on resource: arn:aws:quicksight:us-east-1:%s:", op.Name, otherAccount)
		if !strings.HasPrefix(e.Message, want) || !strings.HasSuffix(e.Message, " because no resource-based policy allows the quicksight:"+op.Name+" action") {
			t.Errorf("%s: message %q", op.Name, e.Message)
		}
		own := send(t, srv, op.Method, buildPath(op.URI, labelValue), "{}", "X-Test-Caller", "alice")
		if own.Status == http.StatusForbidden {
			t.Errorf("%s in the caller's own account: %s", op.Name, own)
		}
	}
	for _, c := range h.Calls() {
		if c.Call.Region != "" && strings.Contains(fmt.Sprint(c.Input), otherAccount) {
			t.Errorf("the handler saw another account's call: %+v", c)
		}
	}
}

// TestForeignARNInBody: an ARN of another account anywhere in the input
// (a grant's principal, a template to copy) is refused too.
func TestForeignARNInBody(t *testing.T) {
	t.Parallel()
	other := "arn:aws:quicksight:us-east-1:" + otherAccount + ":user/default/mallory"
	own := "arn:aws:quicksight:us-east-1:" + testAccount + ":user/default/bob"
	grant := func(principal string) string {
		return `{"GrantPermissions":[{"Principal":"` + principal + `","Actions":["quicksight:DescribeAnalysis"]}]}`
	}
	cases := []struct {
		name, method, path, body string
		refused                  bool
	}{
		{"a grant to another account's user", "PUT", "/accounts/" + testAccount + "/analyses/a1/permissions", grant(other), true},
		{"a grant to an own user", "PUT", "/accounts/" + testAccount + "/analyses/a1/permissions", grant(own), false},
		{"another account's template", "POST", "/accounts/" + testAccount + "/analyses/a2",
			`{"Name":"A","SourceEntity":{"SourceTemplate":{"Arn":"arn:aws:quicksight:us-east-1:` + otherAccount + `:template/t","DataSetReferences":[{"DataSetPlaceholder":"p","DataSetArn":"arn:aws:quicksight:us-east-1:` + testAccount + `:dataset/d"}]}}}`, false},
		{"another account's data set", "POST", "/accounts/" + testAccount + "/analyses/a2",
			`{"Name":"A","SourceEntity":{"SourceTemplate":{"Arn":"arn:aws:quicksight:us-east-1:` + testAccount + `:template/t","DataSetReferences":[{"DataSetPlaceholder":"p","DataSetArn":"arn:aws:quicksight:us-east-1:` + otherAccount + `:dataset/d"}]}}}`, true},
		{"a starter theme", "POST", "/accounts/" + testAccount + "/analyses/a3",
			`{"Name":"A","ThemeArn":"arn:aws:quicksight::aws:theme/MIDNIGHT","Definition":{"DataSetIdentifierDeclarations":[]}}`, false},
		{"a flow definition naming another account", "POST", "/accounts/" + testAccount + "/flows",
			`{"FlowId":"0f5e6d7c-1234-4abc-9def-0123456789ab","Name":"F","FlowDefinition":{"Steps":[{"Source":"` + other + `"}]}}`, true},
	}
	for _, tc := range cases {
		h := &fakeHandler{}
		r := send(t, authServer(h, map[string]*testCaller{"alice": alice()}), tc.method, tc.path, tc.body, "X-Test-Caller", "alice")
		if !tc.refused {
			// Past the check: the fake handler answers, or has no such
			// operation (501).
			if r.Status == http.StatusForbidden {
				t.Errorf("%s: %s", tc.name, r)
			}
			continue
		}
		e := wantError(t, r, http.StatusForbidden, "AccessDeniedException")
		if !strings.Contains(e.Message, otherAccount) || len(h.Calls()) != 0 {
			t.Errorf("%s: %q, handler calls %d", tc.name, e.Message, len(h.Calls()))
		}
	}
}

// TestAuthorizeResource: each operation is authorized for quicksight:{Op}
// on the resource AWS names (docs/behaviour.md, "IAM enforcement"), and a
// denial answers 403 without reaching the handler.
func TestAuthorizeResource(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:quicksight:us-east-1:111122223333:"
	cases := []struct {
		method, path, body, action, resource string
	}{
		{"GET", "/accounts/111122223333/namespaces/default/users/alice", "", "quicksight:DescribeUser", arn + "user/default/alice"},
		{"PUT", "/accounts/111122223333/namespaces/default/users/a%2Fb", `{"Email":"a@b.c","Role":"READER"}`, "quicksight:UpdateUser", arn + "user/default/a/b"},
		{"POST", "/accounts/111122223333/namespaces/default/users", `{"IdentityType":"QUICKSIGHT","Email":"b@b.c","UserRole":"READER","UserName":"bob"}`, "quicksight:RegisterUser", arn + "user/default/bob"},
		{"GET", "/accounts/111122223333/namespaces/sales/users", "", "quicksight:ListUsers", arn + "user/sales/*"},
		{"PUT", "/accounts/111122223333/analyses/a1/permissions", `{}`, "quicksight:UpdateAnalysisPermissions", arn + "analysis/a1"},
		{"POST", "/resources/" + strings.ReplaceAll(arn, ":", "%3A") + "group%2Fdefault%2Fteam/tags", `{"Tags":[{"Key":"k","Value":"v"}]}`, "quicksight:TagResource", arn + "group/default/team"},
		{"PUT", "/accounts/111122223333/dashboards/d1", `{"Name":"D"}`, "quicksight:UpdateDashboard", arn + "dashboard/d1"},
	}
	for _, tc := range cases {
		c := alice()
		c.deny = func(action, resource string) error {
			return &qslocal.Error{Code: qslocal.CodeAccessDenied, Message: "User: x is not authorized to perform: " + action + " on resource: " + resource}
		}
		h := &fakeHandler{}
		r := send(t, authServer(h, map[string]*testCaller{"alice": c}), tc.method, tc.path, tc.body, "X-Test-Caller", "alice")
		e := wantError(t, r, http.StatusForbidden, "AccessDeniedException")
		if len(c.asked) != 1 || c.asked[0] != [2]string{tc.action, tc.resource} {
			t.Errorf("%s %s: authorized %v, want %s on %s", tc.method, tc.path, c.asked, tc.action, tc.resource)
		}
		if !strings.HasSuffix(e.Message, tc.action+" on resource: "+tc.resource) || len(h.Calls()) != 0 {
			t.Errorf("%s: %q; handler calls %d", tc.action, e.Message, len(h.Calls()))
		}
	}
}

// adminHandler can also reset, export and import.
type adminHandler struct{ seedingHandler }

func (h *adminHandler) Reset(ctx context.Context, account string) error {
	return h.record(ctx, "Reset", account)
}

func (h *adminHandler) Export(ctx context.Context, account string) (*qslocal.Snapshot, error) {
	return &qslocal.Snapshot{}, h.record(ctx, "Export", account)
}

func (h *adminHandler) Import(ctx context.Context, snap *qslocal.Snapshot) error {
	return h.record(ctx, "Import", snap)
}

// TestExtensionEndpointRights: with verification on, qslocal's own
// endpoints need a valid credential; those that change state, or read
// another account, need an admin.
func TestExtensionEndpointRights(t *testing.T) {
	t.Parallel()
	admin := alice()
	admin.admin = true
	callers := map[string]*testCaller{"alice": alice(), "admin": admin}
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("metrics")) })
	srv := authServer(&adminHandler{}, callers, func(c *restjson.Config) {
		c.Health = &restjson.Health{Check: func(context.Context) error { return nil }}
		c.Metrics = metrics
	})
	const filing = `{"UserName":"u","RequestedRole":"AUTHOR"}`
	cases := []struct {
		method, path, body string
		anyone             bool // any verified caller, not only an admin
	}{
		{"GET", "/_qslocal/health", "", true},
		{"GET", "/metrics", "", true},
		{"GET", "/_qslocal/faults", "", true},
		{"GET", "/_qslocal/export?account=" + testAccount, "", true},
		{"GET", "/_qslocal/export?account=" + otherAccount, "", false},
		{"GET", "/_qslocal/export", "", false},
		{"PUT", "/_qslocal/faults", `{"rules":[]}`, false},
		{"DELETE", "/_qslocal/faults", "", false},
		{"POST", "/_qslocal/reset", "", false},
		{"POST", "/_qslocal/reset?account=" + testAccount, "", false},
		{"POST", "/moto-api/reset", "", false},
		{"POST", "/_qslocal/import", `{"accounts":[]}`, false},
		{"POST", filingPath, filing, false},
	}
	for _, tc := range cases {
		name := tc.method + " " + tc.path
		if r := send(t, srv, tc.method, tc.path, tc.body); r.Status != http.StatusForbidden || parseError(t, r).Code != "MissingAuthenticationTokenException" {
			t.Errorf("%s unsigned: %s", name, r)
		}
		r := send(t, srv, tc.method, tc.path, tc.body, "X-Test-Caller", "alice")
		if tc.anyone && r.Status != http.StatusOK {
			t.Errorf("%s by a caller: %s", name, r)
		}
		if !tc.anyone {
			if e := wantError(t, r, http.StatusForbidden, "AccessDeniedException"); !strings.Contains(e.Message, "admin: true") {
				t.Errorf("%s by a caller: %q", name, e.Message)
			}
		}
		if r := send(t, srv, tc.method, tc.path, tc.body, "X-Test-Caller", "admin"); r.Status != http.StatusOK {
			t.Errorf("%s by an admin: %s", name, r)
		}
	}
}

// TestDenyUpdatesStopsEveryUpdate: with a policy allowing quicksight:*
// and denying quicksight:Update*, evaluated by sigv4, every Update
// operation of the model is refused, and no other operation is.
func TestDenyUpdatesStopsEveryUpdate(t *testing.T) {
	t.Parallel()
	var p []sigv4.Policy
	if err := json.Unmarshal([]byte(`[{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"quicksight:*","Resource":"*"},
		{"Effect":"Deny","Action":"quicksight:Update*","Resource":"*"}]}]`), &p); err != nil {
		t.Fatal(err)
	}
	c := alice()
	c.deny = func(action, resource string) error {
		if sigv4.Evaluate(p, sigv4.Request{Action: action, Resource: resource}) != sigv4.Allow {
			return &qslocal.Error{Code: qslocal.CodeAccessDenied, Message: "denied " + action}
		}
		return nil
	}
	srv := authServer(&fakeHandler{}, map[string]*testCaller{"alice": c})
	updates := 0
	for _, op := range api.Operations {
		r := send(t, srv, op.Method, buildPath(op.URI, labelValue), "{}", "X-Test-Caller", "alice")
		if !strings.HasPrefix(op.Name, "Update") {
			if r.Status == http.StatusForbidden {
				t.Errorf("%s: %s", op.Name, r)
			}
			continue
		}
		updates++
		if e := wantError(t, r, http.StatusForbidden, "AccessDeniedException"); e.Message != "denied quicksight:"+op.Name {
			t.Errorf("%s: %q", op.Name, e.Message)
		}
	}
	if updates < 50 {
		t.Errorf("only %d Update operations", updates)
	}
}
