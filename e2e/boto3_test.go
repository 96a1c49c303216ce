package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/qslocal/qslocal/internal/botocore"
)

// modelEnv returns the environment for a botocore client (boto3, the AWS
// CLI): the current one with AWS_DATA_PATH naming the repository's copy of
// the AWS models, so that the client speaks the model qslocal is generated
// from even where the installed botocore predates operations such as the
// flows.
func modelEnv(t *testing.T) []string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", filepath.FromSlash(botocore.ModelDir)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, "quicksight")); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "AWS_DATA_PATH="+abs)
}

// missingClient skips t for want of an AWS client, unless
// $QSLOCAL_REQUIRE_CLIENTS is set (as CI does): then it fails.
func missingClient(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("QSLOCAL_REQUIRE_CLIENTS") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// TestBoto3 drives qslocal through boto3, the way Python users meet it.
func TestBoto3(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the other clients' runs take seconds of interpreter start-up; the Go SDK suite covers the same behaviour")
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		missingClient(t, "python3 with boto3 is not installed; skipping the boto3 run")
	}
	env := modelEnv(t)
	for _, script := range []string{"boto3_identity.py", "boto3_flows.py", "boto3_dashboards.py"} {
		t.Run(script, func(t *testing.T) {
			t.Parallel()
			s := start(t, "")
			cmd := exec.Command("python3", filepath.Join("testdata", script), s.URL)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("boto3 run failed: %v\n%s", err, out)
			}
			t.Logf("%s", out)
		})
	}
}
