package restjson_test

import (
	"net/http"
	"testing"

	"github.com/qslocal/qslocal/restjson"
)

// TestInjectedErrorShape: an injected error is answered as the real one,
// status and body alike, before the request is read.
func TestInjectedErrorShape(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	srv := newServer(fake)
	srv.(*restjson.Server).SetFaults(restjson.FaultRules{Rules: []restjson.FaultRule{{Operation: "DescribeUser", Error: "ThrottlingException"}, {Operation: "ListUsers", Error: "ResourceUnavailableException"}}})
	r := send(t, srv, "GET", "/accounts/111122223333/namespaces/default/users/alice", "")
	e := wantError(t, r, http.StatusTooManyRequests, "ThrottlingException")
	if e.Message != "Rate exceeded." {
		t.Errorf("message %q", e.Message)
	}
	wantError(t, send(t, srv, "GET", "/accounts/111122223333/namespaces/default/users?max-results=0", ""), http.StatusServiceUnavailable, "ResourceUnavailableException")
	if n := len(fake.Calls()); n != 0 {
		t.Errorf("handler called %d times under faults", n)
	}
}
