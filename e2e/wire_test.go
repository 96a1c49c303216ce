package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestDefinitionTimestampsRoundTrip: timestamps inside a definition, sent
// by the Go SDK, come back on the wire as exactly the milliseconds sent,
// through every describe and update cycle (they once drifted by a
// millisecond or two each time). The cycles go through raw JSON, as boto3
// and the CLI pass numbers: the Go SDK reads epoch seconds through a
// float64 and truncates (smithy-go's ParseEpochSeconds), so it sees about
// one in fifty of them a millisecond early, from AWS as from qslocal.
func TestDefinitionTimestampsRoundTrip(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	rng := rand.New(rand.NewPCG(3, 4))
	var sent []time.Time
	for range 300 {
		// 2000..2100, with milliseconds, as dashboards' dates are.
		sent = append(sent, time.UnixMilli(946684800000+rng.Int64N(3155760000000)).UTC())
	}
	// The Go SDK writes through UnixNano, which holds 1678..2262 only.
	sent = append(sent, time.UnixMilli(1700000000123).UTC(), time.UnixMilli(1).UTC(), time.UnixMilli(-9000000000001).UTC(), time.UnixMilli(9000000000999).UTC())
	def := definition("s1")
	def.ParameterDeclarations = []types.ParameterDeclaration{{DateTimeParameterDeclaration: &types.DateTimeParameterDeclaration{
		Name: aws.String("when"), DefaultValues: &types.DateTimeDefaultValues{StaticValues: sent},
	}}}
	if _, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("timestamps"),
		Name: aws.String("t"), Definition: def}); err != nil {
		t.Fatal(err)
	}
	path := "/accounts/" + account + "/analyses/timestamps"
	for cycle := range 3 {
		status, _, body := sendRaw(t, s, "GET", path+"/definition", "")
		if status != http.StatusOK {
			t.Fatalf("cycle %d: DescribeAnalysisDefinition %d %s", cycle, status, body)
		}
		var out struct {
			Definition map[string]any
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // the numbers as written
		if err := dec.Decode(&out); err != nil {
			t.Fatal(err)
		}
		got := out.Definition["ParameterDeclarations"].([]any)[0].(map[string]any)["DateTimeParameterDeclaration"].(map[string]any)["DefaultValues"].(map[string]any)["StaticValues"].([]any)
		if len(got) != len(sent) {
			t.Fatalf("cycle %d: %d values, sent %d", cycle, len(got), len(sent))
		}
		off := 0
		for i, v := range got {
			want := epochText(sent[i].UnixMilli())
			if v.(json.Number).String() != want {
				if off++; off <= 3 {
					t.Errorf("cycle %d: sent %s (%s), got %s", cycle, sent[i].Format(time.RFC3339Nano), want, v)
				}
			}
		}
		if off > 0 {
			t.Fatalf("cycle %d: %d of %d timestamps came back changed", cycle, off, len(sent))
		}
		update, err := json.Marshal(map[string]any{"Name": "t", "Definition": out.Definition})
		if err != nil {
			t.Fatal(err)
		}
		if status, _, body := sendRaw(t, s, "PUT", path, string(update)); status != http.StatusOK {
			t.Fatalf("cycle %d: UpdateAnalysis %d %s", cycle, status, body)
		}
	}
}

// epochText writes ms as exact epoch seconds.
func epochText(ms int64) string {
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	if ms%1000 == 0 {
		return fmt.Sprintf("%s%d", sign, ms/1000)
	}
	return fmt.Sprintf("%s%d.%03d", sign, ms/1000, ms%1000)
}

// TestHostileBodies: bodies no SDK sends, through the real binary: each is
// refused with AWS's error shape (never a 500), stores nothing, and leaves
// the server serving.
func TestHostileBodies(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkUser(t, c, "default", "alice")
	users := "/accounts/" + account + "/namespaces/default/users"
	groupsPath := "/accounts/" + account + "/namespaces/default/groups"
	analyses := "/accounts/" + account + "/analyses/"
	deep := strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000)
	dated := func(v string) string {
		return `{"Name":"n","Definition":{"DataSetIdentifierDeclarations":[{"Identifier":"sales","DataSetArn":"arn:aws:quicksight:us-east-1:` + account +
			`:dataset/sales"}],"Sheets":[{"SheetId":"s1"}],"ParameterDeclarations":[{"DateTimeParameterDeclaration":{"Name":"when","DefaultValues":{"StaticValues":[` + v + `]}}}]}}`
	}
	cases := []struct {
		name, method, path, body string
		code, inMessage          string
	}{
		{"a repeated member whose first copy has the wrong type", "PUT", users + "/alice",
			`{"Email":5,"Email":"b@example.com","Role":"AUTHOR"}`, "InvalidParameterValueException", "Email"},
		{"a repeated member whose first copy holds a NUL", "POST", users,
			`{"IdentityType":"QUICKSIGHT","UserName":"bob","UserRole":"READER","Email":"a\u0000b","Email":"b@example.com"}`, "InvalidParameterValueException", "Email"},
		{"a repeated member whose last copy holds a NUL", "POST", users,
			`{"IdentityType":"QUICKSIGHT","UserName":"bob","UserRole":"READER","Email":"b@example.com","Email":"a\u0000b"}`, "InvalidParameterValueException", "Email"},
		{"a repeated map key", "POST", "/accounts/" + account + "/namespaces/default/iam-policy-assignments/",
			`{"AssignmentName":"p","AssignmentStatus":"DRAFT","Identities":{"user":[1],"user":["alice"]}}`, "InvalidParameterValueException", "Identities"},
		{"invalid UTF-8", "POST", groupsPath, "{\"GroupName\":\"ops\xff\"}", "InvalidParameterValueException", "UTF-8"},
		{"a lone surrogate", "POST", groupsPath, `{"GroupName":"ops\udc00"}`, "InvalidParameterValueException", "surrogate"},
		{"nesting a million deep", "PUT", users + "/alice", `{"Email":"b@example.com","Role":"AUTHOR","Pad":` + deep + `}`, "InvalidParameterValueException", "deeper than 64"},
		{"a timestamp of 1e19", "POST", analyses + "a1", dated("1e19"), "ValidationException", "definition.parameterDeclarations.1.member.dateTimeParameterDeclaration.defaultValues.staticValues.1.member"},
		{"a timestamp of -1e308", "POST", analyses + "a2", dated("1700000000,-1e308"), "ValidationException", "staticValues.2.member"},
	}
	for _, tc := range cases {
		status, header, body := sendRaw(t, s, tc.method, tc.path, tc.body)
		if status != http.StatusBadRequest || header.Get("X-Amzn-ErrorType") != tc.code {
			t.Errorf("%s: %d %s %s, want 400 %s", tc.name, status, header.Get("X-Amzn-ErrorType"), body, tc.code)
			continue
		}
		var e struct{ Message, RequestId string }
		if err := json.Unmarshal(body, &e); err != nil || e.RequestId == "" || !strings.Contains(e.Message, tc.inMessage) {
			t.Errorf("%s: body %s (%v), want a message naming %q and a RequestId", tc.name, body, err, tc.inMessage)
		}
	}
	// Nothing was stored, and the server still answers.
	u, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice")})
	if err != nil || aws.ToString(u.User.Email) != "u@example.com" {
		t.Errorf("alice after the bodies: %+v, %v", u, err)
	}
	list, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
	if err != nil || len(list.UserList) != 1 {
		t.Errorf("ListUsers after the bodies: %d users, %v", len(list.UserList), err)
	}
	groups, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
	if err != nil || len(groups.GroupList) != 0 {
		t.Errorf("ListGroups after the bodies: %+v, %v", groups, err)
	}
	for _, a := range []string{"a1", "a2"} {
		_, err := c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String(a)})
		checkErr(t, "DescribeAnalysis "+a, err, expectNotFound("", a))
	}
}

// sendRaw sends a body as it is, unsigned (qslocal takes any caller).
func sendRaw(t *testing.T, s *server, method, path, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}

// TestOversizeValuesRefused: names and e-mail addresses past their bounds
// are refused at the door (the model leaves them unbounded, and one such
// value once made every ListUsers page that carried it huge), while
// values at the bounds are kept exactly.
func TestOversizeValuesRefused(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, ns := aws.String(account), aws.String("default")
	register := func(name, email string) error {
		_, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: ns, IdentityType: types.IdentityTypeQuicksight,
			UserRole: types.UserRoleReader, UserName: aws.String(name), Email: aws.String(email)})
		return err
	}
	at := "@example.com"
	longName, longEmail := strings.Repeat("n", 256), strings.Repeat("e", 254-len(at))+at
	if err := register(longName, longEmail); err != nil {
		t.Fatalf("a 256-character name and a 254-character address: %v", err)
	}
	checkErr(t, "a 257-character user name", register(longName+"n", "a@example.com"), expectValidation("UserName"))
	checkErr(t, "a 255-character address", register("bob", "e"+longEmail), expectValidation("Email"))
	checkErr(t, "a 15 MiB address", register("bob", strings.Repeat("e", 15<<20)+at), expectValidation("Email"))
	_, err := c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: acct, Namespace: ns, UserName: aws.String(longName),
		Email: aws.String("e" + longEmail), Role: types.UserRoleReader})
	checkErr(t, "UpdateUser to a 255-character address", err, expectValidation("Email"))
	_, err = c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: acct, Namespace: ns, UserName: aws.String(longName),
		Email: aws.String("a@example.com"), Role: types.UserRoleReader, ExternalLoginId: aws.String(strings.Repeat("x", 65537))})
	checkErr(t, "UpdateUser with a 65537-character ExternalLoginId", err, expectValidation("ExternalLoginId"))
	_, err = c.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: ns, GroupName: aws.String(strings.Repeat("g", 257))})
	checkErr(t, "a 257-character group name", err, expectValidation("GroupName"))

	list, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: ns})
	if err != nil || len(list.UserList) != 1 || aws.ToString(list.UserList[0].UserName) != longName || aws.ToString(list.UserList[0].Email) != longEmail {
		t.Fatalf("ListUsers: %+v, %v", list, err)
	}
}
