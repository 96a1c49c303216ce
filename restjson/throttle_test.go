package restjson_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/restjson"
)

func withRateLimit(n float64) func(*restjson.Config) {
	return func(c *restjson.Config) { c.RateLimit = n }
}

// TestThrottling: with RateLimit set, each account gets that many requests
// per second (burst the same); beyond it, an AWS-shaped ThrottlingException.
func TestThrottling(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	h := newServer(fake, withRateLimit(2))
	const other = "/accounts/444455556666/namespaces/default/users/alice"
	for i := range 2 {
		if r := send(t, h, "GET", describeUserPath, ""); r.Status != http.StatusOK {
			t.Fatalf("request %d within the burst: %s", i+1, r)
		}
	}
	r := send(t, h, "GET", describeUserPath, "")
	e := wantError(t, r, http.StatusTooManyRequests, "ThrottlingException")
	if id := requestIDOf(t, r); e.Body["RequestId"] != id {
		t.Errorf("body %s", r.Body)
	}
	if _, ok := e.Body["ResourceType"]; ok {
		t.Errorf("ThrottlingException has no ResourceType: %s", r.Body)
	}
	// Another account has its own allowance.
	if r := send(t, h, "GET", other, ""); r.Status != http.StatusOK {
		t.Errorf("another account was throttled: %s", r)
	}
	if n := len(fake.Calls()); n != 3 {
		t.Errorf("handler ran %d times, want 3", n)
	}
	// The ListUsersIndexCapacity label is spelled awsAccountId.
	h = newServer(&fakeHandler{}, withRateLimit(1))
	send(t, h, "POST", userCapacityPath, "{}")
	wantError(t, send(t, h, "POST", userCapacityPath, "{}"), http.StatusTooManyRequests, "ThrottlingException")
}

// TestThrottlingOff: RateLimit 0 never throttles.
func TestThrottlingOff(t *testing.T) {
	t.Parallel()
	h := newServer(&fakeHandler{countOnly: true})
	for i := range 200 {
		if r := send(t, h, "GET", describeUserPath, ""); r.Status != http.StatusOK {
			t.Fatalf("request %d: %s", i+1, r)
		}
	}
}

// TestThrottlingKeyIsTheAccount: the limiter is keyed on the decoded
// account, so spelling the same account with escaped digits ("%31" is "1")
// gets no fresh allowance.
func TestThrottlingKeyIsTheAccount(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	h := newServer(fake, withRateLimit(1))
	if r := send(t, h, "GET", describeUserPath, ""); r.Status != http.StatusOK {
		t.Fatalf("first request: %s", r)
	}
	for i, account := range []string{"%3111122223333", "1%311122223333", "%31%31%31%31%32%32%32%32%33%33%33%33"} {
		target := strings.Replace(describeUserPath, testAccount, account, 1)
		r := send(t, h, "GET", target, "")
		if r.Status == http.StatusOK {
			calls := fake.Calls()
			got := calls[len(calls)-1].Input.(*api.DescribeUserRequest).AwsAccountId
			t.Errorf("spelling %d (%s) escaped the rate limit of account %s; the handler saw account %q",
				i+1, account, testAccount, deref(got))
			continue
		}
		wantError(t, r, http.StatusTooManyRequests, "ThrottlingException")
	}
}
