package restjson_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
	"github.com/qslocal/qslocal/restjson"
)

// labelValue is a value valid for the shape of a path label.
func labelValue(label string) string {
	switch label {
	case "AwsAccountId", "awsAccountId":
		return testAccount
	case "Namespace":
		return "default"
	case "Role":
		return "AUTHOR"
	case "MemberType":
		return "DASHBOARD"
	case "Service":
		return "REDSHIFT"
	case "VersionNumber":
		return "1"
	case "ResourceArn":
		return "arn:aws:quicksight:us-east-1:111122223333:dashboard/abc-123"
	case "FlowId", "AutomationGroupId", "AutomationId", "JobId":
		return "0f5e6d7c-1234-4abc-9def-0123456789ab" // the model wants a UUID
	}
	return "abc-123"
}

// buildPath fills every label of uri with value(label), escaped the way the
// SDKs escape a non-greedy label.
func buildPath(uri string, value func(string) string) string {
	segs := strings.Split(uri, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = url.PathEscape(value(s[1 : len(s)-1]))
		}
	}
	return strings.Join(segs, "/")
}

func isAccountLabel(l string) bool { return l == "AwsAccountId" || l == "awsAccountId" }

// TestEveryOperationIsRouted sends every operation of the model, with valid
// labels and an empty JSON object, to a server whose handler implements
// nothing. Each must reach its own route: either the handler (501 naming the
// operation) or the model's validation (400), never the router's 404.
func TestEveryOperationIsRouted(t *testing.T) {
	if n := len(api.Operations); n != 277 {
		t.Errorf("api.Operations has %d entries, want the model's 277", n)
	}
	h := newServer(api.Unimplemented{})
	var routed, reachedHandler, rejected, accountChecked int
	for _, op := range api.Operations {
		t.Run(op.Name, func(t *testing.T) {
			labels := uriLabels(op.URI)
			target := buildPath(op.URI, labelValue)
			r := send(t, h, op.Method, target, "{}")
			requestIDOf(t, r)
			e := parseError(t, r)
			switch {
			case r.Status == http.StatusNotImplemented:
				if e.Code != "NotImplementedException" {
					t.Errorf("501 with X-Amzn-ErrorType %s, want NotImplementedException", e.Code)
				}
				if !strings.Contains(e.Message, op.Name) {
					t.Errorf("501 message %q does not name %s", e.Message, op.Name)
				}
				reachedHandler++
			case r.Status == http.StatusBadRequest:
				if e.Code != "ValidationException" {
					t.Errorf("400 with X-Amzn-ErrorType %s, want ValidationException: %q", e.Code, e.Message)
				}
				// Every label carried a valid value, so validation must
				// not complain about one: that would mean it was not bound.
				for _, l := range labels {
					if strings.Contains(e.Message, "'"+shape.WirePath(l)+"'") {
						t.Errorf("label %s=%q was rejected or not bound: %q", l, labelValue(l), e.Message)
					}
				}
				rejected++
			default:
				t.Fatalf("%s %s: got %d %s %q, want 501 NotImplementedException or 400 ValidationException",
					op.Method, target, r.Status, e.Code, e.Message)
			}
			routed++

			// The account label is validated for every operation that has one.
			var account string
			for _, l := range labels {
				if isAccountLabel(l) {
					account = l
				}
			}
			if account == "" {
				return // the tag operations address a resource ARN
			}
			bad := buildPath(op.URI, func(l string) string {
				if isAccountLabel(l) {
					return "not-an-account"
				}
				return labelValue(l)
			})
			r = send(t, h, op.Method, bad, "{}")
			if e = parseError(t, r); r.Status != http.StatusBadRequest || e.Code != "ValidationException" {
				t.Fatalf("%s %s: got %d %s %q, want 400 ValidationException: the account label %s is not validated",
					op.Method, bad, r.Status, e.Code, e.Message, account)
			}
			if !strings.Contains(e.Message, "'"+shape.WirePath(account)+"'") {
				t.Errorf("message %q does not name %s", e.Message, account)
			}
			if !strings.Contains(e.Message, "not-an-account") {
				t.Errorf("message %q does not show the rejected value", e.Message)
			}
			accountChecked++
		})
	}
	t.Logf("%d operations routed: %d reached the handler (501), %d rejected by validation (400); account label checked on %d",
		routed, reachedHandler, rejected, accountChecked)
	if routed != 277 {
		t.Errorf("%d operations routed, want 277", routed)
	}
	if accountChecked != 274 {
		t.Errorf("account label checked on %d operations, want 274 (all but the 3 tag operations)", accountChecked)
	}
	if reachedHandler == 0 {
		t.Errorf("no operation reached the handler")
	}
}

// TestRoutesAreDistinct checks that each operation is served by its own
// route: a fake that records the operation it was called for must see the
// one the request was built for.
func TestRoutesAreDistinct(t *testing.T) {
	t.Parallel()
	// Operations the fake records, with bodies that pass validation.
	cases := map[string]string{
		"UpdateUser":             `{"Email":"a@example.com","Role":"READER"}`,
		"DescribeUser":           ``,
		"ListUsers":              ``,
		"RegisterUser":           `{"IdentityType":"QUICKSIGHT","Email":"a@example.com","UserRole":"READER","UserName":"abc-123"}`,
		"TagResource":            `{"Tags":[{"Key":"k","Value":"v"}]}`,
		"UntagResource":          ``,
		"UpdateDashboard":        `{"Name":"n"}`,
		"ListBrands":             ``,
		"ListUsersIndexCapacity": `{}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			op := opByName(t, name)
			target := buildPath(op.URI, labelValue)
			if name == "UntagResource" {
				target += "?keys=k"
			}
			fake := &fakeHandler{}
			r := send(t, newServer(fake), op.Method, target, body)
			if r.Status != restjson.SuccessStatus(op) {
				t.Fatalf("%s %s: %s", op.Method, target, r)
			}
			if got := fake.only(t).Op; got != name {
				t.Errorf("routed to %s, want %s", got, name)
			}
		})
	}
}

// TestUnknownOperation checks that requests matching no route get an
// AWS-shaped UnknownOperationException, never net/http's plain-text 404 or
// 405 (which SDKs cannot parse).
func TestUnknownOperation(t *testing.T) {
	t.Parallel()
	cases := []struct{ method, target string }{
		{"GET", "/"},
		{"GET", "/no/such/thing"},
		{"DELETE", "/accounts/111122223333"},
		{"GET", "/accounts/111122223333/namespaces/default/users/alice/extra"},
		// A known path with a method no operation uses there.
		{"PATCH", "/accounts/111122223333/namespaces/default/users/alice"},
		{"POST", "/accounts/111122223333/namespaces/default/users/alice"},
		{"OPTIONS", "/accounts/111122223333/namespaces/default/users"},
		{"GET", "/accounts/111122223333/namespaces/default/users/"},
		// Escapes in the path are shown as sent, not escaped again
		// (the router sees an already-escaped path).
		{"GET", "/no/such%2Fthing"},
		{"GET", "/no/caf%C3%A9"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), c.method, c.target, "")
			e := wantError(t, r, http.StatusNotFound, "UnknownOperationException")
			requestIDOf(t, r)
			if !strings.Contains(e.Message, c.method) {
				t.Errorf("message %q does not name the method", e.Message)
			}
			if !strings.Contains(e.Message, c.target) {
				t.Errorf("message %q does not show the path as sent", e.Message)
			}
			if r.header("Allow") != "" {
				t.Errorf("a 405-style Allow header leaked: %q", r.header("Allow"))
			}
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("the handler was called %d times", n)
			}
		})
	}
}

// TestUncleanPathsAreNotRedirected: net/http.ServeMux answers a path that is
// not clean ("//", "/./", "/../") with a 307 redirect to the cleaned path,
// which is not an AWS answer at all. Such paths must get an AWS-shaped
// error (or, for label values, reach the handler: see
// TestDotSegmentLabels).
func TestUncleanPathsAreNotRedirected(t *testing.T) {
	t.Parallel()
	for _, target := range []string{
		"//accounts/111122223333/namespaces/default/users",
		"/accounts//111122223333/namespaces/default/users",
		"/accounts/111122223333/./namespaces/default/users",
		"/accounts/111122223333/namespaces/default/groups/../users",
	} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "GET", target, "")
			if r.Status >= 300 && r.Status < 400 {
				t.Fatalf("got a %d redirect to %q; an AWS client wants an AWS-shaped error", r.Status, r.header("Location"))
			}
			if _, err := decodeError(r); err != nil && r.Status != 200 {
				t.Errorf("not an AWS-shaped answer (%v): %s", err, r)
			}
		})
	}
}

// TestTrailingSlashIsNotRedirected: two requestUris end in "/"
// (CreateIAMPolicyAssignment, ListKnowledgeBases). The same path without the
// slash matches no operation, but ServeMux answers it with a 307 redirect
// to the slashed path (text/html, no X-Amzn-ErrorType) because only the
// catch-all matched. It must be an AWS-shaped answer instead.
func TestTrailingSlashIsNotRedirected(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ method, target, body string }{
		{"GET", "/v1/accounts/111122223333/knowledge-bases", ""},
		{"POST", "/accounts/111122223333/namespaces/default/iam-policy-assignments", `{"AssignmentName":"a","AssignmentStatus":"ENABLED"}`},
	} {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			t.Parallel()
			r := send(t, newServer(&fakeHandler{}), c.method, c.target, c.body)
			if r.Status >= 300 && r.Status < 400 {
				t.Fatalf("got a %d redirect to %q; want an AWS-shaped answer", r.Status, r.header("Location"))
			}
			if r.Status >= 400 {
				parseError(t, r)
			}
		})
	}
}
