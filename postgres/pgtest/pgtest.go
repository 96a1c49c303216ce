// Package pgtest gives tests a fresh PostgreSQL database of their own:
// empty (Database), or with a schema already applied (Migrated).
//
// The server is $QSLOCAL_TEST_POSTGRES, else a local one reached as user
// postgres (see DSN). When it cannot be reached, tests that ask for a
// database are skipped, unless $QSLOCAL_REQUIRE_POSTGRES is set (as CI
// does): then they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// defaultDSN is the server tests use when $QSLOCAL_TEST_POSTGRES is empty.
const defaultDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Environment variables read by this package.
const (
	envDSN     = "QSLOCAL_TEST_POSTGRES"
	envRequire = "QSLOCAL_REQUIRE_POSTGRES"
)

// timeout bounds each administrative step: connecting, creating or
// dropping a database, building a template.
const timeout = 30 * time.Second

// DSN returns the base DSN: $QSLOCAL_TEST_POSTGRES, else
// "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable". Its user
// must be allowed to create databases.
func DSN() string {
	if dsn := os.Getenv(envDSN); dsn != "" {
		return dsn
	}
	return defaultDSN
}

// Database creates a fresh empty database (named qslocal_test_<hex>) on the
// server of DSN, registers t.Cleanup to drop it (DROP DATABASE ... WITH
// (FORCE), which also ends any session still connected) and returns its
// DSN. When the server cannot be reached, it skips t with a message naming
// the DSN and $QSLOCAL_TEST_POSTGRES, unless $QSLOCAL_REQUIRE_POSTGRES is
// non-empty: then it fails t. Other failures (authentication, permission)
// always fail t.
func Database(t testing.TB) string {
	t.Helper()
	base := DSN()
	conn := connect(t, base)
	defer conn.Close(context.Background())

	name := newName()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s on %s: %v", name, redact(base), err)
	}
	return registered(t, base, name)
}

// Migrated is Database, but the new database holds the schema that migrate
// applies. It is a copy (CREATE DATABASE ... TEMPLATE) of the template
// database qslocal_tmpl_<digest>, where digest stands for the schema (such
// as a hash of its migrations: lower-case letters and digits, at most 40).
// The first test to need a digest's template builds it by calling migrate
// on an empty database: once for all the test processes sharing the
// server, and kept there for later runs. Building one also drops the
// templates of other digests that no test process has used for an hour.
//
// The copies share whatever migrate wrote into the template, rows
// included; under Main, a database handed on to another test keeps only
// the rows of schema_migrations and meta.
func Migrated(t testing.TB, digest string, migrate func(ctx context.Context, dsn string) error) string {
	t.Helper()
	if !validDigest.MatchString(digest) {
		t.Fatalf("pgtest: digest %q: want 1 to 40 lower-case letters and digits", digest)
	}
	base := DSN()
	conn := connect(t, base)
	defer conn.Close(context.Background())

	tmpl := templatePrefix + digest
	if name := reuse(tmpl); name != "" {
		return pooled(t, base, tmpl, name)
	}
	name := newName()
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		_, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tmpl)
		cancel()
		if err == nil {
			break
		}
		// undefined_database: no template yet, or another digest's build
		// just dropped it as stale.
		if pgCode(err) != "3D000" || attempt == 3 {
			t.Fatalf("pgtest: create database %s from %s on %s: %v", name, tmpl, redact(base), err)
		}
		if err := buildTemplate(conn, base, tmpl, migrate); err != nil {
			t.Fatalf("pgtest: build template %s on %s: %v", tmpl, redact(base), err)
		}
	}
	if _, done := used.LoadOrStore(tmpl, true); !done {
		// Once a process, so that builds for other digests keep it. Best
		// effort: of processes commenting at once, all but one may fail.
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		markUsed(ctx, conn, tmpl)
		cancel()
	}
	if pool.on {
		return pooled(t, base, tmpl, name)
	}
	return registered(t, base, name)
}

// used holds the templates this process marked used.
var used sync.Map

const (
	templatePrefix = "qslocal_tmpl_"
	// templateLock is the key of the advisory lock held while building a
	// template: "qstmpl" in ASCII.
	templateLock int64 = 0x7173746d706c
	// staleAfter is how long a template of another digest is kept unused,
	// for other checkouts testing on the same server.
	staleAfter = time.Hour
	// usedPrefix starts a template's comment, followed by when a process
	// last started using it (RFC 3339).
	usedPrefix = "qslocal test template, last used "
)

var validDigest = regexp.MustCompile(`^[a-z0-9]{1,40}$`)

// buildTemplate makes the template database tmpl, unless another process
// made it meanwhile. It builds it under another name and renames it when
// complete, so a half-built template is never copied; the template
// refuses connections, so that no session stands in the way of copying it.
func buildTemplate(conn *pgx.Conn, base, tmpl string, migrate func(ctx context.Context, dsn string) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// Session-level: CREATE DATABASE cannot run in a transaction. Ended
	// with the connection if not before.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", templateLock)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", tmpl).Scan(&exists); err != nil || exists {
		return err
	}
	build := tmpl + "_build"
	dsn, err := withDatabase(base, build)
	if err != nil {
		return err
	}
	// A build left by a process that died has no comment: dropped below,
	// or here when it is this digest's.
	for _, q := range []string{"DROP DATABASE IF EXISTS " + build + " WITH (FORCE)", "CREATE DATABASE " + build} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	if err := migrate(ctx, dsn); err != nil {
		conn.Exec(ctx, "DROP DATABASE "+build+" WITH (FORCE)")
		return fmt.Errorf("migrate: %w", err)
	}
	for _, q := range []string{
		"ALTER DATABASE " + build + " WITH ALLOW_CONNECTIONS false IS_TEMPLATE true",
		"ALTER DATABASE " + build + " RENAME TO " + tmpl,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	if err := markUsed(ctx, conn, tmpl); err != nil {
		return err
	}
	return dropStale(ctx, conn, tmpl)
}

// markUsed records in tmpl's comment that it is in use.
func markUsed(ctx context.Context, conn *pgx.Conn, tmpl string) error {
	_, err := conn.Exec(ctx, "COMMENT ON DATABASE "+tmpl+" IS '"+usedPrefix+time.Now().UTC().Format(time.RFC3339)+"'")
	return err
}

// dropStale drops the templates other than keep unused for staleAfter,
// and those never finished (they have no comment).
func dropStale(ctx context.Context, conn *pgx.Conn, keep string) error {
	rows, err := conn.Query(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database
		WHERE starts_with(datname, $1) AND datname <> $2`, templatePrefix, keep)
	if err != nil {
		return err
	}
	var stale []string
	for rows.Next() {
		var name, comment string
		if err := rows.Scan(&name, &comment); err != nil {
			return err
		}
		last, err := time.Parse(time.RFC3339, strings.TrimPrefix(comment, usedPrefix))
		if err != nil || time.Since(last) > staleAfter {
			stale = append(stale, name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range stale {
		if err := dropTemplate(ctx, conn, name); err != nil {
			return err
		}
	}
	return nil
}

// dropTemplate drops the template database name.
func dropTemplate(ctx context.Context, conn *pgx.Conn, name string) error {
	for _, q := range []string{"ALTER DATABASE " + name + " IS_TEMPLATE false", "DROP DATABASE " + name + " WITH (FORCE)"} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// newName returns a new database name, qslocal_test_<16 hex digits>.
func newName() string {
	var b [8]byte
	rand.Read(b[:])
	return "qslocal_test_" + hex.EncodeToString(b[:])
}

// registered registers t.Cleanup to drop the new database name, and
// returns its DSN.
func registered(t testing.TB, base, name string) string {
	t.Helper()
	t.Cleanup(func() { drop(t, base, name) })
	dsn, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// pgCode returns err's SQLSTATE, or "".
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// connect opens an administrative connection to dsn, skipping or failing t
// when the server cannot be reached.
func connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := dial(dsn)
	if err == nil {
		return conn
	}
	var parseErr *pgconn.ParseConfigError
	if errors.As(err, &parseErr) {
		t.Fatalf("pgtest: $%s: %v", envDSN, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// The server answered: refused credentials, a missing database...
		// That is a broken setup, not a missing server.
		t.Fatalf("pgtest: connect to %s: %v", redact(dsn), err)
	}
	msg := fmt.Sprintf("pgtest: no PostgreSQL server at %s (%v); set $%s to the DSN of one whose user may create databases",
		redact(dsn), err, envDSN)
	if os.Getenv(envRequire) != "" {
		t.Fatalf("%s ($%s is set, so this fails instead of skipping)", msg, envRequire)
	}
	t.Skipf("%s, or $%s to fail instead of skipping", msg, envRequire)
	return nil
}

// dial connects to dsn, waiting at most 5s for the server.
func dial(dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 5*time.Second {
		cfg.ConnectTimeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

// drop removes the database name, closing its sessions.
func drop(t testing.TB, base, name string) {
	t.Helper()
	conn, err := dial(base)
	if err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
		return
	}
	defer conn.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
	}
}

// withDatabase returns dsn (a URL or key=value pairs) with its database
// replaced by name.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse DSN %s: %w", redact(dsn), err)
		}
		u.Path, u.RawPath = "/"+name, ""
		q := u.Query()
		if q.Has("dbname") {
			q.Del("dbname")
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	// key=value: a later keyword overrides an earlier one.
	return strings.TrimSpace(dsn) + " dbname=" + name, nil
}

var keywordPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// Redact returns dsn with any password masked, for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return keywordPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// Copying a template writes the whole database through PostgreSQL's WAL,
// which made creating and dropping databases most of the suite's time.
// Under Main, a test's migrated database is emptied when the test ends
// and handed to the next test that asks for one of the same template;
// Main drops them all when the tests are done.
var pool struct {
	on   bool
	mu   sync.Mutex
	free map[string][]string // template -> emptied databases
	all  []string            // every pooled database, to drop at the end
	// shape is a fingerprint of each template's schema, taken on a fresh
	// copy: a database whose schema a test changed is dropped, not reused.
	shape map[string]string
}

// Main runs the tests with migrated databases reused, then drops them.
// Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	pool.on = true
	pool.free, pool.shape = map[string][]string{}, map[string]string{}
	code := m.Run()
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if len(pool.all) == 0 {
		return code
	}
	conn, err := dial(DSN())
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: dropping the test databases: %v\n", err)
		return code
	}
	defer conn.Close(context.Background())
	for _, name := range pool.all {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: drop database %s: %v\n", name, err)
		}
		cancel()
	}
	return code
}

// reuse takes an emptied database of template tmpl from the pool, or "".
func reuse(tmpl string) string {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	free := pool.free[tmpl]
	if len(free) == 0 {
		return ""
	}
	name := free[len(free)-1]
	pool.free[tmpl] = free[:len(free)-1]
	return name
}

// pooled registers name for reuse when t ends, and returns its DSN.
func pooled(t testing.TB, base, tmpl, name string) string {
	t.Helper()
	dsn, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	pool.mu.Lock()
	if !slices.Contains(pool.all, name) {
		pool.all = append(pool.all, name)
	}
	_, known := pool.shape[tmpl]
	pool.mu.Unlock()
	if !known {
		shape, err := fingerprint(dsn)
		if err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		pool.mu.Lock()
		pool.shape[tmpl] = shape
		pool.mu.Unlock()
	}
	t.Cleanup(func() {
		if err := empty(base, dsn, name, tmpl); err != nil {
			t.Logf("pgtest: %s not reused: %v", name, err)
			drop(t, base, name)
			return
		}
		pool.mu.Lock()
		pool.free[tmpl] = append(pool.free[tmpl], name)
		pool.mu.Unlock()
	})
	return dsn
}

// empty ends every session on database name and, when its schema is still
// its template's, deletes every row but the schema's own records
// (schema_migrations, meta).
func empty(base, dsn, name, tmpl string) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	admin, err := dial(base)
	if err != nil {
		return err
	}
	_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
	admin.Close(context.Background())
	if err != nil {
		return err
	}
	shape, err := fingerprint(dsn)
	if err != nil {
		return err
	}
	pool.mu.Lock()
	want := pool.shape[tmpl]
	pool.mu.Unlock()
	if shape != want {
		return errors.New("its schema changed")
	}
	conn, err := dial(dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var deletes string
	if err := conn.QueryRow(ctx, `SELECT coalesce(string_agg('DELETE FROM ' || quote_ident(tablename), '; '), '') FROM pg_tables
		WHERE schemaname = 'public' AND tablename <> ALL ($1)`, kept).Scan(&deletes); err != nil {
		return err
	}
	// DELETE, not TRUNCATE, which makes new files for every table and
	// index: slower than copying the template. Foreign keys are not
	// checked meanwhile (session_replication_role), so the order of the
	// tables does not matter.
	_, err = conn.Exec(ctx, "BEGIN; SET LOCAL session_replication_role = replica; "+deletes+"; COMMIT")
	return err
}

// fingerprint sums up a database's schema: its schemas, tables, columns,
// indexes and constraints, and the rows of the tables empty keeps.
func fingerprint(dsn string) (string, error) {
	conn, err := dial(dsn)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var shape string
	err = conn.QueryRow(ctx, `SELECT md5(
		(SELECT coalesce(string_agg(nspname, ',' ORDER BY nspname), '') FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema') ||
		(SELECT coalesce(string_agg(c.relname || '.' || a.attname || ':' || a.atttypid::regtype::text, ',' ORDER BY c.relname, a.attnum), '')
			FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid
			WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped) ||
		(SELECT coalesce(string_agg(conname, ',' ORDER BY conname), '') FROM pg_constraint WHERE connamespace = 'public'::regnamespace))`).Scan(&shape)
	if err != nil {
		return "", err
	}
	for _, table := range kept {
		var rows string
		err := conn.QueryRow(ctx, `SELECT coalesce((SELECT string_agg(r::text, ',' ORDER BY r::text) FROM `+table+` AS r), '')`).Scan(&rows)
		if pgCode(err) == "42P01" { // undefined_table: a schema without it
			continue
		}
		if err != nil {
			return "", err
		}
		shape += "/" + rows
	}
	return shape, nil
}

// kept are the tables empty leaves as they are: the schema's own records.
var kept = []string{"schema_migrations", "meta"}
