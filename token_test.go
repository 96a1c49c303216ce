package qslocal

import (
	"errors"
	"strings"
	"testing"
)

func TestPageTokens(t *testing.T) {
	tk := tokens{key: []byte("0123456789abcdef0123456789abcdef")}
	other := tokens{key: []byte("another key, another process set")}
	good := tk.sign(pageToken{Kind: "users", Scope: "111122223333/default", After: "a/b c"})

	after, err := tk.open(good, "users", "111122223333/default")
	if err != nil || after != "a/b c" {
		t.Fatalf("open(good) = %q, %v", after, err)
	}
	payload, sig, _ := strings.Cut(good, ".")
	forged := tokens{key: []byte("x")}.sign(pageToken{Kind: "users", Scope: "111122223333/default", After: "zzz"})
	tests := []struct {
		name, token, kind, scope string
		tk                       tokens
	}{
		{"garbage", "garbage", "users", "111122223333/default", tk},
		{"empty signature", payload + ".", "users", "111122223333/default", tk},
		{"payload swapped", strings.Split(forged, ".")[0] + "." + sig, "users", "111122223333/default", tk},
		{"other namespace", good, "users", "111122223333/sales", tk},
		{"other listing", good, "groups", "111122223333/default", tk},
		{"other key", good, "users", "111122223333/default", other},
		{"not base64", "!!!." + sig, "users", "111122223333/default", tk},
	}
	for _, tt := range tests {
		_, err := tt.tk.open(tt.token, tt.kind, tt.scope)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidNextToken {
			t.Errorf("%s: %v, want InvalidNextTokenException", tt.name, err)
		}
	}
}

func TestStartPage(t *testing.T) {
	tk := tokens{key: []byte("k")}
	p, err := tk.startPage(nil, nil, "users", "s")
	if err != nil || p.limit != defaultPageSize || p.after != "" {
		t.Errorf("defaults = %+v, %v", p, err)
	}
	max := int32(7)
	next := tk.nextToken("bob", "users", "s")
	p, err = tk.startPage(next, &max, "users", "s")
	if err != nil || p.limit != 7 || p.after != "bob" {
		t.Errorf("continued = %+v, %v", p, err)
	}
}
