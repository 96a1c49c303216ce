package restjson_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal/restjson"
)

// TestRefusedByNetHTTP: requests net/http refuses before any handler runs
// are answered AWS-shaped, with an error type and a request id, like
// every other error; answers of the handler pass unchanged.
func TestRefusedByNetHTTP(t *testing.T) {
	t.Parallel()
	api := restjson.New(restjson.Config{Handler: &fakeHandler{}, NewRequestID: sequentialIDs()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: api, MaxHeaderBytes: 1 << 10, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(api.Listener(ln))
	t.Cleanup(func() { srv.Close() })

	const users = "/accounts/111122223333/namespaces/default/users"
	for _, c := range []struct {
		name, request string
		status        int
		code, message string
	}{
		{"bad escape in the path", "GET " + users + "/%zz HTTP/1.1\r\nHost: q\r\n\r\n",
			400, "InvalidParameterValueException", "is malformed"},
		{"bad Content-Length", "PUT " + users + "/alice HTTP/1.1\r\nHost: q\r\nContent-Length: ten\r\n\r\n",
			400, "InvalidParameterValueException", "is malformed"},
		{"two Content-Lengths", "PUT " + users + "/alice HTTP/1.1\r\nHost: q\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
			400, "InvalidParameterValueException", "is malformed"},
		{"no Host", "GET " + users + " HTTP/1.1\r\n\r\n",
			400, "InvalidParameterValueException", "missing required Host header"},
		{"bad request line", "GET\r\nHost: q\r\n\r\n",
			400, "InvalidParameterValueException", "is malformed"},
		{"unknown protocol", "GET " + users + " HTTP/9.9\r\nHost: q\r\n\r\n",
			400, "InvalidParameterValueException", "unsupported protocol version"},
		{"headers too large", "GET " + users + " HTTP/1.1\r\nHost: q\r\nX-Big: " + strings.Repeat("x", 8<<10) + "\r\n\r\n",
			400, "InvalidParameterValueException", "headers are too large"},
		{"unknown transfer coding", "PUT " + users + "/alice HTTP/1.1\r\nHost: q\r\nTransfer-Encoding: gzip\r\n\r\n",
			501, "NotImplementedException", "Transfer-Encoding"},
		// The handler's own answers pass as they are.
		{"a request the handler refuses", "GET /nope HTTP/1.1\r\nHost: q\r\nConnection: close\r\n\r\n",
			404, restjson.CodeUnknownOperation, "No QuickSight operation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(30 * time.Second))
			if _, err := io.WriteString(conn, c.request); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Message, RequestId string }
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("%d %v: body is not JSON: %v", resp.StatusCode, resp.Header, err)
			}
			id := resp.Header.Get("x-amzn-RequestId")
			if resp.StatusCode != c.status || resp.Header.Get("X-Amzn-ErrorType") != c.code ||
				resp.Header.Get("Content-Type") != "application/json" || id == "" || id != body.RequestId ||
				!strings.Contains(body.Message, c.message) {
				t.Errorf("got %d %v %+v; want %d %s with %q and a request id", resp.StatusCode, resp.Header, body, c.status, c.code, c.message)
			}
		})
	}
}
