package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// maxStatements bounds the statements a session keeps prepared. The
// store's queries are a fixed set (a few are written from optional
// filters), far fewer; past the bound a query is parsed on every call.
const maxStatements = 256

// session is one SQLite connection, used by one transaction at a time,
// with the statements prepared on it: a query is parsed once per
// connection, not on every call (parsing was a quarter of a read's CPU).
// Transactions are BEGIN, COMMIT and ROLLBACK statements like any other,
// so they are prepared too.
//
// Statements run under a context that is never cancelled, once the
// caller's has been checked: with a cancellable one the driver starts a
// goroutine per statement to interrupt it, and an interrupted write rolls
// back the whole transaction, with it the other writes of a group commit
// (see writer). The store's statements are short (pages are bounded), so
// a cancelled request stops at its next statement.
type session struct {
	conn  conn
	stmts map[string]*sql.Stmt
}

// conn is a *sql.Conn (a read connection, held by the session), or a
// *sql.DB of exactly one connection (the write connection).
type conn interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func newSession(c conn) *session {
	return &session{conn: c, stmts: map[string]*sql.Stmt{}}
}

// stmt returns query prepared, or nil when it is not kept: past
// maxStatements, or when preparing fails (the unprepared call then
// reports why).
func (c *session) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= maxStatements {
		return nil
	}
	st, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.stmts[query] = st
	return st
}

func (c *session) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx)
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.conn.ExecContext(ctx, query, args...)
}

func (c *session) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx)
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext's row holds the context's error when it is done.
func (c *session) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if ctx.Err() == nil {
		ctx = context.WithoutCancel(ctx)
	}
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.conn.QueryRowContext(ctx, query, args...)
}

// close closes the session's statements, and its connection when it holds
// one of its own.
func (c *session) close() error {
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	clear(c.stmts)
	if cc, ok := c.conn.(*sql.Conn); ok {
		errs = append(errs, cc.Close())
	}
	return errors.Join(errs...)
}

// view runs fn in a read transaction on c: one snapshot of the database
// from its first statement to its last. It ends with ROLLBACK, so a View
// never changes anything. ok is false when c may be left mid-transaction.
func (c *session) view(ctx context.Context, fn func(tx *tx) error) (ok bool, err error) {
	bg := context.WithoutCancel(ctx)
	if _, err := c.ExecContext(bg, "BEGIN"); err != nil {
		return false, wrap("begin", err)
	}
	defer func() {
		// Also when fn panics.
		if _, rerr := c.ExecContext(bg, "ROLLBACK"); rerr != nil {
			ok, err = false, errors.Join(err, wrap("end view", rerr))
		}
	}()
	return true, fn(&tx{conn: c, readOnly: true})
}

// readers is a pool of read sessions, each holding a connection of db,
// opened on first use. The session used last is used next, so that a
// light load keeps to one connection, whose page cache stays warm.
type readers struct {
	db    *sql.DB
	slots chan struct{} // one per session in use

	mu   sync.Mutex
	idle []*session // the last given back last
}

func newReaders(db *sql.DB, n int) *readers {
	return &readers{db: db, slots: make(chan struct{}, n)}
}

// view runs fn on a session of the pool.
func (r *readers) view(ctx context.Context, fn func(tx *tx) error) error {
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("sqlite: view: %w", ctx.Err())
	}
	defer func() { <-r.slots }()
	var c *session
	r.mu.Lock()
	if n := len(r.idle); n > 0 {
		c, r.idle = r.idle[n-1], r.idle[:n-1]
	}
	r.mu.Unlock()
	if c == nil {
		cc, err := r.db.Conn(ctx)
		if err != nil {
			return wrap("view", err)
		}
		c = newSession(cc)
	}
	ok := false
	defer func() {
		// Also when fn panics: a session that may be mid-transaction is
		// dropped, and another opened in its place when needed.
		if !ok {
			c.close()
			return
		}
		r.mu.Lock()
		r.idle = append(r.idle, c)
		r.mu.Unlock()
	}()
	var err error
	ok, err = c.view(ctx, fn)
	return err
}

// close waits for every session to be given back and closes them; later
// Views open new ones, which fail once db is closed.
func (r *readers) close() error {
	for range cap(r.slots) {
		r.slots <- struct{}{}
	}
	defer func() {
		for range cap(r.slots) {
			<-r.slots
		}
	}()
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, c := range r.idle {
		errs = append(errs, c.close())
	}
	r.idle = nil
	return errors.Join(errs...)
}
