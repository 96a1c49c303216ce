package sigv4

import (
	"encoding/json"
	"strings"
	"testing"
)

func policies(t testing.TB, docs ...string) []Policy {
	t.Helper()
	var ps []Policy
	for _, d := range docs {
		var p Policy
		if err := json.Unmarshal([]byte(d), &p); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if err := p.check(); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		ps = append(ps, p)
	}
	return ps
}

const (
	alice    = "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"
	bob      = "arn:aws:quicksight:us-east-1:111122223333:user/default/bob"
	analysis = "arn:aws:quicksight:us-east-1:111122223333:analysis/a1"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	allowDescribeAlice := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"quicksight:DescribeUser","Resource":"` + alice + `"}}`
	allowAll := `{"Statement":[{"Effect":"Allow","Action":"quicksight:*","Resource":"*"}]}`
	denyUpdates := `{"Statement":[{"Effect":"Deny","Action":"quicksight:Update*","Resource":"*"}]}`
	ctx := map[string]string{KeyRequestedRegion: "us-east-1", KeyPrincipalAccount: "111122223333", KeyPrincipalArn: "arn:aws:iam::111122223333:user/x"}
	cases := []struct {
		name             string
		docs             []string
		action, resource string
		want             Decision
	}{
		{"no policy: denied by default", nil, "quicksight:DescribeUser", alice, ImplicitDeny},
		{"exact allow", []string{allowDescribeAlice}, "quicksight:DescribeUser", alice, Allow},
		{"exact allow, other resource", []string{allowDescribeAlice}, "quicksight:DescribeUser", bob, ImplicitDeny},
		{"exact allow, other action", []string{allowDescribeAlice}, "quicksight:UpdateUser", alice, ImplicitDeny},
		{"actions ignore case", []string{`{"Statement":{"Effect":"Allow","Action":"QuickSight:describeuser","Resource":"*"}}`}, "quicksight:DescribeUser", alice, Allow},
		{"resources keep case", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:quicksight:us-east-1:111122223333:user/default/Alice"}}`}, "quicksight:DescribeUser", alice, ImplicitDeny},
		{"* in an action", []string{`{"Statement":{"Effect":"Allow","Action":"quicksight:Describe*","Resource":"*"}}`}, "quicksight:DescribeUser", alice, Allow},
		{"? in an action", []string{`{"Statement":{"Effect":"Allow","Action":"quicksight:?escribeUser","Resource":"*"}}`}, "quicksight:DescribeUser", alice, Allow},
		{"? is one character", []string{`{"Statement":{"Effect":"Allow","Action":"quicksight:?User","Resource":"*"}}`}, "quicksight:DescribeUser", alice, ImplicitDeny},
		{"* in a resource", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:quicksight:*:111122223333:user/default/*"}}`}, "quicksight:DescribeUser", alice, Allow},
		{"* in a resource, other type", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:quicksight:*:111122223333:user/*"}}`}, "quicksight:DescribeAnalysis", analysis, ImplicitDeny},
		{"lists of actions and resources", []string{`{"Statement":{"Effect":"Allow","Action":["quicksight:ListUsers","quicksight:DescribeUser"],"Resource":["` + bob + `","` + alice + `"]}}`}, "quicksight:DescribeUser", alice, Allow},
		{"explicit deny wins", []string{allowAll, denyUpdates}, "quicksight:UpdateUser", alice, ExplicitDeny},
		{"explicit deny wins within one policy", []string{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"quicksight:UpdateUser","Resource":"` + alice + `"}]}`}, "quicksight:UpdateUser", alice, ExplicitDeny},
		{"deny elsewhere leaves the allow", []string{allowAll, denyUpdates}, "quicksight:DescribeUser", alice, Allow},
		{"NotAction allows all else", []string{`{"Statement":{"Effect":"Allow","NotAction":"quicksight:Delete*","Resource":"*"}}`}, "quicksight:DescribeUser", alice, Allow},
		{"NotAction leaves out its own", []string{`{"Statement":{"Effect":"Allow","NotAction":"quicksight:Delete*","Resource":"*"}}`}, "quicksight:DeleteUser", alice, ImplicitDeny},
		{"NotResource", []string{`{"Statement":{"Effect":"Allow","Action":"*","NotResource":"` + bob + `"}}`}, "quicksight:DescribeUser", alice, Allow},
		{"NotResource leaves out its own", []string{`{"Statement":{"Effect":"Allow","Action":"*","NotResource":"` + bob + `"}}`}, "quicksight:DescribeUser", bob, ImplicitDeny},
		{"deny with NotResource", []string{allowAll, `{"Statement":{"Effect":"Deny","Action":"*","NotResource":"` + alice + `"}}`}, "quicksight:DescribeUser", bob, ExplicitDeny},
		{"condition holds", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}}`}, "quicksight:DescribeUser", alice, Allow},
		{"condition fails", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1","eu-west-2"]}}}}`}, "quicksight:DescribeUser", alice, ImplicitDeny},
		{"negated condition", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}}`}, "quicksight:DescribeUser", alice, Allow},
		{"like condition", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}}}`}, "quicksight:DescribeUser", alice, Allow},
		{"condition keys ignore case", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"AWS:PRINCIPALACCOUNT":"111122223333"}}}}`}, "quicksight:DescribeUser", alice, Allow},
		{"unsupported operator: allow does not apply", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}`}, "quicksight:DescribeUser", alice, ImplicitDeny},
		{"unsupported key: allow does not apply", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"quicksight:UserName":"alice"}}}}`}, "quicksight:DescribeUser", alice, ImplicitDeny},
		{"unsupported operator: deny applies", []string{allowAll, `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"x"}}}}`}, "quicksight:DescribeUser", alice, ExplicitDeny},
		{"failing deny condition", []string{allowAll, `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}}`}, "quicksight:DescribeUser", alice, Allow},
	}
	for _, tc := range cases {
		got := Evaluate(policies(t, tc.docs...), Request{Action: tc.action, Resource: tc.resource, Context: ctx})
		if got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`{"Statement":[]}`,
		`{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
		`{"Statement":{"Effect":"allow","Action":"*","Resource":"*"}}`,
		`{"Statement":{"Effect":"Allow","Resource":"*"}}`,
		`{"Statement":{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}}`,
		`{"Statement":{"Effect":"Allow","Action":"*"}}`,
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`,
		`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:quicksight:*:*:user/default/${aws:username}"}}`,
	} {
		var p Policy
		if err := json.Unmarshal([]byte(doc), &p); err == nil && p.check() == nil {
			t.Errorf("accepted %s", doc)
		}
	}
}

func TestWildcard(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, value string
		want           bool
	}{
		{"", "", true}, {"*", "", true}, {"*", "abc", true}, {"a*c", "abbbc", true}, {"a*c", "abcd", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"*b*", "abc", true}, {"**", "x", true}, {"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false}, {"abc", "abd", false}, {strings.Repeat("*a", 50), strings.Repeat("a", 10000), true},
		{strings.Repeat("*a", 50) + "b", strings.Repeat("a", 10000), false},
		{"*", "*x", true}, {"a*", "a*b", true}, // a * in the value is an ordinary character
	}
	for _, tc := range cases {
		if got := wildcard(tc.pattern, tc.value); got != tc.want {
			t.Errorf("wildcard(%q, %q) = %v", tc.pattern, tc.value, got)
		}
	}
}
