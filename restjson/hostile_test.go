package restjson_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
)

// TestRepeatedMembers: a member the model knows, or a map key, sent twice
// in one object is refused, whatever the types of the copies, so that the
// checks and the store never see different copies; repeats among ignored
// members are ignored with them.
func TestRepeatedMembers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, body string
		member                   string // named in the message; "" when accepted
	}{
		{"wrong type first", "PUT", updateUserPath, `{"Email":5,"Email":"a@example.com","Role":"AUTHOR"}`, "Email"},
		{"NUL first", "PUT", updateUserPath, `{"Email":"a\u0000b","Email":"a@example.com","Role":"AUTHOR"}`, "Email"},
		{"NUL last", "PUT", updateUserPath, `{"Email":"a@example.com","Email":"a\u0000b","Role":"AUTHOR"}`, "Email"},
		{"null first", "PUT", updateUserPath, `{"Email":null,"Email":"a@example.com","Role":"AUTHOR"}`, "Email"},
		{"same value", "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","Role":"AUTHOR"}`, "Role"},
		{"escaped spelling", "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","\u0052ole":"ADMIN"}`, "Role"},
		{"nested", "PUT", analysisPermPath, `{"GrantPermissions":[{"Principal":"p","Principal":{},"Actions":["a"]}]}`, "GrantPermissions[0].Principal"},
		{"map key", "PUT", assignmentPath, `{"AssignmentStatus":"ENABLED","Identities":{"user":["a"],"user":[7]}}`, `Identities["user"]`},
		{"ignored member", "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","Pad":1,"Pad":"x","Nested":{"a":1,"a":[]}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), c.method, c.path, c.body)
			if c.member == "" {
				if r.Status != http.StatusOK {
					t.Fatalf("got %s", r)
				}
				return
			}
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			// A copy refused on its own may be named for that instead.
			if !strings.Contains(e.Message, "Member "+c.member+" ") && !strings.Contains(e.Message, c.member+" more than once") {
				t.Errorf("message %q does not name %s", e.Message, c.member)
			}
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

// TestMemberCase: only the exact spelling binds; "ROLE" and "KEY" are
// unknown members, ignored whatever their type.
func TestMemberCase(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	r := send(t, newServer(fake), "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","ROLE":"ADMIN","role":5,"eMail":{}}`)
	if r.Status != http.StatusOK {
		t.Fatalf("got %s", r)
	}
	in := fake.only(t).Input.(*api.UpdateUserRequest)
	if deref(in.Role) != "AUTHOR" || deref(in.Email) != "a@example.com" {
		t.Errorf("Role %q, Email %q", deref(in.Role), deref(in.Email))
	}
	r = send(t, newServer(&fakeHandler{}), "POST", "/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A111122223333%3Auser%2Fdefault%2Falice/tags",
		`{"Tags":[{"KEY":"k","Value":"v"}]}`)
	e := wantError(t, r, http.StatusBadRequest, "ValidationException")
	if !strings.Contains(e.Message, "'tags.1.member.key'") {
		t.Errorf("message %q does not say Key is missing", e.Message)
	}
}

// TestInvalidUTF8: text that is not UTF-8, raw or as a lone surrogate
// escape, is refused, never stored as U+FFFD; in an ignored member too,
// since the body is then not JSON text.
func TestInvalidUTF8(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, body string }{
		{"raw byte", "{\"Email\":\"a\xffb@example.com\",\"Role\":\"AUTHOR\"}"},
		{"truncated sequence", "{\"Email\":\"a\xc3\",\"Role\":\"AUTHOR\"}"},
		{"overlong encoding", "{\"Email\":\"\xc0\xafa@example.com\",\"Role\":\"AUTHOR\"}"},
		{"encoded surrogate", "{\"Email\":\"\xed\xa0\x80\",\"Role\":\"AUTHOR\"}"},
		{"lone surrogate escape", `{"Email":"\ud800@example.com","Role":"AUTHOR"}`},
		{"in a member name", "{\"Email\":\"a@example.com\",\"Role\":\"AUTHOR\",\"\xff\":1}"},
		{"in an ignored member", "{\"Email\":\"a@example.com\",\"Role\":\"AUTHOR\",\"Pad\":[\"\xfe\"]}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "PUT", updateUserPath, c.body)
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			if !strings.Contains(e.Message, "UTF-8") && !strings.Contains(e.Message, "surrogate") {
				t.Errorf("message %q does not say the text is not UTF-8", e.Message)
			}
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
	// Valid UTF-8 of every length, raw or escaped, passes as it is.
	fake := &fakeHandler{}
	r := send(t, newServer(fake), "PUT", updateUserPath, `{"Email":"é\u00e9中\ud83d\ude00😀@example.com","Role":"AUTHOR"}`)
	if r.Status != http.StatusOK {
		t.Fatalf("got %s", r)
	}
	if got := deref(fake.only(t).Input.(*api.UpdateUserRequest).Email); got != "éé中😀😀@example.com" {
		t.Errorf("Email = %q", got)
	}
}

// TestNesting: a body nesting objects and arrays past MaxDepth is refused,
// in a known member or an ignored one; the model's own depth passes.
func TestNesting(t *testing.T) {
	t.Parallel()
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, c := range []struct {
		name, method, path, body string
		ok                       bool
	}{
		{"ignored, at the bound", "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","Pad":` + deep(63) + `}`, true},
		{"ignored, past the bound", "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","Pad":` + deep(64) + `}`, false},
		{"ignored, very deep", "PUT", updateUserPath, `{"Email":"a@example.com","Role":"AUTHOR","Pad":` + deep(1_000_000) + `}`, false},
		{"document past the bound", "POST", "/accounts/111122223333/flows", `{"Name":"f","FlowDefinition":` + deep(64) + `}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, newServer(&fakeHandler{}), c.method, c.path, c.body)
			if c.ok {
				if r.Status != http.StatusOK {
					t.Fatalf("got %s", r)
				}
				return
			}
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			if !strings.Contains(e.Message, "deeper than 64") {
				t.Errorf("message %q does not give the bound", e.Message)
			}
		})
	}
}

// TestTimestampRange: a timestamp past years 1..9999 is ValidationException
// naming the member, never stored as another time.
func TestTimestampRange(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"1e19", "1e308", "-1e308", "253402300800", `"10000-01-01T00:00:00Z"`} {
		body := `{"Schedule":{"ScheduleId":"s","ScheduleFrequency":{"Interval":"DAILY"},"StartAfterDateTime":` + v + `}}`
		r := send(t, newServer(api.Unimplemented{}), "POST", refreshSchedPath, body)
		if strings.HasPrefix(v, `"`) {
			// Not RFC 3339 at all (a five-digit year): a bad value.
			wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			continue
		}
		e := wantError(t, r, http.StatusBadRequest, "ValidationException")
		if !strings.Contains(e.Message, "'schedule.startAfterDateTime'") || !strings.Contains(e.Message, "9999") {
			t.Errorf("%s: message %q does not name the member and the range", v, e.Message)
		}
	}
}
