package sqlite

import (
	"context"
	"database/sql"

	"github.com/qslocal/qslocal"
)

// CreateAnalysis implements qslocal.Tx: the foreign key to accounts reports
// a missing account. Empty JSON documents are stored as NULL and read back
// as nil; a zero DeletionTime as NULL.
func (t *tx) CreateAnalysis(ctx context.Context, a qslocal.Analysis) error {
	_, err := t.exec(ctx, "create analysis", `INSERT INTO analyses (`+analysisColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Account, a.ID, a.Name, a.ThemeARN,
		nullJSON(a.Definition), nullJSON(a.SourceEntity), nullJSON(a.Parameters), a.Status,
		a.CreatedAt.UnixMicro(), a.UpdatedAt.UnixMicro(), nullMicro(a.DeletionTime))
	return err
}

func (t *tx) Analysis(ctx context.Context, account, id string) (qslocal.Analysis, error) {
	row := t.tx.QueryRowContext(ctx, `SELECT `+analysisColumns+` FROM analyses
		WHERE account = ? AND id = ?`, account, id)
	a, err := scanAnalysis(row)
	if err != nil {
		return qslocal.Analysis{}, wrap("get analysis", err)
	}
	return a, nil
}

func (t *tx) UpdateAnalysis(ctx context.Context, a qslocal.Analysis) error {
	res, err := t.exec(ctx, "update analysis", `UPDATE analyses SET
			name = ?, theme_arn = ?, definition = ?, source_entity = ?, parameters = ?,
			status = ?, created_at = ?, updated_at = ?, deletion_time = ?
		WHERE account = ? AND id = ?`,
		a.Name, a.ThemeARN, nullJSON(a.Definition), nullJSON(a.SourceEntity), nullJSON(a.Parameters),
		a.Status, a.CreatedAt.UnixMicro(), a.UpdatedAt.UnixMicro(), nullMicro(a.DeletionTime),
		a.Account, a.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "update analysis")
}

// DeleteAnalysis implements qslocal.Tx. Permissions and tags name the
// analysis without a foreign key and stay: see ClearPermissions and
// ClearTags.
func (t *tx) DeleteAnalysis(ctx context.Context, account, id string) error {
	res, err := t.exec(ctx, "delete analysis", `DELETE FROM analyses WHERE account = ? AND id = ?`, account, id)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete analysis")
}

func (t *tx) ListAnalyses(ctx context.Context, account, after string, limit int) ([]qslocal.Analysis, error) {
	return list(ctx, t, "list analyses", limit, scanAnalysis, listAnalysesQuery, account, after, limit)
}

// listAnalysesQuery leaves out the JSON documents, which listings do not
// need: it reads NULL in their place.
const listAnalysesQuery = `SELECT account, id, name, theme_arn, NULL, NULL, NULL,
	status, created_at, updated_at, deletion_time FROM analyses
	WHERE account = ? AND id > ? ORDER BY id LIMIT ?`

// analysisColumns is the column order of CreateAnalysis and scanAnalysis.
const analysisColumns = `account, id, name, theme_arn, definition, source_entity, parameters,
	status, created_at, updated_at, deletion_time`

func scanAnalysis(row scanner) (qslocal.Analysis, error) {
	var a qslocal.Analysis
	var created, updated int64
	var deleted sql.NullInt64
	if err := row.Scan(&a.Account, &a.ID, &a.Name, &a.ThemeARN,
		&a.Definition, &a.SourceEntity, &a.Parameters, &a.Status,
		&created, &updated, &deleted); err != nil {
		return qslocal.Analysis{}, err
	}
	a.CreatedAt, a.UpdatedAt = fromMicro(created), fromMicro(updated)
	a.DeletionTime = fromNullMicro(deleted)
	return a, nil
}
