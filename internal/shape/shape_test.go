package shape

import (
	"errors"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/internal/pattern"
)

func TestValidatorMessages(t *testing.T) {
	var v Validator
	if v.Err() != nil {
		t.Fatal("empty validator has an error")
	}
	v.Required("Email", false)
	v.Required("Role", true)
	v.Length("UserName", "", 1, -1, false)
	v.Length("Secret", strings.Repeat("x", 10), -1, 5, true)
	v.Count("Actions", 21, 1, 20)
	v.Range("MaxResults", 0, F(1), F(100))
	v.Pattern("AwsAccountId", "123", pattern.MustCompile(`^[0-9]{12}$`), false)
	v.Enum("Role", "GOD", []string{"ADMIN", "READER"})
	v.Union("Source", 2)
	err := v.Err()
	want := []string{
		"8 validation errors detected: ",
		"Value null at 'email' failed to satisfy constraint: Member must not be null",
		"Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1",
		"Value (sensitive) at 'secret' failed to satisfy constraint: Member must have length less than or equal to 5",
		"at 'actions' failed to satisfy constraint: Member must have length less than or equal to 20",
		"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
		"Value '123' at 'awsAccountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9]{12}$",
		"Value 'GOD' at 'role' failed to satisfy constraint: Member must satisfy enum value set: [ADMIN, READER]",
		"at 'source' failed to satisfy constraint: Member must have exactly one member set",
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q\nlacks %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "'Role' failed to satisfy constraint: Member must not be null") {
		t.Error("present member reported missing")
	}
}

func TestShowTruncates(t *testing.T) {
	got := Show(strings.Repeat("é", 200), false)
	if !strings.HasSuffix(got, "...'") || len([]rune(got)) != maxShown+5 {
		t.Errorf("Show = %q", got)
	}
	if Join("", "A") != "A" || Join("A", "B") != "A.B" || Index("A", 2) != "A[2]" || Key("M", "k") != `M["k"]` {
		t.Error("path helpers")
	}
}

func TestWirePath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Role", "role"},
		{"AwsAccountId", "awsAccountId"},
		{"GrantPermissions[0].Principal", "grantPermissions.1.member.principal"},
		{"Definition.Sheets[0].Visuals[11].PivotTableVisual", "definition.sheets.1.member.visuals.12.member.pivotTableVisual"},
		{`Identities["user"][1]`, "identities.user.2.member"},
		{"Actions[2]", "actions.3.member"},
		{`Tags["a\"]b"].Value`, `tags.a"]b.value`},
		{"Éx", "Éx"},
		{"M[0][1].B", "m.1.member.2.member.b"},
		{"", ""},
	} {
		if got := WirePath(tt.in); got != tt.want {
			t.Errorf("WirePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestValidationErrorIsBounded: thousands of violations are all counted,
// but only the first MaxListed are kept and written.
func TestValidationErrorIsBounded(t *testing.T) {
	t.Parallel()
	var v Validator
	for i := range 3000 {
		v.Length(Index("Names", i), strings.Repeat("x", 300), 1, 256, false)
	}
	var ve *ValidationError
	if !errors.As(v.Err(), &ve) {
		t.Fatalf("err = %v", v.Err())
	}
	msg := ve.Error()
	if !strings.HasPrefix(msg, "3000 validation errors detected: ") {
		t.Errorf("message starts %.60q", msg)
	}
	if n := strings.Count(msg, "failed to satisfy constraint"); n != MaxListed {
		t.Errorf("%d violations listed, want %d", n, MaxListed)
	}
	if len(msg) > 64<<10 {
		t.Errorf("message of %d bytes", len(msg))
	}
}
