package restjson

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/qslocal/qslocal"
)

// Listener wraps ln so that the requests net/http refuses before any
// handler sees them are answered as every other error is: AWS-shaped
// JSON with an error type and a request id, logged and observed. net/http
// reads the request line and headers itself and, on a malformed request
// line or %-escape in the path, a bad or conflicting Content-Length, a
// missing or bad Host, headers past MaxHeaderBytes or an unknown
// Transfer-Encoding, writes a plain-text answer straight to the connection
// and closes it, offering no hook. So the connections ln accepts recognise
// that answer, which nothing else writes (a handler's answer always has a
// Date header between its status line and its body), and write this
// server's instead. (Serve the returned listener over TLS by wrapping the
// TLS listener, not the other way round: the answer must be seen before
// it is encrypted.)
func (s *Server) Listener(ln net.Listener) net.Listener { return &listener{Listener: ln, s: s} }

type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, s: l.s}, nil
}

type conn struct {
	net.Conn
	s *Server
}

func (c *conn) Write(p []byte) (int, error) {
	status, text, ok := refusal(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(c.s.refuse(status, text)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// refusalHeaders follow the status line of every answer net/http writes
// without a handler (net/http's server.go, conn.serve).
const refusalHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// refusal recognises such an answer: its status and the reason net/http
// gives after the status text, if any ("missing required Host header").
func refusal(p []byte) (status int, text string, ok bool) {
	rest, found := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !found {
		return 0, "", false
	}
	line, rest, found := bytes.Cut(rest, []byte("\r\n"))
	if !found || !bytes.HasPrefix(rest, []byte(refusalHeaders[2:])) || len(line) < 4 || line[3] != ' ' {
		return 0, "", false
	}
	status, err := strconv.Atoi(string(line[:3]))
	if err != nil {
		return 0, "", false
	}
	after, found := bytes.CutPrefix(line[4:], []byte(http.StatusText(status)))
	if !found {
		return 0, "", false
	}
	reason, _ := bytes.CutPrefix(after, []byte(": "))
	return status, string(reason), true
}

// refuse is the answer to a request net/http refused with status (and
// reason text, when it gave one), as ServeHTTP would write it: an unknown
// transfer coding is NotImplementedException (501, as net/http answers);
// everything else, the request malformed, InvalidParameterValueException.
func (s *Server) refuse(status int, text string) []byte {
	start := time.Now()
	id := s.cfg.NewRequestID()
	out := &Outcome{Operation: UnknownOperation, RequestID: id}
	if s.cfg.Observer != nil {
		s.cfg.Observer.RequestStarted()
	}
	ctx := context.WithValue(context.Background(), outcomeKey{}, out)
	err := &qslocal.Error{Code: qslocal.CodeInvalidParameterValue}
	switch {
	case status == http.StatusNotImplemented:
		err.Code, err.Message = CodeNotImplemented, "The request's Transfer-Encoding is not supported."
	case status == http.StatusRequestHeaderFieldsTooLarge:
		err.Message = "The request's headers are too large."
	case text != "":
		err.Message = "The request is not valid HTTP: " + text + "."
	default:
		err.Message = "The request is not valid HTTP: its request line, path, query, a header or its Content-Length is malformed."
	}
	a := &answer{header: http.Header{"x-amzn-RequestId": {id}}}
	s.writeError(ctx, a, id, err)
	s.finish(ctx, out, start)
	a.header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	resp := http.Response{StatusCode: a.status, ProtoMajor: 1, ProtoMinor: 1, Header: a.header,
		ContentLength: int64(a.body.Len()), Body: io.NopCloser(&a.body), Close: true}
	var b bytes.Buffer
	_ = resp.Write(&b) // to a bytes.Buffer: cannot fail
	return b.Bytes()
}

// answer is an http.ResponseWriter that keeps what is written.
type answer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *answer) Header() http.Header         { return a.header }
func (a *answer) WriteHeader(status int)      { a.status = status }
func (a *answer) Write(p []byte) (int, error) { return a.body.Write(p) }
