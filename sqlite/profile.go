package sqlite

import (
	"context"

	"github.com/qslocal/qslocal"
)

// CreateCustomPermissions implements qslocal.Tx. Empty Capabilities or
// Governance are stored as NULL and read back as nil.
func (t *tx) CreateCustomPermissions(ctx context.Context, p qslocal.CustomPermissions) error {
	_, err := t.exec(ctx, "create custom permissions", `INSERT INTO custom_permissions (`+profileColumns+`)
		VALUES (?, ?, ?, ?, ?, ?)`,
		p.Account, p.Name, nullJSON(p.Capabilities), nullJSON(p.Governance),
		p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro())
	return err
}

func (t *tx) CustomPermissions(ctx context.Context, account, name string) (qslocal.CustomPermissions, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+profileColumns+` FROM custom_permissions
		WHERE account = ? AND name = ?`, account, name)
	p, err := scanProfile(row)
	if err != nil {
		return qslocal.CustomPermissions{}, wrap("get custom permissions", err)
	}
	return p, nil
}

func (t *tx) UpdateCustomPermissions(ctx context.Context, p qslocal.CustomPermissions) error {
	res, err := t.exec(ctx, "update custom permissions", `UPDATE custom_permissions SET
			capabilities = ?, governance = ?, created_at = ?, updated_at = ?
		WHERE account = ? AND name = ?`,
		nullJSON(p.Capabilities), nullJSON(p.Governance), p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro(),
		p.Account, p.Name)
	if err != nil {
		return err
	}
	return mustAffect(res, "update custom permissions")
}

// DeleteCustomPermissions implements qslocal.Tx. It does not look for
// users, roles or accounts still naming the profile: see ProfileUses.
func (t *tx) DeleteCustomPermissions(ctx context.Context, account, name string) error {
	res, err := t.exec(ctx, "delete custom permissions", `DELETE FROM custom_permissions WHERE account = ? AND name = ?`,
		account, name)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete custom permissions")
}

func (t *tx) ListCustomPermissions(ctx context.Context, account, after string, limit int) ([]qslocal.CustomPermissions, error) {
	return list(ctx, t, "list custom permissions", limit, scanProfile, `SELECT `+profileColumns+`
		FROM custom_permissions WHERE account = ? AND name > ? ORDER BY name LIMIT ?`, account, after, limit)
}

// SetAccountCustomPermission implements qslocal.Tx; ErrNotFound when the
// account does not exist. The profile is not checked.
func (t *tx) SetAccountCustomPermission(ctx context.Context, account, profile string) error {
	res, err := t.exec(ctx, "set account custom permission", `UPDATE accounts SET custom_permissions_name = ?
		WHERE account = ?`, profile, account)
	if err != nil {
		return err
	}
	return mustAffect(res, "set account custom permission")
}

// AccountCustomPermission implements qslocal.Tx; an unknown account has none.
func (t *tx) AccountCustomPermission(ctx context.Context, account string) (string, error) {
	return t.optionalString(ctx, "get account custom permission",
		`SELECT custom_permissions_name FROM accounts WHERE account = ?`, account)
}

// SetRoleCustomPermission implements qslocal.Tx. The role name and the
// profile are not checked.
func (t *tx) SetRoleCustomPermission(ctx context.Context, account, namespace, role, profile string) error {
	const op = "set role custom permission"
	if profile != "" {
		// The foreign key to namespaces reports a missing one.
		_, err := t.exec(ctx, op, `INSERT INTO role_custom_permissions (account, namespace, role, profile)
			VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET profile = excluded.profile`,
			account, namespace, role, profile)
		return err
	}
	res, err := t.exec(ctx, op, `DELETE FROM role_custom_permissions WHERE account = ? AND namespace = ? AND role = ?`,
		account, namespace, role)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return wrapNil(op, err)
	}
	// Nothing to clear: still ErrNotFound for an unknown namespace.
	var one int
	err = t.conn.QueryRowContext(ctx, `SELECT 1 FROM namespaces WHERE account = ? AND name = ?`,
		account, namespace).Scan(&one)
	return wrapNil(op, err)
}

// RoleCustomPermission implements qslocal.Tx; a role of an unknown
// namespace has none.
func (t *tx) RoleCustomPermission(ctx context.Context, account, namespace, role string) (string, error) {
	return t.optionalString(ctx, "get role custom permission", `SELECT profile FROM role_custom_permissions
		WHERE account = ? AND namespace = ? AND role = ?`, account, namespace, role)
}

// ProfileUses implements qslocal.Tx. Each count is a range of an index
// whose key starts (account, profile). The empty name is no profile: 0.
func (t *tx) ProfileUses(ctx context.Context, account, profile string) (int, error) {
	if profile == "" {
		return 0, ctx.Err()
	}
	return t.count(ctx, "profile uses", profileUsesQuery, account, profile)
}

const profileUsesQuery = `SELECT
	(SELECT count(*) FROM users WHERE account = ?1 AND custom_permissions_name = ?2) +
	(SELECT count(*) FROM role_custom_permissions WHERE account = ?1 AND profile = ?2) +
	(SELECT count(*) FROM accounts WHERE account = ?1 AND custom_permissions_name = ?2)`

const profileColumns = `account, name, capabilities, governance, created_at, updated_at`

func scanProfile(row scanner) (qslocal.CustomPermissions, error) {
	var p qslocal.CustomPermissions
	var created, updated int64
	if err := row.Scan(&p.Account, &p.Name, &p.Capabilities, &p.Governance, &created, &updated); err != nil {
		return qslocal.CustomPermissions{}, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicro(created), fromMicro(updated)
	return p, nil
}
