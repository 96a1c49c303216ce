package postgres

import (
	"context"

	"github.com/qslocal/qslocal"
)

// userColumns is the column order of createUserQuery and scanUser.
const userColumns = `account, namespace, name, principal_id, email, role, identity_type,
	iam_arn, session_name, active, custom_permissions_name,
	external_login_provider_type, external_login_provider_url, external_login_id,
	created_at, updated_at`

// Queries that insert a row under a parent look the parent up in the same
// statement and insert only beside it, ON CONFLICT DO NOTHING, then say
// whether the parent was found and whether the row went in: a missing
// parent or a taken key is an answer, not a failed statement that would
// abort the transaction. The foreign key still guards against a parent
// deleted concurrently: under SERIALIZABLE its check reports a
// serialization failure, and Update runs fn again.
//
// Arguments in an INSERT's SELECT list carry casts: PostgreSQL infers
// their types from the target columns only in VALUES.
const createUserQuery = `WITH parent AS (
		SELECT FROM namespaces WHERE account = $1 AND name = $2
	), inserted AS (
		INSERT INTO users (` + userColumns + `)
		SELECT $1, $2, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,
			$10::boolean, $11::text, $12::text, $13::text, $14::text, $15::timestamptz, $16::timestamptz
		FROM parent
		ON CONFLICT DO NOTHING
		RETURNING 1
	)
	SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`

// CreateUser implements qslocal.Tx: ErrExists when the name or the
// principal id is taken in the namespace.
func (t *tx) CreateUser(ctx context.Context, u qslocal.User) error {
	const op = "create user"
	if !allStorable(u.Account, u.Namespace) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !userStorable(u) {
		return noText(op)
	}
	return t.insertChild(ctx, op, createUserQuery,
		u.Account, u.Namespace, u.Name, u.PrincipalID, u.Email, u.Role, u.IdentityType,
		u.IAMArn, u.SessionName, u.Active, u.CustomPermissionsName,
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL, u.ExternalLoginID,
		u.CreatedAt, u.UpdatedAt)
}

func userStorable(u qslocal.User) bool {
	return allStorable(u.Account, u.Namespace, u.Name, u.PrincipalID, u.Email, u.Role, u.IdentityType,
		u.IAMArn, u.SessionName, u.CustomPermissionsName,
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL, u.ExternalLoginID)
}

// notFoundOrReadOnly is the answer of a write naming a parent PostgreSQL
// cannot hold, so missing: what the write would say in a View or with a
// done context, else ErrNotFound.
func (t *tx) notFoundOrReadOnly(ctx context.Context, op string) error {
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	return notFound(op)
}

func (t *tx) User(ctx context.Context, account, namespace, name string) (qslocal.User, error) {
	const op = "get user"
	if !allStorable(account, namespace, name) {
		return qslocal.User{}, notFoundCtx(ctx, op)
	}
	var u qslocal.User
	err := t.row(ctx, op, `SELECT `+userColumns+` FROM users
		WHERE account = $1 AND namespace = $2 AND name = $3`,
		[]any{account, namespace, name}, userFields(&u)...)
	if err != nil {
		return qslocal.User{}, err
	}
	return fixUser(u), nil
}

func (t *tx) UserByPrincipalID(ctx context.Context, account, namespace, principalID string) (qslocal.User, error) {
	const op = "get user by principal id"
	if !allStorable(account, namespace, principalID) {
		return qslocal.User{}, notFoundCtx(ctx, op)
	}
	var u qslocal.User
	err := t.row(ctx, op, `SELECT `+userColumns+` FROM users
		WHERE account = $1 AND namespace = $2 AND principal_id = $3`,
		[]any{account, namespace, principalID}, userFields(&u)...)
	if err != nil {
		return qslocal.User{}, err
	}
	return fixUser(u), nil
}

// notFoundCtx is ErrNotFound for a read that needs no statement, or the
// context's error.
func notFoundCtx(ctx context.Context, op string) error {
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	return notFound(op)
}

// UpdateUser implements qslocal.Tx: ErrExists when the new principal id
// belongs to another user, ErrNotFound when there is no such user.
func (t *tx) UpdateUser(ctx context.Context, u qslocal.User) error {
	const op = "update user"
	if !allStorable(u.Account, u.Namespace, u.Name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !userStorable(u) {
		return noText(op)
	}
	return t.guardedExecOne(ctx, op, `UPDATE users SET
			principal_id = $4, email = $5, role = $6, identity_type = $7, iam_arn = $8,
			session_name = $9, active = $10, custom_permissions_name = $11,
			external_login_provider_type = $12, external_login_provider_url = $13,
			external_login_id = $14, created_at = $15, updated_at = $16
		WHERE account = $1 AND namespace = $2 AND name = $3`,
		u.Account, u.Namespace, u.Name, u.PrincipalID, u.Email, u.Role, u.IdentityType,
		u.IAMArn, u.SessionName, u.Active, u.CustomPermissionsName,
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL, u.ExternalLoginID,
		u.CreatedAt, u.UpdatedAt)
}

// DeleteUser implements qslocal.Tx: the user's group memberships and its
// place in IAM policy assignments go with it (ON DELETE CASCADE).
func (t *tx) DeleteUser(ctx context.Context, account, namespace, name string) error {
	const op = "delete user"
	if !allStorable(account, namespace, name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM users WHERE account = $1 AND namespace = $2 AND name = $3`,
		account, namespace, name)
}

// ListUsers implements qslocal.Tx: one range of the primary key.
func (t *tx) ListUsers(ctx context.Context, account, namespace, afterName string, limit int) ([]qslocal.User, error) {
	const op = "list users"
	lo, ok := after(afterName)
	if !ok || !allStorable(account, namespace) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanUser, `SELECT `+userColumns+` FROM users
		WHERE account = $1 AND namespace = $2 AND name >= $3
		ORDER BY name LIMIT $4`, account, namespace, lo, limit)
}

// CountUsers implements qslocal.Tx: one range of the primary key; 0 for an
// unknown namespace.
func (t *tx) CountUsers(ctx context.Context, account, namespace string) (int, error) {
	const op = "count users"
	if !allStorable(account, namespace) {
		return 0, ctxErr(ctx, op)
	}
	return t.count(ctx, op, `SELECT count(*) FROM users WHERE account = $1 AND namespace = $2`, account, namespace)
}

// userFields are the scan destinations of userColumns.
func userFields(u *qslocal.User) []any {
	return []any{&u.Account, &u.Namespace, &u.Name, &u.PrincipalID, &u.Email, &u.Role, &u.IdentityType,
		&u.IAMArn, &u.SessionName, &u.Active, &u.CustomPermissionsName,
		&u.ExternalLoginProviderType, &u.ExternalLoginProviderURL, &u.ExternalLoginID,
		&u.CreatedAt, &u.UpdatedAt}
}

// fixUser puts the times of a scanned user in UTC.
func fixUser(u qslocal.User) qslocal.User {
	u.CreatedAt, u.UpdatedAt = utc(u.CreatedAt), utc(u.UpdatedAt)
	return u
}

func scanUser(row scanner) (qslocal.User, error) {
	var u qslocal.User
	if err := row.Scan(userFields(&u)...); err != nil {
		return qslocal.User{}, err
	}
	return fixUser(u), nil
}
