package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkv4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/qslocal/qslocal"
)

// signedAt is the clock of these tests; the catalogue's dates are its.
var signedAt = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

const (
	testAccount = "111122223333"
	userBody    = `{"UserName":"alice","Email":"alice@example.com"}`
)

var (
	longTerm  = aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	temporary = aws.Credentials{AccessKeyID: "AKIDTEMPORARY", SecretAccessKey: "temporary/secret", SessionToken: "FwoGZXIvYXdzEXAMPLETOKEN"}
)

func testVerifier(now time.Time) *Verifier {
	return New(Config{Now: func() time.Time { return now }, Credentials: []Credential{
		{AccessKeyID: longTerm.AccessKeyID, SecretAccessKey: longTerm.SecretAccessKey, Account: testAccount, ARN: "arn:aws:iam::111122223333:user/alice"},
		{AccessKeyID: temporary.AccessKeyID, SecretAccessKey: temporary.SecretAccessKey, SessionToken: temporary.SessionToken,
			Account: testAccount, ARN: "arn:aws:sts::111122223333:assumed-role/Ops/session"},
	}})
}

// clientRequest is what an SDK would send: a POST with a JSON body, a
// query, and headers the signer signs.
func clientRequest(t *testing.T, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:4718"+path+"?max-results=5", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Content-Sha256", hashOf(body))
	req.Header.Set("X-Amz-Meta-Purpose", "test")
	return req
}

func hashOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// signHeader signs req with the AWS SDK for Go v2's signer.
func signHeader(t *testing.T, req *http.Request, creds aws.Credentials, body, region string, at time.Time) {
	t.Helper()
	if err := sdkv4.NewSigner().SignHTTP(context.Background(), creds, req, hashOf(body), Service, region, at); err != nil {
		t.Fatal(err)
	}
}

// presign makes req a presigned request, as the SDK's presigner does.
func presign(t *testing.T, req *http.Request, creds aws.Credentials, body string, at time.Time) {
	t.Helper()
	signed, headers, err := sdkv4.NewSigner().PresignHTTP(context.Background(), creds, req, hashOf(body), Service, "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	req.URL = u
	for k, v := range headers {
		if k != "Host" {
			req.Header[k] = v
		}
	}
}

// received is req as a server reads it off the wire, with its body.
func received(t *testing.T, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return r, body
}

func codeOf(err error) string {
	var e *qslocal.Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "unexpected: " + err.Error()
	}
	return ""
}

// TestSDKSignedRequestsVerify: what the AWS SDK for Go v2's signer signs,
// header or presigned, with or without a session token, is accepted.
func TestSDKSignedRequestsVerify(t *testing.T) {
	t.Parallel()
	const path = "/accounts/111122223333/namespaces/default/users"
	cases := []struct {
		name    string
		creds   aws.Credentials
		path    string
		at      time.Time // when the client signs
		prepare func(*http.Request)
		presign bool
		// signedPath, when set, is the path signed in place of path.
		signedPath string
	}{
		{name: "header, long-term key", creds: longTerm, path: path, at: signedAt},
		{name: "header, session token", creds: temporary, path: path, at: signedAt},
		{name: "presigned, long-term key", creds: longTerm, path: path, at: signedAt, presign: true},
		{name: "presigned, session token", creds: temporary, path: path, at: signedAt, presign: true},
		{name: "escaped path label", creds: longTerm, path: "/accounts/111122223333/namespaces/default/users/a%2Fb%20c", at: signedAt},
		{name: "14 minutes slow", creds: longTerm, path: path, at: signedAt.Add(-14 * time.Minute)},
		{name: "14 minutes fast", creds: longTerm, path: path, at: signedAt.Add(14 * time.Minute)},
		{name: "runs of spaces in a signed value", creds: longTerm, path: path, at: signedAt,
			prepare: func(r *http.Request) { r.Header.Set("X-Amz-Meta-Purpose", "a   b  c") }},
		{name: "a header the signer leaves unsigned", creds: longTerm, path: path, at: signedAt,
			prepare: func(r *http.Request) { r.Header.Set("User-Agent", "aws-sdk-go-v2/1.0") }},
		{name: "dot segments, signed as sent (Go SDK)", creds: longTerm, path: path + "/.", at: signedAt},
		{name: "dot segments, signed resolved (botocore, JavaScript SDK)", creds: longTerm, path: path + "/..", at: signedAt,
			signedPath: "/accounts/111122223333/namespaces/default"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := clientRequest(t, tc.path, userBody)
			if tc.signedPath != "" {
				req.URL.Path, req.URL.RawPath = tc.signedPath, ""
			}
			if tc.prepare != nil {
				tc.prepare(req)
			}
			if tc.presign {
				presign(t, req, tc.creds, userBody, tc.at)
			} else {
				signHeader(t, req, tc.creds, userBody, "us-east-1", tc.at)
			}
			if tc.signedPath != "" {
				req.URL.Path = tc.path
			}
			r, body := received(t, req)
			c, err := testVerifier(signedAt).Authenticate(r, body)
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if c.Account() != testAccount || c.Region() != "us-east-1" {
				t.Errorf("caller %s in %s, want %s in us-east-1", c.Account(), c.Region(), testAccount)
			}
		})
	}
}

// TestRejections: each failure answers AWS's code and message, and no
// message shows the signature qslocal expected.
func TestRejections(t *testing.T) {
	t.Parallel()
	const path = "/accounts/111122223333/namespaces/default/users"
	wrongSecret := longTerm
	wrongSecret.SecretAccessKey = "not the secret"
	unknown := aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: "x"}
	cases := []struct {
		name        string
		creds       aws.Credentials
		at          time.Time
		unsigned    bool
		code, msg   string
		msgContains bool
	}{
		{name: "no signature", unsigned: true, code: CodeMissingAuthenticationToken, msg: "Missing Authentication Token"},
		{name: "wrong secret", creds: wrongSecret, at: signedAt, code: CodeInvalidSignature, msg: msgMismatch},
		{name: "unknown key", creds: unknown, at: signedAt, code: CodeUnrecognizedClient, msg: "The security token included in the request is invalid."},
		{name: "expired", creds: longTerm, at: signedAt.Add(-16 * time.Minute), code: CodeInvalidSignature,
			msg: "Signature expired: 20261121T114400Z is now earlier than 20261121T114500Z (20261121T120000Z - 15 min.)"},
		{name: "from the future", creds: longTerm, at: signedAt.Add(16 * time.Minute), code: CodeInvalidSignature,
			msg: "Signature not yet current: 20261121T121600Z is still later than 20261121T121500Z (20261121T120000Z + 15 min.)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := clientRequest(t, path, userBody)
			if !tc.unsigned {
				signHeader(t, req, tc.creds, userBody, "us-east-1", tc.at)
			}
			r, body := received(t, req)
			_, err := testVerifier(signedAt).Authenticate(r, body)
			var e *qslocal.Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Message != tc.msg {
				t.Fatalf("got %v; want %s: %s", err, tc.code, tc.msg)
			}
			right := clientRequest(t, path, userBody)
			signHeader(t, right, longTerm, userBody, "us-east-1", tc.at)
			_, sig, _ := strings.Cut(right.Header.Get("Authorization"), "Signature=")
			if strings.Contains(e.Message, sig) {
				t.Errorf("the message shows the expected signature: %s", e.Message)
			}
		})
	}
}

type tamper struct {
	Name   string `json:"name"`
	Form   string `json:"form"`
	Target string `json:"target"`
	Op     string `json:"op"`
	Value  string `json:"value"`
	Old    string `json:"old"`
	New    string `json:"new"`
	Code   string `json:"code"`
}

func (tc tamper) edit(s string) string {
	switch tc.Op {
	case "set":
		return tc.Value
	case "append":
		return s + tc.Value
	case "replace":
		return strings.Replace(s, tc.Old, tc.New, 1)
	}
	return ""
}

// apply changes the received request r (and its body) as tc says.
func (tc tamper) apply(t *testing.T, r *http.Request, body []byte) []byte {
	t.Helper()
	target, name, _ := strings.Cut(tc.Target, ":")
	switch target {
	case "method":
		r.Method = tc.edit(r.Method)
	case "host":
		r.Host = tc.edit(r.Host)
	case "body":
		body = []byte(tc.edit(string(body)))
		r.ContentLength = int64(len(body))
	case "path":
		u, err := url.ParseRequestURI(tc.edit(r.URL.EscapedPath()) + "?" + r.URL.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		r.URL = u
	case "query":
		q := r.URL.Query()
		if tc.Op == "del" {
			q.Del(name)
		} else {
			q.Set(name, tc.edit(q.Get(name)))
		}
		r.URL.RawQuery = q.Encode()
	case "header":
		if tc.Op == "del" {
			r.Header.Del(name)
		} else {
			r.Header.Set(name, tc.edit(r.Header.Get(name)))
		}
	default:
		t.Fatalf("unknown target %q", tc.Target)
	}
	return body
}

// TestTamperedCatalogue: every request of testdata/tampered.json, a
// signed request changed in one part, is rejected with its code; the
// untouched request is accepted.
func TestTamperedCatalogue(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/tampered.json")
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		Tampered []tamper `json:"tampered"`
	}
	if err := json.Unmarshal(b, &cat); err != nil {
		t.Fatal(err)
	}
	base := func(form string) (*http.Request, []byte) {
		req := clientRequest(t, "/accounts/111122223333/namespaces/default/users", userBody)
		if form == "query" {
			presign(t, req, temporary, userBody, signedAt)
		} else {
			signHeader(t, req, temporary, userBody, "us-east-1", signedAt)
		}
		return received(t, req)
	}
	v := testVerifier(signedAt)
	for _, form := range []string{"header", "query"} {
		r, body := base(form)
		if _, err := v.Authenticate(r, body); err != nil {
			t.Fatalf("the untouched %s request: %v", form, err)
		}
	}
	rejected := 0
	for _, tc := range cat.Tampered {
		r, body := base(tc.Form)
		before := r.Method + r.Host + r.URL.String() + string(body) + r.Header.Get(strings.TrimPrefix(tc.Target, "header:"))
		body = tc.apply(t, r, body)
		after := r.Method + r.Host + r.URL.String() + string(body) + r.Header.Get(strings.TrimPrefix(tc.Target, "header:"))
		if before == after {
			t.Errorf("%s: the tampering changed nothing", tc.Name)
			continue
		}
		_, err := v.Authenticate(r, body)
		if got := codeOf(err); got != tc.Code {
			t.Errorf("%s: got %q (%v), want %s", tc.Name, got, err, tc.Code)
			continue
		}
		rejected++
	}
	if rejected != len(cat.Tampered) || rejected < 50 {
		t.Errorf("%d of %d tampered requests rejected as expected", rejected, len(cat.Tampered))
	}
}
