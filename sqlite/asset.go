package sqlite

import (
	"context"
	"database/sql"

	"github.com/qslocal/qslocal"
)

// CreateAsset implements qslocal.Tx: the foreign key to accounts reports a
// missing account. Empty Meta or Doc are stored as NULL and read back as
// nil; a zero DeletionTime as NULL.
func (t *tx) CreateAsset(ctx context.Context, a qslocal.Asset) error {
	_, err := t.exec(ctx, "create asset", `INSERT INTO assets (`+assetColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Account, a.Kind, a.ID, a.Name, a.Status, a.Version,
		a.CreatedAt.UnixMicro(), a.UpdatedAt.UnixMicro(), nullMicro(a.DeletionTime),
		nullJSON(a.Meta), nullJSON(a.Doc))
	return err
}

func (t *tx) Asset(ctx context.Context, account, kind, id string) (qslocal.Asset, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets
		WHERE account = ? AND kind = ? AND id = ?`, account, kind, id)
	a, err := scanAsset(row)
	if err != nil {
		return qslocal.Asset{}, wrap("get asset", err)
	}
	return a, nil
}

func (t *tx) UpdateAsset(ctx context.Context, a qslocal.Asset) error {
	res, err := t.exec(ctx, "update asset", `UPDATE assets SET
			name = ?, status = ?, version = ?, created_at = ?, updated_at = ?, deletion_time = ?,
			meta = ?, doc = ?
		WHERE account = ? AND kind = ? AND id = ?`,
		a.Name, a.Status, a.Version, a.CreatedAt.UnixMicro(), a.UpdatedAt.UnixMicro(), nullMicro(a.DeletionTime),
		nullJSON(a.Meta), nullJSON(a.Doc),
		a.Account, a.Kind, a.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "update asset")
}

// DeleteAsset implements qslocal.Tx: its versions and links go with it
// (ON DELETE CASCADE). Grants and tags name the asset without a foreign
// key and stay: see ClearGrants and ClearTags.
func (t *tx) DeleteAsset(ctx context.Context, account, kind, id string) error {
	res, err := t.exec(ctx, "delete asset", `DELETE FROM assets WHERE account = ? AND kind = ? AND id = ?`,
		account, kind, id)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete asset")
}

func (t *tx) ListAssets(ctx context.Context, account, kind, after string, limit int) ([]qslocal.Asset, error) {
	return list(ctx, t, "list assets", limit, scanAsset, listAssetsQuery, account, kind, after, limit)
}

// listAssetsQuery leaves out doc, which listings do not return: it reads
// NULL in its place, and so never reads doc's overflow pages.
const listAssetsQuery = `SELECT account, kind, id, name, status, version,
	created_at, updated_at, deletion_time, meta, NULL FROM assets
	WHERE account = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?`

// assetColumns is the column order of CreateAsset and scanAsset.
const assetColumns = `account, kind, id, name, status, version,
	created_at, updated_at, deletion_time, meta, doc`

func scanAsset(row scanner) (qslocal.Asset, error) {
	var a qslocal.Asset
	var created, updated int64
	var deleted sql.NullInt64
	if err := row.Scan(&a.Account, &a.Kind, &a.ID, &a.Name, &a.Status, &a.Version,
		&created, &updated, &deleted, &a.Meta, &a.Doc); err != nil {
		return qslocal.Asset{}, err
	}
	a.CreatedAt, a.UpdatedAt = fromMicro(created), fromMicro(updated)
	a.DeletionTime = fromNullMicro(deleted)
	return a, nil
}

// CreateAssetVersion implements qslocal.Tx: the foreign key to assets
// reports a missing asset.
func (t *tx) CreateAssetVersion(ctx context.Context, v qslocal.AssetVersion) error {
	_, err := t.exec(ctx, "create asset version", `INSERT INTO asset_versions (`+versionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.Account, v.Kind, v.ID, v.Number, v.Name, v.Status, v.CreatedAt.UnixMicro(), nullJSON(v.Meta), nullJSON(v.Doc))
	return err
}

func (t *tx) AssetVersion(ctx context.Context, account, kind, id string, number int64) (qslocal.AssetVersion, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM asset_versions
		WHERE account = ? AND kind = ? AND id = ? AND number = ?`, account, kind, id, number)
	v, err := scanVersion(row)
	if err != nil {
		return qslocal.AssetVersion{}, wrap("get asset version", err)
	}
	return v, nil
}

// ListAssetVersions implements qslocal.Tx; an unknown asset has none.
func (t *tx) ListAssetVersions(ctx context.Context, account, kind, id string, after int64, limit int) ([]qslocal.AssetVersion, error) {
	return list(ctx, t, "list asset versions", limit, scanVersion, listVersionsQuery, account, kind, id, after, limit)
}

// listVersionsQuery, like listAssetsQuery, reads NULL for doc.
const listVersionsQuery = `SELECT account, kind, id, number, name, status, created_at, meta, NULL
	FROM asset_versions WHERE account = ? AND kind = ? AND id = ? AND number > ?
	ORDER BY number LIMIT ?`

func (t *tx) DeleteAssetVersion(ctx context.Context, account, kind, id string, number int64) error {
	res, err := t.exec(ctx, "delete asset version", `DELETE FROM asset_versions
		WHERE account = ? AND kind = ? AND id = ? AND number = ?`, account, kind, id, number)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete asset version")
}

// versionColumns is the column order of CreateAssetVersion and scanVersion.
const versionColumns = `account, kind, id, number, name, status, created_at, meta, doc`

func scanVersion(row scanner) (qslocal.AssetVersion, error) {
	var v qslocal.AssetVersion
	var created int64
	if err := row.Scan(&v.Account, &v.Kind, &v.ID, &v.Number, &v.Name, &v.Status, &created, &v.Meta, &v.Doc); err != nil {
		return qslocal.AssetVersion{}, err
	}
	v.CreatedAt = fromMicro(created)
	return v, nil
}

// SetAssetLink implements qslocal.Tx: the foreign key to assets reports a
// missing asset.
func (t *tx) SetAssetLink(ctx context.Context, l qslocal.AssetLink) error {
	_, err := t.exec(ctx, "set asset link", `INSERT INTO asset_links (`+linkColumns+`)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET target = excluded.target`,
		l.Account, l.Kind, l.ID, l.Rel, l.Name, l.Target)
	return err
}

func (t *tx) AssetLink(ctx context.Context, account, kind, id, rel, name string) (qslocal.AssetLink, error) {
	row := t.conn.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM asset_links
		WHERE account = ? AND kind = ? AND id = ? AND rel = ? AND name = ?`, account, kind, id, rel, name)
	l, err := scanLink(row)
	if err != nil {
		return qslocal.AssetLink{}, wrap("get asset link", err)
	}
	return l, nil
}

func (t *tx) DeleteAssetLink(ctx context.Context, account, kind, id, rel, name string) error {
	res, err := t.exec(ctx, "delete asset link", `DELETE FROM asset_links
		WHERE account = ? AND kind = ? AND id = ? AND rel = ? AND name = ?`, account, kind, id, rel, name)
	if err != nil {
		return err
	}
	return mustAffect(res, "delete asset link")
}

// ListAssetLinks implements qslocal.Tx; an unknown asset has none.
func (t *tx) ListAssetLinks(ctx context.Context, account, kind, id, rel, after string, limit int) ([]qslocal.AssetLink, error) {
	return list(ctx, t, "list asset links", limit, scanLink, listLinksQuery, account, kind, id, rel, after, limit)
}

const listLinksQuery = `SELECT ` + linkColumns + ` FROM asset_links
	WHERE account = ? AND kind = ? AND id = ? AND rel = ? AND name > ? ORDER BY name LIMIT ?`

// linkColumns is the column order of SetAssetLink and scanLink.
const linkColumns = `account, kind, id, rel, name, target`

func scanLink(row scanner) (qslocal.AssetLink, error) {
	var l qslocal.AssetLink
	if err := row.Scan(&l.Account, &l.Kind, &l.ID, &l.Rel, &l.Name, &l.Target); err != nil {
		return qslocal.AssetLink{}, err
	}
	return l, nil
}
