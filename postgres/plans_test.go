package postgres

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/qslocal/qslocal"
)

// TestKeyLookupPlans: on a database whose statistics say it is empty
// (freshly migrated and analyzed, then filled), every key lookup reads its own index, matching every
// column it names (no Filter), whether PostgreSQL plans it for the values
// at hand or, as it may for a statement pgx keeps prepared, generically.
func TestKeyLookupPlans(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	ctx := t.Context()
	for _, q := range []string{
		// Enough accounts that reading a whole table costs more than its
		// index: a table of one page is rightly scanned.
		`INSERT INTO accounts (account, created_at) SELECT i::text, now() FROM generate_series(1, 2000) AS i`,
		`INSERT INTO namespaces (account, name, capacity_region, identity_store, created_at)
			SELECT account, 'default', 'us-east-1', 'QUICKSIGHT', now() FROM accounts`,
		`INSERT INTO role_custom_permissions SELECT account, 'default', 'ADMIN', 'p' FROM accounts`,
		`INSERT INTO users SELECT '1', 'default', 'user' || i, 'pid-' || i, 'e', 'READER', 'QUICKSIGHT',
			'', '', true, '', '', '', '', now(), now() FROM generate_series(1, 2000) AS i`,
		`INSERT INTO groups SELECT '1', 'default', 'group' || i, '', 'gpid-' || i, now(), now()
			FROM generate_series(1, 500) AS i`,
		`INSERT INTO group_members SELECT '1', 'default', 'group' || (i % 500 + 1), 'user' || i
			FROM generate_series(1, 2000) AS i`,
		`INSERT INTO grants SELECT '1', 'analysis/a' || (i % 100), 'user/default/user' || i, 'quicksight:DescribeAnalysis'
			FROM generate_series(1, 2000) AS i`,
	} {
		if _, err := s.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	tests := []struct {
		name, query, args string
		index             string // or several, separated by |
	}{
		{"account", `SELECT * FROM accounts WHERE account = $1`, `'1'`, "accounts_pkey"},
		{"namespace", `SELECT * FROM namespaces WHERE account = $1 AND name = $2`, `'1', 'default'`, "namespaces_pkey"},
		{"user", `SELECT * FROM users WHERE account = $1 AND namespace = $2 AND name = $3`,
			`'1', 'default', 'user7'`, "users_pkey"},
		{"user by principal id", `SELECT * FROM users WHERE account = $1 AND namespace = $2 AND principal_id = $3`,
			`'1', 'default', 'pid-7'`, "users_principal_id_key"},
		{"update user", `UPDATE users SET email = 'x' WHERE account = $1 AND namespace = $2 AND name = $3`,
			`'1', 'default', 'user7'`, "users_pkey"},
		{"list users", `SELECT * FROM users WHERE account = $1 AND namespace = $2 AND name >= $3 ORDER BY name LIMIT 100`,
			`'1', 'default', 'user5'`, "users_pkey"},
		{"group", `SELECT * FROM groups WHERE account = $1 AND namespace = $2 AND name = $3`,
			`'1', 'default', 'group7'`, "groups_pkey"},
		{"group by principal id", `SELECT * FROM groups WHERE account = $1 AND namespace = $2 AND principal_id = $3`,
			`'1', 'default', 'gpid-7'`, "groups_principal_id_key"},
		{"group member", `SELECT 1 FROM group_members WHERE account = $1 AND namespace = $2 AND group_name = $3 AND user_name = $4`,
			`'1', 'default', 'group7', 'user6'`, "group_members_pkey|group_members_by_user"}, // both hold every column
		{"group members", `SELECT user_name FROM group_members WHERE account = $1 AND namespace = $2 AND group_name = $3
			AND user_name > $4 ORDER BY user_name LIMIT 100`, `'1', 'default', 'group7', ''`, "group_members_pkey"},
		{"user's groups", `SELECT group_name FROM group_members WHERE account = $1 AND namespace = $2 AND user_name = $3
			AND group_name > $4 ORDER BY group_name LIMIT 100`, `'1', 'default', 'user6', ''`, "group_members_by_user"},
		{"grants", `SELECT principal, action FROM grants WHERE account = $1 AND resource = $2 ORDER BY principal, action`,
			`'1', 'analysis/a7'`, "grants_pkey"},
		{"role profile", `SELECT profile FROM role_custom_permissions WHERE account = $1 AND namespace = $2 AND role = $3`,
			`'1', 'default', 'ADMIN'`, "role_custom_permissions_pkey"},
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	explain := func(t *testing.T, mode, name, args string) string {
		t.Helper()
		if _, err := conn.Exec(ctx, "SET plan_cache_mode = "+mode); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, "EXPLAIN (COSTS OFF) EXECUTE "+name+"("+args+")", pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	for i, tt := range tests {
		name := "lookup" + string(rune('a'+i))
		if _, err := conn.Exec(ctx, "PREPARE "+name+" AS "+tt.query, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				plan := explain(t, mode, name, tt.args)
				uses := false
				for _, index := range strings.Split(tt.index, "|") {
					uses = uses || strings.Contains(plan, "Scan using "+index+" on ")
				}
				if !uses || strings.Contains(plan, "Filter:") {
					t.Errorf("plan:\n%s\nwant one reading %s and filtering nothing", plan, tt.index)
				}
			})
		}
	}
}

// analyzed tells the rows the planner's statistics count in users, -1
// when it has none (never analyzed).
func analyzed(t *testing.T, s *Store) int {
	t.Helper()
	return queryInt(t, s, `SELECT reltuples::int FROM pg_class
		WHERE oid = to_regclass(quote_ident(current_schema()) || '.users')`)
}

// Open analyzes the tables of a schema it has just migrated, and Import
// (a bulk load) analyzes them again, so that no plan is left to default
// estimates until autovacuum comes by. tables names every table.
func TestAnalyze(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTest(t, database(t))
	if n := analyzed(t, s); n != 0 {
		t.Errorf("users after Open of a new database: statistics count %d rows, want 0 (analyzed)", n)
	}
	all := queryStrings(t, s, `SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()
		AND tablename <> 'schema_migrations' ORDER BY tablename`)
	if !slices.Equal(all, tables) {
		t.Errorf("tables = %q, want every table of the schema, %q", tables, all)
	}

	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	a := qslocal.SnapshotAccount{AwsAccountId: "111122223333"}
	for i := range 300 {
		a.Users = append(a.Users, qslocal.SnapshotUser{UserName: fmt.Sprintf("user%03d", i), Email: "u@example.com", Role: "READER"})
	}
	if err := svc.Import(ctx, &qslocal.Snapshot{Accounts: []qslocal.SnapshotAccount{a}}); err != nil {
		t.Fatal(err)
	}
	if n := analyzed(t, s); n != 300 {
		t.Errorf("users after importing 300: statistics count %d rows, want 300", n)
	}
}

func queryStrings(t *testing.T, s *Store, query string) []string {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), query)
	if err != nil {
		t.Fatal(err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// Statements are prepared once per connection and kept (pgx's default
// exec mode, cache_statement): a query sent again is not parsed or
// planned again.
func TestStatementsPrepared(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	if mode := s.pool.Config().ConnConfig.DefaultQueryExecMode; mode != pgx.QueryExecModeCacheStatement {
		t.Errorf("exec mode %v, want %v", mode, pgx.QueryExecModeCacheStatement)
	}
	conn, err := s.pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	const query = `SELECT account FROM accounts WHERE account = $1`
	for range 3 {
		if _, err := conn.Exec(t.Context(), query, "1"); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("a query sent 3 times is prepared %d times on its connection, want once", n)
	}
}
