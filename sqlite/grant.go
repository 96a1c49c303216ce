package sqlite

import (
	"context"

	"github.com/qslocal/qslocal"
)

// Grants implements qslocal.Tx. The rows come in primary key order, by
// principal then action, so grouping them needs no sort. It returns a
// non-nil slice, empty for none.
func (t *tx) Grants(ctx context.Context, account, resource string) ([]qslocal.Grant, error) {
	const op = "get grants"
	rows, err := t.conn.QueryContext(ctx, grantsQuery, account, resource)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	grants := []qslocal.Grant{}
	for rows.Next() {
		var principal, action string
		if err := rows.Scan(&principal, &action); err != nil {
			return nil, wrap(op, err)
		}
		if n := len(grants); n == 0 || grants[n-1].Principal != principal {
			grants = append(grants, qslocal.Grant{Principal: principal})
		}
		g := &grants[len(grants)-1]
		g.Actions = append(g.Actions, action)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return grants, nil
}

const grantsQuery = `SELECT principal, action FROM grants
	WHERE account = ? AND resource = ? ORDER BY principal, action`

// Grant implements qslocal.Tx, one row per action.
func (t *tx) Grant(ctx context.Context, account, resource string, grants []qslocal.Grant) error {
	for _, g := range grants {
		for _, action := range g.Actions {
			if _, err := t.exec(ctx, "grant", `INSERT INTO grants (account, resource, principal, action)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, account, resource, g.Principal, action); err != nil {
				return err
			}
		}
	}
	return t.writable(ctx, "grant")
}

// Revoke implements qslocal.Tx. A principal's last action goes with its
// last row, so no empty grant is left behind.
func (t *tx) Revoke(ctx context.Context, account, resource string, grants []qslocal.Grant) error {
	for _, g := range grants {
		for _, action := range g.Actions {
			if _, err := t.exec(ctx, "revoke", `DELETE FROM grants
				WHERE account = ? AND resource = ? AND principal = ? AND action = ?`,
				account, resource, g.Principal, action); err != nil {
				return err
			}
		}
	}
	return t.writable(ctx, "revoke")
}

func (t *tx) ClearGrants(ctx context.Context, account, resource string) error {
	_, err := t.exec(ctx, "clear grants", clearGrantsQuery, account, resource)
	return err
}

const clearGrantsQuery = `DELETE FROM grants WHERE account = ? AND resource = ?`

func (t *tx) DropPrincipal(ctx context.Context, account, principal string) error {
	_, err := t.exec(ctx, "drop principal", dropPrincipalQuery, account, principal)
	return err
}

const dropPrincipalQuery = `DELETE FROM grants WHERE account = ? AND principal = ?`

// DropPrincipalPrefix implements qslocal.Tx. Like ClearTags, the prefix
// is a plain byte-string prefix, not a LIKE pattern: "user/default/"
// drops every user of namespace default, and "" every grant of the
// account.
func (t *tx) DropPrincipalPrefix(ctx context.Context, account, prefix string) error {
	query, args := dropPrincipalPrefixQuery(account, prefix)
	_, err := t.exec(ctx, "drop principal prefix", query, args...)
	return err
}

// dropPrincipalPrefixQuery deletes one range of grants_by_principal.
func dropPrincipalPrefixQuery(account, prefix string) (string, []any) {
	return deletePrefixQuery("grants", "principal", account, prefix)
}
