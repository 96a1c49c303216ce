package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startRun runs qslocal with args and returns its API's URL; it stops
// when the test ends.
func startRun(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{ch: make(chan string, 10)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0", "--db", ":memory:"}, args...), nil, out, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v", err)
		}
	})
	select {
	case line := <-out.ch:
		return regexp.MustCompile(`http://\S+`).FindString(line)
	case err := <-done:
		t.Fatalf("run returned %v before it was ready", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no ready line")
	}
	return ""
}

// get answers GET url's status and body; status 0 when nothing answers.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestProfilerIsOffByDefault(t *testing.T) {
	if o, err := parseFlags(nil, nil, io.Discard, io.Discard); err != nil || o.pprof != "" {
		t.Fatalf("--pprof defaults to %q, %v", o.pprof, err)
	}
	api := startRun(t)
	if status, body := get(t, api+"/debug/pprof/"); status == http.StatusOK || strings.Contains(body, "goroutine") {
		t.Errorf("the API serves the profiler: %d %s", status, body)
	}
}

func TestProfilerServesOnItsOwnAddress(t *testing.T) {
	addr := freeAddr(t)
	api := startRun(t, "--pprof", addr)
	if status, body := get(t, "http://"+addr+"/debug/pprof/"); status != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("GET /debug/pprof/ on --pprof %s: %d %.200s", addr, status, body)
	}
	if status, _ := get(t, "http://"+addr+"/debug/pprof/cmdline"); status != http.StatusOK {
		t.Errorf("GET /debug/pprof/cmdline: %d", status)
	}
	// The API's own address still does not serve it.
	if status, body := get(t, api+"/debug/pprof/"); status == http.StatusOK || strings.Contains(body, "goroutine") {
		t.Errorf("the API serves the profiler: %d %s", status, body)
	}
}
