package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
)

// dial opens a raw connection to the server, which the test ends.
func dial(t *testing.T, s *server) net.Conn {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// Only so that a server that never closes fails the test rather than
	// hanging it: the server's timeouts here are a fraction of this.
	conn.SetDeadline(time.Now().Add(time.Minute))
	return conn
}

// closedByServer reads until the server closes conn, failing if it does
// not.
func closedByServer(t *testing.T, what string, r io.Reader) {
	t.Helper()
	if _, err := io.Copy(io.Discard, r); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("%s: %v, want the server to close the connection", what, err)
	}
}

const usersPath = "/accounts/" + account + "/namespaces/default/users"

// TestSlowClients: connections that send nothing, trickle or cut short a
// body, or sit idle between requests are closed after the configured
// timeouts; a body that does not arrive is answered RequestTimeoutException.
func TestSlowClients(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--read-header-timeout", "300ms", "--read-timeout", "300ms", "--idle-timeout", "300ms")

	t.Run("silent", func(t *testing.T) {
		t.Parallel()
		closedByServer(t, "a connection that sends nothing", dial(t, s))
	})
	t.Run("headers trickled", func(t *testing.T) {
		t.Parallel()
		conn := dial(t, s)
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: q\r\n", usersPath) // and never the blank line
		closedByServer(t, "a connection that never ends its headers", conn)
	})
	t.Run("body cut short", func(t *testing.T) {
		t.Parallel()
		conn := dial(t, s)
		fmt.Fprintf(conn, "PUT %s/alice HTTP/1.1\r\nHost: q\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Email\":", usersPath)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("no answer to a body shorter than its Content-Length: %v", err)
		}
		var body struct{ Message string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout || resp.Header.Get("X-Amzn-ErrorType") != "RequestTimeoutException" || resp.Header.Get("x-amzn-RequestId") == "" {
			t.Errorf("answer %d %v %q, want 408 RequestTimeoutException", resp.StatusCode, resp.Header, body.Message)
		}
		closedByServer(t, "a connection whose body stopped short", br)
	})
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		conn := dial(t, s)
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: q\r\n\r\n", usersPath)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("ListUsers: %d (close %v)", resp.StatusCode, resp.Close)
		}
		closedByServer(t, "a kept-alive connection left idle", br)
	})
}

// TestConnectionCap: with --max-connections reached, a new client waits;
// the connections being served go on; once one closes, the waiting
// client is served.
func TestConnectionCap(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--max-connections", "2", "--read-header-timeout", "1m", "--idle-timeout", "1m")
	// A kept-alive client being served, and one that holds its connection.
	served := dial(t, s)
	br := bufio.NewReader(served)
	list := func() {
		t.Helper()
		fmt.Fprintf(served, "GET %s HTTP/1.1\r\nHost: q\r\n\r\n", usersPath)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("a served connection: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("a served connection: ListUsers answered %d", resp.StatusCode)
		}
	}
	list()
	holder := dial(t, s)
	fmt.Fprint(holder, "GET / HTTP/1.1\r\n") // accepted, and held open

	done := make(chan error, 1)
	go func() {
		_, err := s.client("us-east-1").ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("a third client was served while two connections were open (%v): no cap", err)
	case <-time.After(500 * time.Millisecond):
	}
	list() // the served connection is not held up
	holder.Close()
	if err := <-done; err != nil {
		t.Errorf("the waiting client, once a connection closed: %v", err)
	}
}

// TestShutdownBounded: a request that outlasts --shutdown-timeout has its
// connection closed, and the shutdown is a clean exit.
func TestShutdownBounded(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--shutdown-timeout", "300ms")
	mustControl(t, s, http.MethodPut, "/_qslocal/faults", []byte(`{"rules": [{"operation": "ListUsers", "latencyMs": 120000}]}`))
	done := make(chan error, 1)
	go func() {
		_, err := s.client("us-east-1").ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
		done <- err
	}()
	for !strings.Contains(string(mustControl(t, s, http.MethodGet, "/_qslocal/faults", nil)), `"fired": 1`) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("qslocal exited with %v after SIGTERM, want status 0", err)
		}
	case <-time.After(time.Minute):
		_ = s.cmd.Process.Signal(os.Kill)
		t.Fatal("qslocal did not exit after SIGTERM")
	}
	if err := <-done; err == nil {
		t.Error("the request cut short by the shutdown succeeded")
	}
	if !strings.Contains(s.logs.String(), "closing the connections of requests still running") {
		t.Errorf("the forced close is not logged:\n%s", s.logs.String())
	}
}

// TestMalformedHTTP: what net/http refuses before any handler (here a bad
// %-escape in the path and a missing Host) is answered AWS-shaped.
func TestMalformedHTTP(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	for _, req := range []string{
		"GET " + usersPath + "/%zz HTTP/1.1\r\nHost: q\r\n\r\n",
		"GET " + usersPath + " HTTP/1.1\r\n\r\n",
	} {
		conn := dial(t, s)
		fmt.Fprint(conn, req)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Message, RequestId string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "InvalidParameterValueException" ||
			body.RequestId == "" || resp.Header.Get("x-amzn-RequestId") != body.RequestId {
			t.Errorf("%q: %d %v %+v (%v), want an AWS-shaped 400", req, resp.StatusCode, resp.Header, body, err)
		}
	}
}
