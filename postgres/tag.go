package postgres

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/qslocal/qslocal"
)

// Tags implements qslocal.Tx. It returns a non-nil slice, empty for none.
func (t *tx) Tags(ctx context.Context, account, resource string) ([]qslocal.Tag, error) {
	const op = "get tags"
	if !allStorable(account, resource) {
		return []qslocal.Tag{}, ctxErr(ctx, op)
	}
	rows, err := t.tx.Query(ctx, `SELECT key, value FROM tags
		WHERE account = $1 AND resource = $2 ORDER BY key`, account, resource)
	if err != nil {
		return nil, t.fail(ctx, op, err)
	}
	tags, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (qslocal.Tag, error) {
		var tag qslocal.Tag
		err := row.Scan(&tag.Key, &tag.Value)
		return tag, err
	})
	if err != nil {
		return nil, t.fail(ctx, op, err)
	}
	return tags, nil
}

// SetTags implements qslocal.Tx, in one statement. When tags repeat a key,
// the last wins. Keys go in byte order, so that concurrent SetTags of one
// resource lock its rows in the same order and cannot deadlock.
func (t *tx) SetTags(ctx context.Context, account, resource string, tags []qslocal.Tag) error {
	const op = "set tags"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	values := map[string]string{}
	for _, tag := range tags {
		if !allStorable(tag.Key, tag.Value) {
			return noText(op)
		}
		values[tag.Key] = tag.Value
	}
	if !allStorable(account, resource) {
		return noText(op)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = values[k]
	}
	_, err := t.exec(ctx, op, `INSERT INTO tags (account, resource, key, value)
		SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS t (k, v)
		ON CONFLICT (account, resource, key) DO UPDATE SET value = excluded.value`,
		account, resource, keys, vals)
	return err
}

// DeleteTags implements qslocal.Tx, in one statement; absent keys are
// ignored.
func (t *tx) DeleteTags(ctx context.Context, account, resource string, keys []string) error {
	const op = "delete tags"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	var present []string // keys PostgreSQL can hold; no tag has another
	for _, k := range keys {
		if storable(k) {
			present = append(present, k)
		}
	}
	if len(present) == 0 || !allStorable(account, resource) {
		return nil
	}
	_, err := t.exec(ctx, op, `DELETE FROM tags WHERE account = $1 AND resource = $2 AND key = ANY ($3::text[])`,
		account, resource, present)
	return err
}

// ClearTags implements qslocal.Tx: one range of the primary key. The prefix
// is a plain byte-string prefix over whole resource names: "user/default/"
// clears every user of namespace default, while "user/default/al" would
// clear "user/default/alice" too, and a resource name clears that resource
// and any whose name extends it ("namespace/x" also clears "namespace/xy").
// "" clears the whole account.
func (t *tx) ClearTags(ctx context.Context, account, prefix string) error {
	const op = "clear tags"
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	return t.deletePrefix(ctx, op, "tags", "resource", account, prefix)
}

// deletePrefix deletes an account's rows of table whose column starts with
// prefix: a byte range, so the prefix is never a LIKE pattern. table and
// column are the package's own constants, never input.
func (t *tx) deletePrefix(ctx context.Context, op, table, column, account, prefix string) error {
	lo, hi, hasHi, ok := prefixRange(prefix)
	if !ok || !storable(account) {
		return nil
	}
	query := `DELETE FROM ` + table + ` WHERE account = $1 AND ` + column + ` >= $2`
	args := []any{account, lo}
	if hasHi {
		query += ` AND ` + column + ` < $3`
		args = append(args, hi)
	}
	_, err := t.exec(ctx, op, query, args...)
	return err
}
