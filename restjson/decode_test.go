package restjson_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/restjson"
)

const (
	updateUserPath   = "/accounts/111122223333/namespaces/default/users/alice"
	describeUserPath = updateUserPath
	analysisPermPath = "/accounts/111122223333/analyses/sales-2026/permissions"
	assignmentPath   = "/accounts/111122223333/namespaces/default/iam-policy-assignments/analysts-policy"
	userCapacityPath = "/accounts/111122223333/quick-index/user-capacity"
	refreshSchedPath = "/accounts/111122223333/data-sets/ds1/refresh-schedules"
	importJobPath    = "/accounts/111122223333/asset-bundle-import-jobs/import"
)

// TestMalformedJSON: a body that is not JSON is a 400 that says so and
// where, and never reaches the handler.
func TestMalformedJSON(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, wantInMessage string }{
		{"truncated", `{"Email":"alice@example.com","Role":`, "not valid JSON"},
		{"unquoted key", `{Email:"alice@example.com"}`, "not valid JSON"},
		{"trailing comma", `{"Email":"a@example.com","Role":"AUTHOR",}`, "not valid JSON"},
		{"single quotes", `{'Email':'a@example.com'}`, "not valid JSON"},
		{"trailing garbage", `{"Email":"a@example.com","Role":"AUTHOR"} x`, "not valid JSON"},
		{"two objects", `{"Email":"a@example.com","Role":"AUTHOR"}{}`, "not valid JSON"},
		{"bare word", `hello`, "not valid JSON"},
		{"bad escape", `{"Email":"\q"}`, "not valid JSON"},
		{"NaN", `{"Email":"a@example.com","Role":"AUTHOR","UnapplyCustomPermissions":NaN}`, "not valid JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "PUT", updateUserPath, c.body)
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			if !strings.Contains(e.Message, c.wantInMessage) || !strings.Contains(e.Message, "offset") {
				t.Errorf("message %q should say %q and give the offset", e.Message, c.wantInMessage)
			}
			requestIDOf(t, r)
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

// TestWrongTypes: a member of the wrong JSON type is a 400 naming it.
func TestWrongTypes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, body string
		member                   string // must appear in the message
		kind                     string // what the message must say the member should be
	}{
		{"number for string", "PUT", updateUserPath, `{"Email":5,"Role":"AUTHOR"}`, "Email", "string"},
		{"bool for string", "PUT", updateUserPath, `{"Email":true,"Role":"AUTHOR"}`, "Email", "string"},
		{"number for enum", "PUT", updateUserPath, `{"Email":"a@example.com","Role":1}`, "Role", "string"},
		{"string for bool", "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","UnapplyCustomPermissions":"yes"}`, "UnapplyCustomPermissions", "boolean"},
		{"string for number", "POST", userCapacityPath, `{"maxResults":"ten"}`, "maxResults", "integer"},
		{"object for number", "POST", userCapacityPath, `{"maxResults":{}}`, "maxResults", "integer"},
		{"object for list", "PUT", analysisPermPath, `{"GrantPermissions":{}}`, "GrantPermissions", "array"},
		{"string for list", "PUT", analysisPermPath, `{"GrantPermissions":"all"}`, "GrantPermissions", "array"},
		{"list for structure", "PUT", analysisPermPath, `{"GrantPermissions":[[]]}`, "GrantPermissions", "object"},
		{"nested number for string", "PUT", analysisPermPath, `{"GrantPermissions":[{"Principal":7,"Actions":[]}]}`, "Principal", "string"},
		{"nested list item", "PUT", analysisPermPath, `{"GrantPermissions":[{"Principal":"p","Actions":[1]}]}`, "Actions", "string"},
		{"list for map", "PUT", assignmentPath, `{"Identities":["alice"]}`, "Identities", "object"},
		{"string for map value", "PUT", assignmentPath, `{"Identities":{"user":"alice"}}`, "Identities", "array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), c.method, c.path, c.body)
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			if !strings.Contains(e.Message, c.member) {
				t.Errorf("message %q does not name %s", e.Message, c.member)
			}
			if !strings.Contains(e.Message, c.kind) {
				t.Errorf("message %q does not say %s must be a %s", e.Message, c.member, c.kind)
			}
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

// TestWrongTypeMessagesAreClear covers values whose message today does not
// name the member or contradicts itself.
func TestWrongTypeMessagesAreClear(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, body string
		member                   string
		avoid                    string // text the message must not contain
	}{
		// jsonKind calls an int32 "a number", so a fraction reads
		// "must be a number, not a JSON number 1.5".
		{"fraction for integer", "POST", userCapacityPath, `{"maxResults":1.5}`, "maxResults", "must be a number, not a JSON number"},
		{"integer overflow", "POST", userCapacityPath, `{"maxResults":3000000000}`, "maxResults", "must be a number, not a JSON number"},
		// shape.Time's own error carries no member path.
		{"bad timestamp", "POST", refreshSchedPath, `{"Schedule":{"ScheduleId":"s","ScheduleFrequency":{"Interval":"DAILY"},"StartAfterDateTime":"yesterday"}}`, "StartAfterDateTime", ""},
		{"object for timestamp", "POST", refreshSchedPath, `{"Schedule":{"ScheduleId":"s","ScheduleFrequency":{"Interval":"DAILY"},"StartAfterDateTime":{}}}`, "StartAfterDateTime", ""},
		// encoding/base64's error carries no member path.
		{"bad base64 blob", "POST", importJobPath, `{"AssetBundleImportJobId":"j","AssetBundleImportSource":{"Body":"!!!"}}`, "Body", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, newServer(api.Unimplemented{}), c.method, c.path, c.body)
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			if !strings.Contains(e.Message, c.member) {
				t.Errorf("message %q does not name %s", e.Message, c.member)
			}
			if c.avoid != "" && strings.Contains(e.Message, c.avoid) {
				t.Errorf("message %q contradicts itself (say \"an integer\")", e.Message)
			}
		})
	}
}

// TestUnknownMembersIgnored: members the model does not have are ignored,
// as AWS does, and only exact (case-sensitive) names bind.
func TestUnknownMembersIgnored(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	r := send(t, newServer(fake), "PUT", updateUserPath,
		`{"Email":"alice@example.com","Role":"AUTHOR","Colour":"blue","Nested":{"a":[1,2,{"b":null}]},"UserName":"mallory","AwsAccountId":"999999999999"}`)
	if r.Status != http.StatusOK {
		t.Fatalf("got %s", r)
	}
	in := fake.only(t).Input.(*api.UpdateUserRequest)
	// Path members come from the path, never from the body.
	if deref(in.UserName) != "alice" || deref(in.AwsAccountId) != testAccount {
		t.Errorf("a body member overrode a path label: %s", dump(in))
	}
	if deref(in.Email) != "alice@example.com" {
		t.Errorf("Email = %q", deref(in.Email))
	}
}

// TestMemberNamesAreCaseSensitive: JSON keys equal the member name exactly
// (api-surface §1.1). encoding/json matches keys case-insensitively, so
// "email" binds to Email and "ROLE" to Role; AWS treats them as unknown
// members, ignores them, and reports Email and Role missing.
func TestMemberNamesAreCaseSensitive(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	r := send(t, newServer(fake), "PUT", updateUserPath, `{"email":"alice@example.com","ROLE":"AUTHOR"}`)
	if r.Status == http.StatusOK {
		in := fake.only(t).Input.(*api.UpdateUserRequest)
		t.Fatalf("wrongly-cased keys bound: Email=%q Role=%q; want 400 naming Email and Role", deref(in.Email), string(deref(in.Role)))
	}
	e := wantError(t, r, http.StatusBadRequest, "ValidationException")
	for _, m := range []string{"'email'", "'role'"} {
		if !strings.Contains(e.Message, m) {
			t.Errorf("message %q does not name %s", e.Message, m)
		}
	}
}

// TestBodySize: bodies over Config.MaxBody are refused with a 400; a body of
// exactly MaxBody is accepted.
func TestBodySize(t *testing.T) {
	t.Parallel()
	const limit = 256
	base := `{"Email":"alice@example.com","Role":"AUTHOR","Pad":"`
	pad := func(n int) string { return base + strings.Repeat("x", n-len(base)-2) + `"}` }
	withLimit := func(c *restjson.Config) { c.MaxBody = limit }

	fake := &fakeHandler{}
	r := send(t, newServer(fake, withLimit), "PUT", updateUserPath, pad(limit))
	if r.Status != http.StatusOK {
		t.Fatalf("a body of exactly MaxBody bytes: got %s", r)
	}

	fake = &fakeHandler{}
	r = send(t, newServer(fake, withLimit), "PUT", updateUserPath, pad(limit+1))
	e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
	if !strings.Contains(e.Message, "256") {
		t.Errorf("message %q does not give the limit", e.Message)
	}
	if n := len(fake.Calls()); n != 0 {
		t.Errorf("handler called %d times", n)
	}

	// The default limit applies when MaxBody is 0.
	fake = &fakeHandler{}
	big := pad(restjson.DefaultMaxBody + 1)
	r = send(t, newServer(fake), "PUT", updateUserPath, big)
	wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
}

// TestEmptyBodies: no body, or only whitespace, is an empty object.
func TestEmptyBodies(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", " ", "\r\n\t ", "{}", " {} "} {
		fake := &fakeHandler{}
		r := send(t, newServer(fake), "GET", describeUserPath, body)
		if r.Status != http.StatusOK {
			t.Errorf("DescribeUser with body %q: got %s", body, r)
		}
		// For an operation with required body members, an empty body is
		// the validation error naming them, not a decode error.
		r = send(t, newServer(&fakeHandler{}), "PUT", updateUserPath, body)
		e := wantError(t, r, http.StatusBadRequest, "ValidationException")
		if !strings.Contains(e.Message, "'email'") || !strings.Contains(e.Message, "'role'") {
			t.Errorf("UpdateUser with body %q: message %q should name Email and Role", body, e.Message)
		}
	}
}

// TestNonObjectBodies: a body must be a JSON object. A literal null is not
// one either; encoding/json silently accepts it as "no members".
func TestNonObjectBodies(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`[]`, `[{"Email":"a@example.com","Role":"AUTHOR"}]`, `"text"`, `42`, `true`, `null`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "PUT", updateUserPath, body)
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			if !strings.Contains(e.Message, "object") {
				t.Errorf("message %q should say the body must be a JSON object", e.Message)
			}
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

// TestRejectsUnstorableText: NUL characters and invalid UTF-8, in a body,
// a path label or a query value, are bad input, never a store failure.
func TestRejectsUnstorableText(t *testing.T) {
	t.Parallel()
	// A body that cannot be read is a bad parameter; labels and query
	// values are checked with the model's rules.
	cases := []struct{ name, method, path, body, code string }{
		{"NUL in a body string", "PUT", "/accounts/111122223333/namespaces/default/users/alice", `{"Email":"a\u0000b","Role":"READER"}`, "InvalidParameterValueException"},
		{"NUL in a path label", "GET", "/accounts/111122223333/namespaces/default/users/a%00b", "", "ValidationException"},
		{"invalid UTF-8 in a path label", "GET", "/accounts/111122223333/namespaces/default/users/a%FFb", "", "ValidationException"},
		{"NUL in a query value", "GET", "/accounts/111122223333/namespaces/default/users?next-token=a%00b", "", "ValidationException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), c.method, c.path, c.body)
			wantError(t, r, http.StatusBadRequest, c.code)
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}
