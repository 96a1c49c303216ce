package restjson

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qslocal/qslocal/api"
)

type countingHandler struct {
	api.Unimplemented
	calls atomic.Int32
}

func (h *countingHandler) UpdateUser(ctx context.Context, in *api.UpdateUserRequest) (*api.UpdateUserResponse, error) {
	h.calls.Add(1)
	return &api.UpdateUserResponse{}, nil
}

// signalReader closes passed once more than n bytes have been read.
type signalReader struct {
	r      io.Reader
	n      int
	read   int
	passed chan struct{}
}

func (s *signalReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p[:min(len(p), 512)])
	s.read += n
	if s.read > s.n && s.passed != nil {
		close(s.passed)
		s.passed = nil
	}
	return n, err
}

// TestLargeBodiesWait: with every large-body slot taken, a large body
// waits for one (here until its client gives up) and reaches no handler,
// while small bodies pass; once a slot is free, large bodies pass again.
func TestLargeBodiesWait(t *testing.T) {
	t.Parallel()
	const large = 4096
	h := &countingHandler{}
	s := New(Config{Handler: h, LargeBody: large, LargeBodies: 1})
	body := func(n int) string {
		return `{"Email":"a@example.com","Role":"AUTHOR","Pad":"` + strings.Repeat("x", n) + `"}`
	}
	send := func(ctx context.Context, r io.Reader) int {
		req := httptest.NewRequestWithContext(ctx, "PUT", "/accounts/111122223333/namespaces/default/users/alice", r)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}

	s.slots <- struct{}{} // another large body is being served
	ctx, cancel := context.WithCancel(context.Background())
	passed := make(chan struct{})
	done := make(chan int)
	go func() {
		done <- send(ctx, &signalReader{r: strings.NewReader(body(4 * large)), n: large, passed: passed})
	}()
	select {
	case <-passed:
	case status := <-done:
		t.Fatalf("a large body was answered (%d) without reading past the small allowance", status)
	}
	if status := send(context.Background(), strings.NewReader(body(100))); status != http.StatusOK || h.calls.Load() != 1 {
		t.Fatalf("a small body while the slots are taken: %d, %d handler calls", status, h.calls.Load())
	}
	cancel()
	<-done
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("a large body reached the handler while every slot was taken")
	}

	<-s.slots
	for range 3 {
		if status := send(context.Background(), strings.NewReader(body(4*large))); status != http.StatusOK {
			t.Fatalf("a large body with a free slot: %d", status)
		}
	}
	if len(s.slots) != 0 {
		t.Fatalf("%d slots still taken after the answers", len(s.slots))
	}
}

// TestDecodedBudget: a body whose members would decode to more than
// MaxDecoded bytes is refused before they are made, and a body under the
// small allowance whose members decode past it takes a slot.
func TestDecodedBudget(t *testing.T) {
	t.Parallel()
	const large = 10_000
	// Each {} makes a 32-byte ResourcePermission from 3 bytes.
	grant := `{"GrantPermissions":[` + strings.Repeat(`{},`, 2999) + `{}]}`
	for _, c := range []struct {
		name       string
		maxDecoded int64
		wantErr    bool
	}{
		{"under the bound", 1 << 20, false},
		{"over the bound", 100_000, true},
	} {
		b := &budget{ctx: context.Background(), slots: make(chan struct{}, 1), maxBody: DefaultMaxBody,
			large: large, maxDec: c.maxDecoded, body: strings.NewReader(grant)}
		in := new(api.UpdateAnalysisPermissionsRequest)
		err := decodeJSON(b, in, b)
		if (err != nil) != c.wantErr {
			t.Errorf("%s: %v", c.name, err)
		}
		if err == nil && len(in.GrantPermissions) != 3000 {
			t.Errorf("%s: %d permissions decoded", c.name, len(in.GrantPermissions))
		}
		if c.wantErr && b.decoded > c.maxDecoded+int64(len(grant))*32 {
			t.Errorf("%s: went on to %d bytes", c.name, b.decoded)
		}
		if !b.held || len(b.slots) != 1 {
			t.Errorf("%s: %d bytes decoded from a %d-byte body, and no slot taken", c.name, b.decoded, len(grant))
		}
		b.release()
		if len(b.slots) != 0 {
			t.Errorf("%s: release kept the slot", c.name)
		}
	}
}

type budgetCaller struct{}

func (budgetCaller) Account() string                    { return "111122223333" }
func (budgetCaller) ARN() string                        { return "arn:aws:iam::111122223333:user/alice" }
func (budgetCaller) Admin() bool                        { return false }
func (budgetCaller) Region() string                     { return "us-east-1" }
func (budgetCaller) Authorize(action, arn string) error { return nil }

// TestLargeBodiesWaitBeforeVerification: with verification on, the body
// read to check a signature takes a large-body slot as decoding does, so
// callers nobody has verified cannot hold more large bodies in memory; a
// refused caller's slot is given back, and a verified caller keeps one slot
// from verification to answer.
func TestLargeBodiesWaitBeforeVerification(t *testing.T) {
	t.Parallel()
	const large = 4096
	h := &countingHandler{}
	s := New(Config{Handler: h, LargeBody: large, LargeBodies: 1, Authenticate: func(r *http.Request, _ []byte) (Caller, error) {
		if r.Header.Get("X-Test-Caller") == "" {
			return nil, invalid("unknown caller")
		}
		return budgetCaller{}, nil
	}})
	body := `{"Email":"a@example.com","Role":"AUTHOR","Pad":"` + strings.Repeat("x", 4*large) + `"}`
	send := func(ctx context.Context, r io.Reader, verified bool) int {
		req := httptest.NewRequestWithContext(ctx, "PUT", "/accounts/111122223333/namespaces/default/users/alice", r)
		if verified {
			req.Header.Set("X-Test-Caller", "alice")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}

	s.slots <- struct{}{} // another large body is being served
	ctx, cancel := context.WithCancel(context.Background())
	passed := make(chan struct{})
	done := make(chan int)
	sr := &signalReader{r: strings.NewReader(body), n: large, passed: passed}
	go func() { done <- send(ctx, sr, false) }()
	select {
	case <-passed:
	case status := <-done:
		t.Fatalf("an unverified large body was answered (%d) without reading past the small allowance", status)
	}
	cancel()
	<-done
	if sr.read >= len(body) {
		t.Fatalf("an unverified large body was read whole (%d bytes) while every slot was taken", sr.read)
	}
	<-s.slots
	if status := send(context.Background(), strings.NewReader(body), false); status == http.StatusOK || len(s.slots) != 0 {
		t.Fatalf("an unverified large body: %d, %d slots left taken", status, len(s.slots))
	}
	for range 2 {
		if status := send(context.Background(), strings.NewReader(body), true); status != http.StatusOK || len(s.slots) != 0 {
			t.Fatalf("a verified large body: %d, %d slots left taken", status, len(s.slots))
		}
	}
	if h.calls.Load() != 2 {
		t.Fatalf("%d handler calls, want 2", h.calls.Load())
	}
}
