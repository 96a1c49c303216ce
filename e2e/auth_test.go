package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/aws/smithy-go"
)

const otherAccount = "444455556666"

// Keys of the credentials file the signed servers start with.
var (
	adminKey = aws.Credentials{AccessKeyID: "AKIDADMIN", SecretAccessKey: "admin/secret"}
	aliceKey = aws.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice/secret"}
	otherKey = aws.Credentials{AccessKeyID: "AKIDOTHER", SecretAccessKey: "other/secret"}
	tempKey  = aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp/secret", SessionToken: "FwoGZXIvYXdzEXAMPLE"}
	// With --enforce-iam: may describe alice only; may do all but updates;
	// may describe users whose name starts with "a".
	describerKey = aws.Credentials{AccessKeyID: "AKIDDESCRIBER", SecretAccessKey: "describer/secret"}
	noUpdateKey  = aws.Credentials{AccessKeyID: "AKIDNOUPDATE", SecretAccessKey: "noupdate/secret"}
	wildKey      = aws.Credentials{AccessKeyID: "AKIDWILD", SecretAccessKey: "wild/secret"}
)

const credentialsFile = `{"credentials": [
  {"accessKeyId": "AKIDADMIN", "secretAccessKey": "admin/secret", "account": "111122223333",
   "arn": "arn:aws:iam::111122223333:user/admin", "admin": true,
   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "quicksight:*", "Resource": "*"}]}]},
  {"accessKeyId": "AKIDALICE", "secretAccessKey": "alice/secret", "account": "111122223333", "arn": "arn:aws:iam::111122223333:user/alice"},
  {"accessKeyId": "AKIDOTHER", "secretAccessKey": "other/secret", "account": "444455556666", "arn": "arn:aws:iam::444455556666:user/other",
   "policies": [{"Statement": {"Effect": "Allow", "Action": "quicksight:*", "Resource": "*"}}]},
  {"accessKeyId": "ASIATEMP", "secretAccessKey": "temp/secret", "sessionToken": "FwoGZXIvYXdzEXAMPLE", "account": "111122223333",
   "arn": "arn:aws:sts::111122223333:assumed-role/Ops/temp"},
  {"accessKeyId": "AKIDDESCRIBER", "secretAccessKey": "describer/secret", "account": "111122223333", "arn": "arn:aws:iam::111122223333:user/describer",
   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "quicksight:DescribeUser",
     "Resource": "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"}]}]},
  {"accessKeyId": "AKIDNOUPDATE", "secretAccessKey": "noupdate/secret", "account": "111122223333", "arn": "arn:aws:iam::111122223333:user/noupdate",
   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "quicksight:*", "Resource": "*"}]},
                {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "quicksight:Update*", "Resource": "*"}]}]},
  {"accessKeyId": "AKIDWILD", "secretAccessKey": "wild/secret", "account": "111122223333", "arn": "arn:aws:iam::111122223333:user/wild",
   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["quicksight:describe*", "quicksight:List?sers"],
     "Resource": ["arn:aws:quicksight:*:111122223333:user/default/a*", "arn:aws:quicksight:us-east-1:111122223333:user/default/*"]},
     {"Effect": "Deny", "Action": "quicksight:DescribeUser", "Resource": "arn:aws:quicksight:*:*:user/default/ann"}]}]}
]}`

// startSigned runs qslocal with --auth sigv4 and the credentials above.
func startSigned(t *testing.T, extra ...string) *server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials.json")
	if err := os.WriteFile(path, []byte(credentialsFile), 0o600); err != nil {
		t.Fatal(err)
	}
	return start(t, "", append([]string{"--auth", "sigv4", "--credentials", path}, extra...)...)
}

// clientAs is an SDK client signing with creds for us-east-1.
func (s *server) clientAs(creds aws.Credentials) *quicksight.Client {
	return quicksight.New(quicksight.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken),
	})
}

// expectAuthError wants AWS's code, with HTTP 403 and, when message is
// not "", exactly that message.
func expectAuthError(code, message string) expect {
	return func(err error) string {
		var e smithy.APIError
		var re *awshttp.ResponseError
		if !errors.As(err, &e) || e.ErrorCode() != code || !errors.As(err, &re) || re.HTTPStatusCode() != 403 ||
			message != "" && e.ErrorMessage() != message {
			return "want " + code + " (403) saying " + message
		}
		return ""
	}
}

// rawCall sends a request signed by the SDK's signer with creds at the
// given time (unsigned when creds is nil) and returns status, error code
// and body.
func rawCall(t *testing.T, s *server, method, path, body string, creds *aws.Credentials, at time.Time) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if creds != nil {
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(context.Background(), *creds, req, hex.EncodeToString(sum[:]), "quicksight", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), b
}

// TestSignedRequests drives a server started with --auth sigv4 through
// the Go SDK: the right secret works, with or without a session token;
// a wrong secret, an unknown key, a wrong token, an expired date and no
// signature get AWS's codes; a caller stays in its own account.
func TestSignedRequests(t *testing.T) {
	t.Parallel()
	s := startSigned(t)
	admin := s.clientAs(adminKey)
	mkUser(t, admin, "default", "alice")
	mkUser(t, admin, "default", "bob")
	c := ctx(t)
	describe := func(cl *quicksight.Client, acct, user string) error {
		_, err := cl.DescribeUser(c, &quicksight.DescribeUserInput{AwsAccountId: aws.String(acct), Namespace: aws.String("default"), UserName: aws.String(user)})
		return err
	}
	for _, k := range []aws.Credentials{aliceKey, tempKey} {
		if err := describe(s.clientAs(k), account, "alice"); err != nil {
			t.Errorf("%s: %v", k.AccessKeyID, err)
		}
	}
	wrongSecret, wrongToken := aliceKey, tempKey
	wrongSecret.SecretAccessKey = "not/the/secret"
	wrongToken.SessionToken = "forged"
	noToken := tempKey
	noToken.SessionToken = ""
	const mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	const badToken = "The security token included in the request is invalid."
	runErrCases(t, []errCase{
		{"wrong secret", func() error { return describe(s.clientAs(wrongSecret), account, "alice") }, expectAuthError("InvalidSignatureException", mismatch)},
		{"unknown key", func() error {
			return describe(s.clientAs(aws.Credentials{AccessKeyID: "AKIDNOBODY", SecretAccessKey: "x"}), account, "alice")
		}, expectAuthError("UnrecognizedClientException", badToken)},
		{"wrong session token", func() error { return describe(s.clientAs(wrongToken), account, "alice") }, expectAuthError("UnrecognizedClientException", badToken)},
		{"temporary key without its token", func() error { return describe(s.clientAs(noToken), account, "alice") }, expectAuthError("UnrecognizedClientException", badToken)},
		{"another account's user", func() error { return describe(s.clientAs(otherKey), account, "alice") }, expectAccessDenied(
			"User: arn:aws:iam::444455556666:user/other is not authorized to perform: quicksight:DescribeUser on resource: " +
				"arn:aws:quicksight:us-east-1:111122223333:user/default/alice because no resource-based policy allows the quicksight:DescribeUser action")},
		{"another account's users", func() error {
			_, err := s.clientAs(otherKey).ListUsers(c, &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
			return err
		}, expectAccessDenied("")},
		{"another account's user, tagged", func() error {
			_, err := s.clientAs(otherKey).TagResource(c, &quicksight.TagResourceInput{ResourceArn: aws.String(principal("user", "default/alice")),
				Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		}, expectAccessDenied("")},
	})

	// A pagination token of one account's listing is no key to another's.
	page, err := admin.ListUsers(c, &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), MaxResults: aws.Int32(1)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("a first page: %v %+v", err, page)
	}
	_, err = s.clientAs(otherKey).ListUsers(c, &quicksight.ListUsersInput{AwsAccountId: aws.String(otherAccount), Namespace: aws.String("default"), NextToken: page.NextToken})
	checkErr(t, "another account's token", err, expectBadToken)

	// Raw requests: expired, from the future, unsigned.
	path := "/accounts/" + account + "/namespaces/default/users/alice"
	for _, tc := range []struct {
		name      string
		creds     *aws.Credentials
		at        time.Time
		code, msg string
	}{
		{"expired", &aliceKey, time.Now().Add(-20 * time.Minute), "InvalidSignatureException", "Signature expired: "},
		{"from the future", &aliceKey, time.Now().Add(20 * time.Minute), "InvalidSignatureException", "Signature not yet current: "},
		{"unsigned", nil, time.Time{}, "MissingAuthenticationTokenException", "Missing Authentication Token"},
	} {
		status, code, body := rawCall(t, s, "GET", path, "", tc.creds, tc.at)
		var e struct{ Message string }
		_ = json.Unmarshal(body, &e)
		if status != 403 || code != tc.code || !strings.HasPrefix(e.Message, tc.msg) {
			t.Errorf("%s: %d %s %s", tc.name, status, code, body)
		}
	}
	if status, _, body := rawCall(t, s, "GET", path, "", &aliceKey, time.Now().Add(-5*time.Minute)); status != 200 {
		t.Errorf("5 minutes of skew: %d %s", status, body)
	}
}

func expectAccessDenied(message string) expect {
	return func(err error) string {
		var e *types.AccessDeniedException
		var re *awshttp.ResponseError
		if !errors.As(err, &e) || !errors.As(err, &re) || re.HTTPStatusCode() != 403 || message != "" && aws.ToString(e.Message) != message {
			return "want AccessDeniedException (403) saying " + message
		}
		return ""
	}
}

// TestSignedExtensionEndpoints: qslocal's own endpoints answer only
// signed requests; those that change state only an admin's; the admin
// commands sign with the AWS_ environment when the server asks.
func TestSignedExtensionEndpoints(t *testing.T) {
	t.Parallel()
	s := startSigned(t)
	now := time.Now()
	for _, tc := range []struct {
		method, path, body string
		caller             int // status for alice, a caller without admin
	}{
		{"GET", "/_qslocal/health", "", 200},
		{"GET", "/metrics", "", 200},
		{"GET", "/_qslocal/faults", "", 200},
		{"GET", "/_qslocal/export?account=" + account, "", 200},
		{"GET", "/_qslocal/export", "", 403},
		{"PUT", "/_qslocal/faults", `{"rules":[]}`, 403},
		{"POST", "/_qslocal/reset", "", 403},
		{"POST", "/moto-api/reset", "", 403},
	} {
		name := tc.method + " " + tc.path
		if status, code, _ := rawCall(t, s, tc.method, tc.path, tc.body, nil, now); status != 403 || code != "MissingAuthenticationTokenException" {
			t.Errorf("%s unsigned: %d %s", name, status, code)
		}
		if status, code, body := rawCall(t, s, tc.method, tc.path, tc.body, &aliceKey, now); status != tc.caller || status == 403 && code != "AccessDeniedException" {
			t.Errorf("%s by alice: %d %s %s", name, status, code, body)
		}
		if status, _, body := rawCall(t, s, tc.method, tc.path, tc.body, &adminKey, now); status != 200 {
			t.Errorf("%s by the admin: %d %s", name, status, body)
		}
	}
	run := func(key aws.Credentials, args ...string) (string, error) {
		cmd := exec.Command(binary, append(args, "--endpoint", s.URL)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+key.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+key.SecretAccessKey, "AWS_REGION=us-east-1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	if out, err := run(adminKey, "reset"); err != nil || !strings.Contains(out, "reset every account") {
		t.Errorf("qslocal reset as the admin: %v %s", err, out)
	}
	if out, err := run(aliceKey, "reset"); err == nil || !strings.Contains(out, "AccessDeniedException") {
		t.Errorf("qslocal reset as alice: %v %s", err, out)
	}
}

// TestIAMEnforcement: with --enforce-iam each call needs its action
// allowed on its resource by the caller's policies.
func TestIAMEnforcement(t *testing.T) {
	t.Parallel()
	s := startSigned(t, "--enforce-iam")
	admin := s.clientAs(adminKey)
	for _, u := range []string{"alice", "ann", "bob"} {
		mkUser(t, admin, "default", u)
	}
	c := ctx(t)
	in := func(user string) *quicksight.DescribeUserInput {
		return &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String(user)}
	}
	describe := func(k aws.Credentials, user string) func() error {
		return func() error { _, err := s.clientAs(k).DescribeUser(c, in(user)); return err }
	}
	update := func(k aws.Credentials, user string) func() error {
		return func() error {
			_, err := s.clientAs(k).UpdateUser(c, &quicksight.UpdateUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
				UserName: aws.String(user), Email: aws.String(user + "@example.com"), Role: types.UserRoleAuthor})
			return err
		}
	}
	list := func(k aws.Credentials) func() error {
		return func() error {
			_, err := s.clientAs(k).ListUsers(c, &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
			return err
		}
	}
	group := func(k aws.Credentials, update bool) func() error {
		return func() error {
			var err error
			if update {
				_, err = s.clientAs(k).UpdateGroup(c, &quicksight.UpdateGroupInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
					GroupName: aws.String("team"), Description: aws.String("d")})
			} else {
				_, err = s.clientAs(k).CreateGroup(c, &quicksight.CreateGroupInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
					GroupName: aws.String("team")})
			}
			return err
		}
	}
	ok := func(err error) string {
		if err != nil {
			return "want success"
		}
		return ""
	}
	const user = "arn:aws:quicksight:us-east-1:111122223333:user/default/"
	runErrCases(t, []errCase{
		// Only quicksight:DescribeUser on alice: exactly that call.
		{"describer describes alice", describe(describerKey, "alice"), ok},
		{"describer describes bob", describe(describerKey, "bob"), expectAccessDenied("User: arn:aws:iam::111122223333:user/describer is not authorized to perform: " +
			"quicksight:DescribeUser on resource: " + user + "bob because no identity-based policy allows the quicksight:DescribeUser action")},
		{"describer updates alice", update(describerKey, "alice"), expectAccessDenied("User: arn:aws:iam::111122223333:user/describer is not authorized to perform: " +
			"quicksight:UpdateUser on resource: " + user + "alice because no identity-based policy allows the quicksight:UpdateUser action")},
		{"describer lists users", list(describerKey), expectAccessDenied("")},
		// Allow quicksight:*, deny quicksight:Update*.
		{"noupdate creates a group", group(noUpdateKey, false), ok},
		{"noupdate updates the group", group(noUpdateKey, true), expectAccessDenied("User: arn:aws:iam::111122223333:user/noupdate is not authorized to perform: " +
			"quicksight:UpdateGroup on resource: arn:aws:quicksight:us-east-1:111122223333:group/default/team with an explicit deny in an identity-based policy")},
		{"noupdate updates alice", update(noUpdateKey, "alice"), expectAccessDenied("")},
		{"noupdate describes alice", describe(noUpdateKey, "alice"), ok},
		// Wildcards: describe* on a*, ?-matched ListUsers, a deny on ann.
		{"wild describes alice", describe(wildKey, "alice"), ok},
		{"wild describes bob", describe(wildKey, "bob"), ok},
		{"wild describes ann", describe(wildKey, "ann"), expectAccessDenied("")},
		{"wild lists users", list(wildKey), ok},
		{"wild updates alice", update(wildKey, "alice"), expectAccessDenied("")},
		{"the admin updates alice", update(adminKey, "alice"), ok},
	})
}
