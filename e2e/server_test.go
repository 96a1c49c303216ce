// Package e2e drives a real qslocal process through the AWS SDK for Go v2.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/qslocal/qslocal/postgres"
	"github.com/qslocal/qslocal/postgres/pgtest"
)

const account = "111122223333"

var binary string

func TestMain(m *testing.M) {
	// A path of this checkout's own that outlives the run: go build does
	// not link again when the binary there is up to date.
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sum := sha256.Sum256([]byte(wd))
	binary = filepath.Join(os.TempDir(), "qslocal-e2e-"+hex.EncodeToString(sum[:6]), "qslocal")
	build := exec.Command("go", "build", "-o", binary, "../cmd/qslocal")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building qslocal:", err)
		os.Exit(1)
	}
	os.Exit(pgtest.Main(m))
}

// server is a running qslocal process.
type server struct {
	URL  string
	DB   string
	cmd  *exec.Cmd
	logs logs // what it writes on stderr, which also goes to ours
}

// logs keeps what a process logs, for tests to read while it runs.
type logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var readyLine = regexp.MustCompile(`listening on (https?://\S+)`)

// start runs qslocal on a random port with the given database and waits
// for its ready line. An empty db is a fresh one of the store under test:
// SQLite, or PostgreSQL when QSLOCAL_E2E_STORE=postgres. Asynchronous work
// finishes at once (--async-delay 0) unless extra sets another delay: a
// later flag wins.
func start(t *testing.T, db string, extra ...string) *server {
	t.Helper()
	if db == "" {
		db = freshDB(t)
	}
	args := append([]string{"--addr", "127.0.0.1:0", "--db", db, "--async-delay", "0"}, extra...)
	cmd := exec.Command(binary, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{DB: db, cmd: cmd}
	cmd.Stderr = io.MultiWriter(os.Stderr, &s.logs)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop(t) })
	lines := bufio.NewScanner(out)
	ready := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if m := readyLine.FindStringSubmatch(lines.Text()); m != nil {
				ready <- m[1]
			}
		}
	}()
	select {
	case s.URL = <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("qslocal did not print its ready line")
	}
	return s
}

// freshDB names a new database of the store under test.
func freshDB(t *testing.T) string {
	switch store := os.Getenv("QSLOCAL_E2E_STORE"); store {
	case "", "sqlite":
		return filepath.Join(t.TempDir(), "qslocal.db")
	case "postgres":
		return migratedPostgres(t)
	default:
		t.Fatalf("QSLOCAL_E2E_STORE=%q: want sqlite or postgres", store)
		return ""
	}
}

// migratedPostgres returns a new PostgreSQL database with the schema
// already applied, as qslocal leaves one it has started on once: copying
// a template is quicker than migrating.
func migratedPostgres(t *testing.T) string {
	return pgtest.Migrated(t, postgres.SchemaDigest(), func(ctx context.Context, dsn string) error {
		s, err := postgres.Open(ctx, dsn, postgres.Config{MaxConns: 1})
		if err != nil {
			return err
		}
		return s.Close()
	})
}

// stop sends SIGINT and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("qslocal exited with %v", err)
		}
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Error("qslocal did not stop on SIGINT")
	}
}

// kill stops the process with SIGKILL, as a crash would.
func (s *server) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

// client returns an SDK client for the server, signing for region.
func (s *server) client(region string) *quicksight.Client {
	return quicksight.New(quicksight.Options{
		Region:           region,
		BaseEndpoint:     aws.String(s.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		RetryMaxAttempts: 1,
	})
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}
