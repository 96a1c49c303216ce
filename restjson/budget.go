package restjson

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Defaults of what one request body may cost (see Config).
const (
	DefaultLargeBody   = 1 << 20
	DefaultMaxDecoded  = 8 * DefaultMaxBody
	DefaultLargeBodies = 4
)

// budget is what one request body may cost: the bytes read from the
// client and the bytes its decoded input holds. Every request may read
// LargeBody bytes and decode 8 × LargeBody; past either it takes one of
// the server's LargeBodies slots, waiting for one, and keeps it until
// it is answered, so that only a few large bodies are in memory at once.
// Past MaxDecoded the body is refused.
type budget struct {
	ctx     context.Context
	slots   chan struct{}
	maxBody int64
	large   int64
	maxDec  int64
	read    int64
	decoded int64
	held    bool
	err     error // the reader's failure, reported before any syntax error it causes
	body    io.Reader
}

func (s *Server) newBudget(ctx context.Context, w http.ResponseWriter, body io.ReadCloser) *budget {
	return &budget{
		ctx: ctx, slots: s.slots, maxBody: s.cfg.MaxBody, large: s.cfg.LargeBody, maxDec: s.cfg.MaxDecoded,
		body: http.MaxBytesReader(w, body, s.cfg.MaxBody),
	}
}

// Read reads the body, taking a slot once it passes the small allowance.
func (b *budget) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.body.Read(p)
	b.read += int64(n)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		b.err = invalid(fmt.Sprintf("The request body is larger than %d bytes.", tooLarge.Limit))
	case timedOut(err) != nil:
		b.err = timedOut(err)
	case err != nil && err != io.EOF:
		b.err = invalid("The request body could not be read: " + err.Error())
	case b.read > b.large:
		b.err = b.enlarge()
	}
	if b.err != nil {
		return n, b.err
	}
	return n, err
}

// charge counts n more bytes of decoded input.
func (b *budget) charge(n int64) error {
	b.decoded += n
	if b.decoded > 8*b.large {
		if err := b.enlarge(); err != nil {
			return err
		}
	}
	if b.decoded > b.maxDec {
		return invalid(fmt.Sprintf("The request body holds more than qslocal decodes for one request (%d bytes of members).", b.maxDec))
	}
	return nil
}

// enlarge takes a large-body slot, once, waiting for one.
func (b *budget) enlarge() error {
	if b.held {
		return nil
	}
	select {
	case b.slots <- struct{}{}:
		b.held = true
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

type budgetKey struct{}

// budgetOf is the budget authenticate read the body with, or nil.
func budgetOf(ctx context.Context) *budget {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	return b
}

// release gives back the slot, if the body took one; a nil budget has
// none.
func (b *budget) release() {
	if b != nil && b.held {
		b.held = false
		<-b.slots
	}
}
