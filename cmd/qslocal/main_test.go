package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil, nil, io.Discard, io.Discard)
	if err != nil || o.addr != DefaultAddr || o.db != "qslocal.db" || o.region != "us-east-1" || o.rateLimit != 0 || o.asyncDelay != DefaultAsyncDelay {
		t.Errorf("defaults = %+v, %v", o, err)
	}
	o, err = parseFlags([]string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--region", "eu-west-1", "--rate-limit", "2.5", "--async-delay", "0"}, nil, io.Discard, io.Discard)
	if err != nil || o.addr != "127.0.0.1:0" || o.db != ":memory:" || o.region != "eu-west-1" || o.rateLimit != 2.5 || o.asyncDelay != 0 {
		t.Errorf("flags = %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"extra"}, {"--nope"}, {"--rate-limit", "x"}, {"--rate-limit", "-3"}, {"--rate-limit", "NaN"}, {"--rate-limit", "+Inf"}, {"--async-delay", "-1ms"}, {"--async-delay", "soon"},
		{"--region", "us:east"}, {"--region", "US-EAST-1"},
		{"--read-timeout", "-1s"}, {"--idle-timeout", "-1s"}, {"--shutdown-timeout", "-1s"}, {"--max-connections", "-1"},
		{"--tls-cert", "cert.pem"}, {"--tls-key", "key.pem"}} {
		if _, err := parseFlags(bad, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

// syncBuffer lets the test read what run prints while it runs.
type syncBuffer struct {
	ch chan string
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.ch <- string(p)
	return len(p), nil
}

func TestRunServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{ch: make(chan string, 10)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", ":memory:"}, nil, out, io.Discard) }()

	var line string
	select {
	case line = <-out.ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no ready line")
	}
	url := regexp.MustCompile(`http://\S+`).FindString(line)
	if url == "" || !strings.Contains(line, "qslocal listening on") {
		t.Fatalf("ready line %q", line)
	}
	resp, err := http.Get(url + "/accounts/111122223333/namespaces/default/users")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"UserList":[]`)) {
		t.Errorf("ListUsers: %d %s", resp.StatusCode, body)
	}
	// The store is wired to the health check and the metrics.
	for path, want := range map[string]string{
		"/_qslocal/health": `{"status":"ok","store":"sqlite","version":"`,
		"/metrics":         `qslocal_requests_total{operation="ListUsers",status="200"} 1`,
	} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte(want)) {
			t.Errorf("GET %s: %d, want %s in\n%s", path, resp.StatusCode, want, body)
		}
		if path == "/metrics" && !bytes.Contains(body, []byte("qslocal_database_size_bytes ")) {
			t.Errorf("no database size in\n%s", body)
		}
	}

	cancel() // as SIGINT would
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunRejectsBadStore(t *testing.T) {
	dir := t.TempDir() + "/missing/dir"
	err := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--db", dir + "/x.db"}, nil, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run started on a database it cannot create")
	}
	if !strings.Contains(err.Error(), "directory "+dir+" does not exist") {
		t.Errorf("error %q does not name the missing directory", err)
	}
}

func TestStoreSelection(t *testing.T) {
	for db, want := range map[string]bool{
		"qslocal.db": false, ":memory:": false, "/var/lib/postgres.db": false,
		"postgres://u@h/db": true, "postgresql://u:p@h:5432/db?sslmode=disable": true,
	} {
		if got := isPostgres(db); got != want {
			t.Errorf("isPostgres(%q) = %v", db, got)
		}
	}
	o, err := parseFlags([]string{"--db", "postgres://u@h/db", "--db-max-conns", "7", "--db-min-conns", "2", "--db-connect-timeout", "1500ms"}, nil, io.Discard, io.Discard)
	if err != nil || o.pg.MaxConns != 7 || o.pg.MinConns != 2 || o.pg.ConnectTimeout != 1500*time.Millisecond {
		t.Errorf("pool flags = %+v, %v", o.pg, err)
	}
	if _, err := parseFlags([]string{"--db", "postgres://u@h/db", "--db-max-conns", "-1"}, nil, io.Discard, io.Discard); err == nil {
		t.Error("negative pool size accepted")
	}
	// Pool flags on SQLite would do nothing; they are refused, not ignored.
	if _, err := parseFlags([]string{"--db", ":memory:", "--db-max-conns", "7"}, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--db-max-conns") {
		t.Errorf("pool flag with SQLite: %v", err)
	}
	// The lock timeout applies to both stores.
	for _, db := range []string{":memory:", "postgres://u@h/db"} {
		o, err := parseFlags([]string{"--db", db, "--db-lock-timeout", "250ms"}, nil, io.Discard, io.Discard)
		if err != nil || o.lockTimeout != 250*time.Millisecond || o.pg.LockTimeout != 250*time.Millisecond {
			t.Errorf("--db-lock-timeout with %s: %+v, %v", db, o, err)
		}
	}
	if _, err := parseFlags([]string{"--db-lock-timeout", "-1s"}, nil, io.Discard, io.Discard); err == nil {
		t.Error("a negative lock timeout accepted")
	}
}

func TestReadyLineHidesPassword(t *testing.T) {
	// Nothing listens on port 1: Open fails fast, and the error names the
	// store without its password.
	err := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--db", "postgres://u:hunter2@127.0.0.1:1/db", "--db-connect-timeout", "1s"}, nil, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run started without a database")
	}
	if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "postgres postgres://u:xxxxx@127.0.0.1:1/db") {
		t.Errorf("error %q", err)
	}
	// A URL that does not parse is not shown at all.
	err = run(context.Background(), []string{"--addr", "127.0.0.1:0", "--db", "postgres://u:hunt%zz@127.0.0.1:1/db", "--db-connect-timeout", "1s"}, nil, io.Discard, io.Discard)
	if err == nil || strings.Contains(err.Error(), "hunt") {
		t.Errorf("unparseable URL: error %v", err)
	}
}
