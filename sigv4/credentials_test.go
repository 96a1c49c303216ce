package sigv4

import (
	"strings"
	"testing"
)

func TestParseFile(t *testing.T) {
	t.Parallel()
	f, err := ParseFile([]byte(`
credentials:
- accessKeyId: AKIDYAML
  secretAccessKey: s
  account: "111122223333"
  admin: true
  policies:
  - Version: "2012-10-17"
    Statement:
    - {Effect: Allow, Action: "quicksight:Describe*", Resource: "*"}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := f.Credentials[0]
	if c.ARN != "arn:aws:iam::111122223333:root" || !c.Admin || len(c.Policies) != 1 || c.Policies[0].Statement[0].Action[0] != "quicksight:Describe*" {
		t.Errorf("parsed %+v", c)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"credentials": []}`, "at least one"},
		{`{"credentials": [{"secretAccessKey": "s", "account": "111122223333"}]}`, "credentials[0].accessKeyId"},
		{`{"credentials": [{"accessKeyId": "A/B", "secretAccessKey": "s", "account": "111122223333"}]}`, "credentials[0].accessKeyId"},
		{`{"credentials": [{"accessKeyId": "A", "account": "111122223333"}]}`, "credentials[0].secretAccessKey"},
		{`{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "account": "x"}]}`, "credentials[0].account"},
		{`{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "account": "111122223333"}, {"accessKeyId": "A", "secretAccessKey": "t", "account": "111122223333"}]}`, "credentials[1].accessKeyId"},
		{`{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "account": "111122223333", "extra": 1}]}`, "extra"},
		{`{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "account": "111122223333", "policies": [{"Statement": {"Effect": "Allow", "Action": "*"}}]}]}`, "credentials[0].policies[0]"},
	} {
		if _, err := ParseFile([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFile(%s) = %v, want an error naming %s", tc.doc, err, tc.want)
		}
	}
}
