package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/qslocal/qslocal"
)

// An assignment's users and groups are rows of assignment_users and
// assignment_groups, with foreign keys to the assignment and to the user
// or group, so that deleting any of them (or the namespace) takes the
// rows naming it. Create and update look the users and groups up in the
// same statement as they write, and compare how many they found with how
// many were named: a missing one is ErrNotFound, not a foreign key
// violation that would abort the transaction.

const assignmentColumns = `account, namespace, name, id, status, policy_arn`

// identities returns names sorted, each once, and never nil (a nil slice
// binds as NULL, which cardinality and ANY would not count as empty). ok
// is false when a name is one PostgreSQL cannot hold: no user or group has
// it.
func identities(names []string) (sorted []string, ok bool) {
	sorted = make([]string, 0, len(names))
	for _, n := range names {
		if !storable(n) {
			return nil, false
		}
		sorted = append(sorted, n)
	}
	slices.SortFunc(sorted, strings.Compare)
	return slices.Compact(sorted), true
}

// assignmentIdentities are the CTEs of the users and groups named by $7
// and $8 that exist in the namespace ($1, $2), and complete, whether they
// all do.
const assignmentIdentities = `found_users AS (
		SELECT name FROM users WHERE account = $1 AND namespace = $2 AND name = ANY ($7::text[])
	), found_groups AS (
		SELECT name FROM groups WHERE account = $1 AND namespace = $2 AND name = ANY ($8::text[])
	), complete AS (
		SELECT WHERE (SELECT count(*) FROM found_users) = cardinality($7::text[])
		AND (SELECT count(*) FROM found_groups) = cardinality($8::text[])
	)`

// assignmentArgs checks a's text and returns the arguments of
// assignmentIdentities and of the writes: ErrNotFound (or what a write
// says in a View) when the namespace, the assignment (unless create) or
// an identity cannot exist, errText when a field cannot be stored.
func (t *tx) assignmentArgs(ctx context.Context, op string, a qslocal.Assignment, create bool) ([]any, error) {
	if !allStorable(a.Account, a.Namespace) || (!create && !storable(a.Name)) {
		return nil, t.notFoundOrReadOnly(ctx, op)
	}
	if err := t.writable(ctx, op); err != nil {
		return nil, err
	}
	if !allStorable(a.Name, a.ID, a.Status, a.PolicyARN) {
		return nil, noText(op)
	}
	users, ok := identities(a.Users)
	groups, ok2 := identities(a.Groups)
	if !ok || !ok2 {
		return nil, fmt.Errorf("postgres: %s: a user or group: %w", op, qslocal.ErrNotFound)
	}
	return []any{a.Account, a.Namespace, a.Name, a.ID, a.Status, a.PolicyARN, users, groups}, nil
}

// CreateAssignment implements qslocal.Tx in one statement: ErrNotFound
// without the namespace, else ErrExists for a taken name, else ErrNotFound
// when a user or group is missing.
func (t *tx) CreateAssignment(ctx context.Context, a qslocal.Assignment) error {
	const op = "create assignment"
	args, err := t.assignmentArgs(ctx, op, a, true)
	if err != nil {
		return err
	}
	var parent, taken, complete, inserted bool
	if err := t.row(ctx, op, `WITH parent AS (
			SELECT FROM namespaces WHERE account = $1 AND name = $2
		), taken AS (
			SELECT FROM assignments WHERE account = $1 AND namespace = $2 AND name = $3
		), `+assignmentIdentities+`, inserted AS (
			INSERT INTO assignments (`+assignmentColumns+`)
			SELECT $1, $2, $3, $4::text, $5::text, $6::text FROM parent, complete
			ON CONFLICT DO NOTHING
			RETURNING 1
		), inserted_users AS (
			INSERT INTO assignment_users (account, namespace, assignment, user_name)
			SELECT $1, $2, $3, name FROM found_users WHERE EXISTS (SELECT FROM inserted)
		), inserted_groups AS (
			INSERT INTO assignment_groups (account, namespace, assignment, group_name)
			SELECT $1, $2, $3, name FROM found_groups WHERE EXISTS (SELECT FROM inserted)
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM taken),
			EXISTS (SELECT FROM complete), EXISTS (SELECT FROM inserted)`,
		args, &parent, &taken, &complete, &inserted); err != nil {
		return err
	}
	switch {
	case !parent:
		return notFound(op)
	case taken:
		return exists(op)
	case !complete:
		return fmt.Errorf("postgres: %s: a user or group: %w", op, qslocal.ErrNotFound)
	case !inserted:
		// Taken by a transaction committed after this one's snapshot;
		// under SERIALIZABLE, PostgreSQL reports that as a serialization
		// failure first, so this is for weaker isolation.
		return exists(op)
	}
	return nil
}

// Assignment implements qslocal.Tx, with its users and groups, in one
// statement. Users and Groups are nil when there are none.
func (t *tx) Assignment(ctx context.Context, account, namespace, name string) (qslocal.Assignment, error) {
	const op = "get assignment"
	if !allStorable(account, namespace, name) {
		return qslocal.Assignment{}, notFoundCtx(ctx, op)
	}
	var a qslocal.Assignment
	dest := append(assignmentFields(&a), &a.Users, &a.Groups)
	if err := t.row(ctx, op, `SELECT `+assignmentColumns+`,
			ARRAY (SELECT user_name FROM assignment_users
				WHERE account = $1 AND namespace = $2 AND assignment = $3 ORDER BY user_name),
			ARRAY (SELECT group_name FROM assignment_groups
				WHERE account = $1 AND namespace = $2 AND assignment = $3 ORDER BY group_name)
		FROM assignments WHERE account = $1 AND namespace = $2 AND name = $3`,
		[]any{account, namespace, name}, dest...); err != nil {
		return qslocal.Assignment{}, err
	}
	if len(a.Users) == 0 {
		a.Users = nil
	}
	if len(a.Groups) == 0 {
		a.Groups = nil
	}
	return a, nil
}

// UpdateAssignment implements qslocal.Tx in one statement: the row is
// updated only when every user and group exists, and then its identity
// rows become exactly those named (the others deleted, the new ones
// inserted). ErrNotFound when the assignment, a user or a group is missing.
// Only the primary keys are unique, and they do not change, so no
// savepoint is needed.
func (t *tx) UpdateAssignment(ctx context.Context, a qslocal.Assignment) error {
	const op = "update assignment"
	args, err := t.assignmentArgs(ctx, op, a, false)
	if err != nil {
		return err
	}
	var updated bool
	if err := t.row(ctx, op, `WITH `+assignmentIdentities+`, updated AS (
			UPDATE assignments SET id = $4, status = $5, policy_arn = $6
			WHERE account = $1 AND namespace = $2 AND name = $3 AND EXISTS (SELECT FROM complete)
			RETURNING 1
		), dropped_users AS (
			DELETE FROM assignment_users
			WHERE account = $1 AND namespace = $2 AND assignment = $3 AND user_name <> ALL ($7::text[])
			AND EXISTS (SELECT FROM updated)
		), added_users AS (
			INSERT INTO assignment_users (account, namespace, assignment, user_name)
			SELECT $1, $2, $3, name FROM found_users WHERE EXISTS (SELECT FROM updated)
			ON CONFLICT DO NOTHING
		), dropped_groups AS (
			DELETE FROM assignment_groups
			WHERE account = $1 AND namespace = $2 AND assignment = $3 AND group_name <> ALL ($8::text[])
			AND EXISTS (SELECT FROM updated)
		), added_groups AS (
			INSERT INTO assignment_groups (account, namespace, assignment, group_name)
			SELECT $1, $2, $3, name FROM found_groups WHERE EXISTS (SELECT FROM updated)
			ON CONFLICT DO NOTHING
		)
		SELECT EXISTS (SELECT FROM updated)`, args, &updated); err != nil {
		return err
	}
	if !updated {
		return notFound(op)
	}
	return nil
}

// DeleteAssignment implements qslocal.Tx: its identity rows go with it
// (ON DELETE CASCADE).
func (t *tx) DeleteAssignment(ctx context.Context, account, namespace, name string) error {
	const op = "delete assignment"
	if !allStorable(account, namespace, name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM assignments WHERE account = $1 AND namespace = $2 AND name = $3`,
		account, namespace, name)
}

// ListAssignments implements qslocal.Tx: a range of the primary key, or of
// assignments_by_status when filtered.
func (t *tx) ListAssignments(ctx context.Context, account, namespace, status, afterName string, limit int) ([]qslocal.Assignment, error) {
	const op = "list assignments"
	lo, ok := after(afterName)
	if !ok || !allStorable(account, namespace, status) {
		return nil, ctxErr(ctx, op) // a status PostgreSQL cannot hold matches nothing
	}
	if status == "" {
		return list(ctx, t, op, limit, scanAssignment, `SELECT `+assignmentColumns+` FROM assignments
			WHERE account = $1 AND namespace = $2 AND name >= $3
			ORDER BY name LIMIT $4`, account, namespace, lo, limit)
	}
	return list(ctx, t, op, limit, scanAssignment, `SELECT `+assignmentColumns+` FROM assignments
		WHERE account = $1 AND namespace = $2 AND status = $3 AND name >= $4
		ORDER BY name LIMIT $5`, account, namespace, status, lo, limit)
}

// ListUserAssignments implements qslocal.Tx in one statement, driven from
// the user's side: the names of the assignments naming the user (a range
// of assignment_users_by_user) or one of its groups (ranges of
// group_members_by_user, then assignment_groups_by_group), each once, then
// each assignment by primary key. The lateral subquery, kept apart by
// OFFSET 0, stops the planner from walking the namespace's assignments in
// name order instead: its cost follows the user's assignments.
func (t *tx) ListUserAssignments(ctx context.Context, account, namespace, user, status, afterName string, limit int) ([]qslocal.Assignment, error) {
	const op = "list user assignments"
	lo, ok := after(afterName)
	if !ok || !allStorable(account, namespace, user, status) {
		return nil, ctxErr(ctx, op)
	}
	args := []any{account, namespace, user, lo, limit}
	if status != "" {
		args = append(args, status)
	}
	query := userAssignmentsQuery(status != "")
	return list(ctx, t, op, limit, scanAssignment, query, args...)
}

// userAssignmentsQuery is ListUserAssignments's statement: $1 account, $2
// namespace, $3 user, $4 the first name, $5 the limit and, when byStatus,
// $6 the status.
func userAssignmentsQuery(byStatus bool) string {
	query := `SELECT a.* FROM (
			SELECT assignment FROM assignment_users
			WHERE account = $1 AND namespace = $2 AND user_name = $3 AND assignment >= $4
			UNION
			SELECT g.assignment FROM group_members AS m
			JOIN assignment_groups AS g
				ON g.account = m.account AND g.namespace = m.namespace AND g.group_name = m.group_name
			WHERE m.account = $1 AND m.namespace = $2 AND m.user_name = $3 AND g.assignment >= $4
		) AS mine CROSS JOIN LATERAL (
			SELECT ` + assignmentColumns + ` FROM assignments
			WHERE account = $1 AND namespace = $2 AND name = mine.assignment`
	if byStatus {
		query += ` AND status = $6`
	}
	return query + ` OFFSET 0) AS a ORDER BY mine.assignment LIMIT $5`
}

func assignmentFields(a *qslocal.Assignment) []any {
	return []any{&a.Account, &a.Namespace, &a.Name, &a.ID, &a.Status, &a.PolicyARN}
}

func scanAssignment(row scanner) (qslocal.Assignment, error) {
	var a qslocal.Assignment
	err := row.Scan(assignmentFields(&a)...)
	return a, err
}
