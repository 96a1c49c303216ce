package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/qslocal/qslocal"
)

// maxBatch bounds how many Updates share one commit, so that under a
// steady stream of writers the first of a batch still hears back soon.
const maxBatch = 64

// writer runs Updates on the write connection with group commit: Updates
// that arrive while another runs or commits are batched into one SQLite
// transaction, committed with one fsync.
//
// Callers take turns (the turn is handed on first come, first served).
// The first to find no batch open begins one (BEGIN IMMEDIATE, which
// waits for another process's write lock up to busy_timeout). Each runs
// its fn in the batch under a savepoint of its own: when fn fails (or
// panics), the batch rolls back to the savepoint, undoing that caller's
// writes only. A caller that finds others waiting hands them the turn and
// the open batch; the last in line (or the maxBatch-th) commits. Every
// caller, whether its fn failed or not, is answered once the batch is
// committed: success only once its write is durable, and a failure only
// once the writes it saw are (a failed commit fails the whole batch,
// which then changed nothing). The batch's order is a serial order of its
// members: each saw the writes of those before it.
type writer struct {
	sess     *session // the write connection; only the turn's holder uses it
	maxBatch int

	mu    sync.Mutex
	held  bool            // someone has the turn
	queue []chan struct{} // callers waiting for the turn, closed to hand it over

	batch *batch // the open batch; only the turn's holder touches it
}

type batch struct {
	members int
	// broken is why the batch cannot commit: a savepoint that could not be
	// released or rolled back to (the transaction may be gone).
	broken error
	done   chan struct{} // closed once the batch has ended
	err    error         // why it did not commit; read once done is closed
}

func newWriter(sess *session, maxBatch int) *writer {
	return &writer{sess: sess, maxBatch: maxBatch}
}

// update runs fn in a batch and returns once the batch has ended.
func (w *writer) update(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	if err := w.take(ctx); err != nil {
		return wrap("begin", err)
	}
	b := w.batch
	if b == nil {
		if err := w.begin(ctx); err != nil {
			w.give()
			return err
		}
		b = &batch{done: make(chan struct{})}
		w.batch = b
	}
	b.members++
	err := w.member(ctx, b, fn)
	w.leave(b)
	<-b.done
	if b.err != nil {
		return b.err
	}
	return err
}

// begin opens a batch. Only BEGIN IMMEDIATE watches ctx: it may wait for
// the write lock of another process, and that wait ends with ctx.
func (w *writer) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return wrap("begin", err)
	}
	const begin = "BEGIN IMMEDIATE"
	var err error
	if st := w.sess.stmt(context.WithoutCancel(ctx), begin); st != nil {
		_, err = st.ExecContext(ctx)
	} else {
		_, err = w.sess.conn.ExecContext(ctx, begin)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return wrap("begin", err)
	}
	return nil
}

// member runs fn under a savepoint of b. When fn panics, the savepoint is
// rolled back to and the turn passed on before the panic goes on.
func (w *writer) member(ctx context.Context, b *batch, fn func(tx qslocal.Tx) error) error {
	bg := context.WithoutCancel(ctx)
	if err := ctx.Err(); err != nil {
		return wrap("update", err)
	}
	if _, err := w.sess.ExecContext(bg, "SAVEPOINT batch_member"); err != nil {
		b.broken = wrap("update", err)
		return b.broken
	}
	returned := false
	defer func() {
		if !returned {
			w.undo(bg, b)
			w.leave(b)
		}
	}()
	err := fn(&tx{conn: w.sess})
	returned = true
	if err != nil {
		w.undo(bg, b)
		return err
	}
	if _, err := w.sess.ExecContext(bg, "RELEASE batch_member"); err != nil {
		b.broken = wrap("update", err)
		return b.broken
	}
	return nil
}

// undo rolls the batch back to the member's savepoint.
func (w *writer) undo(ctx context.Context, b *batch) {
	for _, q := range []string{"ROLLBACK TO batch_member", "RELEASE batch_member"} {
		if _, err := w.sess.ExecContext(ctx, q); err != nil {
			b.broken = errors.Join(b.broken, wrap("roll back", err))
			return
		}
	}
}

// leave is called by the turn's holder when done with b: it hands the
// turn and the batch to the next caller in line, or ends the batch and
// hands the turn on.
func (w *writer) leave(b *batch) {
	w.mu.Lock()
	if b.broken == nil && b.members < w.maxBatch && len(w.queue) > 0 {
		next := w.pop()
		w.mu.Unlock()
		close(next)
		return
	}
	w.mu.Unlock()
	w.end(b)
	w.give()
}

// end commits b, or rolls it back when it is broken, and tells its
// members.
func (w *writer) end(b *batch) {
	ctx := context.Background()
	if b.broken != nil {
		// Nothing of the batch is written: trying again may succeed.
		b.err = fmt.Errorf("sqlite: update: batch rolled back: %w (%w)", qslocal.ErrUnavailable, b.broken)
		if _, err := w.sess.ExecContext(ctx, "ROLLBACK"); err != nil {
			b.err = errors.Join(b.err, wrap("roll back", err))
		}
	} else if _, err := w.sess.ExecContext(ctx, "COMMIT"); err != nil {
		b.err = wrap("commit", err)
		// A COMMIT that failed may leave the transaction open; or
		// SQLite rolled it back already, and this fails harmlessly.
		w.sess.ExecContext(ctx, "ROLLBACK")
	}
	w.batch = nil
	close(b.done)
}

// take waits for the turn, or until ctx is done.
func (w *writer) take(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	if !w.held {
		w.held = true
		w.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	w.queue = append(w.queue, ready)
	w.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
	}
	w.mu.Lock()
	if i := slices.Index(w.queue, ready); i >= 0 {
		w.queue = slices.Delete(w.queue, i, i+1)
		w.mu.Unlock()
		return ctx.Err()
	}
	w.mu.Unlock()
	// Handed the turn meanwhile, perhaps with an open batch whose members
	// wait for it to end: pass it on.
	<-ready
	if w.batch != nil {
		w.leave(w.batch)
	} else {
		w.give()
	}
	return ctx.Err()
}

// give hands the turn to the next caller in line, or frees it.
func (w *writer) give() {
	w.mu.Lock()
	if len(w.queue) == 0 {
		w.held = false
		w.mu.Unlock()
		return
	}
	next := w.pop()
	w.mu.Unlock()
	close(next)
}

// pop removes the first caller in line; w.mu is held.
func (w *writer) pop() chan struct{} {
	next := w.queue[0]
	w.queue[0] = nil
	w.queue = w.queue[1:]
	return next
}

// view runs fn in a read transaction on the write connection, in turn
// with Updates: for ":memory:", whose only connection is that one. No
// batch is open then, since a ":memory:" store batches nothing
// (maxBatch 1: without an fsync, batching saves nothing).
func (w *writer) view(ctx context.Context, fn func(tx *tx) error) error {
	if err := w.take(ctx); err != nil {
		return wrap("view", err)
	}
	defer w.give()
	_, err := w.sess.view(ctx, fn)
	return err
}

// close waits for the turn, so for the batch in progress to end, and
// closes the statements; later Updates fail once the connection is
// closed.
func (w *writer) close() error {
	w.take(context.Background())
	defer w.give()
	return w.sess.close()
}
