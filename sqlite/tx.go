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
	tx       *sql.Tx
	readOnly bool
}

func (t *tx) exec(ctx context.Context, op, query string, args ...any) (sql.Result, error) {
	if t.readOnly {
		return nil, fmt.Errorf("sqlite: %s: %w", op, errReadOnly)
	}
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	return res, nil
}

// wrap turns missing rows and constraint violations into qslocal's sentinel
// errors, keeping err for logs.
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
			// Another process held the lock past busy_timeout.
			return fmt.Errorf("sqlite: %s: %w (%w)", op, qslocal.ErrUnavailable, err)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

func (t *tx) EnsureAccount(ctx context.Context, account string, now time.Time) error {
	if _, err := t.exec(ctx, "ensure account", `INSERT INTO accounts (account, created_at) VALUES (?, ?)
		ON CONFLICT DO NOTHING`, account, now.UnixMicro()); err != nil {
		return err
	}
	_, err := t.exec(ctx, "ensure account", `INSERT INTO namespaces (account, name, created_at) VALUES (?, 'default', ?)
		ON CONFLICT DO NOTHING`, account, now.UnixMicro())
	return err
}

func (t *tx) Namespace(ctx context.Context, account, name string) (qslocal.Namespace, error) {
	var created int64
	err := t.tx.QueryRowContext(ctx, `SELECT created_at FROM namespaces WHERE account = ? AND name = ?`,
		account, name).Scan(&created)
	if err != nil {
		return qslocal.Namespace{}, wrap("get namespace", err)
	}
	return qslocal.Namespace{Account: account, Name: name, CreatedAt: fromMicro(created)}, nil
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
	row := t.tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE account = ? AND namespace = ? AND name = ?`, account, namespace, name)
	u, err := scanUser(row)
	if err != nil {
		return qslocal.User{}, wrap("get user", err)
	}
	return u, nil
}

func (t *tx) UserByPrincipalID(ctx context.Context, account, namespace, principalID string) (qslocal.User, error) {
	row := t.tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
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
	if limit <= 0 {
		return nil, nil // SQLite reads a negative LIMIT as "no limit"
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE account = ? AND namespace = ? AND name > ?
		ORDER BY name LIMIT ?`, account, namespace, after, limit)
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	var users []qslocal.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("list users", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list users", err)
	}
	return users, nil
}

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

func scanUser(row interface{ Scan(...any) error }) (qslocal.User, error) {
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
