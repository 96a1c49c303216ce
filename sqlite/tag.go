package sqlite

import (
	"context"

	"github.com/qslocal/qslocal"
)

// Tags implements qslocal.Tx. It returns a non-nil slice, empty for none.
func (t *tx) Tags(ctx context.Context, account, resource string) ([]qslocal.Tag, error) {
	const op = "get tags"
	rows, err := t.conn.QueryContext(ctx, `SELECT key, value FROM tags
		WHERE account = ? AND resource = ? ORDER BY key`, account, resource)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	tags := []qslocal.Tag{}
	for rows.Next() {
		var tag qslocal.Tag
		if err := rows.Scan(&tag.Key, &tag.Value); err != nil {
			return nil, wrap(op, err)
		}
		tags = append(tags, tag)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return tags, nil
}

// SetTags implements qslocal.Tx. When tags repeat a key, the last wins.
func (t *tx) SetTags(ctx context.Context, account, resource string, tags []qslocal.Tag) error {
	for _, tag := range tags {
		if _, err := t.exec(ctx, "set tags", `INSERT INTO tags (account, resource, key, value) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET value = excluded.value`, account, resource, tag.Key, tag.Value); err != nil {
			return err
		}
	}
	return t.writable(ctx, "set tags")
}

func (t *tx) DeleteTags(ctx context.Context, account, resource string, keys []string) error {
	for _, key := range keys {
		if _, err := t.exec(ctx, "delete tags", `DELETE FROM tags WHERE account = ? AND resource = ? AND key = ?`,
			account, resource, key); err != nil {
			return err
		}
	}
	return t.writable(ctx, "delete tags")
}

// ClearTags implements qslocal.Tx. The prefix is a plain byte-string prefix
// over whole resource names: "user/default/" clears every user of namespace
// default, while "user/default/al" would clear "user/default/alice" too, and
// a resource name clears that resource and any whose name extends it
// ("namespace/x" also clears "namespace/xy"). "" clears the whole account.
func (t *tx) ClearTags(ctx context.Context, account, prefix string) error {
	query, args := clearTagsQuery(account, prefix)
	_, err := t.exec(ctx, "clear tags", query, args...)
	return err
}

// clearTagsQuery deletes one range of the primary key.
func clearTagsQuery(account, prefix string) (string, []any) {
	return deletePrefixQuery("tags", "resource", account, prefix)
}

// deletePrefixQuery deletes an account's rows of table whose column starts
// with prefix: a byte range, so the prefix is never a LIKE pattern.
// table and column are the package's own constants, never input.
func deletePrefixQuery(table, column, account, prefix string) (string, []any) {
	query := `DELETE FROM ` + table + ` WHERE account = ? AND ` + column + ` >= ?`
	args := []any{account, prefix}
	if hi, ok := prefixEnd(prefix); ok {
		query += ` AND ` + column + ` < ?`
		args = append(args, hi)
	}
	return query, args
}
