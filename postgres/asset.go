package postgres

import (
	"context"
	"time"

	"github.com/qslocal/qslocal"
)

// Assets are generic: the store knows no kind, and keeps Meta and Doc as
// sent (bytea; empty is NULL, read back as nil). Listings select NULL in
// place of doc, so PostgreSQL never reads (or detoasts) a document to list.

const assetColumns = `account, kind, id, name, status, version, created_at, updated_at, deletion_time, meta, doc`

// CreateAsset implements qslocal.Tx: ErrNotFound without the account,
// ErrExists for a taken key, deleted or not (see createUserQuery). A zero
// DeletionTime is stored as NULL.
func (t *tx) CreateAsset(ctx context.Context, a qslocal.Asset) error {
	const op = "create asset"
	if !storable(a.Account) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(a.Kind, a.ID, a.Name, a.Status) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM accounts WHERE account = $1
		), inserted AS (
			INSERT INTO assets (`+assetColumns+`)
			SELECT $1, $2::text, $3::text, $4::text, $5::text, $6::bigint,
				$7::timestamptz, $8::timestamptz, $9::timestamptz, $10::bytea, $11::bytea
			FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		assetArgs(a)...)
}

func assetArgs(a qslocal.Asset) []any {
	return []any{a.Account, a.Kind, a.ID, a.Name, a.Status, a.Version,
		a.CreatedAt, a.UpdatedAt, nullTime(a.DeletionTime), nullJSON(a.Meta), nullJSON(a.Doc)}
}

func (t *tx) Asset(ctx context.Context, account, kind, id string) (qslocal.Asset, error) {
	const op = "get asset"
	if !allStorable(account, kind, id) {
		return qslocal.Asset{}, notFoundCtx(ctx, op)
	}
	var a qslocal.Asset
	var deletion *time.Time
	if err := t.row(ctx, op, `SELECT `+assetColumns+` FROM assets WHERE account = $1 AND kind = $2 AND id = $3`,
		[]any{account, kind, id}, assetFields(&a, &deletion)...); err != nil {
		return qslocal.Asset{}, err
	}
	return fixAsset(a, deletion), nil
}

// UpdateAsset implements qslocal.Tx. Only the primary key is unique, and
// it does not change, so no savepoint is needed.
func (t *tx) UpdateAsset(ctx context.Context, a qslocal.Asset) error {
	const op = "update asset"
	if !allStorable(a.Account, a.Kind, a.ID) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(a.Name, a.Status) {
		return noText(op)
	}
	return t.execOne(ctx, op, `UPDATE assets SET
			name = $4, status = $5, version = $6, created_at = $7, updated_at = $8,
			deletion_time = $9, meta = $10, doc = $11
		WHERE account = $1 AND kind = $2 AND id = $3`,
		assetArgs(a)...)
}

// DeleteAsset implements qslocal.Tx: its versions and links go with it
// (ON DELETE CASCADE). Its grants and tags stay: they have no foreign keys.
func (t *tx) DeleteAsset(ctx context.Context, account, kind, id string) error {
	const op = "delete asset"
	if !allStorable(account, kind, id) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM assets WHERE account = $1 AND kind = $2 AND id = $3`, account, kind, id)
}

// ListAssets implements qslocal.Tx: one range of the primary key, with
// NULL in place of doc.
func (t *tx) ListAssets(ctx context.Context, account, kind, afterID string, limit int) ([]qslocal.Asset, error) {
	const op = "list assets"
	lo, ok := after(afterID)
	if !ok || !allStorable(account, kind) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanAsset, `SELECT account, kind, id, name, status, version,
			created_at, updated_at, deletion_time, meta, NULL::bytea
		FROM assets WHERE account = $1 AND kind = $2 AND id >= $3 ORDER BY id LIMIT $4`,
		account, kind, lo, limit)
}

// assetFields are the scan destinations of assetColumns; deletion_time goes
// to *deletion, nil for NULL.
func assetFields(a *qslocal.Asset, deletion **time.Time) []any {
	return []any{&a.Account, &a.Kind, &a.ID, &a.Name, &a.Status, &a.Version,
		&a.CreatedAt, &a.UpdatedAt, deletion, &a.Meta, &a.Doc}
}

func fixAsset(a qslocal.Asset, deletion *time.Time) qslocal.Asset {
	a.CreatedAt, a.UpdatedAt = utc(a.CreatedAt), utc(a.UpdatedAt)
	a.DeletionTime = zeroIfNull(deletion)
	return a
}

func scanAsset(row scanner) (qslocal.Asset, error) {
	var a qslocal.Asset
	var deletion *time.Time
	if err := row.Scan(assetFields(&a, &deletion)...); err != nil {
		return qslocal.Asset{}, err
	}
	return fixAsset(a, deletion), nil
}

const assetVersionColumns = `account, kind, id, number, name, status, created_at, meta, doc`

// CreateAssetVersion implements qslocal.Tx: ErrNotFound without the asset,
// ErrExists for a taken number.
func (t *tx) CreateAssetVersion(ctx context.Context, v qslocal.AssetVersion) error {
	const op = "create asset version"
	if !allStorable(v.Account, v.Kind, v.ID) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if !allStorable(v.Name, v.Status) {
		return noText(op)
	}
	return t.insertChild(ctx, op, `WITH parent AS (
			SELECT FROM assets WHERE account = $1 AND kind = $2 AND id = $3
		), inserted AS (
			INSERT INTO asset_versions (`+assetVersionColumns+`)
			SELECT $1, $2, $3, $4::bigint, $5::text, $6::text, $7::timestamptz, $8::bytea, $9::bytea
			FROM parent
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM parent), EXISTS (SELECT FROM inserted)`,
		v.Account, v.Kind, v.ID, v.Number, v.Name, v.Status, v.CreatedAt, nullJSON(v.Meta), nullJSON(v.Doc))
}

func (t *tx) AssetVersion(ctx context.Context, account, kind, id string, number int64) (qslocal.AssetVersion, error) {
	const op = "get asset version"
	if !allStorable(account, kind, id) {
		return qslocal.AssetVersion{}, notFoundCtx(ctx, op)
	}
	var v qslocal.AssetVersion
	if err := t.row(ctx, op, `SELECT `+assetVersionColumns+` FROM asset_versions
		WHERE account = $1 AND kind = $2 AND id = $3 AND number = $4`,
		[]any{account, kind, id, number}, assetVersionFields(&v)...); err != nil {
		return qslocal.AssetVersion{}, err
	}
	v.CreatedAt = utc(v.CreatedAt)
	return v, nil
}

// ListAssetVersions implements qslocal.Tx: one range of the primary key,
// with NULL in place of doc.
func (t *tx) ListAssetVersions(ctx context.Context, account, kind, id string, afterNumber int64, limit int) ([]qslocal.AssetVersion, error) {
	const op = "list asset versions"
	if !allStorable(account, kind, id) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanAssetVersion, `SELECT account, kind, id, number, name, status, created_at, meta, NULL::bytea
		FROM asset_versions WHERE account = $1 AND kind = $2 AND id = $3 AND number > $4
		ORDER BY number LIMIT $5`, account, kind, id, afterNumber, limit)
}

func (t *tx) DeleteAssetVersion(ctx context.Context, account, kind, id string, number int64) error {
	const op = "delete asset version"
	if !allStorable(account, kind, id) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM asset_versions
		WHERE account = $1 AND kind = $2 AND id = $3 AND number = $4`, account, kind, id, number)
}

func assetVersionFields(v *qslocal.AssetVersion) []any {
	return []any{&v.Account, &v.Kind, &v.ID, &v.Number, &v.Name, &v.Status, &v.CreatedAt, &v.Meta, &v.Doc}
}

func scanAssetVersion(row scanner) (qslocal.AssetVersion, error) {
	var v qslocal.AssetVersion
	if err := row.Scan(assetVersionFields(&v)...); err != nil {
		return qslocal.AssetVersion{}, err
	}
	v.CreatedAt = utc(v.CreatedAt)
	return v, nil
}

const assetLinkColumns = `account, kind, id, rel, name, target`

// SetAssetLink implements qslocal.Tx: an upsert beside the asset, looked
// up in the same statement; ErrNotFound without it.
func (t *tx) SetAssetLink(ctx context.Context, l qslocal.AssetLink) error {
	const op = "set asset link"
	if !allStorable(l.Account, l.Kind, l.ID) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	if err := t.writable(ctx, op); err != nil {
		return err
	}
	if !allStorable(l.Rel, l.Name, l.Target) {
		return noText(op)
	}
	var parent bool
	if err := t.row(ctx, op, `WITH parent AS (
			SELECT FROM assets WHERE account = $1 AND kind = $2 AND id = $3
		), upserted AS (
			INSERT INTO asset_links (`+assetLinkColumns+`)
			SELECT $1, $2, $3, $4::text, $5::text, $6::text FROM parent
			ON CONFLICT (account, kind, id, rel, name) DO UPDATE SET target = excluded.target
		)
		SELECT EXISTS (SELECT FROM parent)`,
		[]any{l.Account, l.Kind, l.ID, l.Rel, l.Name, l.Target}, &parent); err != nil {
		return err
	}
	if !parent {
		return notFound(op)
	}
	return nil
}

func (t *tx) AssetLink(ctx context.Context, account, kind, id, rel, name string) (qslocal.AssetLink, error) {
	const op = "get asset link"
	if !allStorable(account, kind, id, rel, name) {
		return qslocal.AssetLink{}, notFoundCtx(ctx, op)
	}
	var l qslocal.AssetLink
	if err := t.row(ctx, op, `SELECT `+assetLinkColumns+` FROM asset_links
		WHERE account = $1 AND kind = $2 AND id = $3 AND rel = $4 AND name = $5`,
		[]any{account, kind, id, rel, name}, assetLinkFields(&l)...); err != nil {
		return qslocal.AssetLink{}, err
	}
	return l, nil
}

func (t *tx) DeleteAssetLink(ctx context.Context, account, kind, id, rel, name string) error {
	const op = "delete asset link"
	if !allStorable(account, kind, id, rel, name) {
		return t.notFoundOrReadOnly(ctx, op)
	}
	return t.execOne(ctx, op, `DELETE FROM asset_links
		WHERE account = $1 AND kind = $2 AND id = $3 AND rel = $4 AND name = $5`,
		account, kind, id, rel, name)
}

// ListAssetLinks implements qslocal.Tx: one range of the primary key.
func (t *tx) ListAssetLinks(ctx context.Context, account, kind, id, rel, afterName string, limit int) ([]qslocal.AssetLink, error) {
	const op = "list asset links"
	lo, ok := after(afterName)
	if !ok || !allStorable(account, kind, id, rel) {
		return nil, ctxErr(ctx, op)
	}
	return list(ctx, t, op, limit, scanAssetLink, `SELECT `+assetLinkColumns+` FROM asset_links
		WHERE account = $1 AND kind = $2 AND id = $3 AND rel = $4 AND name >= $5
		ORDER BY name LIMIT $6`, account, kind, id, rel, lo, limit)
}

func assetLinkFields(l *qslocal.AssetLink) []any {
	return []any{&l.Account, &l.Kind, &l.ID, &l.Rel, &l.Name, &l.Target}
}

func scanAssetLink(row scanner) (qslocal.AssetLink, error) {
	var l qslocal.AssetLink
	err := row.Scan(assetLinkFields(&l)...)
	return l, err
}
