package restjson_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/restjson"
	"github.com/qslocal/qslocal/sqlite"
)

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// requestLines are the "request" lines logged, decoded.
func (l *lockedBuffer) requestLines(t *testing.T) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var lines []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(l.b.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	return lines
}

// TestRequestLog: every request, answered or refused, logs one info line
// with the request id the client received.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	h := &fakeHandler{}
	srv := newServer(h, func(c *restjson.Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	users := "/accounts/" + testAccount + "/namespaces/default/users"
	for _, tc := range []struct {
		method, path, body string
		operation, account string
		status             float64
		code               string
	}{
		{"GET", users, "", "ListUsers", testAccount, 200, ""},
		{"GET", "/accounts/" + testAccount + "/namespaces/default/users?max-results=0", "", "ListUsers", "", 400, "ValidationException"},
		{"GET", "/no/such/path", "", restjson.UnknownOperation, "", 404, "UnknownOperationException"},
		{"GET", "/accounts/" + testAccount + "/dashboards", "", "ListDashboards", testAccount, 501, "NotImplementedException"},
	} {
		r := send(t, srv, tc.method, tc.path, tc.body)
		id := requestIDOf(t, r)
		lines := logs.requestLines(t)
		if len(lines) == 0 {
			t.Fatalf("%s %s: no request line", tc.method, tc.path)
		}
		got := lines[len(lines)-1]
		if got["level"] != "INFO" || got["request_id"] != id || got["operation"] != tc.operation || got["account"] != tc.account ||
			got["status"] != tc.status || got["code"] != tc.code || got["latency"] == nil {
			t.Errorf("%s %s answered %d (request id %s); logged %v", tc.method, tc.path, r.Status, id, got)
		}
	}
	if n := len(logs.requestLines(t)); n != 4 {
		t.Errorf("%d request lines for 4 requests", n)
	}
}

// TestHealth: the health check answers 200 while the store answers, and
// 503 once it does not.
func TestHealth(t *testing.T) {
	t.Parallel()
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(ctx context.Context) error {
		return store.View(ctx, func(tx qslocal.Tx) error {
			_, err := tx.CountNamespaces(ctx, "")
			return err
		})
	}
	var logs lockedBuffer
	srv := newServer(&fakeHandler{}, func(c *restjson.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
		c.Health = &restjson.Health{Check: check, Store: "sqlite", Version: "v9.9.9", Commit: "c0ffee"}
	})

	r := send(t, srv, "GET", restjson.HealthPath, "")
	if r.Status != 200 || string(bytes.TrimSpace(r.Body)) != `{"status":"ok","store":"sqlite","version":"v9.9.9","commit":"c0ffee"}` ||
		r.header("Content-Type") != "application/json" || r.header("x-amzn-RequestId") == "" {
		t.Errorf("healthy: %s", r)
	}

	store.Close()
	r = send(t, srv, "GET", restjson.HealthPath, "")
	e := wantError(t, r, 503, qslocal.CodeResourceUnavailable)
	if !strings.Contains(e.Message, "database") {
		t.Errorf("unhealthy: %s", r)
	}
	lines := logs.requestLines(t)
	if len(lines) != 2 || lines[0]["operation"] != "Health" || lines[1]["status"] != float64(503) {
		t.Errorf("logged %v", lines)
	}
	if !strings.Contains(logs.b.String(), "health check failed") {
		t.Errorf("the cause is not logged: %s", logs.b.String())
	}

	// Without a check there is no such route.
	r = send(t, newServer(&fakeHandler{}), "GET", restjson.HealthPath, "")
	wantError(t, r, 404, restjson.CodeUnknownOperation)
}

// TestHealthTimeout: a store that does not answer within HealthTimeout
// fails the check rather than holding the load balancer.
func TestHealthTimeout(t *testing.T) {
	t.Parallel()
	hang := func(ctx context.Context) error { <-ctx.Done(); return errors.Join(qslocal.ErrUnavailable, ctx.Err()) }
	srv := newServer(&fakeHandler{}, func(c *restjson.Config) { c.Health = &restjson.Health{Check: hang} })
	r := send(t, srv, "GET", restjson.HealthPath, "")
	wantError(t, r, 503, qslocal.CodeResourceUnavailable)
}

// TestRefusedRequestsNameTheirOperation: a request refused by signature
// verification, before it is routed, is still logged and reported under
// the operation its path and method name.
func TestRefusedRequestsNameTheirOperation(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	srv := authServer(&fakeHandler{}, nil, func(c *restjson.Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	for _, tc := range []struct{ method, path, operation string }{
		{"GET", "/accounts/" + testAccount + "/namespaces/default/users", "ListUsers"},
		{"PUT", "/accounts/" + testAccount + "/namespaces/default/users/alice", "UpdateUser"},
		{"GET", "/no/such/path", restjson.UnknownOperation},
	} {
		r := send(t, srv, tc.method, tc.path, "")
		wantError(t, r, 403, "MissingAuthenticationTokenException")
		lines := logs.requestLines(t)
		if got := lines[len(lines)-1]["operation"]; got != tc.operation {
			t.Errorf("%s %s: logged operation %v, want %s", tc.method, tc.path, got, tc.operation)
		}
	}
}
