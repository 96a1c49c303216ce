package restjson_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/restjson"
)

// seedingHandler is a fakeHandler that can also file self-upgrade
// requests.
type seedingHandler struct{ fakeHandler }

type filing struct{ Account, Namespace, User, Role, Note string }

func (h *seedingHandler) RequestSelfUpgrade(ctx context.Context, account, namespace, user, role, note string) (*api.SelfUpgradeRequestDetail, error) {
	return answer(&h.fakeHandler, ctx, "RequestSelfUpgrade", filing{account, namespace, user, role, note}, &api.SelfUpgradeRequestDetail{
		UpgradeRequestId: ptr("r1"), UserName: &user, RequestedRole: (*api.UserRole)(&role),
		RequestStatus: ptr(api.SelfUpgradeRequestStatusPending), CreationTime: ptr(int64(1795232517918)),
	})
}

const filingPath = "/_qslocal/accounts/" + testAccount + "/namespaces/default/self-upgrade-requests"

func TestFileSelfUpgrade(t *testing.T) {
	t.Parallel()
	h := &seedingHandler{}
	r := send(t, newServer(h), "POST", filingPath, `{"UserName":"a/b é","RequestedRole":"AUTHOR","RequestNote":"please"}`, "Authorization", testAuth)
	if r.Status != 200 {
		t.Fatalf("filing: %s", r)
	}
	call := h.only(t)
	if got := call.Input.(filing); got != (filing{testAccount, "default", "a/b é", "AUTHOR", "please"}) || call.Call.Region != testRegion {
		t.Errorf("handler got %+v in region %q", got, call.Call.Region)
	}
	var out struct {
		SelfUpgradeRequestDetail map[string]any
		RequestId                string
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	if out.RequestId == "" || out.RequestId != r.header("x-amzn-RequestId") || out.SelfUpgradeRequestDetail["RequestStatus"] != "PENDING" ||
		out.SelfUpgradeRequestDetail["CreationTime"] != float64(1795232517918) {
		t.Errorf("answer %s", r.Body)
	}
}

func TestFileSelfUpgradeRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method, path, body string
		handlerErr               error
		status                   int
		code, inMessage          string
	}{
		{"bad account", "POST", "/_qslocal/accounts/12/namespaces/default/self-upgrade-requests", `{"UserName":"a","RequestedRole":"AUTHOR"}`, nil, 400, "ValidationException", "awsAccountId"},
		{"bad namespace", "POST", "/_qslocal/accounts/" + testAccount + "/namespaces/a%20b/self-upgrade-requests", `{"UserName":"a","RequestedRole":"AUTHOR"}`, nil, 400, "ValidationException", "namespace"},
		{"no user", "POST", filingPath, `{"RequestedRole":"AUTHOR"}`, nil, 400, "ValidationException", "userName"},
		{"user out of pattern", "POST", filingPath, `{"UserName":"\u0100","RequestedRole":"AUTHOR"}`, nil, 400, "ValidationException", "userName"},
		{"no role", "POST", filingPath, `{"UserName":"a"}`, nil, 400, "ValidationException", "requestedRole"},
		{"not a role", "POST", filingPath, `{"UserName":"a","RequestedRole":"BOSS"}`, nil, 400, "ValidationException", "requestedRole"},
		{"note of the wrong type", "POST", filingPath, `{"UserName":"a","RequestedRole":"AUTHOR","RequestNote":7}`, nil, 400, "InvalidParameterValueException", "RequestNote"},
		{"not JSON", "POST", filingPath, `{"UserName":`, nil, 400, "InvalidParameterValueException", ""},
		{"wrong method", "GET", filingPath, "", nil, 404, "UnknownOperationException", "GET"},
		{"handler refuses", "POST", filingPath, `{"UserName":"a","RequestedRole":"AUTHOR"}`,
			&qslocal.Error{Code: qslocal.CodeConflict, Message: "User a already has a pending self-upgrade request."}, 409, "ConflictException", "pending"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := &seedingHandler{fakeHandler{err: tc.handlerErr}}
			r := send(t, newServer(h), tc.method, tc.path, tc.body)
			e := parseError(t, r)
			if r.Status != tc.status || e.Code != tc.code || !strings.Contains(e.Body["Message"].(string), tc.inMessage) {
				t.Errorf("got %s, want %d %s naming %q", r, tc.status, tc.code, tc.inMessage)
			}
			if n := len(h.Calls()); tc.handlerErr == nil && n != 0 {
				t.Errorf("refused input reached the handler %d times", n)
			}
		})
	}
}

// A handler that cannot file requests has no such path.
func TestNoFilingWithoutSeeder(t *testing.T) {
	t.Parallel()
	r := send(t, newServer(&fakeHandler{}), "POST", filingPath, `{"UserName":"a","RequestedRole":"AUTHOR"}`)
	if e := parseError(t, r); r.Status != 404 || e.Code != "UnknownOperationException" {
		t.Errorf("got %s", r)
	}
}

// Filing goes through the same pipeline as the model's operations: the
// account's rate limit and the query checks apply to it too.
func TestFilingSharesThePipeline(t *testing.T) {
	t.Parallel()
	h := &seedingHandler{}
	srv := newServer(h, func(c *restjson.Config) { c.RateLimit = 1 })
	body := `{"UserName":"a","RequestedRole":"AUTHOR"}`
	if r := send(t, srv, "POST", filingPath+"?max-results=x", body); r.Status != 200 {
		t.Errorf("a query member filing does not have is not ignored: %s", r)
	}
	r := send(t, srv, "POST", filingPath, body)
	if e := parseError(t, r); r.Status != 429 || e.Code != "ThrottlingException" {
		t.Errorf("second filing within the second: %s", r)
	}
	r = send(t, newServer(&seedingHandler{}), "POST", filingPath+"?a=%zz", body)
	if e := parseError(t, r); r.Status != 400 || e.Code != "ValidationException" {
		t.Errorf("malformed query: %s", r)
	}
}
