package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qslocal/qslocal"
	sqlite3 "modernc.org/sqlite/lib"
)

// errReadOnly is returned by writes inside View.
var errReadOnly = errors.New("write in a read-only transaction")

type tx struct {
	conn     *session
	readOnly bool
}

func (t *tx) exec(ctx context.Context, op, query string, args ...any) (sql.Result, error) {
	if t.readOnly {
		return nil, fmt.Errorf("sqlite: %s: %w", op, errReadOnly)
	}
	res, err := t.conn.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	return res, nil
}

// wrap turns missing rows, constraint violations, locks held too long and
// a full disk into qslocal's sentinel errors, keeping err for logs.
func wrap(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, qslocal.ErrNotFound)
	}
	var coded interface{ Code() int } // *modernc.org/sqlite.Error
	if errors.As(err, &coded) {
		switch coded.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("sqlite: %s: %w (%w)", op, qslocal.ErrExists, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			// The parent row (account or namespace) does not exist.
			return fmt.Errorf("sqlite: %s: %w (%w)", op, qslocal.ErrNotFound, err)
		}
		// Primary codes sit in the low byte of extended ones.
		switch coded.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			// Another connection or process held the lock past
			// busy_timeout (Config.LockTimeout).
			return fmt.Errorf("sqlite: %s: %w (%w)", op, qslocal.ErrBusy, err)
		case sqlite3.SQLITE_FULL:
			// The disk (or max_page_count) is full: the statement changed
			// nothing, and the write may succeed once space is freed.
			return fmt.Errorf("sqlite: %s: %w (%w)", op, qslocal.ErrUnavailable, err)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

func (t *tx) CreateUser(ctx context.Context, u qslocal.User) error {
	_, err := t.exec(ctx, "create user", `INSERT INTO users (`+userColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Account, u.Namespace, u.Name, u.PrincipalID, u.Email, u.Role, u.IdentityType,
		u.IAMArn, u.SessionName, u.Active, u.CustomPermissionsName,
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL, u.ExternalLoginID,
		u.CreatedAt.UnixMicro(), u.UpdatedAt.UnixMicro())
	return err
}

func (t *tx) User(ctx context.Context, account, namespace, name string) (qslocal.User, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE account = ? AND namespace = ? AND name = ?`, account, namespace, name)
	u, err := scanUser(row)
	if err != nil {
		return qslocal.User{}, wrap("get user", err)
	}
	return u, nil
}

func (t *tx) UserByPrincipalID(ctx context.Context, account, namespace, principalID string) (qslocal.User, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE account = ? AND namespace = ? AND principal_id = ?`, account, namespace, principalID)
	u, err := scanUser(row)
	if err != nil {
		return qslocal.User{}, wrap("get user by principal id", err)
	}
	return u, nil
}

func (t *tx) UpdateUser(ctx context.Context, u qslocal.User) error {
	res, err := t.exec(ctx, "update user", `UPDATE users SET
			principal_id = ?, email = ?, role = ?, identity_type = ?, iam_arn = ?,
			session_name = ?, active = ?, custom_permissions_name = ?,
			external_login_provider_type = ?, external_login_provider_url = ?,
			external_login_id = ?, created_at = ?, updated_at = ?
		WHERE account = ? AND namespace = ? AND name = ?`,
		u.PrincipalID, u.Email, u.Role, u.IdentityType, u.IAMArn,
		u.SessionName, u.Active, u.CustomPermissionsName,
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL,
		u.ExternalLoginID, u.CreatedAt.UnixMicro(), u.UpdatedAt.UnixMicro(),
		u.Account, u.Namespace, u.Name)
	if err != nil {
		return err
	}
	return mustAffect(res, "update user")
}

func (t *tx) DeleteUser(ctx context.Context, account, namespace, name string) error {
	res, err := t.exec(ctx, "delete user", `DELETE FROM users WHERE account = ? AND namespace = ? AND name = ?`,
		account, namespace, name)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete user")
}

func (t *tx) ListUsers(ctx context.Context, account, namespace, after string, limit int) ([]qslocal.User, error) {
	return list(ctx, t, "list users", limit, scanUser, `SELECT `+userColumns+` FROM users
		WHERE account = ? AND namespace = ? AND name > ?
		ORDER BY name LIMIT ?`, account, namespace, after, limit)
}

// CountUsers implements qslocal.Tx; an unknown namespace has none.
func (t *tx) CountUsers(ctx context.Context, account, namespace string) (int, error) {
	return t.count(ctx, "count users", countUsersQuery, account, namespace)
}

const countUsersQuery = `SELECT count(*) FROM users WHERE account = ? AND namespace = ?`

// mustAffect reports ErrNotFound when a statement matched no row.
func mustAffect(res sql.Result, op string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: %w", op, qslocal.ErrNotFound)
	}
	return nil
}

// userColumns is the column order of CreateUser and scanUser.
const userColumns = `account, namespace, name, principal_id, email, role, identity_type,
	iam_arn, session_name, active, custom_permissions_name,
	external_login_provider_type, external_login_provider_url, external_login_id,
	created_at, updated_at`

func scanUser(row scanner) (qslocal.User, error) {
	var u qslocal.User
	var created, updated int64
	err := row.Scan(&u.Account, &u.Namespace, &u.Name, &u.PrincipalID, &u.Email, &u.Role, &u.IdentityType,
		&u.IAMArn, &u.SessionName, &u.Active, &u.CustomPermissionsName,
		&u.ExternalLoginProviderType, &u.ExternalLoginProviderURL, &u.ExternalLoginID,
		&created, &updated)
	if err != nil {
		return qslocal.User{}, err
	}
	u.CreatedAt, u.UpdatedAt = fromMicro(created), fromMicro(updated)
	return u, nil
}

func fromMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicro binds an optional time: the zero time as NULL.
func nullMicro(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// fromNullMicro reads a nullMicro column back; NULL is the zero time.
func fromNullMicro(us sql.NullInt64) time.Time {
	if !us.Valid {
		return time.Time{}
	}
	return fromMicro(us.Int64)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// list runs a query for up to limit rows and scans each; a limit <= 0 gives
// an empty list (SQLite reads a negative LIMIT as "no limit").
func list[T any](ctx context.Context, t *tx, op string, limit int, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	return collect(ctx, t, op, scan, query, args...)
}

// collect runs a query and scans every row.
func collect[T any](ctx context.Context, t *tx, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	var items []T
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		items = append(items, item)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return items, nil
}

func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// count runs a query returning one integer.
func (t *tx) count(ctx context.Context, op, query string, args ...any) (int, error) {
	var n int
	if err := t.conn.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, wrap(op, err)
	}
	return n, nil
}

// column runs a query returning one string per row and reads them all;
// no row is nil.
func (t *tx) column(ctx context.Context, op, query string, args ...any) ([]string, error) {
	return collect(ctx, t, op, scanString, query, args...)
}

// optionalString runs a query returning at most one string; no row is "".
func (t *tx) optionalString(ctx context.Context, op, query string, args ...any) (string, error) {
	var s string
	err := t.conn.QueryRowContext(ctx, query, args...).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", wrap(op, err)
	}
	return s, nil
}

// writable reports what a write would: errReadOnly in a View and the
// context's error, for writes that ran no statement (an empty list).
func (t *tx) writable(ctx context.Context, op string) error {
	if t.readOnly {
		return fmt.Errorf("sqlite: %s: %w", op, errReadOnly)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	return nil
}

// atomically runs fn, a write of several statements, inside a savepoint:
// when fn fails, what it wrote is undone, so the method changes nothing,
// and the transaction goes on (SQLite undoes only the failed statement by
// itself).
func (t *tx) atomically(ctx context.Context, op string, fn func() error) error {
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	if _, err := t.conn.ExecContext(ctx, `SAVEPOINT store_method`); err != nil {
		return wrap(op, err)
	}
	if err := fn(); err != nil {
		// Even when ctx is done: the savepoint must not outlive fn.
		undo := context.WithoutCancel(ctx)
		if _, rerr := t.conn.ExecContext(undo, `ROLLBACK TO store_method`); rerr != nil {
			return errors.Join(err, wrap(op+": roll back", rerr))
		}
		if _, rerr := t.conn.ExecContext(undo, `RELEASE store_method`); rerr != nil {
			return errors.Join(err, wrap(op+": release", rerr))
		}
		return err
	}
	_, err := t.conn.ExecContext(ctx, `RELEASE store_method`)
	return wrapNil(op, err)
}

func wrapNil(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrap(op, err)
}

// prefixEnd returns the least string greater than every string starting
// with prefix, comparing bytes: the prefix with its last byte below 0xff
// incremented and what follows dropped. ok is false when there is none
// ("" or only 0xff bytes), and the range has no upper bound.
func prefixEnd(prefix string) (end string, ok bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// nullJSON binds an empty document as NULL, so it reads back as nil.
func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
