package postgres

import (
	"context"

	"github.com/qslocal/qslocal"
)

const profileColumns = `account, name, capabilities, governance, created_at, updated_at`

// CreateCustomPermissions implements qslocal.Tx: ErrNotFound without the
// account, ErrExists for a taken name. Empty Capabilities or Governance are
// stored as NULL and read back as nil.
func (t *tx) CreateCustomPermissions(ctx context.Context, p qslocal.CustomPermissions) error {
	const op = "create custom permissions"
	if !storable(p.Account) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !storable(p.Name) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM accounts WHERE account = $1
		), inserted AS (
			INSERT INTO custom_permissions (`+profileColumns+`)
			SELECT $1, $2::text, $3::bytea, $4::bytea, $5::timestamptz, $6::timestamptz FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		p.Account, p.Name, nullJSON(p.Capabilities), nullJSON(p.Governance), p.CreatedAt, p.UpdatedAt)
}

func (t *tx) CustomPermissions(ctx context.Context, account, name string) (qslocal.CustomPermissions, error) {
	const op = "get custom permissions"
	if !allStorable(account, name) {
		return qslocal.CustomPermissions{}, notFoundCtx(ctx, op)
	}
	var p qslocal.CustomPermissions
	if err := t.row(ctx, op, `SELECT `+profileColumns+` FROM custom_permissions
		WHERE account = $1 AND name = $2`, []any{account, name}, profileFields(&p)...); err != nil {
		return qslocal.CustomPermissions{}, err
	}
	return fixProfile(p), nil
}

// UpdateCustomPermissions implements qslocal.Tx. Only the primary key is
// unique, and it does not change, so no savepoint is needed.
func (t *tx) UpdateCustomPermissions(ctx context.Context, p qslocal.CustomPermissions) error {
	const op = "update custom permissions"
	if !allStorable(p.Account, p.Name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `UPDATE custom_permissions SET
			capabilities = $3, governance = $4, created_at = $5, updated_at = $6
		WHERE account = $1 AND name = $2`,
		p.Account, p.Name, nullJSON(p.Capabilities), nullJSON(p.Governance), p.CreatedAt, p.UpdatedAt)
}

// DeleteCustomPermissions implements qslocal.Tx. It does not look for
// users, roles or accounts still naming the profile: see ProfileUses.
func (t *tx) DeleteCustomPermissions(ctx context.Context, account, name string) error {
	const op = "delete custom permissions"
	if !allStorable(account, name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM custom_permissions WHERE account = $1 AND name = $2`, account, name)
}

func (t *tx) ListCustomPermissions(ctx context.Context, account, afterName string, limit int) ([]qslocal.CustomPermissions, error) {
	const op = "list custom permissions"
	lo, ok := after(afterName)
	if !ok || !storable(account) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanProfile, `SELECT `+profileColumns+` FROM custom_permissions
		WHERE account = $1 AND name >= $2 ORDER BY name LIMIT $3`, account, lo, limit)
}

// SetAccountCustomPermission implements qslocal.Tx; ErrNotFound when the
// account does not exist. The profile is not checked.
func (t *tx) SetAccountCustomPermission(ctx context.Context, account, profile string) error {
	const op = "set account custom permission"
	if !storable(account) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !storable(profile) {
		return noText(op)
	}
	return t.execOne(ctx, op, `UPDATE accounts SET custom_permissions_name = $2 WHERE account = $1`, account, profile)
}

// AccountCustomPermission implements qslocal.Tx; an unknown account has none.
func (t *tx) AccountCustomPermission(ctx context.Context, account string) (string, error) {
	const op = "get account custom permission"
	if !storable(account) {
		return "", ctxErr(ctx, op)
	}
	return t.optionalString(ctx, op, `SELECT custom_permissions_name FROM accounts WHERE account = $1`, account)
}

// SetRoleCustomPermission implements qslocal.Tx: ErrNotFound without the
// namespace, also when clearing. The role name and the profile are not
// checked.
func (t *tx) SetRoleCustomPermission(ctx context.Context, account, namespace, role, profile string) error {
	const op = "set role custom permission"
	if !allStorable(account, namespace) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	if !storable(profile) || (profile != "" && !storable(role)) {
		return noText(op)
	}
	query := `WITH parent AS (
			SELECT FROM namespaces WHERE account = $1 AND name = $2
		), upserted AS (
			INSERT INTO role_custom_permissions (account, namespace, role, profile)
			SELECT $1, $2, $3::text, $4::text FROM parent
			ON CONFLICT (account, namespace, role) DO UPDATE SET profile = excluded.profile
		)
		SELECT EXISTS (SELECT FROM parent)`
	args := []any{account, namespace, role, profile}
	switch {
	case !storable(role):
		// Clearing a role no row can name: nothing to delete, but still
		// ErrNotFound for an unknown namespace.
		query = `SELECT EXISTS (SELECT FROM namespaces WHERE account = $1 AND name = $2)`
		args = args[:2]
	case profile == "":
		query = `WITH parent AS (
				SELECT FROM namespaces WHERE account = $1 AND name = $2
			), deleted AS (
				DELETE FROM role_custom_permissions WHERE account = $1 AND namespace = $2 AND role = $3
			)
			SELECT EXISTS (SELECT FROM parent)`
		args = args[:3]
	}
	var parent bool
	if err := t.row(ctx, op, query, args, &parent); err != nil {
		return err
	}
	if !parent {
		return notFound(op)
	}
	return nil
}

// RoleCustomPermission implements qslocal.Tx; a role of an unknown
// namespace has none.
func (t *tx) RoleCustomPermission(ctx context.Context, account, namespace, role string) (string, error) {
	const op = "get role custom permission"
	if !allStorable(account, namespace, role) {
		return "", ctxErr(ctx, op)
	}
	return t.optionalString(ctx, op, `SELECT profile FROM role_custom_permissions
		WHERE account = $1 AND namespace = $2 AND role = $3`, account, namespace, role)
}

// ProfileUses implements qslocal.Tx. Each count is a range of an index
// whose key starts (account, profile). The empty name is no profile: 0.
func (t *tx) ProfileUses(ctx context.Context, account, profile string) (int, error) {
	const op = "profile uses"
	if profile == "" || !allStorable(account, profile) {
		return 0, ctxErr(ctx, op)
	}
	return t.count(ctx, op, `SELECT
		(SELECT count(*) FROM users WHERE account = $1 AND custom_permissions_name = $2) +
		(SELECT count(*) FROM role_custom_permissions WHERE account = $1 AND profile = $2) +
		(SELECT count(*) FROM accounts WHERE account = $1 AND custom_permissions_name = $2)`, account, profile)
}

func profileFields(p *qslocal.CustomPermissions) []any {
	return []any{&p.Account, &p.Name, &p.Capabilities, &p.Governance, &p.CreatedAt, &p.UpdatedAt}
}

func fixProfile(p qslocal.CustomPermissions) qslocal.CustomPermissions {
	p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	return p
}

func scanProfile(row scanner) (qslocal.CustomPermissions, error) {
	var p qslocal.CustomPermissions
	if err := row.Scan(profileFields(&p)...); err != nil {
		return qslocal.CustomPermissions{}, err
	}
	return fixProfile(p), nil
}
