package postgres

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/qslocal/qslocal"
)

// Grants implements qslocal.Tx: one range of the primary key, whose order
// is the contract's (principal, then action, byte-wise). It returns a
// non-nil slice, empty for none.
func (t *tx) Grants(ctx context.Context, account, resource string) ([]qslocal.Grant, error) {
	const op = "get grants"
	grants := []qslocal.Grant{}
	if !allStorable(account, resource) {
		return grants, ctxErr(ctx, op)
	}
	rows, err := t.tx.Query(ctx, `SELECT principal, action FROM grants
		WHERE account = $1 AND resource = $2 ORDER BY principal, action`, account, resource)
	if err != nil {
		return nil, t.fail(ctx, op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var principal, action string
		if err := rows.Scan(&principal, &action); err != nil {
			return nil, t.fail(ctx, op, err)
		}
		if n := len(grants); n > 0 && grants[n-1].Principal == principal {
			grants[n-1].Actions = append(grants[n-1].Actions, action)
		} else {
			grants = append(grants, qslocal.Grant{Principal: principal, Actions: []string{action}})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(ctx, op, err)
	}
	return grants, nil
}

// grantRow is one row of grants, for one resource.
type grantRow struct{ principal, action string }

// pairs flattens grants into sorted, distinct (principal, action) columns.
// Sorted, so that concurrent Grants and Revokes of one resource lock its
// rows in the same order and cannot deadlock. skip drops the pairs
// PostgreSQL cannot hold; else ok is false when there is one.
func pairs(grants []qslocal.Grant, skip bool) (principals, actions []string, ok bool) {
	var ps []grantRow
	for _, g := range grants {
		for _, a := range g.Actions {
			if !allStorable(g.Principal, a) {
				if skip {
					continue
				}
				return nil, nil, false
			}
			ps = append(ps, grantRow{g.Principal, a})
		}
	}
	slices.SortFunc(ps, func(a, b grantRow) int {
		return cmp.Or(strings.Compare(a.principal, b.principal), strings.Compare(a.action, b.action))
	})
	ps = slices.Compact(ps)
	principals, actions = make([]string, len(ps)), make([]string, len(ps))
	for i, p := range ps {
		principals[i], actions[i] = p.principal, p.action
	}
	return principals, actions, true
}

// Grant implements qslocal.Tx, in one statement: actions already granted
// are left as they are (ON CONFLICT DO NOTHING).
func (t *tx) Grant(ctx context.Context, account, resource string, grants []qslocal.Grant) error {
	const op = "grant"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	principals, actions, ok := pairs(grants, false)
	if !ok || (len(principals) > 0 && !allStorable(account, resource)) {
		return noText(op)
	}
	if len(principals) == 0 {
		return nil
	}
	_, err := t.exec(ctx, op, `INSERT INTO grants (account, resource, principal, action)
		SELECT $1, $2, p, a FROM unnest($3::text[], $4::text[]) AS g (p, a)
		ON CONFLICT DO NOTHING`,
		account, resource, principals, actions)
	return err
}

// Revoke implements qslocal.Tx, in one statement; actions not granted are
// ignored, and so are names PostgreSQL cannot hold, which no row has.
func (t *tx) Revoke(ctx context.Context, account, resource string, grants []qslocal.Grant) error {
	const op = "revoke"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	principals, actions, _ := pairs(grants, true)
	if len(principals) == 0 || !allStorable(account, resource) {
		return nil
	}
	_, err := t.exec(ctx, op, `DELETE FROM grants
		WHERE account = $1 AND resource = $2
		AND (principal, action) IN (SELECT p, a FROM unnest($3::text[], $4::text[]) AS g (p, a))`,
		account, resource, principals, actions)
	return err
}

// ClearGrants implements qslocal.Tx: one range of the primary key.
func (t *tx) ClearGrants(ctx context.Context, account, resource string) error {
	const op = "clear grants"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	if !allStorable(account, resource) {
		return nil
	}
	_, err := t.exec(ctx, op, `DELETE FROM grants WHERE account = $1 AND resource = $2`, account, resource)
	return err
}

// DropPrincipal implements qslocal.Tx: one range of grants_by_principal.
func (t *tx) DropPrincipal(ctx context.Context, account, principal string) error {
	const op = "drop principal"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	if !allStorable(account, principal) {
		return nil
	}
	_, err := t.exec(ctx, op, `DELETE FROM grants WHERE account = $1 AND principal = $2`, account, principal)
	return err
}

// DropPrincipalPrefix implements qslocal.Tx: one range of
// grants_by_principal. As in ClearTags, the prefix is plain bytes,
// not a LIKE pattern, and "" drops every grant of the account.
func (t *tx) DropPrincipalPrefix(ctx context.Context, account, prefix string) error {
	const op = "drop principal prefix"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	return t.deletePrefix(ctx, op, "grants", "principal", account, prefix)
}
