package sqlite

import (
	"context"

	"github.com/qslocal/qslocal"
)

// CreateAssignment implements qslocal.Tx. The foreign keys report a
// missing namespace, user or group; a failure leaves no part of the
// assignment behind (see atomically).
func (t *tx) CreateAssignment(ctx context.Context, a qslocal.Assignment) error {
	const op = "create assignment"
	return t.atomically(ctx, op, func() error {
		if _, err := t.exec(ctx, op, `INSERT INTO assignments (`+assignmentColumns+`)
			VALUES (?, ?, ?, ?, ?, ?)`,
			a.Account, a.Namespace, a.Name, a.ID, a.Status, a.PolicyARN); err != nil {
			return err
		}
		return t.addIdentities(ctx, op, a)
	})
}

func (t *tx) Assignment(ctx context.Context, account, namespace, name string) (qslocal.Assignment, error) {
	const op = "get assignment"
	row := t.conn.QueryRowContext(ctx, `SELECT `+assignmentColumns+` FROM assignments
		WHERE account = ? AND namespace = ? AND name = ?`, account, namespace, name)
	a, err := scanAssignment(row)
	if err != nil {
		return qslocal.Assignment{}, wrap(op, err)
	}
	if a.Users, err = t.column(ctx, op, `SELECT user_name FROM assignment_users
		WHERE account = ? AND namespace = ? AND assignment = ? ORDER BY user_name`, account, namespace, name); err != nil {
		return qslocal.Assignment{}, err
	}
	if a.Groups, err = t.column(ctx, op, `SELECT group_name FROM assignment_groups
		WHERE account = ? AND namespace = ? AND assignment = ? ORDER BY group_name`, account, namespace, name); err != nil {
		return qslocal.Assignment{}, err
	}
	return a, nil
}

// UpdateAssignment implements qslocal.Tx: it replaces the identities
// wholesale, and like CreateAssignment changes nothing when it fails.
func (t *tx) UpdateAssignment(ctx context.Context, a qslocal.Assignment) error {
	const op = "update assignment"
	return t.atomically(ctx, op, func() error {
		res, err := t.exec(ctx, op, `UPDATE assignments SET id = ?, status = ?, policy_arn = ?
			WHERE account = ? AND namespace = ? AND name = ?`,
			a.ID, a.Status, a.PolicyARN, a.Account, a.Namespace, a.Name)
		if err != nil {
			return err
		}
		if err := mustAffect(res, op); err != nil {
			return err
		}
		for _, table := range []string{"assignment_users", "assignment_groups"} {
			if _, err := t.exec(ctx, op, `DELETE FROM `+table+`
				WHERE account = ? AND namespace = ? AND assignment = ?`, a.Account, a.Namespace, a.Name); err != nil {
				return err
			}
		}
		return t.addIdentities(ctx, op, a)
	})
}

// addIdentities names a's users and groups in their tables. A name given
// twice is kept once.
func (t *tx) addIdentities(ctx context.Context, op string, a qslocal.Assignment) error {
	for _, u := range a.Users {
		if _, err := t.exec(ctx, op, `INSERT INTO assignment_users (account, namespace, assignment, user_name)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.Account, a.Namespace, a.Name, u); err != nil {
			return err
		}
	}
	for _, g := range a.Groups {
		if _, err := t.exec(ctx, op, `INSERT INTO assignment_groups (account, namespace, assignment, group_name)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.Account, a.Namespace, a.Name, g); err != nil {
			return err
		}
	}
	return nil
}

// DeleteAssignment implements qslocal.Tx: its identities go with it (ON
// DELETE CASCADE).
func (t *tx) DeleteAssignment(ctx context.Context, account, namespace, name string) error {
	res, err := t.exec(ctx, "delete assignment", `DELETE FROM assignments
		WHERE account = ? AND namespace = ? AND name = ?`, account, namespace, name)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete assignment")
}

// ListAssignments implements qslocal.Tx; an unknown namespace has none.
func (t *tx) ListAssignments(ctx context.Context, account, namespace, status, after string, limit int) ([]qslocal.Assignment, error) {
	query, args := listAssignmentsQuery(account, namespace, status, after, limit)
	return list(ctx, t, "list assignments", limit, scanAssignment, query, args...)
}

// listAssignmentsQuery writes the status filter only when there is one.
// Filtered, it reads its page of names from assignments_by_status first,
// as listUpgradeRequestsQuery does and for the same reason: left to
// itself, SQLite would walk the primary key and test every row's status.
func listAssignmentsQuery(account, namespace, status, after string, limit int) (string, []any) {
	args := []any{account, namespace, status, after, limit}
	if status == "" {
		return `SELECT ` + assignmentColumns + ` FROM assignments
			WHERE account = ?1 AND namespace = ?2 AND name > ?4 ORDER BY name LIMIT ?5`, args
	}
	return `SELECT ` + assignmentColumns + ` FROM assignments
		WHERE account = ?1 AND namespace = ?2 AND name IN (
			SELECT name FROM assignments WHERE account = ?1 AND namespace = ?2 AND status = ?3
			AND name > ?4 ORDER BY name LIMIT ?5)
		ORDER BY name`, args
}

// ListUserAssignments implements qslocal.Tx; an unknown user has none.
func (t *tx) ListUserAssignments(ctx context.Context, account, namespace, user, status, after string, limit int) ([]qslocal.Assignment, error) {
	query, args := listUserAssignmentsQuery(account, namespace, user, status, after, limit)
	return list(ctx, t, "list user assignments", limit, scanAssignment, query, args...)
}

// listUserAssignmentsQuery answers from one query: the names of the
// assignments naming the user (a range of assignment_users_by_user) or
// one of the user's groups (a range of group_members_by_user, then one of
// assignment_groups_by_group per group), merged in name order with
// duplicates dropped; then each assignment by primary key. CROSS JOIN
// keeps SQLite from walking every group assignment of the namespace in
// name order instead: this way the work is what reaches the user, and
// only the names through groups need sorting.
func listUserAssignmentsQuery(account, namespace, user, status, after string, limit int) (string, []any) {
	args := []any{account, namespace, user, status, after, limit}
	var filter string
	if status != "" {
		filter = ` AND a.status = ?4`
	}
	return `SELECT ` + assignmentColumnsOf("a") + ` FROM (
			SELECT assignment FROM assignment_users
			WHERE account = ?1 AND namespace = ?2 AND user_name = ?3 AND assignment > ?5
			UNION
			SELECT ag.assignment FROM group_members AS m
			CROSS JOIN assignment_groups AS ag
				ON ag.account = m.account AND ag.namespace = m.namespace AND ag.group_name = m.group_name
			WHERE m.account = ?1 AND m.namespace = ?2 AND m.user_name = ?3 AND ag.assignment > ?5
		) AS mine
		JOIN assignments AS a ON a.account = ?1 AND a.namespace = ?2 AND a.name = mine.assignment
		WHERE 1` + filter + `
		ORDER BY mine.assignment LIMIT ?6`, args
}

// assignmentColumns is the column order of CreateAssignment and
// scanAssignment.
const assignmentColumns = `account, namespace, name, id, status, policy_arn`

func assignmentColumnsOf(alias string) string {
	a := alias + "."
	return a + "account, " + a + "namespace, " + a + "name, " + a + "id, " + a + "status, " + a + "policy_arn"
}

// scanAssignment reads an assignment without its identities, as listings
// return it.
func scanAssignment(row scanner) (qslocal.Assignment, error) {
	var a qslocal.Assignment
	if err := row.Scan(&a.Account, &a.Namespace, &a.Name, &a.ID, &a.Status, &a.PolicyARN); err != nil {
		return qslocal.Assignment{}, err
	}
	return a, nil
}
