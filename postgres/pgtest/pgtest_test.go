package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestDatabase(t *testing.T) {
	var dsn, name string
	t.Run("use", func(t *testing.T) {
		dsn = Database(t)
		conn, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatalf("connect to %s: %v", redact(dsn), err)
		}
		defer conn.Close(context.Background())
		var tables int
		if err := conn.QueryRow(t.Context(), `SELECT current_database(),
			(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).Scan(&name, &tables); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "qslocal_test_") || len(name) != len("qslocal_test_")+16 {
			t.Errorf("database %q, want qslocal_test_<16 hex digits>", name)
		}
		if tables != 0 {
			t.Errorf("new database has %d tables", tables)
		}
		// Sessions still open at cleanup do not stop the drop.
		if _, err := pgx.Connect(t.Context(), dsn); err != nil {
			t.Fatal(err)
		}
	})
	if dsn == "" {
		t.Skip("no database (see the subtest)")
	}
	conn, err := pgx.Connect(t.Context(), DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test", name)
	}
}

func TestDatabasesAreDistinct(t *testing.T) {
	a, b := Database(t), Database(t)
	if a == b {
		t.Errorf("two calls gave %s", a)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tt := range []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/x?sslmode=disable"},
		{"postgresql://u:p@h/db", "postgresql://u:p@h/x"},
		{"postgres://h", "postgres://h/x"},
		{"postgres://h/db?dbname=other&sslmode=disable", "postgres://h/x?sslmode=disable"},
		{"host=h user=u dbname=db", "host=h user=u dbname=db dbname=x"},
		{"host=h ", "host=h dbname=x"},
	} {
		got, err := withDatabase(tt.dsn, "x")
		if err != nil || got != tt.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil || cfg.Database != "x" {
			t.Errorf("%q parses to database %q, %v", got, cfg.Database, err)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ dsn, want string }{
		{"postgres://u:secret@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u@h/db?password=secret", "postgres://u@h/db?password=xxxxx"},
		{"host=h password=secret user=u", "host=h password=xxxxx user=u"},
		{"host=h password = 'a b\\' c' user=u", "host=h password = xxxxx user=u"},
		{"host=h user=u", "host=h user=u"},
	} {
		if got := redact(tt.dsn); got != tt.want || strings.Contains(got, "secret") {
			t.Errorf("redact(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// fakeTB records what Database does with a test that cannot get a server.
type fakeTB struct {
	testing.TB
	mu              sync.Mutex
	skipped, failed bool
	message         string
	cleanups        int
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) end(skip bool, format string, args ...any) {
	f.mu.Lock()
	f.skipped, f.failed, f.message = skip, !skip, fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any)  { f.end(true, format, args...) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.end(false, format, args...) }
func (f *fakeTB) Errorf(format string, args ...any) { f.end(false, format, args...) }
func (f *fakeTB) Cleanup(func())                    { f.cleanups++ }

// run runs fn(f) to its end, in a goroutine of its own since Skipf and
// Fatalf end it.
func (f *fakeTB) run(fn func(t testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
}

func database(t testing.TB) { Database(t) }

func TestUnreachableServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dsn := fmt.Sprintf("postgres://postgres:hunter2@127.0.0.1:%d/postgres?sslmode=disable", port)
	t.Setenv(envDSN, dsn)

	t.Setenv(envRequire, "")
	f := &fakeTB{TB: t}
	f.run(database)
	if !f.skipped || !strings.Contains(f.message, envDSN) || !strings.Contains(f.message, fmt.Sprint(port)) ||
		strings.Contains(f.message, "hunter2") {
		t.Errorf("without $%s: skipped %v, message %q; want a skip naming the DSN (password hidden) and $%s",
			envRequire, f.skipped, f.message, envDSN)
	}

	t.Setenv(envRequire, "1")
	f = &fakeTB{TB: t}
	f.run(database)
	if !f.failed || !strings.Contains(f.message, envRequire) {
		t.Errorf("with $%s: failed %v, message %q; want a failure", envRequire, f.failed, f.message)
	}
	if f.cleanups != 0 {
		t.Errorf("%d cleanups registered for no database", f.cleanups)
	}
}

func TestDSN(t *testing.T) {
	t.Setenv(envDSN, "")
	if got := DSN(); got != "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" {
		t.Errorf("DSN() = %q", got)
	}
	t.Setenv(envDSN, "host=elsewhere")
	if got := DSN(); got != "host=elsewhere" {
		t.Errorf("DSN() = %q", got)
	}
}

// testDigest returns a digest of its own for t, whose template is dropped
// when t ends.
func testDigest(t *testing.T) string {
	var b [8]byte
	rand.Read(b[:])
	digest := "pgtest" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		conn, err := dial(DSN())
		if err != nil {
			return // no server: no template
		}
		defer conn.Close(context.Background())
		if templates(t, conn, templatePrefix+digest) == 1 {
			if err := dropTemplate(context.Background(), conn, templatePrefix+digest); err != nil {
				t.Error(err)
			}
		}
	})
	return digest
}

// admin runs fn on a connection to the server.
func admin(t *testing.T, fn func(conn *pgx.Conn)) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	fn(conn)
}

// templates counts the databases named name, and checks that those are
// templates nobody may connect to.
func templates(t *testing.T, conn *pgx.Conn, name string) int {
	t.Helper()
	var n int
	var ok bool
	if err := conn.QueryRow(context.Background(), `SELECT count(*), coalesce(bool_and(datistemplate AND NOT datallowconn), true)
		FROM pg_database WHERE datname = $1`, name).Scan(&n, &ok); err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Errorf("%s is not a template refusing connections", name)
	}
	return n
}

func TestMigrated(t *testing.T) {
	digest := testDigest(t)
	tmpl := templatePrefix + digest
	var runs atomic.Int32
	migrate := func(ctx context.Context, dsn string) error {
		runs.Add(1)
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, tmpl).Scan(&n); err != nil || n != 0 {
			return fmt.Errorf("%d databases named %s while it is built (%v)", n, tmpl, err)
		}
		_, err = conn.Exec(ctx, `CREATE TABLE t (v text); INSERT INTO t VALUES ('migrated')`)
		return err
	}
	// Tests wanting a template at once: one builds it, all copy it.
	const n = 4
	var names [n]string
	t.Run("copies", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				dsn := Migrated(t, digest, migrate)
				conn, err := pgx.Connect(t.Context(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close(context.Background())
				var rows []string
				if err := conn.QueryRow(t.Context(), `SELECT current_database(), array_agg(v) FROM t`).Scan(&names[i], &rows); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(rows, []string{"migrated"}) {
					t.Errorf("rows %q, want migrate's alone", rows)
				}
				if _, err := conn.Exec(t.Context(), `INSERT INTO t VALUES ($1)`, names[i]); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
	if names[0] == "" {
		t.Skip("no database (see the subtests)")
	}
	if got := runs.Load(); got != 1 {
		t.Errorf("migrate ran %d times, want once", got)
	}
	admin(t, func(conn *pgx.Conn) {
		if templates(t, conn, tmpl) != 1 {
			t.Errorf("no template %s", tmpl)
		}
		var left int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = ANY ($1) OR datname = $2`,
			names[:], tmpl+"_build").Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 0 || len(slices.Compact(slices.Sorted(slices.Values(names[:])))) != n {
			t.Errorf("copies %q: %d left after their tests, want %d distinct ones, all dropped", names, left, n)
		}
	})
}

func TestMigratedFailures(t *testing.T) {
	f := &fakeTB{TB: t}
	f.run(func(t testing.TB) { Migrated(t, "Not-Hex", nil) })
	if !f.failed || !strings.Contains(f.message, "Not-Hex") {
		t.Errorf("bad digest: failed %v, message %q", f.failed, f.message)
	}

	digest := testDigest(t)
	f = &fakeTB{TB: t}
	f.run(func(t testing.TB) {
		Migrated(t, digest, func(context.Context, string) error { return errors.New("no schema today") })
	})
	if f.skipped {
		t.Skip(f.message)
	}
	if !f.failed || !strings.Contains(f.message, "no schema today") || f.cleanups != 0 {
		t.Errorf("failing migrate: failed %v, message %q, %d cleanups; want a failure with migrate's error", f.failed, f.message, f.cleanups)
	}
	admin(t, func(conn *pgx.Conn) {
		if n := templates(t, conn, templatePrefix+digest) + templates(t, conn, templatePrefix+digest+"_build"); n != 0 {
			t.Errorf("%d databases left by the failed build", n)
		}
	})
}

// Templates unused for an hour, and builds never finished, are dropped;
// templates in use are kept.
func TestDropStale(t *testing.T) {
	Database(t) // skips without a server
	keep, fresh, stale, unfinished := testDigest(t), testDigest(t), testDigest(t), testDigest(t)+"_build"
	admin(t, func(conn *pgx.Conn) {
		ctx := t.Context()
		for _, d := range []string{keep, fresh, stale, unfinished} {
			if _, err := conn.Exec(ctx, "CREATE DATABASE "+templatePrefix+d+" IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() {
			conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+templatePrefix+unfinished+" WITH (FORCE)")
		})
		for d, used := range map[string]time.Time{keep: time.Now().Add(-2 * time.Hour), fresh: time.Now().Add(-50 * time.Minute), stale: time.Now().Add(-70 * time.Minute)} {
			if _, err := conn.Exec(ctx, "COMMENT ON DATABASE "+templatePrefix+d+" IS '"+usedPrefix+used.UTC().Format(time.RFC3339)+"'"); err != nil {
				t.Fatal(err)
			}
		}
		if err := dropStale(ctx, conn, templatePrefix+keep); err != nil {
			t.Fatal(err)
		}
		for d, want := range map[string]int{keep: 1, fresh: 1, stale: 0, unfinished: 0} {
			if got := templates(t, conn, templatePrefix+d); got != want {
				t.Errorf("%d databases named %s, want %d", got, templatePrefix+d, want)
			}
		}
	})
}

// TestPool: under Main, a test's database goes to the next test emptied,
// with the schema's own records kept; one whose schema a test changed is
// dropped instead; what is left is dropped at the end.
func TestPool(t *testing.T) {
	digest := testDigest(t)
	migrate := func(ctx context.Context, dsn string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, `CREATE TABLE schema_migrations (version int); INSERT INTO schema_migrations VALUES (1);
			CREATE TABLE u (v text PRIMARY KEY); CREATE TABLE t (v text REFERENCES u)`)
		return err
	}
	pool.on, pool.free, pool.shape, pool.all = true, map[string][]string{}, map[string]string{}, nil
	t.Cleanup(func() {
		pool.on = false
		for _, name := range pool.all { // what Main would drop
			drop(t, DSN(), name)
		}
	})
	exec := func(t *testing.T, dsn, sql string) {
		t.Helper()
		conn, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	count := func(t *testing.T, dsn, table string) (n int) {
		t.Helper()
		conn, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var first, second, third string
	t.Run("writes rows", func(t *testing.T) {
		first = Migrated(t, digest, migrate)
		exec(t, first, `INSERT INTO u VALUES ('a'); INSERT INTO t VALUES ('a')`)
		// A session left open, as a killed server's would be.
		conn, err := pgx.Connect(t.Context(), first)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(t.Context(), `BEGIN; SELECT * FROM u FOR UPDATE`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("gets it emptied", func(t *testing.T) {
		second = Migrated(t, digest, migrate)
		if second != first {
			t.Fatalf("got %s, want %s again", second, first)
		}
		if count(t, second, "t") != 0 || count(t, second, "u") != 0 || count(t, second, "schema_migrations") != 1 {
			t.Error("the reused database is not empty but for its schema's records")
		}
		exec(t, second, `DROP TABLE t`)
	})
	t.Run("not one whose schema changed", func(t *testing.T) {
		third = Migrated(t, digest, migrate)
		if third == first {
			t.Fatal("a database whose schema changed was reused")
		}
		exec(t, third, `INSERT INTO schema_migrations VALUES (9999)`)
	})
	t.Run("nor one whose records changed", func(t *testing.T) {
		if got := Migrated(t, digest, migrate); got == third {
			t.Error("a database whose schema_migrations changed was reused")
		}
	})
	admin(t, func(conn *pgx.Conn) {
		var n int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = $1`, first).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s, whose schema changed, still there (%d, %v)", first, n, err)
		}
	})
}
