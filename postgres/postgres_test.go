package postgres

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/postgres/pgtest"
	"github.com/qslocal/qslocal/storetest"
)

// testConfig keeps pools small: the suite runs its subtests in parallel,
// each with a database of its own, and the server takes 100 connections.
var testConfig = Config{MaxConns: 4}

// slots bounds how many tests of this package hold databases and pools at
// once, whatever -parallel is: each holds at most about 10 connections
// (TestConcurrentOpen: 5 pools of 2), which leaves room on a server of 100
// for other packages testing at the same time.
var slots = make(chan struct{}, 8)

// TestMain runs as many tests at once as there are slots, unless
// -parallel says otherwise: they wait on PostgreSQL (creating databases
// above all), and running GOMAXPROCS at a time, go test's default, took
// twice as long.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(cap(slots)))
	}
	os.Exit(pgtest.Main(m))
}

// slot waits for a slot, held until t ends. Call it first: cleanups run
// last-registered first, so the slot is freed after the database is dropped.
func slot(t testing.TB) {
	t.Helper()
	select {
	case slots <- struct{}{}:
	case <-t.Context().Done():
		t.Fatal(t.Context().Err())
	}
	t.Cleanup(func() { <-slots })
}

// database is pgtest.Database in a slot: an empty database.
func database(t testing.TB) string {
	t.Helper()
	slot(t)
	return pgtest.Database(t)
}

// migrated is pgtest.Migrated in a slot: a database with the schema, as
// Open leaves a new one (pagination secret included, shared by the
// copies).
func migrated(t testing.TB) string {
	t.Helper()
	slot(t)
	return pgtest.Migrated(t, SchemaDigest(), func(ctx context.Context, dsn string) error {
		s, err := Open(ctx, dsn, Config{MaxConns: 1})
		if err != nil {
			return err
		}
		return s.Close()
	})
}

// openTest opens a store on dsn, closed when t ends.
func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, testConfig)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// TestStore runs the suite with a database for each subtest.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) qslocal.Store {
		s, err := Open(t.Context(), migrated(t), testConfig)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s // storetest closes it
	})
}

// TestStoreInSchemas runs the suite again in one database, each subtest
// in a schema of its own named by search_path in the DSN: how qslocal
// shares a database with other programs.
func TestStoreInSchemas(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the suite again, its migrations taking turns on one database's lock")
	}
	t.Parallel()
	dsn := pgtest.Database(t) // the subtests take the slots
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) qslocal.Store {
		slot(t)
		schema := fmt.Sprintf("qslocal_%d", n.Add(1))
		admin(t, dsn, func(conn *pgx.Conn) {
			if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
				t.Fatal(err)
			}
		})
		s, err := Open(t.Context(), withParam(t, dsn, "search_path", schema), Config{MaxConns: 2})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s // storetest closes it
	})
	admin(t, dsn, func(conn *pgx.Conn) {
		var tables int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("%d tables in schema public, want them all in the DSN's search_path", tables)
		}
	})
}

// withParam returns dsn with a run-time parameter added.
func withParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

// admin runs fn on a connection of its own to dsn.
func admin(t testing.TB, dsn string, fn func(conn *pgx.Conn)) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	fn(conn)
}

// queryInt runs a query returning one integer on s's pool.
func queryInt(t testing.TB, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

var now = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func user(account, namespace, name string) qslocal.User {
	return qslocal.User{
		Account: account, Namespace: namespace, Name: name, PrincipalID: "pid-" + name,
		Role: "READER", IdentityType: "QUICKSIGHT", Active: true, CreatedAt: now, UpdatedAt: now,
	}
}

func group(account, namespace, name string) qslocal.Group {
	return qslocal.Group{Account: account, Namespace: namespace, Name: name, PrincipalID: "gid-" + name,
		CreatedAt: now, UpdatedAt: now}
}

func mustUpdate(t testing.TB, s qslocal.Store, fn func(tx qslocal.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func mustView(t testing.TB, s qslocal.Store, fn func(tx qslocal.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// Processes opening a new database at once: one migrates, the others wait
// for it and find the schema current; all share one secret.
func TestConcurrentOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: processes racing to migrate a new database")
	}
	t.Parallel()
	slot(t)
	testConcurrentOpen(t, lockQuery)
}

// Without the advisory lock (as on a database whose advisory locks do
// nothing, or are missing), the concurrent migrations fail on each other's
// tables and start again until one has committed.
func TestConcurrentOpenWithoutLock(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: processes racing to migrate a new database")
	}
	t.Parallel()
	slot(t)
	for range 2 {
		testConcurrentOpen(t, "")
	}
	testConcurrentOpen(t, `SELECT qslocal_no_such_lock($1)`) // undefined_function
}

func testConcurrentOpen(t *testing.T, lock string) {
	dsn := pgtest.Database(t)
	const n = 5
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = open(t.Context(), dsn, Config{MaxConns: 2}, lock)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	var retries int64
	for _, s := range stores {
		retries += s.retries.Load()
	}
	t.Logf("lock %q: %d migrations started again", lock, retries)
	want, err := stores[0].Secret(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		got, err := s.Secret(t.Context())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("store %d: Secret = %x, %v; want %x", i, got, err, want)
		}
	}
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	s := stores[0]
	if got := queryInt(t, s, `SELECT count(*) FROM schema_migrations`); got != len(files) {
		t.Errorf("schema_migrations has %d rows, want %d", got, len(files))
	}
	if got := queryInt(t, s, `SELECT count(*) FROM meta`); got != 1 {
		t.Errorf("meta has %d rows, want 1", got)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`); got != 20 {
		t.Errorf("%d tables, want 20 (schema_migrations and 19 of the schema)", got)
	}
	// Every store works on the one schema.
	mustUpdate(t, stores[1], func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(t.Context(), "1", "us-east-1", now); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), user("1", "default", "alice"))
	})
	for i, s := range stores {
		mustView(t, s, func(tx qslocal.Tx) error {
			_, err := tx.User(t.Context(), "1", "default", "alice")
			if err != nil {
				t.Errorf("store %d: User: %v", i, err)
			}
			return nil
		})
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	dsn := database(t)
	s := openTest(t, dsn)
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(t.Context(), "1", "us-east-1", now); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), user("1", "default", "alice"))
	})
	secret, _ := s.Secret(t.Context())
	s.Close()
	files, _ := fs.Glob(migrations, "migrations/*.sql")

	for range 2 {
		s := openTest(t, dsn)
		if got, _ := s.Secret(t.Context()); !bytes.Equal(got, secret) {
			t.Errorf("Secret after reopen = %x, want %x", got, secret)
		}
		if got := queryInt(t, s, `SELECT count(*) FROM schema_migrations`); got != len(files) {
			t.Errorf("schema_migrations has %d rows after reopen, want %d", got, len(files))
		}
		mustView(t, s, func(tx qslocal.Tx) error {
			_, err := tx.User(t.Context(), "1", "default", "alice")
			return err
		})
		s.Close()
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	dsn := migrated(t)
	s := openTest(t, dsn)
	if _, err := s.pool.Exec(t.Context(), `INSERT INTO schema_migrations VALUES (9999, now())`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(t.Context(), dsn, testConfig)
	if err == nil {
		s2.Close()
		t.Fatal("Open of a database from a newer program succeeded")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v, want a schema version error", err)
	}
}

// Every text column is COLLATE "C", and every foreign key's columns lead an
// index of the referencing table, in any order.
func TestSchema(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	rows, err := s.pool.Query(t.Context(), `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations'
		AND collation_name IS DISTINCT FROM 'C'`)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("text columns not COLLATE \"C\": %q", bad)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'text'`); n < 40 {
		t.Errorf("only %d text columns: is the query right?", n)
	}

	// conkey is the foreign key's columns; indkey an index's, in order.
	rows, err = s.pool.Query(t.Context(), `SELECT c.conname FROM pg_constraint AS c
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
		AND NOT EXISTS (
			SELECT FROM pg_index AS i
			WHERE i.indrelid = c.conrelid
			AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
			AND cardinality(i.indkey::int2[]) >= cardinality(c.conkey)
		)`)
	if err != nil {
		t.Fatal(err)
	}
	unindexed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(unindexed) > 0 {
		t.Errorf("foreign keys without an index: %q", unindexed)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM pg_constraint WHERE contype = 'f'
		AND connamespace = current_schema()::regnamespace`); n != 18 {
		t.Errorf("%d foreign keys, want 18", n)
	}
}
