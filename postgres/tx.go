package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qslocal/qslocal"
)

// errReadOnly is returned by writes inside View, before any statement is
// sent (a refused statement would abort the View's transaction).
var errReadOnly = errors.New("write in a read-only transaction")

// tx is a qslocal.Tx. Every method sends one round trip, two when a
// unique conflict under a savepoint is rolled back to it.
type tx struct {
	tx       pgx.Tx
	readOnly bool
	// failed is the first error of a statement, which aborted the
	// transaction: Store.run retries a serialization failure even when fn
	// swallowed it, and refuses to commit otherwise.
	failed error
}

// fail records a statement's error and turns it into the contract's.
func (t *tx) fail(ctx context.Context, op string, err error) error {
	if t.failed == nil {
		t.failed = err
	}
	return wrap(ctx, op, err)
}

// writable reports what a write would: errReadOnly in a View, and the
// context's error.
func (t *tx) writable(ctx context.Context, op string) error {
	if t.readOnly {
		return fmt.Errorf("postgres: %s: %w", op, errReadOnly)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	return nil
}

// exec runs a write.
func (t *tx) exec(ctx context.Context, op, query string, args ...any) (pgconn.CommandTag, error) {
	if err := t.writable(ctx, op); err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := t.tx.Exec(ctx, query, args...)
	if err != nil {
		return tag, t.fail(ctx, op, err)
	}
	return tag, nil
}

// execOne runs a write that must change a row: ErrNotFound when it
// matched none.
func (t *tx) execOne(ctx context.Context, op, query string, args ...any) error {
	tag, err := t.exec(ctx, op, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// savepoint is the name guardedExecOne uses.
const savepoint = "qslocal_guard"

// guardedExecOne is execOne for a write that may meet a unique key taken
// by another row (an UPDATE to a principal id): it runs under a savepoint,
// rolled back on unique_violation, so the transaction stays usable after
// the ErrExists. The savepoint, the write and its release go in one round
// trip.
func (t *tx) guardedExecOne(ctx context.Context, op, query string, args ...any) error {
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	var b pgx.Batch
	b.Queue("SAVEPOINT " + savepoint)
	write := b.Queue(query, args...)
	b.Queue("RELEASE SAVEPOINT " + savepoint)
	var tag pgconn.CommandTag
	write.Exec(func(ct pgconn.CommandTag) error {
		tag = ct
		return nil
	})
	err := t.tx.SendBatch(ctx, &b).Close()
	if err == nil {
		if tag.RowsAffected() == 0 {
			return notFound(op)
		}
		return nil
	}
	if sqlState(err) != codeUniqueViolation || ctx.Err() != nil {
		return t.fail(ctx, op, err)
	}
	if _, rerr := t.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT "+savepoint+"; RELEASE SAVEPOINT "+savepoint); rerr != nil {
		return t.fail(ctx, op, errors.Join(err, rerr))
	}
	return wrap(ctx, op, err) // ErrExists
}

// row runs a query for one row; none is ErrNotFound.
func (t *tx) row(ctx context.Context, op, query string, args []any, dest ...any) error {
	err := t.tx.QueryRow(ctx, query, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) && ctx.Err() == nil {
		return notFound(op) // a query that found nothing does not abort
	}
	if err != nil {
		return t.fail(ctx, op, err)
	}
	return nil
}

// scanner is a pgx.Row or pgx.Rows.
type scanner interface{ Scan(...any) error }

// list runs a query for up to limit rows and scans each; a limit <= 0 gives
// an empty list.
func list[T any](ctx context.Context, t *tx, op string, limit int, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	if limit <= 0 {
		return nil, ctxErr(ctx, op)
	}
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, t.fail(ctx, op, err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
	if err != nil {
		return nil, t.fail(ctx, op, err)
	}
	if len(items) == 0 {
		return nil, nil
	}
	return items, nil
}

// count runs a query returning one integer.
func (t *tx) count(ctx context.Context, op, query string, args ...any) (int, error) {
	var n int
	if err := t.row(ctx, op, query, args, &n); err != nil {
		return 0, err
	}
	return n, nil
}

// optionalString runs a query returning at most one string; no row is "".
func (t *tx) optionalString(ctx context.Context, op, query string, args ...any) (string, error) {
	var s string
	err := t.row(ctx, op, query, args, &s)
	if errors.Is(err, qslocal.ErrNotFound) {
		return "", nil
	}
	return s, err
}

// insertChild runs an insertChild query (see below) and reports its
// outcome: ErrNotFound without the parent, ErrExists when the insert
// conflicted.
func (t *tx) insertChild(ctx context.Context, op, query string, args ...any) error {
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	var parent, inserted bool
	if err := t.row(ctx, op, query, args, &parent, &inserted); err != nil {
		return err
	}
	switch {
	case !parent:
		return notFound(op)
	case !inserted:
		return exists(op)
	}
	return nil
}

// ctxErr returns the context's error, wrapped, or nil.
func ctxErr(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	return nil
}

// noText is the error of a write of text PostgreSQL cannot hold.
func noText(op string) error {
	return fmt.Errorf("postgres: %s: %w", op, errText)
}

// utc reads a timestamptz back in UTC.
func utc(t time.Time) time.Time { return t.UTC() }

// nullTime binds the zero time, which means "unset", as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// nullJSON binds an empty document as NULL, so it reads back as nil.
func nullJSON(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// zeroIfNull reads a nullable timestamptz back: NULL is the zero time.
func zeroIfNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return utc(*t)
}
