package sqlite

import (
	"context"

	"github.com/qslocal/qslocal"
)

func (t *tx) CreateGroup(ctx context.Context, g qslocal.Group) error {
	_, err := t.exec(ctx, "create group", `INSERT INTO groups (`+groupColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.Account, g.Namespace, g.Name, g.Description, g.PrincipalID,
		g.CreatedAt.UnixMicro(), g.UpdatedAt.UnixMicro())
	return err
}

func (t *tx) Group(ctx context.Context, account, namespace, name string) (qslocal.Group, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups
		WHERE account = ? AND namespace = ? AND name = ?`, account, namespace, name)
	g, err := scanGroup(row)
	if err != nil {
		return qslocal.Group{}, wrap("get group", err)
	}
	return g, nil
}

// UpdateGroup implements qslocal.Tx; like UpdateUser it returns ErrExists
// when the new PrincipalID belongs to another group.
func (t *tx) UpdateGroup(ctx context.Context, g qslocal.Group) error {
	res, err := t.exec(ctx, "update group", `UPDATE groups SET
			description = ?, principal_id = ?, created_at = ?, updated_at = ?
		WHERE account = ? AND namespace = ? AND name = ?`,
		g.Description, g.PrincipalID, g.CreatedAt.UnixMicro(), g.UpdatedAt.UnixMicro(),
		g.Account, g.Namespace, g.Name)
	if err != nil {
		return err
	}
	return mustAffect(res, "update group")
}

// DeleteGroup implements qslocal.Tx: group_members and role_members rows
// naming the group go with it (ON DELETE CASCADE).
func (t *tx) DeleteGroup(ctx context.Context, account, namespace, name string) error {
	res, err := t.exec(ctx, "delete group", `DELETE FROM groups WHERE account = ? AND namespace = ? AND name = ?`,
		account, namespace, name)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete group")
}

// ListGroups implements qslocal.Tx. The prefix is a key range, not a LIKE
// pattern: it matches bytes exactly, wildcards and case included.
func (t *tx) ListGroups(ctx context.Context, account, namespace, prefix, after string, limit int) ([]qslocal.Group, error) {
	query, args := listGroupsQuery(account, namespace, prefix, after, limit)
	return list(ctx, t, "list groups", limit, scanGroup, query, args...)
}

// listGroupsQuery selects one range of the primary key: names from the
// greater of prefix (included) and after (excluded), up to prefixEnd.
func listGroupsQuery(account, namespace, prefix, after string, limit int) (string, []any) {
	lo, loOp := prefix, ">="
	if after >= prefix {
		lo, loOp = after, ">"
	}
	query := `SELECT ` + groupColumns + ` FROM groups
		WHERE account = ? AND namespace = ? AND name ` + loOp + ` ?`
	args := []any{account, namespace, lo}
	if hi, ok := prefixEnd(prefix); ok {
		query += ` AND name < ?`
		args = append(args, hi)
	}
	query += ` ORDER BY name LIMIT ?`
	return query, append(args, limit)
}

func (t *tx) CountGroups(ctx context.Context, account, namespace string) (int, error) {
	return t.count(ctx, "count groups", countGroupsQuery, account, namespace)
}

const countGroupsQuery = `SELECT count(*) FROM groups WHERE account = ? AND namespace = ?`

// ListUserGroups implements qslocal.Tx; an unknown user has no groups.
func (t *tx) ListUserGroups(ctx context.Context, account, namespace, user, after string, limit int) ([]qslocal.Group, error) {
	return list(ctx, t, "list user groups", limit, scanGroup, listUserGroupsQuery, account, namespace, user, after, limit)
}

// listUserGroupsQuery reads a range of group_members_by_user and looks each
// group up by primary key.
var listUserGroupsQuery = `SELECT ` + groupColumnsOf("g") + `
	FROM group_members AS m
	JOIN groups AS g ON g.account = m.account AND g.namespace = m.namespace AND g.name = m.group_name
	WHERE m.account = ? AND m.namespace = ? AND m.user_name = ? AND m.group_name > ?
	ORDER BY m.group_name LIMIT ?`

// AddGroupMember implements qslocal.Tx: the foreign keys to groups and users
// report a missing one as ErrNotFound.
func (t *tx) AddGroupMember(ctx context.Context, account, namespace, group, user string) error {
	_, err := t.exec(ctx, "add group member", `INSERT INTO group_members (account, namespace, group_name, user_name)
		VALUES (?, ?, ?, ?)`, account, namespace, group, user)
	return err
}

func (t *tx) GroupMember(ctx context.Context, account, namespace, group, user string) error {
	var one int
	err := t.conn.QueryRowContext(ctx, `SELECT 1 FROM group_members
		WHERE account = ? AND namespace = ? AND group_name = ? AND user_name = ?`,
		account, namespace, group, user).Scan(&one)
	if err != nil {
		return wrap("get group member", err)
	}
	return nil
}

func (t *tx) RemoveGroupMember(ctx context.Context, account, namespace, group, user string) error {
	res, err := t.exec(ctx, "remove group member", `DELETE FROM group_members
		WHERE account = ? AND namespace = ? AND group_name = ? AND user_name = ?`,
		account, namespace, group, user)
	if err != nil {
		return err
	}
	return mustAffect(res, "remove group member")
}

// ListGroupMembers implements qslocal.Tx; an unknown group has no members.
func (t *tx) ListGroupMembers(ctx context.Context, account, namespace, group, after string, limit int) ([]string, error) {
	return list(ctx, t, "list group members", limit, scanString, `SELECT user_name FROM group_members
		WHERE account = ? AND namespace = ? AND group_name = ? AND user_name > ?
		ORDER BY user_name LIMIT ?`, account, namespace, group, after, limit)
}

// AddRoleMember implements qslocal.Tx. The role name is not checked.
func (t *tx) AddRoleMember(ctx context.Context, account, namespace, role, group string) error {
	_, err := t.exec(ctx, "add role member", `INSERT INTO role_members (account, namespace, role, group_name)
		VALUES (?, ?, ?, ?)`, account, namespace, role, group)
	return err
}

func (t *tx) RemoveRoleMember(ctx context.Context, account, namespace, role, group string) error {
	res, err := t.exec(ctx, "remove role member", `DELETE FROM role_members
		WHERE account = ? AND namespace = ? AND role = ? AND group_name = ?`,
		account, namespace, role, group)
	if err != nil {
		return err
	}
	return mustAffect(res, "remove role member")
}

func (t *tx) ListRoleMembers(ctx context.Context, account, namespace, role, after string, limit int) ([]string, error) {
	return list(ctx, t, "list role members", limit, scanString, `SELECT group_name FROM role_members
		WHERE account = ? AND namespace = ? AND role = ? AND group_name > ?
		ORDER BY group_name LIMIT ?`, account, namespace, role, after, limit)
}

const groupColumns = `account, namespace, name, description, principal_id, created_at, updated_at`

func groupColumnsOf(alias string) string {
	a := alias + "."
	return a + "account, " + a + "namespace, " + a + "name, " + a + "description, " +
		a + "principal_id, " + a + "created_at, " + a + "updated_at"
}

func scanGroup(row scanner) (qslocal.Group, error) {
	var g qslocal.Group
	var created, updated int64
	if err := row.Scan(&g.Account, &g.Namespace, &g.Name, &g.Description, &g.PrincipalID, &created, &updated); err != nil {
		return qslocal.Group{}, err
	}
	g.CreatedAt, g.UpdatedAt = fromMicro(created), fromMicro(updated)
	return g, nil
}
