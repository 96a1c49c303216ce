package restjson_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
	"github.com/qslocal/qslocal/restjson"
)

// TestModelErrors: a *qslocal.Error with any code of the model gets that
// code's status, its members and nothing else.
func TestModelErrors(t *testing.T) {
	t.Parallel()
	codes := make([]string, 0, len(api.ErrorShapes))
	for c := range api.ErrorShapes {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	if len(codes) != 23 {
		t.Errorf("api.ErrorShapes has %d codes, want the model's 23", len(codes))
	}
	for _, code := range codes {
		es := api.ErrorShapes[code]
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{err: &qslocal.Error{Code: code, Message: "something about " + code, ResourceType: qslocal.ResourceUser}}
			// ListUsers declares InvalidNextTokenException, which the
			// server rewrites for operations that do not (see below).
			r := send(t, newServer(fake), "GET", "/accounts/111122223333/namespaces/default/users", "")
			e := wantError(t, r, es.Status, code)
			id := requestIDOf(t, r)
			if e.Message != "something about "+code {
				t.Errorf("Message = %q", e.Message)
			}
			want := map[string]any{"Message": "something about " + code}
			if es.RequestID {
				want["RequestId"] = id
			}
			if es.ResourceType {
				want["ResourceType"] = "USER"
			}
			if !mapsEqual(e.Body, want) {
				t.Errorf("body %s, want %v", r.Body, want)
			}
		})
	}
}

// TestErrorShapesMatchModelTable pins a few statuses from api-surface §1.4,
// so a generator bug cannot make TestModelErrors pass by agreeing with
// itself.
func TestErrorShapesMatchModelTable(t *testing.T) {
	t.Parallel()
	want := map[string]api.ErrorShape{
		"AccessDeniedException":           {Status: 401, RequestID: true},
		"ConflictException":               {Status: 409, RequestID: true},
		"InternalFailureException":        {Status: 500, RequestID: true, Fault: true},
		"InternalServerException":         {Status: 500, Fault: true},
		"InvalidParameterValueException":  {Status: 400, RequestID: true},
		"LimitExceededException":          {Status: 409, RequestID: true, ResourceType: true},
		"QuickSightUserNotFoundException": {Status: 404, RequestID: true},
		"ResourceExistsException":         {Status: 409, RequestID: true, ResourceType: true},
		"ResourceNotFoundException":       {Status: 404, RequestID: true, ResourceType: true},
		"ResourceUnavailableException":    {Status: 503, RequestID: true, ResourceType: true},
		"ThrottlingException":             {Status: 429, RequestID: true},
		"UnsupportedUserEditionException": {Status: 403, RequestID: true},
	}
	for code, w := range want {
		if got := api.ErrorShapes[code]; got != w {
			t.Errorf("%s: %+v, want %+v", code, got, w)
		}
	}
}

// TestResourceTypeOmittedWhenEmpty: a shape with ResourceType does not send
// an empty one.
func TestResourceTypeOmittedWhenEmpty(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{err: &qslocal.Error{Code: qslocal.CodeResourceNotFound, Message: "gone"}}
	r := send(t, newServer(fake), "GET", describeUserPath, "")
	e := wantError(t, r, http.StatusNotFound, qslocal.CodeResourceNotFound)
	if _, ok := e.Body["ResourceType"]; ok {
		t.Errorf("body %s has an empty ResourceType", r.Body)
	}
}

// TestInternalErrors: anything that is not a *qslocal.Error becomes a 500
// InternalFailureException that does not leak its text, but is logged with
// the request id.
func TestInternalErrors(t *testing.T) {
	t.Parallel()
	const secret = "open /var/lib/qslocal/db.sqlite: database is locked"
	cases := []struct {
		name string
		fake *fakeHandler
	}{
		{"plain error", &fakeHandler{err: errors.New(secret)}},
		{"wrapped error", &fakeHandler{err: fmt.Errorf("store: %w", errors.New(secret))}},
		{"nil output and nil error", &fakeHandler{nilOutput: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			logs := &syncBuffer{}
			logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			r := send(t, newServer(c.fake, func(cfg *restjson.Config) { cfg.Logger = logger }), "GET", describeUserPath, "")
			e := wantError(t, r, http.StatusInternalServerError, "InternalFailureException")
			id := requestIDOf(t, r)
			if e.Body["RequestId"] != id {
				t.Errorf("body RequestId %v, header %q", e.Body["RequestId"], id)
			}
			for _, leak := range []string{"/var/lib", "database is locked", "store:", "returned no output"} {
				if bytes.Contains(r.Body, []byte(leak)) {
					t.Errorf("response leaks %q: %s", leak, r.Body)
				}
			}
			if got := logs.String(); !strings.Contains(got, id) {
				t.Errorf("log does not carry the request id %s:\n%s", id, got)
			} else if c.fake.err != nil && !strings.Contains(got, "database is locked") {
				t.Errorf("log does not carry the cause:\n%s", got)
			}
		})
	}
}

// TestRuntimeErrors covers the errors the shape runtime defines.
func TestRuntimeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		status int
		code   string
		text   string
	}{
		{"not implemented", &shape.NotImplementedError{Operation: "DescribeUser"}, 501, "NotImplementedException", "DescribeUser"},
		{"wrapped not implemented", fmt.Errorf("x: %w", &shape.NotImplementedError{Operation: "DescribeUser"}), 501, "NotImplementedException", "DescribeUser"},
		{"validation from the service", &shape.ValidationError{Violations: []shape.Violation{{Path: "UserName", Value: "'x'", Message: "Member must be nice"}}}, 400, "ValidationException", "'userName'"},
		{"wrapped model error", fmt.Errorf("ctx: %w", &qslocal.Error{Code: qslocal.CodeConflict, Message: "busy"}), 409, "ConflictException", "busy"},
		{"code outside the model", &qslocal.Error{Code: "MadeUpException", Message: "m"}, 400, "MadeUpException", "m"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, newServer(&fakeHandler{err: c.err}), "GET", describeUserPath, "")
			e := wantError(t, r, c.status, c.code)
			if !strings.Contains(e.Message, c.text) {
				t.Errorf("message %q does not contain %q", e.Message, c.text)
			}
			requestIDOf(t, r)
		})
	}
}

// TestCancelledRequest: a handler that fails because the client went away
// does not log an internal failure with its cause as if it were a bug.
func TestCancelledRequest(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	fake := &fakeHandler{err: fmt.Errorf("query: %w", context.Canceled)}
	r := send(t, newServer(fake, func(c *restjson.Config) { c.Logger = logger }), "GET", describeUserPath, "")
	parseError(t, r)
	if strings.Contains(logs.String(), "internal failure") {
		t.Errorf("a cancelled request was logged as an internal failure:\n%s", logs)
	}
}

// TestSuccessBodies covers how outputs are written: RequestId spelling,
// Status in the body only where the model puts it there, 204 without a
// body.
func TestSuccessBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		op, target, body string
		check            func(t *testing.T, r reply, body map[string]any)
	}{
		{"DescribeUser", describeUserPath, "", func(t *testing.T, r reply, body map[string]any) {
			if _, ok := body["Status"]; ok {
				t.Errorf("Status is bound to the status line, but is in the body")
			}
			if body["RequestId"] == nil {
				t.Errorf("no RequestId in the body")
			}
		}},
		{"UpdateDashboard", "/accounts/111122223333/dashboards/d1", `{"Name":"n"}`, func(t *testing.T, r reply, body map[string]any) {
			// Status is an unbound body member here (api-surface §1.2).
			if body["Status"] != float64(200) {
				t.Errorf("body Status = %v, want 200", body["Status"])
			}
		}},
		{"ListUsersIndexCapacity", userCapacityPath, `{}`, func(t *testing.T, r reply, body map[string]any) {
			if body["requestId"] == nil || body["RequestId"] != nil {
				t.Errorf("want lowercase requestId only: %v", body)
			}
		}},
		{"UpdateSpacePermissions", "/v1/accounts/111122223333/spaces/s1/permissions", `{}`, func(t *testing.T, r reply, body map[string]any) {
			if body["requestId"] == nil || body["RequestId"] != nil {
				t.Errorf("want lowercase requestId only: %v", body)
			}
		}},
		{"ListBrands", "/accounts/111122223333/brands", "", func(t *testing.T, r reply, body map[string]any) {
			if len(body) != 0 {
				t.Errorf("ListBrands has no RequestId member: %v", body)
			}
		}},
		{"DeleteSpace", "/v1/accounts/111122223333/spaces/s1", "", func(t *testing.T, r reply, body map[string]any) {
			if len(r.Body) != 0 {
				t.Errorf("204 with a body: %q", r.Body)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) {
			t.Parallel()
			op := opByName(t, c.op)
			if m, ok := matchURI(op.URI, strings.SplitN(c.target, "?", 2)[0]); !ok {
				t.Fatalf("%s does not match %s (%v)", c.target, op.URI, m)
			}
			fake := &fakeHandler{}
			r := send(t, newServer(fake), op.Method, c.target, c.body)
			if r.Status != op.SuccessStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, op.SuccessStatus, r)
			}
			if got := fake.only(t).Op; got != c.op {
				t.Fatalf("routed to %s", got)
			}
			requestIDOf(t, r)
			var body map[string]any
			if len(r.Body) > 0 {
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("%v: %s", err, r.Body)
				}
			}
			c.check(t, r, body)
		})
	}
}

// TestOutputNotEscaped: AWS does not HTML-escape <, > and & in JSON.
func TestOutputNotEscaped(t *testing.T) {
	t.Parallel()
	r := send(t, newServer(&fakeHandler{}), "GET", usersPath+"a%3Cb%3E%26c", "")
	if r.Status != http.StatusOK {
		t.Fatalf("got %s", r)
	}
	if !bytes.Contains(r.Body, []byte(`"UserName":"a<b>&c"`)) {
		t.Errorf("body %s", r.Body)
	}
}

// TestRequestIDs: every answer, success or error, routed or not, has a
// fresh id, and the handler sees the same one.
func TestRequestIDs(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	h := restjson.New(restjson.Config{Handler: fake}) // default ids
	seen := map[string]bool{}
	for _, target := range []string{describeUserPath, describeUserPath, "/nowhere", usersPath + "bad%00name"} {
		r := send(t, h, "GET", target, "")
		id := requestIDOf(t, r)
		if seen[id] {
			t.Errorf("request id %s reused", id)
		}
		seen[id] = true
	}
	for _, c := range fake.Calls() {
		if !seen[c.Call.RequestID] {
			t.Errorf("handler saw request id %q, not one the client got", c.Call.RequestID)
		}
	}
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// syncBuffer is a bytes.Buffer safe for a logger used by several
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStoreUnavailable: qslocal.ErrUnavailable, however wrapped, is a 503
// ResourceUnavailableException that does not leak the store's error.
func TestStoreUnavailable(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{err: fmt.Errorf("sqlite: BEGIN IMMEDIATE on /var/lib/q.db: %w", qslocal.ErrUnavailable)}
	r := send(t, newServer(fake), "GET", describeUserPath, "")
	e := wantError(t, r, http.StatusServiceUnavailable, qslocal.CodeResourceUnavailable)
	if strings.Contains(string(r.Body), "sqlite") || strings.Contains(string(r.Body), "/var/lib") {
		t.Errorf("response leaks the cause: %s", r.Body)
	}
	if _, ok := e.Body["ResourceType"]; ok {
		t.Errorf("empty ResourceType sent: %s", r.Body)
	}
	if e.Body["RequestId"] != requestIDOf(t, r) {
		t.Errorf("body %s", r.Body)
	}
}

// TestUndeclaredInvalidNextToken: an operation whose model does not list
// InvalidNextTokenException answers a bad token as
// InvalidParameterValueException, which SDKs can type.
func TestUndeclaredInvalidNextToken(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{err: &qslocal.Error{Code: qslocal.CodeInvalidNextToken, Message: "bad token"}}
	r := send(t, newServer(fake), "GET", describeUserPath, "")
	e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
	if !strings.Contains(e.Message, "NextToken") {
		t.Errorf("message %q does not name NextToken", e.Message)
	}
	r = send(t, newServer(fake), "GET", "/accounts/111122223333/namespaces/default/users", "")
	wantError(t, r, http.StatusBadRequest, "InvalidNextTokenException")
}
