package postgres

import (
	"context"

	"github.com/qslocal/qslocal"
)

const groupColumns = `account, namespace, name, description, principal_id, created_at, updated_at`

// CreateGroup implements qslocal.Tx: ErrExists when the name or the
// principal id is taken in the namespace, ErrNotFound without the
// namespace. See createUserQuery.
func (t *tx) CreateGroup(ctx context.Context, g qslocal.Group) error {
	const op = "create group"
	if !allStorable(g.Account, g.Namespace) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(g.Name, g.Description, g.PrincipalID) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM namespaces WHERE account = $1 AND name = $2
		), inserted AS (
			INSERT INTO groups (`+groupColumns+`)
			SELECT $1, $2, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		g.Account, g.Namespace, g.Name, g.Description, g.PrincipalID, g.CreatedAt, g.UpdatedAt)
}

func (t *tx) Group(ctx context.Context, account, namespace, name string) (qslocal.Group, error) {
	const op = "get group"
	if !allStorable(account, namespace, name) {
		return qslocal.Group{}, notFoundCtx(ctx, op)
	}
	var g qslocal.Group
	if err := t.row(ctx, op, `SELECT `+groupColumns+` FROM groups
		WHERE account = $1 AND namespace = $2 AND name = $3`,
		[]any{account, namespace, name}, groupFields(&g)...); err != nil {
		return qslocal.Group{}, err
	}
	return fixGroup(g), nil
}

// UpdateGroup implements qslocal.Tx; like UpdateUser it returns ErrExists
// when the new PrincipalID belongs to another group.
func (t *tx) UpdateGroup(ctx context.Context, g qslocal.Group) error {
	const op = "update group"
	if !allStorable(g.Account, g.Namespace, g.Name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(g.Description, g.PrincipalID) {
		return noText(op)
	}
	return t.guardedExecOne(ctx, op, `UPDATE groups SET
			description = $4, principal_id = $5, created_at = $6, updated_at = $7
		WHERE account = $1 AND namespace = $2 AND name = $3`,
		g.Account, g.Namespace, g.Name, g.Description, g.PrincipalID, g.CreatedAt, g.UpdatedAt)
}

// DeleteGroup implements qslocal.Tx: the group_members, role_members and
// assignment_groups rows naming the group go with it (ON DELETE CASCADE).
func (t *tx) DeleteGroup(ctx context.Context, account, namespace, name string) error {
	const op = "delete group"
	if !allStorable(account, namespace, name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM groups WHERE account = $1 AND namespace = $2 AND name = $3`,
		account, namespace, name)
}

// ListGroups implements qslocal.Tx. The prefix is a key range, not a LIKE
// pattern: it matches bytes exactly, wildcards and case included.
func (t *tx) ListGroups(ctx context.Context, account, namespace, prefix, afterName string, limit int) ([]qslocal.Group, error) {
	const op = "list groups"
	lo, hi, hasHi, ok := prefixRange(prefix)
	a, ok2 := after(afterName)
	if !ok || !ok2 || !allStorable(account, namespace) {
		return nil, ctxErr(ctx, op)
	}
	lo = max(lo, a)
	if !hasHi {
		return list(ctx, t, op, limit, scanGroup, `SELECT `+groupColumns+` FROM groups
			WHERE account = $1 AND namespace = $2 AND name >= $3
			ORDER BY name LIMIT $4`, account, namespace, lo, limit)
	}
	if lo >= hi {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanGroup, `SELECT `+groupColumns+` FROM groups
		WHERE account = $1 AND namespace = $2 AND name >= $3 AND name < $4
		ORDER BY name LIMIT $5`, account, namespace, lo, hi, limit)
}

func (t *tx) CountGroups(ctx context.Context, account, namespace string) (int, error) {
	const op = "count groups"
	if !allStorable(account, namespace) {
		return 0, ctxErr(ctx, op)
	}
	return t.count(ctx, op, `SELECT count(*) FROM groups WHERE account = $1 AND namespace = $2`, account, namespace)
}

// ListUserGroups implements qslocal.Tx: a range of group_members_by_user,
// each group looked up by primary key. An unknown user has no groups.
func (t *tx) ListUserGroups(ctx context.Context, account, namespace, user, afterName string, limit int) ([]qslocal.Group, error) {
	const op = "list user groups"
	lo, ok := after(afterName)
	if !ok || !allStorable(account, namespace, user) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanGroup, `SELECT g.account, g.namespace, g.name, g.description,
			g.principal_id, g.created_at, g.updated_at
		FROM group_members AS m
		JOIN groups AS g ON g.account = m.account AND g.namespace = m.namespace AND g.name = m.group_name
		WHERE m.account = $1 AND m.namespace = $2 AND m.user_name = $3 AND m.group_name >= $4
		ORDER BY m.group_name LIMIT $5`, account, namespace, user, lo, limit)
}

// AddGroupMember implements qslocal.Tx: ErrNotFound unless both the group
// and the user exist, ErrExists when the user is a member already.
func (t *tx) AddGroupMember(ctx context.Context, account, namespace, group, user string) error {
	const op = "add group member"
	if !allStorable(account, namespace, group, user) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM groups, users
			WHERE groups.account = $1 AND groups.namespace = $2 AND groups.name = $3
			AND users.account = $1 AND users.namespace = $2 AND users.name = $4
		), inserted AS (
			INSERT INTO group_members (account, namespace, group_name, user_name)
			SELECT $1, $2, $3, $4 FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		account, namespace, group, user)
}

func (t *tx) GroupMember(ctx context.Context, account, namespace, group, user string) error {
	const op = "get group member"
	if !allStorable(account, namespace, group, user) {
		return notFoundCtx(ctx, op)
	}
	var one int
	return t.row(ctx, op, `SELECT 1 FROM group_members
		WHERE account = $1 AND namespace = $2 AND group_name = $3 AND user_name = $4`,
		[]any{account, namespace, group, user}, &one)
}

func (t *tx) RemoveGroupMember(ctx context.Context, account, namespace, group, user string) error {
	const op = "remove group member"
	if !allStorable(account, namespace, group, user) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM group_members
		WHERE account = $1 AND namespace = $2 AND group_name = $3 AND user_name = $4`,
		account, namespace, group, user)
}

// ListGroupMembers implements qslocal.Tx; an unknown group has no members.
func (t *tx) ListGroupMembers(ctx context.Context, account, namespace, group, afterName string, limit int) ([]string, error) {
	const op = "list group members"
	lo, ok := after(afterName)
	if !ok || !allStorable(account, namespace, group) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanString, `SELECT user_name FROM group_members
		WHERE account = $1 AND namespace = $2 AND group_name = $3 AND user_name >= $4
		ORDER BY user_name LIMIT $5`, account, namespace, group, lo, limit)
}

// AddRoleMember implements qslocal.Tx: ErrNotFound without the group,
// ErrExists when it is mapped already. The role name is not checked.
func (t *tx) AddRoleMember(ctx context.Context, account, namespace, role, group string) error {
	const op = "add role member"
	if !allStorable(account, namespace, group) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !storable(role) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM groups WHERE account = $1 AND namespace = $2 AND name = $4
		), inserted AS (
			INSERT INTO role_members (account, namespace, role, group_name)
			SELECT $1, $2, $3::text, $4 FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		account, namespace, role, group)
}

func (t *tx) RemoveRoleMember(ctx context.Context, account, namespace, role, group string) error {
	const op = "remove role member"
	if !allStorable(account, namespace, role, group) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM role_members
		WHERE account = $1 AND namespace = $2 AND role = $3 AND group_name = $4`,
		account, namespace, role, group)
}

func (t *tx) ListRoleMembers(ctx context.Context, account, namespace, role, afterName string, limit int) ([]string, error) {
	const op = "list role members"
	lo, ok := after(afterName)
	if !ok || !allStorable(account, namespace, role) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanString, `SELECT group_name FROM role_members
		WHERE account = $1 AND namespace = $2 AND role = $3 AND group_name >= $4
		ORDER BY group_name LIMIT $5`, account, namespace, role, lo, limit)
}

func groupFields(g *qslocal.Group) []any {
	return []any{&g.Account, &g.Namespace, &g.Name, &g.Description, &g.PrincipalID, &g.CreatedAt, &g.UpdatedAt}
}

func fixGroup(g qslocal.Group) qslocal.Group {
	g.CreatedAt, g.UpdatedAt = utc(g.CreatedAt), utc(g.UpdatedAt)
	return g
}

func scanGroup(row scanner) (qslocal.Group, error) {
	var g qslocal.Group
	if err := row.Scan(groupFields(&g)...); err != nil {
		return qslocal.Group{}, err
	}
	return fixGroup(g), nil
}

func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}
