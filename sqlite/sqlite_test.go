package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/storetest"
)

func mustOpen(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, Config{})
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	return s
}

func TestStoreFile(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) qslocal.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "qslocal.db"))
	})
}

func TestStoreMemory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) qslocal.Store { return mustOpen(t, ":memory:") })
}

var now = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func user(account, namespace, name string) qslocal.User {
	return qslocal.User{
		Account: account, Namespace: namespace, Name: name, PrincipalID: "pid-" + name,
		Role: "READER", IdentityType: "QUICKSIGHT", Active: true, CreatedAt: now, UpdatedAt: now,
	}
}

func mustUpdate(t testing.TB, s *Store, fn func(tx qslocal.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func count(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.read.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestReopenKeepsDataAndSecret(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	s := mustOpen(t, path)
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(t.Context(), "1", "us-east-1", now); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), user("1", "default", "alice"))
	})
	secret, err := s.Secret(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = mustOpen(t, path)
	defer s.Close()
	got, err := s.Secret(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, secret) {
		t.Errorf("Secret after reopen = %x, want %x", got, secret)
	}
	err = s.View(t.Context(), func(tx qslocal.Tx) error {
		_, err := tx.User(t.Context(), "1", "default", "alice")
		return err
	})
	if err != nil {
		t.Errorf("User after reopen: %v", err)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	t.Parallel()
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %q, %v", files, err)
	}
	path := filepath.Join(t.TempDir(), "qslocal.db")
	for range 3 {
		s := mustOpen(t, path)
		var n, maxVersion int
		err := s.read.QueryRowContext(t.Context(), "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &maxVersion)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(files) || maxVersion != len(files) {
			t.Errorf("schema_migrations has %d rows up to version %d, want %d", n, maxVersion, len(files))
		}
		if got := count(t, s, "meta"); got != 1 {
			t.Errorf("meta has %d rows, want 1", got)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	s := mustOpen(t, path)
	if _, err := s.write.ExecContext(t.Context(), "INSERT INTO schema_migrations VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(t.Context(), path, Config{}); err == nil {
		s.Close()
		t.Fatal("Open of a database from a newer program succeeded")
	}
}

// Stores sharing a file stand for processes sharing it: they must agree on
// the secret, and writers must wait for each other rather than fail.
func TestStoresSharingAFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), path, Config{}) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		defer s.Close()
	}
	first, err := stores[0].Secret(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range stores[1:] {
		if got, err := s.Secret(t.Context()); err != nil || !bytes.Equal(got, first) {
			t.Errorf("store %d: Secret = %x, %v; want %x", i+1, got, err, first)
		}
	}

	mustUpdate(t, stores[0], func(tx qslocal.Tx) error { return tx.EnsureAccount(t.Context(), "1", "us-east-1", now) })
	const n = 40
	errs = make([]error, n)
	for i := range n {
		// Read before writing: a deferred transaction would fail to upgrade
		// its lock once another store has committed.
		wg.Go(func() {
			errs[i] = stores[i%len(stores)].Update(t.Context(), func(tx qslocal.Tx) error {
				if _, err := tx.ListUsers(t.Context(), "1", "default", "", 1); err != nil {
					return err
				}
				return tx.CreateUser(t.Context(), user("1", "default", fmt.Sprintf("user%02d", i)))
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Update %d: %v", i, err)
		}
	}
	if got := count(t, stores[1], "users"); got != n {
		t.Errorf("%d users, want %d", got, n)
	}
}

func TestPaths(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, name := range []string{"relative.db", filepath.Join(dir, "a?b=c&d%20e #f é.db")} {
		s := mustOpen(t, name)
		mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(t.Context(), "1", "us-east-1", now) })
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.Base(name))); err != nil {
			t.Errorf("Open(%q) did not create that file: %v", name, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("directory holds %d entries, want the 2 databases", len(entries))
	}
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "qslocal.db"))
	defer s.Close()
	tests := []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
		{"mmap_size", "1073741824"},
	}
	for name, db := range map[string]*sql.DB{"write": s.write, "read": s.read} {
		for _, tt := range tests {
			var got string
			if err := db.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("%s pool: PRAGMA %s: %v", name, tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("%s pool: %s = %s, want %s", name, tt.pragma, got, tt.want)
			}
		}
	}
}

// LockTimeout sets busy_timeout on every connection, in whole
// milliseconds rounded up; 0 is the default.
func TestLockTimeoutPragma(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		timeout time.Duration
		want    string
	}{
		{0, "10000"},
		{1500 * time.Millisecond, "1500"},
		{1500 * time.Microsecond, "2"},
		{time.Nanosecond, "1"},
		{2 * time.Minute, "120000"},
	} {
		for _, path := range []string{filepath.Join(t.TempDir(), "qslocal.db"), ":memory:"} {
			s, err := Open(t.Context(), path, Config{LockTimeout: tt.timeout})
			if err != nil {
				t.Fatalf("Open with LockTimeout %v: %v", tt.timeout, err)
			}
			for name, db := range map[string]*sql.DB{"write": s.write, "read": s.read} {
				var got string
				if err := db.QueryRowContext(t.Context(), "PRAGMA busy_timeout").Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("%s, LockTimeout %v: %s pool busy_timeout = %s, want %s", path, tt.timeout, name, got, tt.want)
				}
			}
			s.Close()
		}
	}
	if s, err := Open(t.Context(), ":memory:", Config{LockTimeout: -time.Second}); err == nil {
		s.Close()
		t.Error("Open with a negative LockTimeout succeeded")
	}
}

// holdWriteLock takes the write lock of the database at path on a
// connection of its own, as another process would, with a write of its
// own pending; release rolls it back.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"BEGIN IMMEDIATE", "INSERT INTO accounts (account, created_at) VALUES ('other', 0)"} {
		if _, err := conn.ExecContext(t.Context(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return func() {
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			t.Errorf("ROLLBACK: %v", err)
		}
		conn.Close()
		db.Close()
	}
}

// A write waits LockTimeout for the write lock that another process holds,
// then fails with ErrBusy, which is also ErrUnavailable, having run
// nothing; readers go on meanwhile, and the store writes again once the
// lock is free.
func TestBusy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	const timeout = 200 * time.Millisecond
	s, err := Open(ctx, path, Config{LockTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) })

	release := holdWriteLock(t, path)
	called := false
	start := time.Now()
	err = s.Update(ctx, func(tx qslocal.Tx) error {
		called = true
		return tx.CreateUser(ctx, user("1", "default", "alice"))
	})
	waited := time.Since(start)
	var coded interface{ Code() int }
	if !errors.Is(err, qslocal.ErrBusy) || !errors.Is(err, qslocal.ErrUnavailable) || !errors.As(err, &coded) {
		t.Errorf("Update while another process holds the lock: %v, want ErrBusy (and ErrUnavailable) wrapping the driver error", err)
	}
	if called {
		t.Error("Update ran fn without the write lock")
	}
	if waited < timeout*9/10 || waited > 5*time.Second {
		t.Errorf("Update failed after %v, want after about %v", waited, timeout)
	}
	err = s.View(ctx, func(tx qslocal.Tx) error {
		_, err := tx.Namespace(ctx, "1", "default")
		return err
	})
	if err != nil {
		t.Errorf("View while another process holds the lock: %v", err)
	}
	release()

	err = s.View(ctx, func(tx qslocal.Tx) error {
		if n, err := tx.CountUsers(ctx, "1", "default"); err != nil || n != 0 {
			t.Errorf("CountUsers after the failed Update = %d, %v; want 0", n, err)
		}
		_, err := tx.Namespace(ctx, "other", "default")
		if !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("the other process's rolled back write: %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateUser(ctx, user("1", "default", "alice")) })

	// A lock released within the timeout is waited for.
	s2, err := Open(ctx, path, Config{LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	release = holdWriteLock(t, path)
	released := make(chan struct{})
	time.AfterFunc(100*time.Millisecond, func() {
		defer close(released)
		release()
	})
	mustUpdate(t, s2, func(tx qslocal.Tx) error { return tx.CreateUser(ctx, user("1", "default", "bob")) })
	<-released
	if got := count(t, s2, "users"); got != 2 {
		t.Errorf("%d users, want 2", got)
	}
}

func TestUnknownNamespace(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(t.Context(), "1", "us-east-1", now) })
	for _, u := range []qslocal.User{user("1", "other", "alice"), user("2", "default", "alice")} {
		err := s.Update(t.Context(), func(tx qslocal.Tx) error { return tx.CreateUser(t.Context(), u) })
		if !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("CreateUser in %s/%s: err = %v, want %v", u.Account, u.Namespace, err, qslocal.ErrNotFound)
		}
	}
}

func TestSameNameInAnotherNamespace(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(t.Context(), "1", "us-east-1", now); err != nil {
			return err
		}
		return tx.CreateNamespace(t.Context(), qslocal.Namespace{Account: "1", Name: "other", IdentityStore: "QUICKSIGHT"})
	})
	a, b := user("1", "default", "alice"), user("1", "other", "alice")
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.CreateUser(t.Context(), a); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), b)
	})
	err := s.View(t.Context(), func(tx qslocal.Tx) error {
		for _, u := range []qslocal.User{a, b} {
			users, err := tx.ListUsers(t.Context(), u.Account, u.Namespace, "", 10)
			if err != nil {
				return err
			}
			if len(users) != 1 || users[0] != u {
				t.Errorf("ListUsers(%s) = %+v, want [%+v]", u.Namespace, users, u)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeleteCascades(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "qslocal.db"))
	defer s.Close()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		for _, a := range []string{"1", "2"} {
			if err := tx.EnsureAccount(t.Context(), a, "us-east-1", now); err != nil {
				return err
			}
			if err := tx.CreateUser(t.Context(), user(a, "default", "alice")); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := s.write.ExecContext(t.Context(), "DELETE FROM accounts WHERE account = '1'"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "namespaces"); n != 1 {
		t.Errorf("%d namespaces left, want 1", n)
	}
	if n := count(t, s, "users"); n != 1 {
		t.Errorf("%d users left, want 1", n)
	}
}

func TestMemoryStoresArePrivate(t *testing.T) {
	t.Parallel()
	a, b := mustOpen(t, ":memory:"), mustOpen(t, ":memory:")
	defer a.Close()
	defer b.Close()
	mustUpdate(t, a, func(tx qslocal.Tx) error { return tx.EnsureAccount(t.Context(), "1", "us-east-1", now) })
	err := b.View(t.Context(), func(tx qslocal.Tx) error {
		_, err := tx.Namespace(t.Context(), "1", "default")
		return err
	})
	if !errors.Is(err, qslocal.ErrNotFound) {
		t.Errorf("second memory store: err = %v, want %v", err, qslocal.ErrNotFound)
	}
}

func TestErrorsKeepCause(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, ":memory:")
	defer s.Close()
	u := user("1", "default", "alice")
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(t.Context(), "1", "us-east-1", now); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), u)
	})
	err := s.Update(t.Context(), func(tx qslocal.Tx) error { return tx.CreateUser(t.Context(), u) })
	var coded interface{ Code() int }
	if !errors.Is(err, qslocal.ErrExists) || !errors.As(err, &coded) {
		t.Errorf("err = %v, want ErrExists wrapping the driver error", err)
	}
}

func benchStore(b *testing.B, users int) *Store {
	s := mustOpen(b, filepath.Join(b.TempDir(), "qslocal.db"))
	b.Cleanup(func() { s.Close() })
	mustUpdate(b, s, func(tx qslocal.Tx) error {
		if err := tx.EnsureAccount(b.Context(), "1", "us-east-1", now); err != nil {
			return err
		}
		for i := range users {
			if err := tx.CreateUser(b.Context(), user("1", "default", fmt.Sprintf("user%06d", i))); err != nil {
				return err
			}
		}
		return nil
	})
	return s
}

// BenchmarkCreateUser measures one committed (fsynced) transaction per user.
func BenchmarkCreateUser(b *testing.B) {
	s := benchStore(b, 0)
	i := 0
	for b.Loop() {
		u := user("1", "default", fmt.Sprintf("user%06d", i))
		i++
		mustUpdate(b, s, func(tx qslocal.Tx) error { return tx.CreateUser(b.Context(), u) })
	}
}

// BenchmarkListUsers reads 100-user pages of a 10000-user namespace.
func BenchmarkListUsers(b *testing.B) {
	const users, page = 10000, 100
	s := benchStore(b, users)
	i := 0
	for b.Loop() {
		after := ""
		if n := i % (users / page); n > 0 {
			after = fmt.Sprintf("user%06d", n*page-1)
		}
		i++
		err := s.View(b.Context(), func(tx qslocal.Tx) error {
			got, err := tx.ListUsers(b.Context(), "1", "default", after, page)
			if err == nil && len(got) != page {
				err = fmt.Errorf("page after %q has %d users", after, len(got))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestOpenWaitsForAMigration: a process opening a database while another
// holds its write lock (migrating a large database, say) waits past its
// lock timeout until the lock is free, and only as long as ctx allows.
func TestOpenWaitsForAMigration(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	s, err := Open(t.Context(), path, Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	const timeout = 50 * time.Millisecond
	release := holdWriteLock(t, path)
	short, cancel := context.WithTimeout(t.Context(), 6*timeout)
	defer cancel()
	if s, err := Open(short, path, Config{LockTimeout: timeout}); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open while the lock is held, until ctx ends: %v, want the context's error", err)
	}
	time.AfterFunc(6*timeout, release)
	s, err = Open(t.Context(), path, Config{LockTimeout: timeout})
	if err != nil {
		t.Fatalf("Open once the lock is released: %v", err)
	}
	s.Close()
}

// TestFull: a write that finds the database full (here max_page_count, as
// a full disk would) is ErrUnavailable, which the API answers with a
// retryable 503, changes nothing, and leaves the store serving reads.
func TestFull(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "q.db"))
	defer s.Close()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", time.Now()) })
	var pages int
	if err := s.write.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The write pool's one connection keeps the limit.
	if _, err := s.write.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
		t.Fatal(err)
	}
	var err error
	written := 0
	for i := 0; err == nil && i < 10_000; i++ {
		err = s.Update(ctx, func(tx qslocal.Tx) error {
			u := user("1", "default", fmt.Sprintf("user%05d", i))
			u.Email = string(bytes.Repeat([]byte("x"), 2000)) + "@example.com"
			return tx.CreateUser(ctx, u)
		})
		if err == nil {
			written++
		}
	}
	if !errors.Is(err, qslocal.ErrUnavailable) {
		t.Fatalf("write to a full database = %v, want ErrUnavailable", err)
	}
	if n := count(t, s, "users"); n != written {
		t.Errorf("%d users after %d acknowledged writes", n, written)
	}
}
