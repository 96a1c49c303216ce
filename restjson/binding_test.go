package restjson_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

const usersPath = "/accounts/111122223333/namespaces/default/users/"

// TestPathLabelDecoding sends DescribeUser with user names escaped the way
// the SDKs escape a non-greedy label; the handler must get them decoded,
// exactly once, and ServeMux must neither clean nor redirect them.
func TestPathLabelDecoding(t *testing.T) {
	t.Parallel()
	cases := []struct{ segment, want string }{
		{"alice", "alice"},
		{"a%2Fb", "a/b"},
		{"a%40b", "a@b"},
		{"a@b", "a@b"},
		{"a%20b", "a b"},
		{"a%2Bb", "a+b"},
		{"a+b", "a+b"}, // '+' is a space only in a query string
		{"a%3Db", "a=b"},
		{"%C3%A9", "é"},
		{"%c3%a9", "é"},
		{"a%2F%2Fb", "a//b"},
		{"a%2F..%2Fb", "a/../b"},
		{"%2F..%2F..%2Fnamespaces", "/../../namespaces"},
		{"a%2F.%2Fb", "a/./b"},
		{"%2Fa%2F", "/a/"},
		{"100%25", "100%"},
		{"a%252Fb", "a%2Fb"}, // decoded once, not twice
		{"%2E%2E", ".."},
		{"~a-b_c.d", "~a-b_c.d"},
		{"a%3Ab", "a:b"},
	}
	for _, c := range cases {
		t.Run(c.segment, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "GET", usersPath+c.segment, "")
			if r.Status != http.StatusOK {
				t.Fatalf("got %s", r)
			}
			in := fake.only(t).Input.(*api.DescribeUserRequest)
			if got := deref(in.UserName); got != c.want {
				t.Errorf("UserName = %q, want %q", got, c.want)
			}
			if deref(in.AwsAccountId) != testAccount || deref(in.Namespace) != "default" {
				t.Errorf("other labels: AwsAccountId %q, Namespace %q", deref(in.AwsAccountId), deref(in.Namespace))
			}
		})
	}
}

// TestDotSegmentLabels: every SDK leaves '.' unescaped in a label
// (botocore's safe set is "-_.~", smithy-go's noEscape has '.'), so a user
// named "." or ".." (valid for UserName's pattern [\u0020-\u00FF]+) arrives
// as a literal dot segment. ServeMux cleans the path and answers with a
// 307 to another operation's path: DELETE .../users/.. is redirected to
// DELETE /accounts/111122223333/namespaces/default, which is DeleteNamespace.
// The label must reach the handler as sent.
func TestDotSegmentLabels(t *testing.T) {
	t.Parallel()
	for _, name := range []string{".", "..", "...", "a.b"} {
		for _, method := range []string{"GET", "DELETE"} {
			t.Run(method+" "+name, func(t *testing.T) {
				t.Parallel()
				fake := &fakeHandler{}
				r := send(t, newServer(fake), method, usersPath+name, "")
				if r.Status >= 300 && r.Status < 400 {
					t.Fatalf("user %q: got a %d redirect to %q", name, r.Status, r.header("Location"))
				}
				if r.Status != http.StatusOK {
					t.Fatalf("got %s", r)
				}
				call := fake.only(t)
				want := map[string]string{"GET": "DescribeUser", "DELETE": "DeleteUser"}[method]
				if call.Op != want {
					t.Fatalf("user %q: routed to %s, want %s", name, call.Op, want)
				}
				got := reflect.ValueOf(call.Input).Elem().FieldByName("UserName").Interface().(*string)
				if deref(got) != name {
					t.Errorf("UserName = %q, want %q", deref(got), name)
				}
			})
		}
	}
}

// TestResourceArnLabel: the tag operations carry a whole ARN in one
// escaped segment.
func TestResourceArnLabel(t *testing.T) {
	t.Parallel()
	cases := []struct{ segment, want string }{
		{"arn%3Aaws%3Aquicksight%3Aus-east-1%3A111122223333%3Adashboard%2Fsales", "arn:aws:quicksight:us-east-1:111122223333:dashboard/sales"},
		{"arn%3Aaws%3Aquicksight%3Aus-east-1%3A111122223333%3Auser%2Fdefault%2Falice", "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"},
		// Lower-case escapes and an unescaped ':' (allowed in a path) too.
		{"arn%3aaws%3aquicksight%3aus-east-1%3a111122223333%3adataset%2fd1", "arn:aws:quicksight:us-east-1:111122223333:dataset/d1"},
		{"arn:aws:quicksight:us-east-1:111122223333:theme%2Ft1", "arn:aws:quicksight:us-east-1:111122223333:theme/t1"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "POST", "/resources/"+c.segment+"/tags", `{"Tags":[{"Key":"team","Value":"bi"}]}`)
			if r.Status != http.StatusAccepted {
				t.Fatalf("got %s", r)
			}
			in := fake.only(t).Input.(*api.TagResourceRequest)
			if got := deref(in.ResourceArn); got != c.want {
				t.Errorf("ResourceArn = %q, want %q", got, c.want)
			}
			want := []api.Tag{{Key: ptr("team"), Value: ptr("bi")}}
			if !reflect.DeepEqual(in.Tags, want) {
				t.Errorf("Tags = %s", dump(in))
			}
		})
	}
}

// TestQueryBinding checks that query members bind by the model's
// locationName, not by member name.
func TestQueryBinding(t *testing.T) {
	t.Parallel()
	const list = "/accounts/111122223333/namespaces/default/users"
	cases := []struct {
		query     string
		maxResult *int32
		nextToken *string
	}{
		{"", nil, nil},
		{"?max-results=5&next-token=abc", ptr[int32](5), ptr("abc")},
		{"?next-token=a%2Bb%3D%3D%2F", nil, ptr("a+b==/")},
		{"?next-token=a+b", nil, ptr("a b")}, // form encoding: '+' is a space
		{"?next-token=", nil, ptr("")},
		{"?max-results=100", ptr[int32](100), nil},
		{"?max-results=7&max-results=9", ptr[int32](7), nil}, // the first wins
		// Member names are not wire names: ignored.
		{"?MaxResults=5&NextToken=abc", nil, nil},
		{"?maxResults=5&nextToken=abc", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "GET", list+c.query, "")
			if r.Status != http.StatusOK {
				t.Fatalf("got %s", r)
			}
			in := fake.only(t).Input.(*api.ListUsersRequest)
			if !reflect.DeepEqual(in.MaxResults, c.maxResult) || !reflect.DeepEqual(in.NextToken, c.nextToken) {
				t.Errorf("got %s", dump(in))
			}
		})
	}
}

// TestQueryValueErrors: values that do not parse, or break the model's
// range, are ValidationException naming the member as AWS does.
func TestQueryValueErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ method, target, member string }{
		{"GET", "/accounts/111122223333/namespaces/default/users?max-results=ten", "MaxResults"},
		{"GET", "/accounts/111122223333/namespaces/default/users?max-results=", "MaxResults"},
		{"GET", "/accounts/111122223333/namespaces/default/users?max-results=1.5", "MaxResults"},
		{"GET", "/accounts/111122223333/namespaces/default/users?max-results=2147483648", "MaxResults"},
		{"GET", "/accounts/111122223333/namespaces/default/users?max-results=0", "MaxResults"},
		{"GET", "/accounts/111122223333/namespaces/default/users?max-results=101", "MaxResults"},
		{"DELETE", "/accounts/111122223333/analyses/a1?recovery-window-in-days=week", "RecoveryWindowInDays"},
		{"DELETE", "/accounts/111122223333/analyses/a1?force-delete-without-recovery=yes", "ForceDeleteWithoutRecovery"},
		{"PUT", "/accounts/111122223333/dashboards/d1/versions/one", "VersionNumber"},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), c.method, c.target, "")
			e := wantError(t, r, http.StatusBadRequest, "ValidationException")
			if !strings.Contains(e.Message, "'"+shape.WirePath(c.member)+"'") {
				t.Errorf("message %q does not name %s", e.Message, c.member)
			}
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

// TestQueryBooleans: rest-json sends booleans as "true" and "false", and
// shape.QueryBool documents exactly those two; strconv.ParseBool also takes
// "1", "t", "TRUE", "True", ... which AWS rejects.
func TestQueryBooleans(t *testing.T) {
	t.Parallel()
	const del = "/accounts/111122223333/analyses/a1?force-delete-without-recovery="
	for _, v := range []string{"true", "false"} {
		r := send(t, newServer(api.Unimplemented{}), "DELETE", del+v, "")
		wantError(t, r, http.StatusNotImplemented, "NotImplementedException") // accepted: reached the handler
	}
	for _, v := range []string{"1", "0", "t", "f", "TRUE", "True", "yes"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			r := send(t, newServer(api.Unimplemented{}), "DELETE", del+v, "")
			e := parseError(t, r)
			if r.Status != http.StatusBadRequest || !strings.Contains(e.Message, "forceDeleteWithoutRecovery") {
				t.Errorf("force-delete-without-recovery=%s: got %d %s %q, want 400 naming ForceDeleteWithoutRecovery", v, r.Status, e.Code, e.Message)
			}
		})
	}
}

// TestRepeatedQueryList: UntagResource's TagKeys arrive as repeated "keys".
func TestRepeatedQueryList(t *testing.T) {
	t.Parallel()
	const arn = "arn%3Aaws%3Aquicksight%3Aus-east-1%3A111122223333%3Adashboard%2Fsales"
	cases := []struct {
		query string
		want  []string
	}{
		{"?keys=team", []string{"team"}},
		{"?keys=team&keys=cost-center&keys=env", []string{"team", "cost-center", "env"}},
		{"?keys=a%20b&keys=c%26d&keys=e%3Df", []string{"a b", "c&d", "e=f"}},
		{"?keys=x&other=1&keys=y", []string{"x", "y"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "DELETE", "/resources/"+arn+"/tags"+c.query, "")
			if r.Status != http.StatusNoContent {
				t.Fatalf("got %s", r)
			}
			in := fake.only(t).Input.(*api.UntagResourceRequest)
			if !reflect.DeepEqual(in.TagKeys, c.want) {
				t.Errorf("TagKeys = %q, want %q", in.TagKeys, c.want)
			}
			if deref(in.ResourceArn) != "arn:aws:quicksight:us-east-1:111122223333:dashboard/sales" {
				t.Errorf("ResourceArn = %q", deref(in.ResourceArn))
			}
		})
	}
	// No keys at all: TagKeys is required.
	r := send(t, newServer(&fakeHandler{}), "DELETE", "/resources/"+arn+"/tags", "")
	e := wantError(t, r, http.StatusBadRequest, "ValidationException")
	if !strings.Contains(e.Message, "'tagKeys'") {
		t.Errorf("message %q does not name TagKeys", e.Message)
	}
}

// TestRegion: the region comes from the SigV4 credential scope, in the
// Authorization header or a presigned query; unsigned requests have none.
func TestRegion(t *testing.T) {
	t.Parallel()
	const target = "/accounts/111122223333/namespaces/default/users/alice"
	cases := []struct {
		name, target, auth, want string
	}{
		{"header", target, testAuth, "us-east-1"},
		{"other region", target, strings.Replace(testAuth, "us-east-1", "eu-west-2", 1), "eu-west-2"},
		{"no spaces", target, "AWS4-HMAC-SHA256 Credential=AKID/20261121/ap-southeast-2/quicksight/aws4_request,SignedHeaders=host,Signature=00", "ap-southeast-2"},
		{"presigned", target + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261121%2Fca-central-1%2Fquicksight%2Faws4_request", "", "ca-central-1"},
		{"unsigned", target, "", ""},
		{"malformed scope", target, "AWS4-HMAC-SHA256 Credential=AKID/us-east-1, Signature=00", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			req := httpRequest(t, "GET", c.target, "")
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			r := serve(newServer(fake), req)
			if r.Status != http.StatusOK {
				t.Fatalf("got %s", r)
			}
			if got := fake.only(t).Call.Region; got != c.want {
				t.Errorf("Region = %q, want %q", got, c.want)
			}
		})
	}
}

// TestMalformedQuery: net/url drops query pairs it cannot parse (a bad
// escape, or a ';' separator) without a word, so "max-results=%zz" today
// reaches the handler as "no MaxResults" and answers 200. A query string
// that does not parse must be ValidationException instead.
func TestMalformedQuery(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"?max-results=%zz", "?next-token=%E", "?max-results=5;next-token=x"} {
		t.Run(q, func(t *testing.T) {
			t.Parallel()
			fake := &fakeHandler{}
			r := send(t, newServer(fake), "GET", "/accounts/111122223333/namespaces/default/users"+q, "")
			if r.Status == http.StatusOK {
				t.Fatalf("a query that does not parse was accepted; handler got %s", dump(fake.only(t).Input))
			}
			wantError(t, r, http.StatusBadRequest, "ValidationException")
		})
	}
}
