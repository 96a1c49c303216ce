package restjson_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/restjson"
)

// stalled answers DescribeUser only once its request is cancelled, with
// the error a store interrupted mid-query reports, which is not
// context.Canceled.
type stalled struct {
	api.Unimplemented
	started chan struct{}
}

func (h *stalled) DescribeUser(ctx context.Context, _ *api.DescribeUserRequest) (*api.DescribeUserResponse, error) {
	close(h.started)
	<-ctx.Done()
	return nil, errors.New("sqlite: get user: interrupted (9)")
}

// TestClientGoesAway: a request whose client disconnects is logged as
// cancelled (status 499, RequestCanceled), not as an internal failure.
func TestClientGoesAway(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	h := &stalled{started: make(chan struct{})}
	srv := httptest.NewServer(newServer(h, func(c *restjson.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+describeUserPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", testAuth)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-h.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v, want it cancelled", err)
	}
	var lines []map[string]any
	for deadline := time.Now().Add(10 * time.Second); len(lines) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		lines = logs.requestLines(t)
	}
	if len(lines) != 1 || lines[0]["status"] != float64(restjson.StatusClientClosed) || lines[0]["code"] != restjson.CodeRequestCanceled {
		t.Errorf("request lines %v, want one with status 499 and code RequestCanceled", lines)
	}
	logs.mu.Lock()
	all := logs.b.String()
	logs.mu.Unlock()
	for _, bad := range []string{"internal failure", "request failed", `"level":"ERROR"`, `"level":"WARN"`} {
		if strings.Contains(all, bad) {
			t.Errorf("a client going away logged %q:\n%s", bad, all)
		}
	}
}
