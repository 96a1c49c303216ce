package qslocal

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestIAMUserName(t *testing.T) {
	tests := []struct {
		arn, session, want string
		ok                 bool
	}{
		{"arn:aws:iam::111122223333:user/bob", "", "bob", true},
		{"arn:aws:iam::111122223333:user/division/team/bob", "", "bob", true},
		{"arn:aws:iam::111122223333:role/Analyst", "carol", "Analyst/carol", true},
		{"arn:aws:iam::111122223333:role/service-role/Analyst", "", "Analyst", true},
		{"arn:aws:iam::111122223333:user/bob", "s", "", false},
		{"arn:aws:iam::111122223333:group/admins", "", "", false},
		{"arn:aws:s3:::bucket", "", "", false},
		{"arn:aws:iam::111122223333:user/", "", "", false},
		{"not an arn", "", "", false},
	}
	for _, tt := range tests {
		got, err := iamUserName(tt.arn, tt.session)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("iamUserName(%q, %q) = %q, %v", tt.arn, tt.session, got, err)
		}
	}
}

// User names with a semicolon are refused (docs/behaviour.md); every other
// character the model allows is kept.
func TestCheckUserName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"alice", true},
		{"a/b@c d+e=f", true},
		{"Zoë", true},
		{"a,b:c", true},
		{"Analyst/carol@example.com", true},
		{"a;b", false},
		{";", false},
		{"Analyst/x;y", false},
		{"alice;", false},
	} {
		err := checkUserName("UserName", tc.name)
		var e *Error
		if tc.ok != (err == nil) || (err != nil && (!errors.As(err, &e) || e.Code != CodeInvalidParameterValue || !strings.Contains(e.Message, "semicolon"))) {
			t.Errorf("checkUserName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// IAM-style ids are the prefix and 17 characters of IAM's alphabet,
// derived from the seed alone (docs/behaviour.md).
func TestIAMPrincipalID(t *testing.T) {
	iamID := regexp.MustCompile(`^(AIDA|AROA)[A-Z2-7]{17}$`)
	seen := map[string]string{}
	for _, tc := range []struct{ arn, seed, prefix string }{
		{"arn:aws:iam::111122223333:user/bob", "00000000-0000-4000-8000-000000000001", "AIDA"},
		{"arn:aws:iam::111122223333:user/path/bob", "00000000-0000-4000-8000-000000000002", "AIDA"},
		{"arn:aws:iam::111122223333:role/Analyst", "00000000-0000-4000-8000-000000000001", "AROA"},
		{"arn:aws:iam::111122223333:role/x/Analyst", "ffffffff-ffff-4fff-bfff-ffffffffffff", "AROA"},
		{"arn:aws:iam::111122223333:user/bob", "99999999-9999-4999-8999-999999999999", "AIDA"},
		{"arn:aws:iam::111122223333:user/bob", "", "AIDA"},
	} {
		id := iamPrincipalID(tc.arn, tc.seed)
		if !iamID.MatchString(id) || !strings.HasPrefix(id, tc.prefix) {
			t.Errorf("iamPrincipalID(%q, %q) = %q, want %s and 17 of A-Z, 2-7", tc.arn, tc.seed, id, tc.prefix)
		}
		if again := iamPrincipalID(tc.arn, tc.seed); again != id {
			t.Errorf("iamPrincipalID(%q, %q) gave %q, then %q", tc.arn, tc.seed, id, again)
		}
		if other, ok := seen[id[4:]]; ok && other != tc.seed {
			t.Errorf("seeds %q and %q give the same id %s", other, tc.seed, id)
		}
		seen[id[4:]] = tc.seed
	}
}

func TestExternalLogin(t *testing.T) {
	s := func(v string) *string { return &v }
	saved := User{ExternalLoginProviderType: "CUSTOM_OIDC", ExternalLoginProviderURL: "https://idp", ExternalLoginID: "old"}
	tests := []struct {
		name          string
		start         User
		typ, url, id  *string
		want          User
		invalidParams bool
	}{
		{"nothing sent keeps the login", saved, nil, nil, nil, saved, false},
		{"COGNITO fills the URL", User{}, s("COGNITO"), nil, s("id"), User{ExternalLoginProviderType: "COGNITO", ExternalLoginProviderURL: "cognito-identity.amazonaws.com", ExternalLoginID: "id"}, false},
		{"CUSTOM_OIDC", User{}, s("CUSTOM_OIDC"), s("https://x"), nil, User{ExternalLoginProviderType: "CUSTOM_OIDC", ExternalLoginProviderURL: "https://x"}, false},
		{"NONE clears", saved, s("NONE"), nil, nil, User{}, false},
		{"id alone replaces the id", saved, nil, nil, s("new"), User{ExternalLoginProviderType: "CUSTOM_OIDC", ExternalLoginProviderURL: "https://idp", ExternalLoginID: "new"}, false},
		{"id alone without a login", User{}, nil, nil, s("new"), User{}, true},
		{"URL alone", saved, nil, s("https://x"), nil, saved, true},
		{"CUSTOM_OIDC without URL", User{}, s("CUSTOM_OIDC"), nil, nil, User{}, true},
		{"CUSTOM_OIDC with empty URL", User{}, s("CUSTOM_OIDC"), s(""), nil, User{}, true},
		{"COGNITO with URL", User{}, s("COGNITO"), s("https://x"), nil, User{}, true},
		{"NONE with id", saved, s("NONE"), nil, s("x"), saved, true},
		{"unknown type", User{}, s("SAML"), nil, nil, User{}, true},
	}
	for _, tt := range tests {
		u := tt.start
		err := externalLogin(&u, tt.typ, tt.url, tt.id)
		var e *Error
		if tt.invalidParams != (errors.As(err, &e) && e.Code == CodeInvalidParameterValue) {
			t.Errorf("%s: error %v", tt.name, err)
		}
		if err == nil && u != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, u, tt.want)
		}
	}
}

func TestARN(t *testing.T) {
	if got := UserARN("eu-west-1", "111122223333", "default", "a/b"); got != "arn:aws:quicksight:eu-west-1:111122223333:user/default/a/b" {
		t.Errorf("UserARN = %s", got)
	}
	a, err := ParseARN("arn:aws:iam::111122223333:role/x/y")
	if err != nil || a.Service != "iam" || a.Region != "" || a.Account != "111122223333" || a.Resource != "role/x/y" {
		t.Errorf("ParseARN = %+v, %v", a, err)
	}
	for _, bad := range []string{"", "arn:aws", "arn::iam::1:x", "urn:aws:iam::1:x", "arn:aws:iam::1:"} {
		if _, err := ParseARN(bad); err == nil {
			t.Errorf("ParseARN(%q) succeeded", bad)
		}
	}
}
