package e2e

import (
	"os/exec"
	"testing"
)

// TestBoto3 drives the identity plane through boto3, the way Python users
// meet qslocal. It skips where python3 with boto3 is not installed.
func TestBoto3(t *testing.T) {
	t.Parallel()
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 is not installed; skipping the boto3 run")
	}
	s := start(t, "")
	out, err := exec.Command("python3", "testdata/boto3_identity.py", s.URL).CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 run failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
