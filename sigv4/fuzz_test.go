package sigv4

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseAuthorization: no header crashes the parser, and what it
// accepts has every part SigV4 needs.
func FuzzParseAuthorization(f *testing.F) {
	for _, seed := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/quicksight/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0123abcd",
		"AWS4-HMAC-SHA256 Credential=A/B/C/D/E,SignedHeaders=,Signature=x",
		"AWS4-HMAC-SHA256 Credential=x, Credential=y, SignedHeaders=host, Signature=z",
		"AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=z",
		"Bearer eyJhbGciOi",
		"", " ", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ,,,,=,=",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		a, err := parseAuthorization(header)
		if err != nil {
			if codeOf(err) != CodeIncompleteSignature {
				t.Fatalf("error %v is not IncompleteSignatureException", err)
			}
			return
		}
		if a.Credential == "" || a.Signature == "" {
			t.Fatalf("accepted %q without a credential or signature: %+v", header, a)
		}
		if sc, err := parseScope(a.Credential); err == nil && strings.Contains(sc.AccessKeyID+sc.Date+sc.Region+sc.Service, "/") {
			t.Fatalf("scope %+v holds a slash", sc)
		}
	})
}

// FuzzEvaluate: no policy crashes the evaluator, and a Deny of everything
// added to any policy denies every request.
func FuzzEvaluate(f *testing.F) {
	f.Add(`{"Statement":{"Effect":"Allow","Action":"quicksight:*","Resource":"*"}}`, "quicksight:DescribeUser", alice)
	f.Add(`{"Statement":[{"Effect":"Allow","NotAction":["a*","?b"],"NotResource":"arn:*"}]}`, "x:y", "arn:aws:quicksight:::z")
	f.Add(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:RequestedRegion":"us-*"}}}}`, "a", "b")
	f.Fuzz(func(t *testing.T, doc, action, resource string) {
		var p Policy
		if json.Unmarshal([]byte(doc), &p) != nil || p.check() != nil {
			return
		}
		req := Request{Action: action, Resource: resource, Context: map[string]string{KeyRequestedRegion: "us-east-1"}}
		Evaluate([]Policy{p}, req)
		denyAll := Policy{Statement: statements{{Effect: "Deny", Action: stringList{"*"}, Resource: stringList{"*"}}}}
		if d := Evaluate([]Policy{p, denyAll}, req); d != ExplicitDeny {
			t.Fatalf("a deny of everything gave %d", d)
		}
	})
}
