package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// conn is one keep-alive HTTP/1.1 connection to a server, over which
// calls are signed as the AWS SDK signs them.
type conn struct {
	base   string
	client *http.Client
	signer *v4.Signer
	creds  aws.Credentials
	buf    bytes.Buffer
}

// emptyHash is the SHA-256 of an empty body, which most reads have.
var emptyHash = func() string { s := sha256.Sum256(nil); return hex.EncodeToString(s[:]) }()

func newConn(base string) *conn {
	return &conn{
		base: strings.TrimSuffix(base, "/"),
		client: &http.Client{Transport: &http.Transport{
			// One connection, reused: the worker waits for each answer.
			MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, DisableCompression: true,
			ForceAttemptHTTP2: false, IdleConnTimeout: time.Minute,
		}},
		signer: v4.NewSigner(),
		creds:  aws.Credentials{AccessKeyID: "AKIDBENCHMARK", SecretAccessKey: "bench-secret"},
	}
}

// do sends c signed and reads the whole answer; the body returned is
// valid until the next call.
func (c *conn) do(ctx context.Context, cl call) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, cl.method, c.base+cl.path, bytes.NewReader(cl.body))
	if err != nil {
		return 0, nil, err
	}
	hash := emptyHash
	if len(cl.body) > 0 {
		s := sha256.Sum256(cl.body)
		hash = hex.EncodeToString(s[:])
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.signer.SignHTTP(ctx, c.creds, req, hash, "quicksight", region, time.Now()); err != nil {
		return 0, nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	c.buf.Reset()
	_, err = c.buf.ReadFrom(resp.Body)
	return resp.StatusCode, c.buf.Bytes(), err
}

func (c *conn) close() { c.client.CloseIdleConnections() }

// ceiling is a bare net/http handler that reads the request and answers
// body: the most any HTTP server could do over these connections.
func ceiling(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}
