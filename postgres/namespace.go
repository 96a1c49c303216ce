package postgres

import (
	"context"
	"time"

	"github.com/qslocal/qslocal"
)

// EnsureAccount implements qslocal.Tx, in one statement. It never changes
// existing rows: unlike SQLite's, no PostgreSQL database predates the
// namespaces' capacity_region, so none has one to fill in.
func (t *tx) EnsureAccount(ctx context.Context, account, region string, now time.Time) error {
	const op = "ensure account"
	if !allStorable(account, region) {
		if err := t.writable(ctx, op); err != nil {
			return err
		}
		return noText(op)
	}
	// The namespaces foreign key is checked at the end of the statement,
	// when the account inserted by the CTE is there.
	_, err := t.exec(ctx, op, `WITH account AS (
			INSERT INTO accounts (account, identity_region, created_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING
		)
		INSERT INTO namespaces (account, name, capacity_region, identity_store, created_at)
		VALUES ($1, 'default', $2, 'QUICKSIGHT', $3)
		ON CONFLICT DO NOTHING`,
		account, region, now)
	return err
}

func (t *tx) Account(ctx context.Context, account string) (qslocal.Account, error) {
	const op = "get account"
	if !storable(account) {
		return qslocal.Account{}, notFoundCtx(ctx, op)
	}
	var a qslocal.Account
	if err := t.row(ctx, op, `SELECT `+accountColumns+` FROM accounts WHERE account = $1`, []any{account}, accountFields(&a)...); err != nil {
		return qslocal.Account{}, err
	}
	a.CreatedAt = utc(a.CreatedAt)
	return a, nil
}

const accountColumns = `account, created_at, identity_region, settings`

func accountFields(a *qslocal.Account) []any {
	return []any{&a.ID, &a.CreatedAt, &a.IdentityRegion, &a.Settings}
}

func (t *tx) UpdateAccount(ctx context.Context, a qslocal.Account) error {
	const op = "update account"
	if !storable(a.ID) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !storable(a.IdentityRegion) {
		return noText(op)
	}
	return t.execOne(ctx, op, `UPDATE accounts SET identity_region = $2, settings = $3 WHERE account = $1`,
		a.ID, a.IdentityRegion, nullJSON(a.Settings))
}

func (t *tx) ListAccounts(ctx context.Context, afterID string, limit int) ([]qslocal.Account, error) {
	const op = "list accounts"
	lo, ok := after(afterID)
	if !ok {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanAccount, `SELECT `+accountColumns+` FROM accounts
		WHERE account >= $1 ORDER BY account LIMIT $2`, lo, limit)
}

// DeleteAccount implements qslocal.Tx: tags and grants name no parent, so
// they go by statement; everything else cascades from the account's row.
// One round trip: the CTEs all see the same snapshot.
func (t *tx) DeleteAccount(ctx context.Context, account string) error {
	const op = "delete account"
	if !storable(account) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `WITH tags AS (
			DELETE FROM tags WHERE account = $1
		), grants AS (
			DELETE FROM grants WHERE account = $1
		)
		DELETE FROM accounts WHERE account = $1`, account)
}

func scanAccount(row scanner) (qslocal.Account, error) {
	var a qslocal.Account
	if err := row.Scan(accountFields(&a)...); err != nil {
		return qslocal.Account{}, err
	}
	a.CreatedAt = utc(a.CreatedAt)
	return a, nil
}

const namespaceColumns = `account, name, capacity_region, identity_store, created_at, deleting_since`

// CreateNamespace implements qslocal.Tx: ErrNotFound when the account does
// not exist, ErrExists for a taken name.
func (t *tx) CreateNamespace(ctx context.Context, ns qslocal.Namespace) error {
	const op = "create namespace"
	if !storable(ns.Account) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(ns.Name, ns.CapacityRegion, ns.IdentityStore) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM accounts WHERE account = $1
		), inserted AS (
			INSERT INTO namespaces (`+namespaceColumns+`)
			SELECT $1, $2::text, $3::text, $4::text, $5::timestamptz, $6::timestamptz FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		ns.Account, ns.Name, ns.CapacityRegion, ns.IdentityStore, ns.CreatedAt, nullTime(ns.DeletingSince))
}

func (t *tx) Namespace(ctx context.Context, account, name string) (qslocal.Namespace, error) {
	const op = "get namespace"
	if !allStorable(account, name) {
		return qslocal.Namespace{}, notFoundCtx(ctx, op)
	}
	var ns qslocal.Namespace
	var deleting *time.Time
	if err := t.row(ctx, op, `SELECT `+namespaceColumns+` FROM namespaces WHERE account = $1 AND name = $2`,
		[]any{account, name}, namespaceFields(&ns, &deleting)...); err != nil {
		return qslocal.Namespace{}, err
	}
	return fixNamespace(ns, deleting), nil
}

func (t *tx) ListNamespaces(ctx context.Context, account, afterName string, limit int) ([]qslocal.Namespace, error) {
	const op = "list namespaces"
	lo, ok := after(afterName)
	if !ok || !storable(account) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanNamespace, `SELECT `+namespaceColumns+` FROM namespaces
		WHERE account = $1 AND name >= $2 ORDER BY name LIMIT $3`, account, lo, limit)
}

func (t *tx) CountNamespaces(ctx context.Context, account string) (int, error) {
	const op = "count namespaces"
	if !storable(account) {
		return 0, ctxErr(ctx, op)
	}
	return t.count(ctx, op, `SELECT count(*) FROM namespaces WHERE account = $1`, account)
}

// DeleteNamespace implements qslocal.Tx: the foreign keys cascade from the
// namespace to its users, groups, memberships, role mappings, role
// profiles, upgrade requests, self-upgrade configuration and IAM policy
// assignments with their identities (see the migrations).
func (t *tx) DeleteNamespace(ctx context.Context, account, name string) error {
	const op = "delete namespace"
	if !allStorable(account, name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM namespaces WHERE account = $1 AND name = $2`, account, name)
}

func namespaceFields(ns *qslocal.Namespace, deleting **time.Time) []any {
	return []any{&ns.Account, &ns.Name, &ns.CapacityRegion, &ns.IdentityStore, &ns.CreatedAt, deleting}
}

// fixNamespace reads times back in UTC, a NULL deleting_since as zero.
func fixNamespace(ns qslocal.Namespace, deleting *time.Time) qslocal.Namespace {
	ns.CreatedAt = utc(ns.CreatedAt)
	if deleting != nil {
		ns.DeletingSince = utc(*deleting)
	}
	return ns
}

func scanNamespace(row scanner) (qslocal.Namespace, error) {
	var ns qslocal.Namespace
	var deleting *time.Time
	if err := row.Scan(namespaceFields(&ns, &deleting)...); err != nil {
		return qslocal.Namespace{}, err
	}
	return fixNamespace(ns, deleting), nil
}
