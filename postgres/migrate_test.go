package postgres

import (
	"errors"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qslocal/qslocal"
)

// A database of schema version 2 holding analyses, permissions and tags is
// migrated by Open: every analysis becomes an asset of kind "analysis"
// whose Doc is its documents, byte for byte, in one JSON object; grants and
// tags stay.
func TestMigrateAnalysesToAssets(t *testing.T) {
	t.Parallel()
	dsn := database(t)
	ctx := t.Context()
	created := time.Date(2025, 1, 2, 3, 4, 5, 678901000, time.UTC)
	updated := created.Add(time.Hour + time.Microsecond)
	deletion := time.Date(2025, 2, 1, 0, 0, 0, 1000, time.UTC)
	// Documents as an older qslocal stored them: as sent, with spacing and
	// key orders jsonb would not keep, and text beyond ASCII.
	def := `{"Sheets": [ ],"DataSetIdentifierDeclarations":[{"Identifier":"é","DataSetArn":"a\u0000b"}]}`
	source := `{"SourceTemplate":{"Arn":"arn:t","DataSetReferences":[]}}`
	params := `{"StringParameters":[{"Name":"p","Values":["x"]}],"IntegerParameters":[]}`
	theme := "arn:aws:quicksight::aws:theme/MIDNIGHT"
	oddTheme := `arn:"quoted"\é`
	type old struct {
		account, id, theme  string
		def, source, params string // "" for NULL
		deleted             bool
		wantDoc             string // "" for NULL
	}
	olds := []old{
		{"1", "all", theme, def, source, params, false,
			`{"ThemeArn":"` + theme + `","Definition":` + def + `,"SourceEntity":` + source + `,"Parameters":` + params + `}`},
		{"1", "definition", "", def, "", "", false, `{"Definition":` + def + `}`},
		{"1", "source", "", "", source, "", false, `{"SourceEntity":` + source + `}`},
		{"1", "parameters", "", "", "", params, false, `{"Parameters":` + params + `}`},
		{"1", "theme", theme, "", "", "", false, `{"ThemeArn":"` + theme + `"}`},
		{"1", "theme-and-parameters", oddTheme, "", "", params, false,
			`{"ThemeArn":"arn:\"quoted\"\\é","Parameters":` + params + `}`},
		{"1", "nothing", "", "", "", "", false, ""},
		{"1", "deleted", theme, def, "", "", true, `{"ThemeArn":"` + theme + `","Definition":` + def + `}`},
		{"2", "all", "", def, source, "", false, `{"Definition":` + def + `,"SourceEntity":` + source + `}`},
	}
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return []byte(s)
	}
	secret := []byte("an older process's secret, 32 b.")
	admin(t, dsn, func(conn *pgx.Conn) {
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := conn.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%.60s: %v", q, err)
			}
		}
		exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)`)
		for i, name := range []string{"migrations/0001_init.sql", "migrations/0002_resources.sql"} {
			body, err := migrations.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			exec(string(body))
			exec(`INSERT INTO schema_migrations VALUES ($1, now())`, i+1)
		}
		exec(`INSERT INTO meta VALUES ('pagination_secret', $1)`, secret)
		for _, a := range []string{"1", "2"} {
			exec(`INSERT INTO accounts VALUES ($1, '', now())`, a)
			exec(`INSERT INTO namespaces VALUES ($1, 'default', 'us-east-1', 'QUICKSIGHT', now())`, a)
		}
		for _, o := range olds {
			var del any
			if o.deleted {
				del = deletion
			}
			exec(`INSERT INTO analyses VALUES ($1, $2, $3, $4, $5, $6, $7, 'CREATION_SUCCESSFUL', $8, $9, $10)`,
				o.account, o.id, "name of "+o.id, o.theme, nullable(o.def), nullable(o.source), nullable(o.params),
				created, updated, del)
		}
		exec(`INSERT INTO permissions VALUES
			('1', 'analysis/all', 'user/default/alice', 'quicksight:DescribeAnalysis'),
			('1', 'analysis/all', 'user/default/alice', 'quicksight:UpdateAnalysis'),
			('1', 'analysis/all', 'group/default/g', 'quicksight:DescribeAnalysis'),
			('1', 'analysis/deleted', 'namespace/default', 'quicksight:DescribeAnalysis')`)
		exec(`INSERT INTO tags VALUES ('1', 'analysis/all', 'k', 'v'), ('1', 'analysis/deleted', 'k2', 'v2')`)
	})

	s := openTest(t, dsn)
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	if got := queryInt(t, s, `SELECT max(version) FROM schema_migrations`); got != len(files) {
		t.Errorf("schema version %d after Open, want %d", got, len(files))
	}
	if got, _ := s.Secret(ctx); string(got) != string(secret) {
		t.Errorf("Secret = %q, want the older process's", got)
	}
	for _, q := range []string{
		`SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relname IN ('analyses', 'permissions', 'permissions_pkey', 'permissions_by_principal')`,
		`SELECT count(*) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conname LIKE 'permissions%'`,
	} {
		if n := queryInt(t, s, q); n != 0 {
			t.Errorf("%s: %d, want 0", q, n)
		}
	}
	if n := queryInt(t, s, `SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace
		AND relname IN ('grants', 'grants_pkey', 'grants_by_principal')`); n != 3 {
		t.Errorf("%d of grants, grants_pkey and grants_by_principal, want 3", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM pg_constraint WHERE conname = 'grants_pkey' AND contype = 'p'`); n != 1 {
		t.Error("no primary key constraint grants_pkey")
	}

	mustView(t, s, func(tx qslocal.Tx) error {
		for _, o := range olds {
			got, err := tx.Asset(ctx, o.account, "analysis", o.id)
			if err != nil {
				t.Errorf("Asset(%s, %s): %v", o.account, o.id, err)
				continue
			}
			want := qslocal.Asset{Account: o.account, Kind: "analysis", ID: o.id, Name: "name of " + o.id,
				Status: "CREATION_SUCCESSFUL", CreatedAt: created, UpdatedAt: updated}
			if o.wantDoc != "" {
				want.Doc = []byte(o.wantDoc)
			}
			if o.deleted {
				want.DeletionTime = deletion
			}
			if !equalAsset(got, want) {
				t.Errorf("Asset(%s, %s):\n got %+v\n     doc %s\nwant %+v\n     doc %s", o.account, o.id, got, got.Doc, want, want.Doc)
			}
		}
		list, err := tx.ListAssets(ctx, "1", "analysis", "", 100)
		if err != nil {
			return err
		}
		var ids []string
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		if want := []string{"all", "definition", "deleted", "nothing", "parameters", "source", "theme", "theme-and-parameters"}; !slices.Equal(ids, want) {
			t.Errorf("ListAssets = %q, want %q", ids, want)
		}
		grants, err := tx.Grants(ctx, "1", "analysis/all")
		if err != nil {
			return err
		}
		if want := []qslocal.Grant{
			{Principal: "group/default/g", Actions: []string{"quicksight:DescribeAnalysis"}},
			{Principal: "user/default/alice", Actions: []string{"quicksight:DescribeAnalysis", "quicksight:UpdateAnalysis"}},
		}; !grantsEqual(grants, want) {
			t.Errorf("Grants = %v, want %v", grants, want)
		}
		tags, err := tx.Tags(ctx, "1", "analysis/deleted")
		if want := []qslocal.Tag{{Key: "k2", Value: "v2"}}; err != nil || !slices.Equal(tags, want) {
			t.Errorf("Tags = %v, %v; want %v", tags, err, want)
		}
		return nil
	})
	// The grants keep working under their new names.
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.DropPrincipalPrefix(ctx, "1", "user/"),
			tx.Grant(ctx, "1", "analysis/deleted", []qslocal.Grant{{Principal: "user/default/bob", Actions: []string{"a"}}}),
			tx.ClearGrants(ctx, "1", "analysis/all"),
		)
	})
	if n := queryInt(t, s, `SELECT count(*) FROM grants`); n != 2 {
		t.Errorf("%d grants, want 2", n)
	}
}
