// Package sqlite is a qslocal.Store backed by an SQLite database file.
//
// Timestamps are stored as INTEGER unix microseconds and read back in UTC,
// so times keep microsecond precision. Names use SQLite's default BINARY
// collation and therefore compare byte-wise, like Go strings.
package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/qslocal/qslocal"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Config tunes a Store. The zero value is the default.
type Config struct {
	// LockTimeout is how long a write waits for the database's write lock
	// while another connection or process holds it (SQLite's busy_timeout),
	// and how long Open waits to switch a new file to WAL mode. Past it the
	// write fails with qslocal.ErrBusy. 0: 10s.
	LockTimeout time.Duration
	// Observer, when set, is told of every Update and View.
	Observer qslocal.StoreObserver
}

// defaultLockTimeout is Config.LockTimeout's default.
const defaultLockTimeout = 10 * time.Second

// lockTimeout is cfg's LockTimeout, or the default.
func (cfg Config) lockTimeout() time.Duration {
	if cfg.LockTimeout == 0 {
		return defaultLockTimeout
	}
	return cfg.LockTimeout
}

// busyTimeout is the busy_timeout pragma for a lock timeout: whole
// milliseconds, rounded up so that a short timeout still waits.
func busyTimeout(d time.Duration) string {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return fmt.Sprintf("_pragma=busy_timeout(%d)", ms)
}

// pragmas are applied to every connection. synchronous=FULL: in WAL mode
// NORMAL already survives a process crash; FULL also survives an OS crash
// or power loss, at the cost of an fsync per commit, so an acknowledged
// write is never lost. WAL mode, which lets readers run beside the writer,
// is a property of the file that Open sets once (see enableWAL).
//
// mmap_size: connections read the database file through a memory map of
// up to mmapSize bytes instead of copying each page into their own cache
// with a read call. A large database (a million users take about 360 MB)
// is then read at memory speed, every connection reading the same pages
// of the kernel's page cache: file-backed memory, which the kernel may
// reclaim, not the process's own (RSS counts these pages once for each
// connection that has touched them, as RssFile; RssAnon stays small).
// Each connection's page cache (cache_size, SQLite's 2 MB) is left as it
// is: it holds what a connection writes and the pages it reads from the
// WAL.
func pragmas(lockTimeout time.Duration) string {
	return busyTimeout(lockTimeout) + "&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)" +
		fmt.Sprintf("&_pragma=mmap_size(%d)", mmapSize)
}

// mmapSize is the most of the database file that is memory-mapped: 1 GiB
// of address space, which costs nothing until pages are read.
const mmapSize = 1 << 30

// writeParams makes the write pool's transactions (the migrations') BEGIN
// IMMEDIATE, as the writer's batches are: it takes the write lock up
// front, so two writers never deadlock upgrading a read lock, and a write
// that cannot have it fails before running anything.
func writeParams(lockTimeout time.Duration) string {
	return pragmas(lockTimeout) + "&_txlock=immediate"
}

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a qslocal.Store. It is safe for concurrent use.
type Store struct {
	write   *sql.DB  // one connection: SQLite has a single writer anyway
	read    *sql.DB  // the read sessions' connections; the same pool as write for ":memory:"
	writer  *writer  // runs Updates on write, with group commit
	readers *readers // runs Views; nil for ":memory:", whose Views take turns with Updates
	secret  []byte   // never changes once created, so read once at Open
	obs     qslocal.StoreObserver
}

var _ qslocal.Store = (*Store)(nil)

// Open opens or creates the database at path and brings its schema up to
// date. The path ":memory:" gives a private database that lives until Close.
func Open(ctx context.Context, path string, cfg Config) (*Store, error) {
	if cfg.LockTimeout < 0 {
		return nil, fmt.Errorf("sqlite: open: negative lock timeout %v", cfg.LockTimeout)
	}
	timeout := cfg.lockTimeout()
	var s *Store
	if path == ":memory:" {
		// Each connection to ":memory:" is a database of its own, so a
		// single connection serves reads and writes. database/sql keeps it
		// open: no lifetime or idle limit is set.
		db, err := sql.Open("sqlite", ":memory:?"+writeParams(timeout))
		if err != nil {
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
		db.SetMaxOpenConns(1)
		s = &Store{write: db, read: db, writer: newWriter(newSession(db), 1), obs: cfg.Observer}
	} else {
		// A file: URI, so that '?' or '%' in the path are not taken as
		// parameters; relative URIs would be read as having an authority.
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
		if err := checkDir(filepath.Dir(abs)); err != nil {
			return nil, err
		}
		uri := url.URL{Scheme: "file", Path: abs}
		if err := enableWAL(ctx, uri, timeout); err != nil {
			return nil, err
		}
		uri.RawQuery = writeParams(timeout)
		write, err := sql.Open("sqlite", uri.String())
		if err != nil {
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
		write.SetMaxOpenConns(1)
		uri.RawQuery = pragmas(timeout)
		read, err := sql.Open("sqlite", uri.String())
		if err != nil {
			write.Close()
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
		// The sessions hold their connections; read has no bound of its
		// own, so that Size, say, never waits for one.
		n := max(4, runtime.NumCPU())
		s = &Store{write: write, read: read, writer: newWriter(newSession(write), maxBatch),
			readers: newReaders(read, n), obs: cfg.Observer}
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// checkDir tells why SQLite could not create a database, its journal or
// its WAL in dir, which SQLite itself reports only as "unable to open
// database file".
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlite: open: directory %s does not exist", dir)
	}
	if err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("sqlite: open: %s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".qslocal-probe-*")
	if err != nil {
		return fmt.Errorf("sqlite: open: directory %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// enableWAL puts the database file at uri in WAL mode, which the file then
// keeps. Connections do not ask for it as they open: when two connections
// convert a new file at once, one can fail with SQLITE_BUSY without waiting
// for busy_timeout, or see the change refused and the old mode returned,
// so processes opening a new database together could fail. Here the change
// is retried until it takes, for up to lockTimeout, like busy_timeout
// bounds waiting for a lock; on a file already in WAL mode it is a no-op.
func enableWAL(ctx context.Context, uri url.URL, lockTimeout time.Duration) error {
	uri.RawQuery = busyTimeout(lockTimeout)
	db, err := sql.Open("sqlite", uri.String())
	if err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	defer db.Close()
	deadline := time.Now().Add(lockTimeout)
	for {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil && strings.EqualFold(mode, "wal") {
			return nil
		}
		if err != nil && !errors.Is(wrap("", err), qslocal.ErrUnavailable) {
			return fmt.Errorf("sqlite: open: set WAL mode: %w", err)
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("journal mode stays %q", mode)
			}
			return fmt.Errorf("sqlite: open: set WAL mode: %w (%w)", qslocal.ErrBusy, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sqlite: open: %w", ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// migrate applies, in one transaction, the embedded migrations not yet
// recorded in schema_migrations, then creates or loads the pagination secret.
// Migration files are named NNNN_description.sql, numbered from 0001.
func (s *Store) migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql") // sorted by name
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	for i, name := range files {
		if !strings.HasPrefix(name, fmt.Sprintf("migrations/%04d_", i+1)) {
			return fmt.Errorf("sqlite: migrate: %s is out of sequence", name)
		}
	}

	// Another process may be migrating a large database, holding the
	// write lock past the lock timeout: wait for it as long as ctx allows,
	// as the PostgreSQL store does.
	var tx *sql.Tx
	for {
		tx, err = s.write.BeginTx(ctx, nil)
		if err == nil {
			break
		}
		if err := wrap("migrate", err); !errors.Is(err, qslocal.ErrBusy) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sqlite: migrate: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	defer tx.Rollback() // no-op after Commit
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if version > len(files) {
		return fmt.Errorf("sqlite: migrate: database schema version %d is newer than this program's %d", version, len(files))
	}
	for _, name := range files[version:] {
		version++
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("sqlite: migrate: %w", err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			version, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", name, err)
		}
	}

	// Created by whichever Open commits first, then never changed.
	secret := make([]byte, 32)
	rand.Read(secret)
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('pagination_secret', ?)
		ON CONFLICT DO NOTHING`, secret); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'pagination_secret'`).Scan(&s.secret); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

// Update implements qslocal.Store, with group commit (see writer): fn
// runs in a transaction shared with the Updates that arrive alongside it,
// under a savepoint of its own. It never retries: BEGIN IMMEDIATE waits
// for the write lock (up to busy_timeout) instead of failing later.
func (s *Store) Update(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	defer s.observe("update", time.Now())
	return s.writer.update(ctx, fn)
}

// View implements qslocal.Store: fn runs in a read transaction, whose
// snapshot (in WAL mode) is the database as of its first statement. A
// single statement would read a consistent snapshot without one, but
// every read of the service runs at least two (the account, then what it
// reads), which must see the same database; the transaction costs two
// prepared statements that take no lock (BEGIN is deferred, and its
// snapshot starts with fn's first statement).
func (s *Store) View(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	defer s.observe("view", time.Now())
	if err := ctx.Err(); err != nil {
		return wrap("begin", err)
	}
	view := func(t *tx) error { return fn(t) }
	if s.readers == nil {
		return s.writer.view(ctx, view)
	}
	return s.readers.view(ctx, view)
}

// observe reports a transaction of kind begun at start to the observer.
func (s *Store) observe(kind string, start time.Time) {
	if s.obs != nil {
		s.obs.Transaction(kind, time.Since(start))
	}
}

// Size implements qslocal.Sizer: the pages of the database as a reader
// sees it now, those still in the WAL included.
func (s *Store) Size(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&n); err != nil {
		return 0, wrap("size", err)
	}
	return n, nil
}

// Secret implements qslocal.Store.
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: secret: %w", err)
	}
	return bytes.Clone(s.secret), nil
}

// Close implements qslocal.Store: it waits for the transactions in
// progress. The write pool closes last, so its connection is the
// database's last: SQLite then checkpoints the WAL into the main file and
// removes it.
func (s *Store) Close() error {
	if s.readers == nil {
		return errors.Join(s.writer.close(), s.write.Close())
	}
	return errors.Join(s.readers.close(), s.read.Close(), s.writer.close(), s.write.Close())
}
