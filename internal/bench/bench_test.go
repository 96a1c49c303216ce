package bench

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunAgainstAChildServer runs the tool for a second per phase with
// every operation, against a qslocal it builds and starts.
func TestRunAgainstAChildServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts qslocal")
	}
	bin := filepath.Join(t.TempDir(), "qslocal")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/qslocal/qslocal/cmd/qslocal").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	mix, err := ParseMix(strings.Join(OperationNames(), ","))
	if err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	cfg := Config{Binary: bin, DB: filepath.Join(t.TempDir(), "bench.db"), Mix: mix, Concurrency: 4, Duration: time.Second, Users: 300, Log: &log}
	if err := Run(context.Background(), cfg, &out); err != nil {
		t.Fatalf("Run: %v\n%s\n%s", err, out.String(), log.String())
	}
	got := out.String()
	for _, want := range append(OperationNames(), "filled 300 users", "start to first answer:", "ceiling", "server CPU per call:", "server peak RSS") {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "first error") {
		t.Errorf("calls failed:\n%s\n%s", got, log.String())
	}
	// Run again on the same database: it is filled already.
	out.Reset()
	cfg.Mix, cfg.Duration = mix[:1], 200*time.Millisecond
	if err := Run(context.Background(), cfg, &out); err != nil {
		t.Fatalf("second Run: %v\n%s", err, log.String())
	}
	if strings.Contains(out.String(), "filled") {
		t.Errorf("the second run filled the database again:\n%s", out.String())
	}
}
