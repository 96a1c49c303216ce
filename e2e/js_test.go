package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// jsDir holds the JavaScript SDK's package, installed with
// `npm ci --prefix e2e/testdata/js` (CI does it).
var jsDir = filepath.Join("testdata", "js")

// TestJavaScriptSDK drives flows and IAM policy assignments through the
// AWS SDK for JavaScript v3.
func TestJavaScriptSDK(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the other clients' runs take seconds of interpreter start-up; the Go SDK suite covers the same behaviour")
	}
	_, noNode := exec.LookPath("node")
	_, noSDK := os.Stat(filepath.Join(jsDir, "node_modules", "@aws-sdk", "client-quicksight"))
	if noNode != nil || noSDK != nil {
		missingClient(t, "node or the JavaScript SDK is missing: npm ci --prefix e2e/testdata/js")
	}
	s := start(t, "")
	out, err := exec.Command("node", filepath.Join(jsDir, "flows.mjs"), s.URL).CombinedOutput()
	if err != nil {
		t.Fatalf("JavaScript SDK run failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
