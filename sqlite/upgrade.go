package sqlite

import (
	"context"
	"database/sql"

	"github.com/qslocal/qslocal"
)

// CreateUpgradeRequest implements qslocal.Tx: the foreign key to namespaces
// reports a missing namespace. A zero LastAttempt is stored as NULL.
func (t *tx) CreateUpgradeRequest(ctx context.Context, r qslocal.UpgradeRequest) error {
	_, err := t.exec(ctx, "create upgrade request", `INSERT INTO upgrade_requests (`+upgradeRequestColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Account, r.Namespace, r.ID, r.UserName, r.OriginalRole, r.RequestedRole, r.Note, r.Status,
		r.CreatedAt.UnixMicro(), nullMicro(r.LastAttempt), r.FailureReason)
	return err
}

func (t *tx) UpgradeRequest(ctx context.Context, account, namespace, id string) (qslocal.UpgradeRequest, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+upgradeRequestColumns+` FROM upgrade_requests
		WHERE account = ? AND namespace = ? AND id = ?`, account, namespace, id)
	r, err := scanUpgradeRequest(row)
	if err != nil {
		return qslocal.UpgradeRequest{}, wrap("get upgrade request", err)
	}
	return r, nil
}

func (t *tx) UpdateUpgradeRequest(ctx context.Context, r qslocal.UpgradeRequest) error {
	res, err := t.exec(ctx, "update upgrade request", `UPDATE upgrade_requests SET
			user_name = ?, original_role = ?, requested_role = ?, note = ?, status = ?,
			created_at = ?, last_attempt = ?, failure_reason = ?
		WHERE account = ? AND namespace = ? AND id = ?`,
		r.UserName, r.OriginalRole, r.RequestedRole, r.Note, r.Status,
		r.CreatedAt.UnixMicro(), nullMicro(r.LastAttempt), r.FailureReason,
		r.Account, r.Namespace, r.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "update upgrade request")
}

// ListUpgradeRequests implements qslocal.Tx; an unknown namespace has none.
func (t *tx) ListUpgradeRequests(ctx context.Context, account, namespace, user, status, after string, limit int) ([]qslocal.UpgradeRequest, error) {
	query, args := listUpgradeRequestsQuery(account, namespace, user, status, after, limit)
	return list(ctx, t, "list upgrade requests", limit, scanUpgradeRequest, query, args...)
}

// listUpgradeRequestsQuery writes only the filters in use, not an "empty
// or equal" test of each, so that an index serves them. A filtered query
// reads its page of ids from the index first: without statistics SQLite
// prefers a range of the primary key to an index that needs a lookup per
// row, and would then scan the namespace for matches.
func listUpgradeRequestsQuery(account, namespace, user, status, after string, limit int) (string, []any) {
	args := []any{account, namespace, user, status, after, limit}
	var filters string
	if user != "" {
		filters += ` AND user_name = ?3`
	}
	if status != "" {
		filters += ` AND status = ?4`
	}
	if filters == "" {
		return `SELECT ` + upgradeRequestColumns + ` FROM upgrade_requests
			WHERE account = ?1 AND namespace = ?2 AND id > ?5 ORDER BY id LIMIT ?6`, args
	}
	return `SELECT ` + upgradeRequestColumns + ` FROM upgrade_requests
		WHERE account = ?1 AND namespace = ?2 AND id IN (
			SELECT id FROM upgrade_requests WHERE account = ?1 AND namespace = ?2` + filters + `
			AND id > ?5 ORDER BY id LIMIT ?6)
		ORDER BY id`, args
}

// SelfUpgradeStatus implements qslocal.Tx; an unknown namespace has none.
func (t *tx) SelfUpgradeStatus(ctx context.Context, account, namespace string) (string, error) {
	return t.optionalString(ctx, "get self-upgrade status", `SELECT self_upgrade_status FROM namespaces
		WHERE account = ? AND name = ?`, account, namespace)
}

// SetSelfUpgradeStatus implements qslocal.Tx. The status is a column of
// the namespace, so it goes with the namespace.
func (t *tx) SetSelfUpgradeStatus(ctx context.Context, account, namespace, status string) error {
	res, err := t.exec(ctx, "set self-upgrade status", `UPDATE namespaces SET self_upgrade_status = ?
		WHERE account = ? AND name = ?`, status, account, namespace)
	if err != nil {
		return err
	}
	return mustAffect(res, "set self-upgrade status")
}

// upgradeRequestColumns is the column order of CreateUpgradeRequest and
// scanUpgradeRequest.
const upgradeRequestColumns = `account, namespace, id, user_name, original_role, requested_role, note,
	status, created_at, last_attempt, failure_reason`

func scanUpgradeRequest(row scanner) (qslocal.UpgradeRequest, error) {
	var r qslocal.UpgradeRequest
	var created int64
	var attempted sql.NullInt64
	if err := row.Scan(&r.Account, &r.Namespace, &r.ID, &r.UserName, &r.OriginalRole, &r.RequestedRole, &r.Note,
		&r.Status, &created, &attempted, &r.FailureReason); err != nil {
		return qslocal.UpgradeRequest{}, err
	}
	r.CreatedAt = fromMicro(created)
	r.LastAttempt = fromNullMicro(attempted)
	return r, nil
}
