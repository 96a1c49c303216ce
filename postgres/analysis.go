package postgres

import (
	"context"
	"time"

	"github.com/qslocal/qslocal"
)

const analysisColumns = `account, id, name, theme_arn, definition, source_entity, parameters,
	status, created_at, updated_at, deletion_time`

// CreateAnalysis implements qslocal.Tx: ErrNotFound without the account,
// ErrExists for a taken id, deleted or not (see createUserQuery). Empty
// JSON documents are stored as NULL and read back as nil; a zero
// DeletionTime as NULL.
func (t *tx) CreateAnalysis(ctx context.Context, a qslocal.Analysis) error {
	const op = "create analysis"
	if !storable(a.Account) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(a.ID, a.Name, a.ThemeARN, a.Status) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM accounts WHERE account = $1
		), inserted AS (
			INSERT INTO analyses (`+analysisColumns+`)
			SELECT $1, $2::text, $3::text, $4::text, $5::bytea, $6::bytea, $7::bytea,
				$8::text, $9::timestamptz, $10::timestamptz, $11::timestamptz
			FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		analysisArgs(a)...)
}

func analysisArgs(a qslocal.Analysis) []any {
	return []any{a.Account, a.ID, a.Name, a.ThemeARN,
		nullJSON(a.Definition), nullJSON(a.SourceEntity), nullJSON(a.Parameters),
		a.Status, a.CreatedAt, a.UpdatedAt, nullTime(a.DeletionTime)}
}

func (t *tx) Analysis(ctx context.Context, account, id string) (qslocal.Analysis, error) {
	const op = "get analysis"
	if !allStorable(account, id) {
		return qslocal.Analysis{}, notFoundCtx(ctx, op)
	}
	var a qslocal.Analysis
	var deletion *time.Time
	if err := t.row(ctx, op, `SELECT `+analysisColumns+` FROM analyses WHERE account = $1 AND id = $2`,
		[]any{account, id}, analysisFields(&a, &deletion)...); err != nil {
		return qslocal.Analysis{}, err
	}
	return fixAnalysis(a, deletion), nil
}

// UpdateAnalysis implements qslocal.Tx. Only the primary key is unique,
// and it does not change, so no savepoint is needed.
func (t *tx) UpdateAnalysis(ctx context.Context, a qslocal.Analysis) error {
	const op = "update analysis"
	if !allStorable(a.Account, a.ID) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(a.Name, a.ThemeARN, a.Status) {
		return noText(op)
	}
	return t.execOne(ctx, op, `UPDATE analyses SET
			name = $3, theme_arn = $4, definition = $5, source_entity = $6, parameters = $7,
			status = $8, created_at = $9, updated_at = $10, deletion_time = $11
		WHERE account = $1 AND id = $2`,
		analysisArgs(a)...)
}

// DeleteAnalysis implements qslocal.Tx. Its permissions and tags stay:
// they have no foreign keys.
func (t *tx) DeleteAnalysis(ctx context.Context, account, id string) error {
	const op = "delete analysis"
	if !allStorable(account, id) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM analyses WHERE account = $1 AND id = $2`, account, id)
}

// ListAnalyses implements qslocal.Tx: one range of the primary key.
func (t *tx) ListAnalyses(ctx context.Context, account, afterID string, limit int) ([]qslocal.Analysis, error) {
	const op = "list analyses"
	lo, ok := after(afterID)
	if !ok || !storable(account) {
		return nil, ctxErr(ctx, op)
	}
	// NULL in place of the JSON documents, which listings do not need.
	return list(ctx, t, op, limit, scanAnalysis, `SELECT account, id, name, theme_arn, NULL::bytea, NULL::bytea, NULL::bytea,
			status, created_at, updated_at, deletion_time FROM analyses
		WHERE account = $1 AND id >= $2 ORDER BY id LIMIT $3`, account, lo, limit)
}

// analysisFields are the scan destinations of analysisColumns; deletion_time
// goes to *deletion, nil for NULL.
func analysisFields(a *qslocal.Analysis, deletion **time.Time) []any {
	return []any{&a.Account, &a.ID, &a.Name, &a.ThemeARN, &a.Definition, &a.SourceEntity, &a.Parameters,
		&a.Status, &a.CreatedAt, &a.UpdatedAt, deletion}
}

func fixAnalysis(a qslocal.Analysis, deletion *time.Time) qslocal.Analysis {
	a.CreatedAt, a.UpdatedAt = utc(a.CreatedAt), utc(a.UpdatedAt)
	a.DeletionTime = zeroIfNull(deletion)
	return a
}

func scanAnalysis(row scanner) (qslocal.Analysis, error) {
	var a qslocal.Analysis
	var deletion *time.Time
	if err := row.Scan(analysisFields(&a, &deletion)...); err != nil {
		return qslocal.Analysis{}, err
	}
	return fixAnalysis(a, deletion), nil
}
