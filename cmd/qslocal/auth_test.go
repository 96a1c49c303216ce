package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAuthFlags(t *testing.T) {
	o, err := parseFlags([]string{"--auth", "sigv4", "--credentials", "c.json", "--enforce-iam"}, nil, io.Discard, io.Discard)
	if err != nil || o.auth != "sigv4" || o.credentials != "c.json" || !o.enforceIAM {
		t.Errorf("flags = %+v, %v", o, err)
	}
	if o, err := parseFlags(nil, nil, io.Discard, io.Discard); err != nil || o.auth != "none" {
		t.Errorf("default --auth = %q, %v", o.auth, err)
	}
	for _, bad := range [][]string{
		{"--auth", "sigv2"},
		{"--auth", "sigv4"},
		{"--credentials", "c.json"},
		{"--enforce-iam"},
		{"--auth", "none", "--enforce-iam"},
	} {
		if _, err := parseFlags(bad, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

// TestBadCredentialsFileFailsAtStart: a credentials file that does not
// parse stops qslocal before it listens, naming the entry at fault.
func TestBadCredentialsFileFailsAtStart(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ content, want string }{
		{`{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "account": "12"}]}`, "credentials[0].account"},
		{`{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "account": "111122223333", "policies": [{"Statement": {"Effect": "Permit", "Action": "*", "Resource": "*"}}]}]}`, "credentials[0].policies[0]: Statement[0].Effect"},
	} {
		path := filepath.Join(dir, "c.json")
		if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		err := run(context.Background(), []string{"--db", ":memory:", "--addr", "127.0.0.1:0", "--auth", "sigv4", "--credentials", path}, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run with %s: %v, want an error naming %s", tc.content, err, tc.want)
		}
	}
}
