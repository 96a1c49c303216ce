package restjson_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/restjson"
)

// fuzzOps are the operations FuzzDecode drives; the fuzzed label replaces
// the last label of each requestUri.
var fuzzOps = []string{"UpdateUser", "RegisterUser", "UpdateAnalysisPermissions", "UpdateIAMPolicyAssignment"}

// FuzzDecode feeds arbitrary labels, query strings and bodies to a few
// operations. Whatever arrives, the server must not panic and must answer
// with the operation's success or an AWS-shaped error; on success the
// handler must have received the label decoded exactly once.
//
//	go test ./restjson -run '^$' -fuzz FuzzDecode -fuzztime 30s
func FuzzDecode(f *testing.F) {
	seeds := []struct {
		op           uint8
		label, query string
		body         string
	}{
		{0, "alice", "", `{"Email":"alice@example.com","Role":"AUTHOR"}`},
		{0, "a%2Fb", "", `{"Email":"a@example.com","Role":"READER","UnapplyCustomPermissions":true}`},
		{0, "%C3%A9", "x=1", `{"Email":5}`},
		{0, "a%2F..%2Fb", "", `[]`},
		{1, "default", "", `{"IdentityType":"QUICKSIGHT","Email":"a@example.com","UserRole":"READER","UserName":"bob","Tags":[{"Key":"k","Value":"v"}]}`},
		{1, "default", "", `{"IdentityType":"IAM","IamArn":"arn:aws:iam::111122223333:user/bob","SessionName":"s","Tags":[]}`},
		{2, "sales-2026", "", `{"GrantPermissions":[{"Principal":"arn:aws:quicksight:us-east-1:111122223333:group/default/analysts","Actions":["quicksight:DescribeAnalysis"]}],"RevokePermissions":[]}`},
		{2, "sales-2026", "", `{"GrantPermissions":{}}`},
		{3, "analysts-policy", "", `{"AssignmentStatus":"ENABLED","Identities":{"user":["alice"]},"PolicyArn":"arn:aws:iam::111122223333:policy/P"}`},
		{3, "p", "", `{"Identities":{"user":"alice"}}`},
		{3, "p", "", `{"AssignmentStatus":"ENABLED"`},
		{0, "..", "", `{"Email":"a@example.com","Role":"READER"}`},
		{2, ".", "", `{}`},
		{3, "a/b", "", `{}`},
		{0, "alice", "", "\xff\xfe"},
		{0, "alice", "", `{"Email":"\ud800","Role":"AUTHOR"}`},
		{0, "alice", "", strings.Repeat("[", 10000)},
		{0, "alice", "", `{"Email":5,"Email":"a@example.com","Role":"AUTHOR"}`},
		{0, "alice", "", `{"Email":"a\u0000b","Email":"a@example.com","Role":"AUTHOR"}`},
		{0, "alice", "", "{\"Email\":\"a\xffb\",\"Role\":\"AUTHOR\"}"},
		{0, "alice", "", `{"Email":"a@example.com","ROLE":"ADMIN","Role":"AUTHOR","Pad":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`},
		{1, "default", "", `{"IdentityType":"QUICKSIGHT","Email":"a@example.com","UserRole":"READER","UserName":"bob","Tags":[{"KEY":"k","Value":"v"}]}`},
		{3, "p", "", `{"Identities":{"user":["a"],"user":[1]}}`},
	}
	for _, s := range seeds {
		f.Add(s.op, s.label, s.query, []byte(s.body))
	}

	f.Fuzz(func(t *testing.T, opIndex uint8, label, query string, body []byte) {
		op := opByName(t, fuzzOps[int(opIndex)%len(fuzzOps)])
		if strings.ContainsAny(label, "?#") || label == "" {
			t.Skip("not a single path label")
		}
		labels := uriLabels(op.URI)
		last := labels[len(labels)-1]
		target := buildPathRaw(op.URI, func(l string) string {
			if l == last {
				return label
			}
			return url.PathEscape(labelValue(l))
		})
		if query != "" {
			target += "?" + query
		}
		req, err := rawRequest(op.Method, target, [][2]string{
			{"Host", "127.0.0.1:4000"},
			{"Content-Type", "application/json"},
			{"Authorization", testAuth},
			{"Content-Length", fmt.Sprint(len(body))},
		}, string(body))
		if err != nil {
			t.Skip("net/http's server would reject this request itself")
		}
		fake := &fakeHandler{}
		r := serve(newServer(fake), req)

		ids, _ := r.exactHeader("x-amzn-RequestId")
		if len(ids) != 1 || ids[0] == "" {
			t.Fatalf("no x-amzn-RequestId: %s", r)
		}
		if r.Status == restjson.SuccessStatus(op) {
			calls := fake.Calls()
			if len(calls) != 1 {
				t.Fatalf("success with %d handler calls", len(calls))
			}
			if calls[0].Op != op.Name {
				// A label holding a raw '/' can address another route;
				// that is routing, not decoding.
				if strings.Contains(label, "/") {
					return
				}
				t.Fatalf("%s %s ran %s", op.Method, target, calls[0].Op)
			}
			var out map[string]any
			if r.Status == http.StatusNoContent {
				out = map[string]any{"RequestId": ids[0]} // no body, as AWS
			} else if err := json.Unmarshal(r.Body, &out); err != nil {
				t.Fatalf("success body is not a JSON object: %v: %q", err, r.Body)
			}
			if out["RequestId"] != ids[0] {
				t.Fatalf("body RequestId %v, header %q", out["RequestId"], ids[0])
			}
			want, err := url.PathUnescape(label)
			if err != nil {
				t.Fatalf("net/http accepted a label that does not unescape: %q", label)
			}
			got := reflect.ValueOf(calls[0].Input).Elem().FieldByName(exportedName(last))
			if !got.IsValid() || got.IsNil() || got.Elem().String() != want {
				t.Fatalf("label %s = %v, want %q (sent %q)", last, got, want, label)
			}
			return
		}
		e, err := decodeError(r)
		if err != nil {
			t.Fatalf("%s %s: not an AWS-shaped error (%v): %s", op.Method, target, err, r)
		}
		status, known := map[string]int{
			"UnknownOperationException": http.StatusNotFound,
			"NotImplementedException":   http.StatusNotImplemented,
			"ValidationException":       http.StatusBadRequest,
		}[e.Code]
		if es, ok := api.ErrorShapes[e.Code]; ok {
			status, known = es.Status, true
		}
		if !known || status != r.Status {
			t.Fatalf("error %s with status %d (model: %d, known %v): %s", e.Code, r.Status, status, known, r)
		}
		if e.Code == "InternalFailureException" {
			t.Fatalf("the fake never fails, yet: %s", r)
		}
		if (e.Code == "InvalidParameterValueException" || e.Code == "ValidationException") && len(fake.Calls()) != 0 {
			t.Fatalf("rejected, yet the handler ran")
		}
	})
}

// buildPathRaw fills the labels of uri without escaping them.
func buildPathRaw(uri string, value func(string) string) string {
	segs := strings.Split(uri, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = value(s[1 : len(s)-1])
		}
	}
	return strings.Join(segs, "/")
}

func exportedName(label string) string {
	return strings.ToUpper(label[:1]) + label[1:]
}

// FuzzBind drives every operation's generated binder: arbitrary text in
// every path label and in the query string, no body. Whatever arrives,
// the server answers with AWS's error shape or the operation's success,
// and never a 500.
//
//	go test ./restjson -run '^$' -fuzz FuzzBind -fuzztime 30s
func FuzzBind(f *testing.F) {
	for i, s := range []struct{ label, query string }{
		{"alice", ""}, {"a%2Fb", "max-results=5"}, {"%C3%A9", "next-token=x&max-results=0"},
		{"..", "namespace=default"}, {"%00", "x=%FF"}, {"a b", "max-results=99999999999"},
		{"", "version-number=-1"}, {"arn%3Aaws%3Aquicksight%3Aus-east-1%3A111122223333%3Auser%2Fdefault%2Falice", "keys=a&keys=b"},
	} {
		f.Add(uint16(i*37), s.label, s.query)
	}
	h := newServer(api.Unimplemented{})
	f.Fuzz(func(t *testing.T, opIndex uint16, label, query string) {
		op := &api.Operations[int(opIndex)%len(api.Operations)]
		if strings.ContainsAny(label, "?#/") || label == "" {
			t.Skip("not a single path label")
		}
		target := buildPathRaw(op.URI, func(string) string { return label })
		if query != "" {
			target += "?" + query
		}
		req, err := rawRequest(op.Method, target, [][2]string{
			{"Host", "127.0.0.1:4000"}, {"Authorization", testAuth}, {"Content-Length", "0"},
		}, "")
		if err != nil {
			t.Skip("net/http's server would reject this request itself")
		}
		r := serve(h, req)
		if r.Status >= 500 && r.Status != http.StatusNotImplemented {
			t.Fatalf("%s %s: %s", op.Method, target, r)
		}
		if r.Status >= 300 {
			if _, err := decodeError(r); err != nil {
				t.Fatalf("%s %s: not an AWS-shaped error (%v): %s", op.Method, target, err, r)
			}
		}
	})
}
