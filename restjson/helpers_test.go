package restjson_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/restjson"
)

const (
	testAccount = "111122223333"
	testRegion  = "us-east-1"
	// testAuth is a SigV4 Authorization header for testRegion; restjson
	// reads only its credential scope.
	testAuth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/quicksight/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
)

// fakeCall is one call the fake handler received.
type fakeCall struct {
	Op    string
	Input any
	Call  qslocal.Call
}

// fakeHandler records the input of a few operations and answers them with
// canned outputs, or with err when it is set. Every other operation is
// api.Unimplemented. Each test builds its own, so tests stay parallel-safe.
type fakeHandler struct {
	api.Unimplemented

	err       error // returned by every recorded operation when non-nil
	nilOutput bool  // return (nil, nil), which a handler must never do
	countOnly bool  // count calls without keeping them (benchmarks)

	mu    sync.Mutex
	calls []fakeCall
	count int
}

func (f *fakeHandler) record(ctx context.Context, op string, in any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count++
	if !f.countOnly {
		f.calls = append(f.calls, fakeCall{Op: op, Input: in, Call: qslocal.CallFrom(ctx)})
	}
	return f.err
}

// Calls returns a copy of the calls received so far.
func (f *fakeHandler) Calls() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// only returns the single call the handler received, failing otherwise.
func (f *fakeHandler) only(t testing.TB) fakeCall {
	t.Helper()
	calls := f.Calls()
	if len(calls) != 1 {
		t.Fatalf("handler received %d calls, want 1: %+v", len(calls), calls)
	}
	return calls[0]
}

// answer is the common tail of every recorded method.
func answer[T any](f *fakeHandler, ctx context.Context, op string, in any, out *T) (*T, error) {
	if err := f.record(ctx, op, in); err != nil {
		return nil, err
	}
	if f.nilOutput {
		return nil, nil
	}
	return out, nil
}

func (f *fakeHandler) UpdateUser(ctx context.Context, in *api.UpdateUserRequest) (*api.UpdateUserResponse, error) {
	return answer(f, ctx, "UpdateUser", in, &api.UpdateUserResponse{User: &api.User{
		Arn:          ptr("arn:aws:quicksight:us-east-1:111122223333:user/default/" + deref(in.UserName)),
		UserName:     in.UserName,
		Email:        in.Email,
		Role:         in.Role,
		IdentityType: ptr(api.IdentityType("QUICKSIGHT")),
		Active:       ptr(true),
		PrincipalId:  ptr("federated/quicksight/alice"),
	}})
}

func (f *fakeHandler) DescribeUser(ctx context.Context, in *api.DescribeUserRequest) (*api.DescribeUserResponse, error) {
	return answer(f, ctx, "DescribeUser", in, &api.DescribeUserResponse{User: &api.User{
		UserName: in.UserName,
		Email:    ptr("alice@example.com"),
		Role:     ptr(api.UserRole("READER")),
	}})
}

func (f *fakeHandler) RegisterUser(ctx context.Context, in *api.RegisterUserRequest) (*api.RegisterUserResponse, error) {
	return answer(f, ctx, "RegisterUser", in, &api.RegisterUserResponse{User: &api.User{UserName: in.UserName}})
}

func (f *fakeHandler) ListUsers(ctx context.Context, in *api.ListUsersRequest) (*api.ListUsersResponse, error) {
	return answer(f, ctx, "ListUsers", in, &api.ListUsersResponse{UserList: []api.User{}})
}

func (f *fakeHandler) UpdateSelfUpgrade(ctx context.Context, in *api.UpdateSelfUpgradeRequest) (*api.UpdateSelfUpgradeResponse, error) {
	return answer(f, ctx, "UpdateSelfUpgrade", in, &api.UpdateSelfUpgradeResponse{})
}

func (f *fakeHandler) UpdateFlowPermissions(ctx context.Context, in *api.UpdateFlowPermissionsInput) (*api.UpdateFlowPermissionsOutput, error) {
	return answer(f, ctx, "UpdateFlowPermissions", in, &api.UpdateFlowPermissionsOutput{FlowId: in.FlowId, Permissions: in.GrantPermissions})
}

func (f *fakeHandler) UpdateAnalysisPermissions(ctx context.Context, in *api.UpdateAnalysisPermissionsRequest) (*api.UpdateAnalysisPermissionsResponse, error) {
	return answer(f, ctx, "UpdateAnalysisPermissions", in, &api.UpdateAnalysisPermissionsResponse{AnalysisId: in.AnalysisId, Permissions: in.GrantPermissions})
}

func (f *fakeHandler) UpdateIAMPolicyAssignment(ctx context.Context, in *api.UpdateIAMPolicyAssignmentRequest) (*api.UpdateIAMPolicyAssignmentResponse, error) {
	return answer(f, ctx, "UpdateIAMPolicyAssignment", in, &api.UpdateIAMPolicyAssignmentResponse{AssignmentName: in.AssignmentName, Identities: in.Identities})
}

func (f *fakeHandler) TagResource(ctx context.Context, in *api.TagResourceRequest) (*api.TagResourceResponse, error) {
	return answer(f, ctx, "TagResource", in, &api.TagResourceResponse{})
}

func (f *fakeHandler) UntagResource(ctx context.Context, in *api.UntagResourceRequest) (*api.UntagResourceResponse, error) {
	return answer(f, ctx, "UntagResource", in, &api.UntagResourceResponse{})
}

func (f *fakeHandler) DeleteSpace(ctx context.Context, in *api.DeleteSpaceRequest) (*api.DeleteSpaceResponse, error) {
	return answer(f, ctx, "DeleteSpace", in, &api.DeleteSpaceResponse{SpaceId: in.SpaceId})
}

func (f *fakeHandler) UpdateDashboard(ctx context.Context, in *api.UpdateDashboardRequest) (*api.UpdateDashboardResponse, error) {
	return answer(f, ctx, "UpdateDashboard", in, &api.UpdateDashboardResponse{DashboardId: in.DashboardId})
}

func (f *fakeHandler) ListBrands(ctx context.Context, in *api.ListBrandsRequest) (*api.ListBrandsResponse, error) {
	return answer(f, ctx, "ListBrands", in, &api.ListBrandsResponse{})
}

func (f *fakeHandler) ListUsersIndexCapacity(ctx context.Context, in *api.ListUsersIndexCapacityRequest) (*api.ListUsersIndexCapacityResponse, error) {
	return answer(f, ctx, "ListUsersIndexCapacity", in, &api.ListUsersIndexCapacityResponse{})
}

func (f *fakeHandler) UpdateSpacePermissions(ctx context.Context, in *api.UpdateSpacePermissionsRequest) (*api.UpdateSpacePermissionsResponse, error) {
	return answer(f, ctx, "UpdateSpacePermissions", in, &api.UpdateSpacePermissionsResponse{SpaceId: in.SpaceId})
}

func (f *fakeHandler) DeleteUser(ctx context.Context, in *api.DeleteUserRequest) (*api.DeleteUserResponse, error) {
	return answer(f, ctx, "DeleteUser", in, &api.DeleteUserResponse{})
}

func (f *fakeHandler) DeleteNamespace(ctx context.Context, in *api.DeleteNamespaceRequest) (*api.DeleteNamespaceResponse, error) {
	return answer(f, ctx, "DeleteNamespace", in, &api.DeleteNamespaceResponse{})
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// sequentialIDs returns a NewRequestID that makes predictable ids.
func sequentialIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Add(1)) }
}

// newServer wires h into a restjson server with predictable request ids.
func newServer(h api.Handler, opts ...func(*restjson.Config)) http.Handler {
	cfg := restjson.Config{Handler: h, NewRequestID: sequentialIDs()}
	for _, o := range opts {
		o(&cfg)
	}
	return restjson.New(cfg)
}

// reply is a recorded response.
type reply struct {
	Status int
	Header http.Header // keys exactly as the server wrote them
	Body   []byte
}

// header returns the first value of name, matched case-insensitively the
// way an HTTP client reads it (restjson writes some keys in AWS's spelling,
// which http.Header.Get would not find).
func (r reply) header(name string) string {
	for k, vs := range r.Header {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// exactHeader returns the values stored under exactly this spelling of the
// name: restjson writes x-amzn-RequestId in AWS's spelling, bypassing
// canonicalization, and the tests pin that spelling.
func (r reply) exactHeader(name string) ([]string, bool) {
	for k, vs := range r.Header {
		if k == name {
			return vs, true
		}
	}
	return nil, false
}

func (r reply) String() string {
	return fmt.Sprintf("%d %v %s", r.Status, r.Header, r.Body)
}

// send serves one request built like a server would receive it. Extra
// headers come in name, value pairs. A signed Authorization header for
// us-east-1 is added unless one is given.
func send(t testing.TB, h http.Handler, method, target, body string, headers ...string) reply {
	t.Helper()
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, target, nil)
	} else {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", testAuth)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return serve(h, req)
}

func serve(h http.Handler, req *http.Request) reply {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return reply{Status: res.StatusCode, Header: res.Header, Body: b}
}

// rawRequest parses a request exactly as net/http's server would read it
// from the wire; it returns an error where the server would reject it.
func rawRequest(method, target string, headers [][2]string, body string) (*http.Request, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, target)
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(b.String())))
	if err != nil {
		return nil, err
	}
	req.RemoteAddr = "192.0.2.1:1234"
	return req, nil
}

// awsError is a decoded error response.
type awsError struct {
	Code    string // from X-Amzn-ErrorType, before any ':'
	Message string
	Body    map[string]any
}

// parseError decodes r as an AWS rest-json error, failing the test when it
// is not one: an X-Amzn-ErrorType header and a JSON object body carrying a
// Message string.
func parseError(t testing.TB, r reply) awsError {
	t.Helper()
	e, err := decodeError(r)
	if err != nil {
		t.Fatalf("not an AWS-shaped error (%v): %s", err, r)
	}
	return e
}

func decodeError(r reply) (awsError, error) {
	var e awsError
	code := r.header("X-Amzn-ErrorType")
	if code == "" {
		return e, fmt.Errorf("no X-Amzn-ErrorType header")
	}
	e.Code, _, _ = strings.Cut(code, ":")
	if ct := r.header("Content-Type"); ct != "application/json" {
		return e, fmt.Errorf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal(r.Body, &e.Body); err != nil {
		return e, fmt.Errorf("body is not a JSON object: %v", err)
	}
	msg, ok := e.Body["Message"].(string)
	if !ok || msg == "" {
		return e, fmt.Errorf("body has no Message string")
	}
	e.Message = msg
	return e, nil
}

// wantError checks that r is the AWS error code with the given status and
// returns it.
func wantError(t testing.TB, r reply, status int, code string) awsError {
	t.Helper()
	e := parseError(t, r)
	if r.Status != status || e.Code != code {
		t.Fatalf("got %d %s (%q), want %d %s", r.Status, e.Code, e.Message, status, code)
	}
	return e
}

// requestIDOf returns the x-amzn-RequestId header, checking that it is
// present, written in AWS's spelling, and equal to the body's RequestId
// (or requestId) when the body carries one.
func requestIDOf(t testing.TB, r reply) string {
	t.Helper()
	ids, ok := r.exactHeader("x-amzn-RequestId")
	if !ok || len(ids) != 1 || ids[0] == "" {
		t.Fatalf("response has no x-amzn-RequestId header: %s", r)
	}
	if len(r.Body) > 0 {
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
		}
		for _, k := range []string{"RequestId", "requestId"} {
			if v, ok := body[k]; ok && v != ids[0] {
				t.Errorf("body %s = %v, header x-amzn-RequestId = %q", k, v, ids[0])
			}
		}
	}
	return ids[0]
}

// opByName finds an operation of the model.
func opByName(t testing.TB, name string) *api.Operation {
	t.Helper()
	for i := range api.Operations {
		if api.Operations[i].Name == name {
			return &api.Operations[i]
		}
	}
	t.Fatalf("no operation %s in api.Operations", name)
	return nil
}

// matchURI matches an escaped request path against a model requestUri and
// returns the still-escaped label values, or ok false.
func matchURI(uri, path string) (labels map[string]string, ok bool) {
	us, ps := strings.Split(uri, "/"), strings.Split(path, "/")
	if len(us) != len(ps) {
		return nil, false
	}
	labels = map[string]string{}
	for i, u := range us {
		if strings.HasPrefix(u, "{") && strings.HasSuffix(u, "}") {
			if ps[i] == "" {
				return nil, false
			}
			labels[u[1:len(u)-1]] = ps[i]
			continue
		}
		if u != ps[i] {
			return nil, false
		}
	}
	return labels, true
}

// uriLabels lists the labels of a requestUri in order.
func uriLabels(uri string) []string {
	var out []string
	for _, seg := range strings.Split(uri, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

// httpRequest builds an unsigned request.
func httpRequest(t testing.TB, method, target, body string) *http.Request {
	t.Helper()
	req, err := rawRequest(method, target, [][2]string{{"Host", "quicksight.us-east-1.amazonaws.com"}, {"Content-Length", fmt.Sprint(len(body))}}, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
