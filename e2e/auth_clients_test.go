package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSignedClients: boto3, the AWS CLI and the JavaScript SDK sign as
// qslocal verifies: the right secret works; a wrong secret and an unknown
// key get AWS's codes.
func TestSignedClients(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the other clients' runs take seconds of interpreter start-up; the Go SDK suite covers the same behaviour")
	}
	t.Run("boto3", func(t *testing.T) {
		t.Parallel()
		if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
			missingClient(t, "python3 with boto3 is not installed; skipping the boto3 run")
		}
		s := startSigned(t)
		cmd := exec.Command("python3", filepath.Join("testdata", "boto3_auth.py"), s.URL)
		cmd.Env = modelEnv(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("boto3 run failed: %v\n%s", err, out)
		}
	})
	t.Run("JavaScript SDK", func(t *testing.T) {
		t.Parallel()
		_, noNode := exec.LookPath("node")
		_, noSDK := os.Stat(filepath.Join(jsDir, "node_modules", "@aws-sdk", "client-quicksight"))
		if noNode != nil || noSDK != nil {
			missingClient(t, "node or the JavaScript SDK is missing: npm ci --prefix e2e/testdata/js")
		}
		s := startSigned(t)
		if out, err := exec.Command("node", filepath.Join(jsDir, "auth.mjs"), s.URL).CombinedOutput(); err != nil {
			t.Fatalf("JavaScript SDK run failed: %v\n%s", err, out)
		}
	})
	t.Run("AWS CLI", func(t *testing.T) {
		t.Parallel()
		if _, err := exec.LookPath("aws"); err != nil {
			missingClient(t, "the AWS CLI (aws) is not installed; skipping the CLI run")
		}
		s := startSigned(t)
		cli := func(key, secret string, args ...string) (string, error) {
			cmd := exec.Command("aws", append([]string{"quicksight", "--endpoint-url", s.URL, "--output", "json"}, args...)...)
			cmd.Env = append(modelEnv(t), "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_DEFAULT_REGION=us-east-1",
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		ns := []string{"--aws-account-id", account, "--namespace", "default"}
		if out, err := cli("AKIDADMIN", "admin/secret", append([]string{"register-user", "--identity-type", "QUICKSIGHT",
			"--user-name", "cli", "--email", "cli@example.com", "--user-role", "READER"}, ns...)...); err != nil {
			t.Fatalf("register-user with the right secret: %v\n%s", err, out)
		}
		if out, err := cli("AKIDALICE", "alice/secret", append([]string{"list-users"}, ns...)...); err != nil || !strings.Contains(out, `"UserName": "cli"`) {
			t.Errorf("list-users with the right secret: %v\n%s", err, out)
		}
		for _, tc := range []struct{ key, secret, want string }{
			{"AKIDALICE", "wrong/secret", "An error occurred (InvalidSignatureException) when calling the ListUsers operation: The request signature we calculated does not match"},
			{"AKIDNOBODY", "x", "An error occurred (UnrecognizedClientException) when calling the ListUsers operation: The security token included in the request is invalid."},
			{"AKIDOTHER", "other/secret", "An error occurred (AccessDeniedException) when calling the ListUsers operation: User: arn:aws:iam::444455556666:user/other is not authorized"},
		} {
			if out, err := cli(tc.key, tc.secret, append([]string{"list-users"}, ns...)...); err == nil || !strings.Contains(out, tc.want) {
				t.Errorf("list-users as %s: %v\n%s", tc.key, err, out)
			}
		}
	})
}
