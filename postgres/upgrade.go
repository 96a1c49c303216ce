package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/qslocal/qslocal"
)

const upgradeRequestColumns = `account, namespace, id, user_name, original_role, requested_role,
	note, status, created_at, last_attempt, failure_reason`

// CreateUpgradeRequest implements qslocal.Tx: ErrNotFound without the
// namespace, ErrExists for a taken id (see createUserQuery). The user is
// not looked up. A zero LastAttempt is stored as NULL.
func (t *tx) CreateUpgradeRequest(ctx context.Context, r qslocal.UpgradeRequest) error {
	const op = "create upgrade request"
	if !allStorable(r.Account, r.Namespace) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !upgradeRequestStorable(r) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM namespaces WHERE account = $1 AND name = $2
		), inserted AS (
			INSERT INTO upgrade_requests (`+upgradeRequestColumns+`)
			SELECT $1, $2, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,
				$9::timestamptz, $10::timestamptz, $11::text
			FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		upgradeRequestArgs(r)...)
}

func upgradeRequestStorable(r qslocal.UpgradeRequest) bool {
	return allStorable(r.Account, r.Namespace, r.ID, r.UserName, r.OriginalRole, r.RequestedRole,
		r.Note, r.Status, r.FailureReason)
}

func upgradeRequestArgs(r qslocal.UpgradeRequest) []any {
	return []any{r.Account, r.Namespace, r.ID, r.UserName, r.OriginalRole, r.RequestedRole,
		r.Note, r.Status, r.CreatedAt, nullTime(r.LastAttempt), r.FailureReason}
}

func (t *tx) UpgradeRequest(ctx context.Context, account, namespace, id string) (qslocal.UpgradeRequest, error) {
	const op = "get upgrade request"
	if !allStorable(account, namespace, id) {
		return qslocal.UpgradeRequest{}, notFoundCtx(ctx, op)
	}
	var r qslocal.UpgradeRequest
	var last *time.Time
	if err := t.row(ctx, op, `SELECT `+upgradeRequestColumns+` FROM upgrade_requests
		WHERE account = $1 AND namespace = $2 AND id = $3`,
		[]any{account, namespace, id}, upgradeRequestFields(&r, &last)...); err != nil {
		return qslocal.UpgradeRequest{}, err
	}
	return fixUpgradeRequest(r, last), nil
}

// UpdateUpgradeRequest implements qslocal.Tx. Only the primary key is
// unique, and it does not change, so no savepoint is needed.
func (t *tx) UpdateUpgradeRequest(ctx context.Context, r qslocal.UpgradeRequest) error {
	const op = "update upgrade request"
	if !allStorable(r.Account, r.Namespace, r.ID) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !upgradeRequestStorable(r) {
		return noText(op)
	}
	return t.execOne(ctx, op, `UPDATE upgrade_requests SET
			user_name = $4, original_role = $5, requested_role = $6, note = $7, status = $8,
			created_at = $9, last_attempt = $10, failure_reason = $11
		WHERE account = $1 AND namespace = $2 AND id = $3`,
		upgradeRequestArgs(r)...)
}

// ListUpgradeRequests implements qslocal.Tx: a range of the primary key,
// or of upgrade_requests_by_user or _by_status when filtered. The filters
// are added to the query only when set, rather than tested in SQL for
// emptiness, which a generic plan could not turn into an index range.
func (t *tx) ListUpgradeRequests(ctx context.Context, account, namespace, user, status, afterID string, limit int) ([]qslocal.UpgradeRequest, error) {
	const op = "list upgrade requests"
	lo, ok := after(afterID)
	if !ok || !allStorable(account, namespace, user, status) {
		return nil, ctxErr(ctx, op) // a filter PostgreSQL cannot hold matches nothing
	}
	query := `SELECT ` + upgradeRequestColumns + ` FROM upgrade_requests
		WHERE account = $1 AND namespace = $2 AND id >= $3`
	args := []any{account, namespace, lo}
	if user != "" {
		args = append(args, user)
		query += fmt.Sprintf(` AND user_name = $%d`, len(args))
	}
	if status != "" {
		args = append(args, status)
		query += fmt.Sprintf(` AND status = $%d`, len(args))
	}
	args = append(args, limit)
	query += fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args))
	return list(ctx, t, op, limit, scanUpgradeRequest, query, args...)
}

// SelfUpgradeStatus implements qslocal.Tx; "" when never set, or when the
// namespace is unknown.
func (t *tx) SelfUpgradeStatus(ctx context.Context, account, namespace string) (string, error) {
	const op = "get self-upgrade status"
	if !allStorable(account, namespace) {
		return "", ctxErr(ctx, op)
	}
	return t.optionalString(ctx, op, `SELECT status FROM self_upgrade_configurations
		WHERE account = $1 AND namespace = $2`, account, namespace)
}

// SetSelfUpgradeStatus implements qslocal.Tx: an upsert beside the
// namespace, looked up in the same statement; ErrNotFound without it.
func (t *tx) SetSelfUpgradeStatus(ctx context.Context, account, namespace, status string) error {
	const op = "set self-upgrade status"
	if !allStorable(account, namespace) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	if !storable(status) {
		return noText(op)
	}
	var parent bool
	if err := t.row(ctx, op, `WITH parent AS (
			SELECT FROM namespaces WHERE account = $1 AND name = $2
		), upserted AS (
			INSERT INTO self_upgrade_configurations (account, namespace, status)
			SELECT $1, $2, $3::text FROM parent
			ON CONFLICT (account, namespace) DO UPDATE SET status = excluded.status
		)
		SELECT EXISTS (SELECT FROM parent)`, []any{account, namespace, status}, &parent); err != nil {
		return err
	}
	if !parent {
		return notFound(op)
	}
	return nil
}

// upgradeRequestFields are the scan destinations of upgradeRequestColumns;
// last_attempt goes to *last, nil for NULL.
func upgradeRequestFields(r *qslocal.UpgradeRequest, last **time.Time) []any {
	return []any{&r.Account, &r.Namespace, &r.ID, &r.UserName, &r.OriginalRole, &r.RequestedRole,
		&r.Note, &r.Status, &r.CreatedAt, last, &r.FailureReason}
}

func fixUpgradeRequest(r qslocal.UpgradeRequest, last *time.Time) qslocal.UpgradeRequest {
	r.CreatedAt = utc(r.CreatedAt)
	r.LastAttempt = zeroIfNull(last)
	return r
}

func scanUpgradeRequest(row scanner) (qslocal.UpgradeRequest, error) {
	var r qslocal.UpgradeRequest
	var last *time.Time
	if err := row.Scan(upgradeRequestFields(&r, &last)...); err != nil {
		return qslocal.UpgradeRequest{}, err
	}
	return fixUpgradeRequest(r, last), nil
}
