package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// oldAnalysis is a row of 0003's analyses table.
type oldAnalysis struct {
	account, id, name, theme, status string
	created, updated                 int64
	deleted                          sql.NullInt64
	definition, source, parameters   []byte // nil: NULL
}

// wantDoc is the document migration 0004 makes of an analysis: its theme
// and JSON documents, those set, in this order, as they were.
func (a oldAnalysis) wantDoc() []byte {
	var fields []string
	if a.theme != "" {
		quoted, _ := json.Marshal(a.theme)
		fields = append(fields, `"ThemeArn":`+string(quoted))
	}
	for _, f := range []struct {
		name string
		doc  []byte
	}{{"Definition", a.definition}, {"SourceEntity", a.source}, {"Parameters", a.parameters}} {
		if f.doc != nil {
			fields = append(fields, `"`+f.name+`":`+string(f.doc))
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return []byte("{" + strings.Join(fields, ",") + "}")
}

// TestMigrateFrom0003 opens a database that a program knowing migrations
// 0001 to 0003 filled with analyses, permissions and tags: the analyses
// become assets whose document holds what they held, the permissions
// grants, and the tags stay.
func TestMigrateFrom0003(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	secret := bytes.Repeat([]byte{3}, 32)
	const theme = "arn:aws:quicksight::aws:theme/MIDNIGHT"
	definition := []byte(`{"DataSetIdentifierDeclarations":[{"Identifier":"ds","DataSetArn":"arn:aws:quicksight:us-east-1:1:dataset/d"}],"Sheets":[{"Name":"é ✓ \"q\" \\ \u2028"}]}`)
	source := []byte(`{"SourceTemplate":{"Arn":"arn:aws:quicksight:us-east-1:1:template/t","DataSetReferences":[]}}`)
	parameters := []byte(`{"StringParameters":[{"Name":"p","Values":["%","_","'",";--"]}]}`)
	// As sent: spaces, key order and escapes are kept.
	raw := []byte(" {\n\t\"B\" : 1,\"A\":[ ] , \"é\":\"\\u00e9\\u0000\" }\n")
	var big strings.Builder
	big.WriteString(`{"Sheets":[`)
	for i := range 5000 {
		if i > 0 {
			big.WriteString(",")
		}
		fmt.Fprintf(&big, `{"SheetId":"s%d","Name":"é %d"}`, i, i)
	}
	big.WriteString("]}")
	analysis := func(account, id string) oldAnalysis {
		return oldAnalysis{account: account, id: id, name: "the " + id, status: "CREATION_SUCCESSFUL", created: 300, updated: 400}
	}
	full := analysis("1", "full")
	full.theme, full.definition, full.source, full.parameters = theme, definition, source, parameters
	themeOnly := analysis("1", "theme-only")
	themeOnly.theme = `arn:"odd"\theme/é` + "\t"
	definitionOnly := analysis("1", "definition-only")
	definitionOnly.definition = raw
	sourceOnly := analysis("1", "source-only")
	sourceOnly.source = source
	parametersOnly := analysis("1", "parameters-only")
	parametersOnly.parameters = parameters
	noTheme := analysis("1", "no-theme")
	noTheme.definition, noTheme.parameters = definition, []byte(`{}`)
	deleted := analysis("1", "deleted")
	deleted.status, deleted.deleted, deleted.theme, deleted.definition = "DELETED", sql.NullInt64{Int64: 500, Valid: true}, theme, definition
	bigOne := analysis("1", "big")
	bigOne.definition = []byte(big.String())
	elsewhere := analysis("2", "full")
	elsewhere.name, elsewhere.status, elsewhere.source = "elsewhere", "UPDATE_FAILED", []byte(`{"SourceAnalysis":{"Arn":"x"}}`)
	olds := []oldAnalysis{
		full, analysis("1", "bare"), themeOnly, definitionOnly, sourceOnly, parametersOnly, noTheme, deleted, bigOne, elsewhere,
	}

	createOld(t, path, 3, secret,
		`INSERT INTO accounts VALUES ('1', 100, ''), ('2', 100, '')`,
		`INSERT INTO namespaces VALUES ('1', 'default', 100, 'us-east-1', 'QUICKSIGHT', ''), ('2', 'default', 100, 'us-east-1', 'QUICKSIGHT', '')`,
		`INSERT INTO permissions VALUES
			('1', 'analysis/full', 'user/default/alice', 'quicksight:DescribeAnalysis'),
			('1', 'analysis/full', 'user/default/alice', 'quicksight:UpdateAnalysis'),
			('1', 'analysis/full', 'group/default/g', 'quicksight:DescribeAnalysis'),
			('1', 'analysis/deleted', 'namespace/default', 'quicksight:DescribeAnalysis'),
			('2', 'analysis/full', 'user/default/bob', 'quicksight:DescribeAnalysis')`,
		`INSERT INTO tags VALUES ('1', 'analysis/full', 'k', 'v'), ('1', 'analysis/full', 'k2', 'v2'), ('1', 'user/default/alice', 'k', 'v')`)
	// The analyses, with their documents as BLOBs, as 0003's store bound them.
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range olds {
		if _, err := db.ExecContext(ctx, `INSERT INTO analyses (account, id, name, theme_arn, status, created_at, updated_at,
			deletion_time, definition, source_entity, parameters) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.account, a.id, a.name, a.theme, a.status, a.created, a.updated, a.deleted, a.definition, a.source, a.parameters); err != nil {
			t.Fatal(err)
		}
	}
	var kinds string
	if err := db.QueryRowContext(ctx, `SELECT typeof(definition) FROM analyses WHERE id = 'big'`).Scan(&kinds); err != nil || kinds != "blob" {
		t.Fatalf("old definitions stored as %q, %v; want blob", kinds, err)
	}
	db.Close()

	s := mustOpen(t, path)
	defer s.Close()
	if versions := schemaVersions(t, s); versions != "1,2,3,4,5" {
		t.Errorf("schema_migrations versions = %s, want 1,2,3,4,5", versions)
	}
	if got, _ := s.Secret(ctx); !bytes.Equal(got, secret) {
		t.Errorf("Secret = %x, want the old %x", got, secret)
	}
	checkForeignKeys(t, s)
	// Migration 0005: an account's identity region is its default
	// namespace's capacity region.
	if err := s.View(ctx, func(tx qslocal.Tx) error {
		a, err := tx.Account(ctx, "1")
		if err != nil || a.IdentityRegion != "us-east-1" || a.Settings != nil {
			t.Errorf("Account after migration = %+v, %v; want identity region us-east-1", a, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var gone int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE name IN ('analyses', 'permissions', 'permissions_by_principal')`).Scan(&gone); err != nil || gone != 0 {
		t.Errorf("%d of the old tables and index left, %v", gone, err)
	}
	if err := s.read.QueryRowContext(ctx, `SELECT typeof(doc) FROM assets WHERE id = 'big'`).Scan(&kinds); err != nil || kinds != "blob" {
		t.Errorf("docs stored as %q, %v; want blob", kinds, err)
	}

	err = s.View(ctx, func(tx qslocal.Tx) error {
		for _, old := range olds {
			got, err := tx.Asset(ctx, old.account, "analysis", old.id)
			if err != nil {
				return fmt.Errorf("Asset(%s, %s): %w", old.account, old.id, err)
			}
			want := qslocal.Asset{
				Account: old.account, Kind: "analysis", ID: old.id, Name: old.name, Status: old.status,
				CreatedAt: time.UnixMicro(old.created).UTC(), UpdatedAt: time.UnixMicro(old.updated).UTC(),
				DeletionTime: fromNullMicro(old.deleted), Doc: old.wantDoc(),
			}
			if !assetEqual(got, want) || got.Meta != nil || (got.Doc == nil) != (want.Doc == nil) {
				t.Errorf("migrated %s/%s:\n got %+v\nwant %+v", old.account, old.id, got, want)
				continue
			}
			checkMigratedDoc(t, old, got.Doc)
		}
		listed, err := tx.ListAssets(ctx, "1", "analysis", "", 100)
		if err != nil {
			return err
		}
		var ids []string
		for _, a := range listed {
			ids = append(ids, a.ID)
			if a.Doc != nil {
				t.Errorf("ListAssets returned %s with its Doc", a.ID)
			}
		}
		if want := []string{"bare", "big", "definition-only", "deleted", "full", "no-theme", "parameters-only", "source-only", "theme-only"}; !slices.Equal(ids, want) {
			t.Errorf("ListAssets = %q, want %q", ids, want)
		}
		for _, tt := range []struct {
			account, resource string
			want              []qslocal.Grant
		}{
			{"1", "analysis/full", []qslocal.Grant{
				{Principal: "group/default/g", Actions: []string{"quicksight:DescribeAnalysis"}},
				{Principal: "user/default/alice", Actions: []string{"quicksight:DescribeAnalysis", "quicksight:UpdateAnalysis"}},
			}},
			{"1", "analysis/deleted", []qslocal.Grant{{Principal: "namespace/default", Actions: []string{"quicksight:DescribeAnalysis"}}}},
			{"2", "analysis/full", []qslocal.Grant{{Principal: "user/default/bob", Actions: []string{"quicksight:DescribeAnalysis"}}}},
			{"1", "analysis/bare", []qslocal.Grant{}},
		} {
			got, err := tx.Grants(ctx, tt.account, tt.resource)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Grants(%s, %s) = %+v, want %+v", tt.account, tt.resource, got, tt.want)
			}
		}
		for _, tt := range []struct {
			resource string
			want     []qslocal.Tag
		}{
			{"analysis/full", []qslocal.Tag{{Key: "k", Value: "v"}, {Key: "k2", Value: "v2"}}},
			{"user/default/alice", []qslocal.Tag{{Key: "k", Value: "v"}}},
		} {
			got, err := tx.Tags(ctx, "1", tt.resource)
			if err != nil {
				return err
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tags(%s) = %+v, want %+v", tt.resource, got, tt.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The migrated assets take versions and links, and go with them; the
	// renamed grants table is written and dropped as before.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.CreateAssetVersion(ctx, qslocal.AssetVersion{Account: "1", Kind: "analysis", ID: "full", Number: 1, CreatedAt: now}),
			tx.SetAssetLink(ctx, qslocal.AssetLink{Account: "1", Kind: "analysis", ID: "full", Rel: "alias", Name: "current", Target: "1"}),
			tx.Grant(ctx, "1", "analysis/full", []qslocal.Grant{{Principal: "user/default/carol", Actions: []string{"x"}}}),
			tx.DropPrincipalPrefix(ctx, "1", "user/default/al"),
			tx.DeleteAsset(ctx, "1", "analysis", "full"))
	})
	for table, want := range map[string]int{"assets": len(olds) - 1, "asset_versions": 0, "asset_links": 0, "grants": 4, "tags": 3} {
		if n := count(t, s, table); n != want {
			t.Errorf("%d %s rows, want %d", n, table, want)
		}
	}
	checkForeignKeys(t, s)
	var integrity string
	if err := s.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q, %v", integrity, err)
	}
}

// checkMigratedDoc decodes a migrated analysis's document: each member is
// the old value, the JSON documents byte for byte.
func checkMigratedDoc(t *testing.T, old oldAnalysis, doc []byte) {
	t.Helper()
	if doc == nil {
		return
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(doc, &members); err != nil {
		t.Errorf("%s: doc %.100q does not decode: %v", old.id, doc, err)
		return
	}
	var theme string
	if raw, ok := members["ThemeArn"]; ok {
		if err := json.Unmarshal(raw, &theme); err != nil {
			t.Errorf("%s: ThemeArn %s: %v", old.id, raw, err)
		}
	}
	if theme != old.theme {
		t.Errorf("%s: ThemeArn = %q, want %q", old.id, theme, old.theme)
	}
	for _, f := range []struct {
		name string
		old  []byte
	}{{"Definition", old.definition}, {"SourceEntity", old.source}, {"Parameters", old.parameters}} {
		raw, ok := members[f.name]
		if ok != (f.old != nil) {
			t.Errorf("%s: doc has %s: %v, want %v", old.id, f.name, ok, f.old != nil)
			continue
		}
		if !ok {
			continue
		}
		if !bytes.Equal(raw, bytes.TrimSpace(f.old)) {
			t.Errorf("%s: %s = %.100q, want %.100q", old.id, f.name, raw, f.old)
		}
		var got, want any
		if err := errors.Join(json.Unmarshal(raw, &got), json.Unmarshal(f.old, &want)); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %s decodes to %v, want %v (%v)", old.id, f.name, got, want, err)
		}
	}
	want := 0
	for _, set := range []bool{old.theme != "", old.definition != nil, old.source != nil, old.parameters != nil} {
		if set {
			want++
		}
	}
	if len(members) != want {
		t.Errorf("%s: doc has %d members, want %d: %s", old.id, len(members), want, doc)
	}
}

// TestAssetTables checks the shape the asset tables were given: rowid
// tables for the two holding documents, which come last so that listings
// stop reading before them.
func TestAssetTables(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	for _, tt := range []struct {
		table      string
		withoutRow bool
		last       []string
	}{
		{"assets", false, []string{"meta", "doc"}},
		{"asset_versions", false, []string{"meta", "doc"}},
		{"asset_links", true, nil},
		{"assignments", true, nil},
		{"assignment_users", true, nil},
		{"assignment_groups", true, nil},
		{"grants", true, nil},
	} {
		var wr, strict bool
		if err := s.read.QueryRowContext(t.Context(), `SELECT wr, strict FROM pragma_table_list WHERE name = ?`, tt.table).Scan(&wr, &strict); err != nil {
			t.Fatalf("%s: %v", tt.table, err)
		}
		if wr != tt.withoutRow || !strict {
			t.Errorf("%s: WITHOUT ROWID %v, STRICT %v; want %v, true", tt.table, wr, strict, tt.withoutRow)
		}
		var cols []string
		rows, err := s.read.QueryContext(t.Context(), `SELECT name FROM pragma_table_info(?) ORDER BY cid`, tt.table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		rows.Close()
		if tt.last != nil && !slices.Equal(cols[len(cols)-len(tt.last):], tt.last) {
			t.Errorf("%s columns %q do not end with %q", tt.table, cols, tt.last)
		}
	}
}
