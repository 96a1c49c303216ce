package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/qslocal/qslocal"
)

// EnsureAccount implements qslocal.Tx. It also records the region of a
// default namespace, and the identity region of an account, made before
// they had one (migrations 0002 and 0005 left them empty): the only
// change it makes to existing rows.
func (t *tx) EnsureAccount(ctx context.Context, account, region string, now time.Time) error {
	if _, err := t.exec(ctx, "ensure account", `INSERT INTO accounts (account, identity_region, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO UPDATE SET identity_region = excluded.identity_region WHERE identity_region = ''`,
		account, region, now.UnixMicro()); err != nil {
		return err
	}
	_, err := t.exec(ctx, "ensure account", `INSERT INTO namespaces (account, name, capacity_region, identity_store, created_at)
		VALUES (?, 'default', ?, 'QUICKSIGHT', ?)
		ON CONFLICT DO UPDATE SET capacity_region = excluded.capacity_region WHERE capacity_region = ''`,
		account, region, now.UnixMicro())
	return err
}

const accountColumns = `account, created_at, identity_region, settings`

func (t *tx) Account(ctx context.Context, account string) (qslocal.Account, error) {
	a, err := scanAccount(t.conn.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE account = ?`, account))
	if err != nil {
		return qslocal.Account{}, wrap("get account", err)
	}
	return a, nil
}

func (t *tx) ListAccounts(ctx context.Context, after string, limit int) ([]qslocal.Account, error) {
	return list(ctx, t, "list accounts", limit, scanAccount, `SELECT `+accountColumns+` FROM accounts
		WHERE account > ? ORDER BY account LIMIT ?`, after, limit)
}

func (t *tx) UpdateAccount(ctx context.Context, a qslocal.Account) error {
	const op = "update account"
	res, err := t.exec(ctx, op, `UPDATE accounts SET identity_region = ?, settings = ? WHERE account = ?`,
		a.IdentityRegion, a.Settings, a.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, op)
}

// DeleteAccount implements qslocal.Tx: tags and grants name no parent, so
// they go by statement; everything else cascades from the account's row.
func (t *tx) DeleteAccount(ctx context.Context, account string) error {
	const op = "delete account"
	for _, table := range []string{"tags", "grants"} {
		if _, err := t.exec(ctx, op, `DELETE FROM `+table+` WHERE account = ?`, account); err != nil {
			return err
		}
	}
	res, err := t.exec(ctx, op, `DELETE FROM accounts WHERE account = ?`, account)
	if err != nil {
		return err
	}
	return mustAffect(res, op)
}

func scanAccount(row scanner) (qslocal.Account, error) {
	var a qslocal.Account
	var created int64
	if err := row.Scan(&a.ID, &created, &a.IdentityRegion, &a.Settings); err != nil {
		return qslocal.Account{}, err
	}
	a.CreatedAt = fromMicro(created)
	return a, nil
}

func (t *tx) CreateNamespace(ctx context.Context, ns qslocal.Namespace) error {
	_, err := t.exec(ctx, "create namespace", `INSERT INTO namespaces (`+namespaceColumns+`)
		VALUES (?, ?, ?, ?, ?, ?)`,
		ns.Account, ns.Name, ns.CapacityRegion, ns.IdentityStore, ns.CreatedAt.UnixMicro(), nullMicro(ns.DeletingSince))
	return err
}

func (t *tx) Namespace(ctx context.Context, account, name string) (qslocal.Namespace, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+namespaceColumns+` FROM namespaces
		WHERE account = ? AND name = ?`, account, name)
	ns, err := scanNamespace(row)
	if err != nil {
		return qslocal.Namespace{}, wrap("get namespace", err)
	}
	return ns, nil
}

func (t *tx) ListNamespaces(ctx context.Context, account, after string, limit int) ([]qslocal.Namespace, error) {
	return list(ctx, t, "list namespaces", limit, scanNamespace, `SELECT `+namespaceColumns+` FROM namespaces
		WHERE account = ? AND name > ? ORDER BY name LIMIT ?`, account, after, limit)
}

func (t *tx) CountNamespaces(ctx context.Context, account string) (int, error) {
	return t.count(ctx, "count namespaces", countNamespacesQuery, account)
}

const countNamespacesQuery = `SELECT count(*) FROM namespaces WHERE account = ?`

// DeleteNamespace implements qslocal.Tx: the foreign keys cascade from the
// namespace to its users, groups, memberships, role mappings, role
// profiles and upgrade requests, and its self-upgrade configuration is a
// column of its row (see migrations 0002 and 0003).
func (t *tx) DeleteNamespace(ctx context.Context, account, name string) error {
	res, err := t.exec(ctx, "delete namespace", `DELETE FROM namespaces WHERE account = ? AND name = ?`, account, name)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete namespace")
}

const namespaceColumns = `account, name, capacity_region, identity_store, created_at, deleting_since`

func scanNamespace(row scanner) (qslocal.Namespace, error) {
	var ns qslocal.Namespace
	var created int64
	var deleting sql.NullInt64
	if err := row.Scan(&ns.Account, &ns.Name, &ns.CapacityRegion, &ns.IdentityStore, &created, &deleting); err != nil {
		return qslocal.Namespace{}, err
	}
	ns.CreatedAt = fromMicro(created)
	ns.DeletingSince = fromNullMicro(deleting)
	return ns, nil
}
