package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/apigen"
	"github.com/qslocal/qslocal/internal/botocore"
)

// TestGeneratedCodeIsCurrent regenerates the package from the model and
// compares it with the committed files: run `go generate ./...` when it fails.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	path, err := botocore.FindModel(".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := botocore.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	files, err := apigen.Generate(m)
	if err != nil {
		t.Fatal(err)
	}
	onDisk, _ := filepath.Glob("*_gen.go")
	if len(onDisk) != len(files) {
		t.Errorf("%d generated files on disk, generator writes %d", len(onDisk), len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s: %v (run go generate ./...)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./...", name)
		}
		if !bytes.HasPrefix(got, []byte("// Code generated")) || !bytes.Contains(got, []byte("DO NOT EDIT.")) {
			t.Errorf("%s lacks the generated-code header", name)
		}
	}
}

func TestEveryOperationIsRouted(t *testing.T) {
	if len(api.Operations) != 277 {
		t.Errorf("%d operations, want 277", len(api.Operations))
	}
	seen := map[string]string{}
	for _, op := range api.Operations {
		key := op.Method + " " + op.URI
		if prev, ok := seen[key]; ok {
			t.Errorf("%s and %s share the route %s", prev, op.Name, key)
		}
		seen[key] = op.Name
		if op.SuccessStatus < 200 || op.SuccessStatus > 299 || !strings.HasPrefix(op.URI, "/") {
			t.Errorf("%s: status %d, URI %q", op.Name, op.SuccessStatus, op.URI)
		}
	}
}

func TestWireNames(t *testing.T) {
	// Spot checks of quirks the model dictates; each would break an SDK.
	tests := []struct{ op, method, uri string }{
		{"CreateNamespace", "POST", "/accounts/{AwsAccountId}"},
		{"DeleteIAMPolicyAssignment", "DELETE", "/accounts/{AwsAccountId}/namespace/{Namespace}/iam-policy-assignments/{AssignmentName}"},
		{"CreateIAMPolicyAssignment", "POST", "/accounts/{AwsAccountId}/namespaces/{Namespace}/iam-policy-assignments/"},
		{"UpdateSelfUpgrade", "POST", "/accounts/{AwsAccountId}/namespaces/{Namespace}/update-self-upgrade-request"},
	}
	for _, tt := range tests {
		found := false
		for _, op := range api.Operations {
			if op.Name == tt.op {
				found = true
				if op.Method != tt.method || op.URI != tt.uri {
					t.Errorf("%s = %s %s, want %s %s", tt.op, op.Method, op.URI, tt.method, tt.uri)
				}
			}
		}
		if !found {
			t.Errorf("%s missing", tt.op)
		}
	}
	if s := api.ErrorShapes["ResourceNotFoundException"]; s.Status != 404 || !s.ResourceType || !s.RequestID {
		t.Errorf("ResourceNotFoundException = %+v", s)
	}
	if s := api.ErrorShapes["InternalServerException"]; s.RequestID || !s.Fault {
		t.Errorf("InternalServerException = %+v", s)
	}
	if len(api.ErrorShapes) != 23 {
		t.Errorf("%d error shapes, want 23", len(api.ErrorShapes))
	}
}
