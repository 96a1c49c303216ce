// Package postgres is a qslocal.Store backed by PostgreSQL, so that several
// qslocal processes can share one database.
//
// Schema. Open applies the embedded migrations (migrations/*.sql) in one
// transaction and records them in schema_migrations. Every text column is
// COLLATE "C", so names compare and sort byte-wise, like Go strings and
// like the SQLite store, whatever the database's default collation;
// prefixes are key ranges, never LIKE patterns. Timestamps are timestamptz
// (microseconds), read back in UTC.
//
// Transactions. Update runs fn in a SERIALIZABLE READ WRITE transaction and
// runs it again, from the start, when PostgreSQL reports a serialization
// failure (40001) or a deadlock (40P01), with a short jittered backoff, for
// up to retryBudget; then it gives up with qslocal.ErrBusy. View runs fn in
// a REPEATABLE READ READ ONLY transaction: one snapshot for all of fn. The
// store relies on PostgreSQL's SERIALIZABLE being serializable snapshot
// isolation, under which the look-then-write rules of the service (check a
// name is free, count, then insert) behave as if requests ran one at a
// time. CockroachDB and YugabyteDB also offer SERIALIZABLE and report
// conflicts as 40001.
//
// A statement that fails inside a PostgreSQL transaction aborts it, but the
// service may go on after a method returns ErrExists or ErrNotFound (for
// example, "already a member" is a success). So no method reaches such an
// error through a failing statement: inserts use ON CONFLICT DO NOTHING and
// check what they inserted, parents are looked up in the same statement
// rather than left to foreign keys, and the updates that may hit a unique
// key run under a savepoint. Keys PostgreSQL cannot hold (invalid UTF-8, or
// a NUL byte) are answered in Go: see keys.go.
//
// Locks. Every connection starts with the run-time parameter lock_timeout
// (Config.LockTimeout; sent at connection startup, so it costs no round
// trip): a statement waiting longer than that for a lock (a row another
// transaction writes, say) fails with lock_not_available, which is
// qslocal.ErrBusy and is not retried, since the lock was held all along.
// Only the migrations wait as long as it takes: behind the advisory lock,
// another process may be migrating.
//
// Timeout. Each Update and View, retries included, is bounded by
// Config.Timeout: past it, its connection is closed (which also ends a
// statement on a database that no longer answers at all) and it fails with
// qslocal.ErrUnavailable.
//
// Errors. unique_violation is qslocal.ErrExists; foreign_key_violation is
// qslocal.ErrNotFound; lock_not_available, and serialization failures past
// the retry budget, are qslocal.ErrBusy (which is also
// qslocal.ErrUnavailable); a failure to reach the database (refused or
// broken connections, the server shutting down or refusing connections,
// waiting too long for a pooled connection) is qslocal.ErrUnavailable, as
// is a server short of resources (disk_full, out_of_memory, ...), and
// the store recovers by itself when the database comes back: the pool
// drops broken connections, pings a connection idle for more than a second
// before handing it out, and checks idle ones every healthCheckPeriod.
package postgres

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/qslocal/qslocal"
)

//go:embed migrations/*.sql
var migrations embed.FS

const (
	// defaultConnectTimeout applies when neither Config nor the DSN sets one.
	defaultConnectTimeout = 5 * time.Second
	// healthCheckPeriod is how often the pool checks its idle connections,
	// so that those broken while the database was away are replaced soon.
	healthCheckPeriod = 10 * time.Second
	// maxAttempts bounds how many times Open runs the migrations, and View
	// a transaction whose pooled connection turned out broken.
	maxAttempts = 10
	// retryBudget bounds how long Update keeps retrying serialization
	// failures before giving up with qslocal.ErrBusy: under
	// contention on one hot spot (say, many creates racing for an
	// account's last namespaces) every round commits at least one racer,
	// so waiting it out beats failing the request.
	retryBudget = 10 * time.Second
	// defaultLockTimeout is lock_timeout when neither Config nor the DSN
	// sets it.
	defaultLockTimeout = 10 * time.Second
	// rollbackTimeout bounds ending a transaction whose context is done.
	rollbackTimeout = 5 * time.Second
	// migrationLock is the key of the advisory lock that serializes Open's
	// migrations: "qslocal" in ASCII.
	migrationLock int64 = 0x71736c6f63616c
)

// Config tunes the connection pool. The zero value is fine.
type Config struct {
	MaxConns        int32         // pool size; 0: pgxpool's default (pool_max_conns in the DSN, else max(4, NumCPU))
	MinConns        int32         // idle connections kept open; 0: none
	MaxConnLifetime time.Duration // 0: default (one hour)
	MaxConnIdleTime time.Duration // 0: default (30 minutes)
	// ConnectTimeout bounds dialing a new connection, and also waiting for a
	// pooled one when all are busy; either failing is qslocal.ErrUnavailable.
	// 0: the DSN's connect_timeout, else 5s.
	ConnectTimeout time.Duration
	// LockTimeout bounds how long a statement waits for a lock that
	// concurrent writers hold (PostgreSQL's lock_timeout, set at connection
	// startup); past it the transaction fails with qslocal.ErrBusy.
	// 0: the DSN's lock_timeout, else 10s.
	LockTimeout time.Duration
	// Timeout bounds each Update and View, its retries included: one not
	// done by then (the database frozen, or a statement running long) has
	// its connection closed and fails with qslocal.ErrUnavailable, or, if
	// its COMMIT was sent already, with an error saying the outcome is
	// unknown. 0: the lock timeout plus 5s, so that a write that waits its
	// full lock timeout still fails as ErrBusy.
	Timeout time.Duration
	// Observer, when set, is told of every Update and View, and of each
	// time one starts again.
	Observer qslocal.StoreObserver
}

// Store is a qslocal.Store. It is safe for concurrent use.
type Store struct {
	pool           *pgxpool.Pool
	acquireTimeout time.Duration
	secret         []byte       // never changes once created, so read once at Open
	retries        atomic.Int64 // transactions started again, for tests
	retryBudget    time.Duration
	timeout        time.Duration // Config.Timeout
	obs            qslocal.StoreObserver
}

var (
	_ qslocal.Store    = (*Store)(nil)
	_ qslocal.Analyzer = (*Store)(nil)
)

// Open connects to the database at dsn (a postgres:// or postgresql:// URL,
// or key=value pairs, as libpq reads them) and brings its schema up to
// date. Several processes may open the same database at once. When the
// database cannot be reached, the error wraps qslocal.ErrUnavailable.
func Open(ctx context.Context, dsn string, cfg Config) (*Store, error) {
	return open(ctx, dsn, cfg, lockQuery)
}

// lockQuery takes the migration lock.
const lockQuery = `SELECT pg_advisory_xact_lock($1)`

// open is Open with another lock query ("" for none), for tests of what
// stands behind the lock.
func open(ctx context.Context, dsn string, cfg Config, lock string) (*Store, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if cfg.MinConns > 0 {
		pc.MinConns = cfg.MinConns
	}
	if pc.MinConns > pc.MaxConns {
		pc.MinConns = pc.MaxConns
	}
	if cfg.MaxConnLifetime > 0 {
		pc.MaxConnLifetime = cfg.MaxConnLifetime
	}
	if cfg.MaxConnIdleTime > 0 {
		pc.MaxConnIdleTime = cfg.MaxConnIdleTime
	}
	if cfg.ConnectTimeout > 0 {
		pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	} else if pc.ConnConfig.ConnectTimeout <= 0 {
		pc.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if cfg.LockTimeout > 0 {
		pc.ConnConfig.RuntimeParams["lock_timeout"] = lockTimeout(cfg.LockTimeout)
	} else if _, ok := pc.ConnConfig.RuntimeParams["lock_timeout"]; !ok {
		pc.ConnConfig.RuntimeParams["lock_timeout"] = lockTimeout(defaultLockTimeout)
	}
	pc.HealthCheckPeriod = min(pc.HealthCheckPeriod, healthCheckPeriod)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, wrap(ctx, "open", err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		lock := cmp.Or(cfg.LockTimeout, defaultLockTimeout)
		if ms, err := strconv.ParseInt(pc.ConnConfig.RuntimeParams["lock_timeout"], 10, 64); cfg.LockTimeout == 0 && err == nil && ms > 0 {
			lock = time.Duration(ms) * time.Millisecond // the DSN's
		}
		timeout = lock + 5*time.Second
	}
	s := &Store{pool: pool, acquireTimeout: pc.ConnConfig.ConnectTimeout, retryBudget: retryBudget, timeout: timeout, obs: cfg.Observer}
	if err := s.migrate(ctx, lock); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// lockTimeout writes d as a value of lock_timeout: whole milliseconds,
// rounded up, so that a positive d never becomes 0, which would mean no
// timeout.
func lockTimeout(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Millisecond-1)/time.Millisecond), 10)
}

// Close implements qslocal.Store: it closes every connection, waiting for
// those in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Secret implements qslocal.Store.
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: secret: %w", err)
	}
	return bytes.Clone(s.secret), nil
}

// acquire takes a pooled connection, waiting at most acquireTimeout.
func (s *Store) acquire(ctx context.Context, op string) (*pgxpool.Conn, error) {
	actx, cancel := context.WithTimeout(ctx, s.acquireTimeout)
	defer cancel()
	conn, err := s.pool.Acquire(actx)
	if err == nil {
		return conn, nil
	}
	if ctx.Err() == nil && actx.Err() != nil {
		return nil, fmt.Errorf("postgres: %s: no connection within %v: %w (%w)", op, s.acquireTimeout, qslocal.ErrUnavailable, err)
	}
	return nil, wrap(ctx, op, err)
}

// Update implements qslocal.Store. fn runs in a SERIALIZABLE transaction,
// again from the start after a serialization failure or a deadlock, for up
// to retryBudget; then the error wraps qslocal.ErrBusy. It also
// starts again when the connection breaks before the commit (the
// transaction is rolled back then): on another pooled connection, or a new
// one, whose dialing fails at once with ErrUnavailable if the database is
// down.
func (s *Store) Update(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	defer s.observe("update", time.Now())
	tctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.bounded(ctx, tctx, "update", s.update(tctx, fn))
}

func (s *Store) update(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.Serializable, AccessMode: pgx.ReadWrite}
	var err error
	start := time.Now()
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if time.Since(start) > s.retryBudget {
				// Conflicts with concurrent writers are ErrBusy; broken
				// connections, ErrUnavailable (which err wraps already).
				if retryable(err) {
					return fmt.Errorf("postgres: update: %d attempts failed: %w (%w)", attempt, qslocal.ErrBusy, err)
				}
				return fmt.Errorf("postgres: update: %d attempts failed: %w", attempt, err)
			}
			if ctxErr := sleep(ctx, backoff(attempt)); ctxErr != nil {
				return fmt.Errorf("postgres: update: %w (after %w)", ctxErr, err)
			}
		}
		var again bool
		if again, err = s.run(ctx, opts, fn); !again {
			return err
		}
		s.retry("update")
	}
}

// View implements qslocal.Store: fn runs once, in a REPEATABLE READ READ
// ONLY transaction, which reads one snapshot of the database. (Only a
// pooled connection found broken before fn runs makes View start again.)
func (s *Store) View(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	defer s.observe("view", time.Now())
	tctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.bounded(ctx, tctx, "view", s.view(tctx, fn))
}

func (s *Store) view(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	var err error
	for range maxAttempts {
		var again bool
		if again, err = s.run(ctx, opts, fn); !again {
			return err
		}
		s.retry("view")
	}
	return err
}

// bounded is the error of a transaction run under tctx, which is ctx with
// the store's timeout: where the timeout, not the caller, ended it, the
// error is ErrUnavailable (nothing changed: a COMMIT already sent is
// errOutcomeUnknown, and stays so).
func (s *Store) bounded(ctx, tctx context.Context, op string, err error) error {
	if err == nil || ctx.Err() != nil || tctx.Err() == nil || errors.Is(err, errOutcomeUnknown) ||
		errors.Is(err, qslocal.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) && !unavailable(err) {
		return err
	}
	return fmt.Errorf("postgres: %s: not done within %v: %w (%w)", op, s.timeout, qslocal.ErrUnavailable, err)
}

// errOutcomeUnknown: the connection failed after COMMIT was sent, so the
// transaction may or may not have committed.
var errOutcomeUnknown = errors.New("outcome unknown")

// observe reports a transaction of kind begun at start to the observer.
func (s *Store) observe(kind string, start time.Time) {
	if s.obs != nil {
		s.obs.Transaction(kind, time.Since(start))
	}
}

// retry counts a transaction of kind started again.
func (s *Store) retry(kind string) {
	s.retries.Add(1)
	if s.obs != nil {
		s.obs.Retry(kind)
	}
}

// tables are the tables the migrations make.
var tables = []string{
	"accounts", "asset_links", "asset_versions", "assets", "assignment_groups", "assignment_users",
	"assignments", "custom_permissions", "grants", "group_members", "groups", "meta", "namespaces",
	"role_custom_permissions", "role_members", "self_upgrade_configurations", "tags",
	"upgrade_requests", "users",
}

// Analyze implements qslocal.Analyzer: it refreshes the planner's
// statistics of the store's tables, which a bulk load leaves behind
// until autovacuum comes by. Key lookups do not need them (every one has
// an index of its own), but counts, searches and listings by a secondary
// index are planned better with them.
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, "ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return wrap(ctx, "analyze", err)
	}
	return nil
}

// Size implements qslocal.Sizer: the disk space the database takes.
func (s *Store) Size(ctx context.Context) (int64, error) {
	conn, err := s.acquire(ctx, "size")
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	var n int64
	if err := conn.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
		return 0, wrap(ctx, "size", err)
	}
	return n, nil
}

// run runs fn in one transaction. again reports a failure that running it
// once more may not meet: a pooled connection found broken before fn ran;
// and, for Update only, a serialization failure, a deadlock or a
// connection broken before the commit.
func (s *Store) run(ctx context.Context, opts pgx.TxOptions, fn func(tx qslocal.Tx) error) (again bool, err error) {
	readOnly := opts.AccessMode == pgx.ReadOnly
	op := "update"
	if readOnly {
		op = "view"
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("postgres: %s: %w", op, err)
	}
	conn, err := s.acquire(ctx, op)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	// fn's statements run under the caller's context, not ctx: when ctx
	// ends first (the store's timeout), closing the connection ends them,
	// even on a database that no longer answers.
	nc, closed := conn.Conn().PgConn().Conn(), make(chan struct{})
	stop := context.AfterFunc(ctx, func() { _ = nc.Close(); close(closed) })
	defer func() {
		if !stop() {
			// Closed under its transaction: never back into the pool.
			<-closed
			_ = conn.Hijack().Close(context.WithoutCancel(ctx))
		}
	}()
	ptx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		// A connection that broke while idle in the pool: the pool drops
		// it on Release, and the next attempt gets another or dials anew.
		// Nothing ran yet.
		again := ctx.Err() == nil && broken(err)
		return again, wrap(ctx, "begin", err)
	}
	t := &tx{tx: ptx, readOnly: readOnly}
	defer func() {
		// Also when fn panics, so the connection is not left in a
		// transaction; a no-op after Commit.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_ = ptx.Rollback(rctx) // on failure pgx closes the connection, and the pool drops it
	}()

	err = fn(t)
	if !readOnly && t.failed != nil && ctx.Err() == nil && (retryable(t.failed) || broken(t.failed)) {
		// Even if fn swallowed the error, or returned another: the
		// transaction is aborted, and fn's outcome void. The failure is
		// what Update reports should it give up.
		if err == nil || !errors.Is(err, t.failed) {
			err = wrap(ctx, op, t.failed)
		}
		return true, err
	}
	if err != nil {
		return false, err
	}
	if t.failed != nil {
		// fn went on after an error that aborted the transaction:
		// committing would roll back. A lock timeout or a server failure
		// is still ErrBusy or ErrUnavailable (nothing changed, and trying
		// again may succeed); any other error is no answer of the
		// contract's (not ErrExists, say, for an operation that went on).
		failed := t.failed
		if unavailable(failed) {
			failed = wrap(ctx, op, failed)
		}
		return false, fmt.Errorf("postgres: %s: fn ignored an error that aborted the transaction: %w", op, failed)
	}
	if err := ptx.Commit(ctx); err != nil {
		if !readOnly && retryable(err) {
			return true, wrap(ctx, "commit", err)
		}
		if !readOnly && (ctx.Err() != nil || broken(err)) && !pgconn.SafeToRetry(err) {
			// The connection broke, or the context ended, after COMMIT
			// was sent: the transaction may or may not have committed,
			// so this is not ErrUnavailable (which promises nothing
			// changed).
			return false, fmt.Errorf("postgres: commit: %w: %w", errOutcomeUnknown, err)
		}
		return false, wrap(ctx, "commit", err)
	}
	return false, nil
}

// backoff returns how long to wait before the given retry (1, 2, ...):
// exponential from 1ms up to 100ms, with full jitter so that racing
// transactions spread out.
func backoff(attempt int) time.Duration {
	d := min(time.Millisecond<<min(attempt, 10), 100*time.Millisecond)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// migrate applies, in one transaction, the embedded migrations not yet
// recorded in schema_migrations, then creates or loads the pagination
// secret. Migration files are named NNNN_description.sql, numbered from
// 0001.
//
// Processes opening one database at once take turns: the transaction first
// takes a transaction-scoped advisory lock (pg_advisory_xact_lock, released
// at commit or rollback), so the second waits for the first to commit, then
// finds the schema up to date. Behind the lock, the migration runs again
// from the start when it meets the errors of a concurrent one: a
// serialization failure, a deadlock, or the unique_violation (on the
// catalog) and duplicate_table that concurrent CREATE TABLE IF NOT EXISTS
// raise. That alone keeps concurrent Opens correct, only noisier, and is
// what remains on a database without the lock function (undefined_function:
// older CockroachDB has no pg_advisory_xact_lock, or a stub that locks
// nothing). Once it has migrated, it runs ANALYZE (see Analyze).
func (s *Store) migrate(ctx context.Context, lock string) error {
	files, err := fs.Glob(migrations, "migrations/*.sql") // sorted by name
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for i, name := range files {
		if !strings.HasPrefix(name, fmt.Sprintf("migrations/%04d_", i+1)) {
			return fmt.Errorf("postgres: migrate: %s is out of sequence", name)
		}
	}
	for attempt := 1; ; attempt++ {
		migrated, err := s.migrateOnce(ctx, files, lock)
		if err == nil && migrated {
			// A new schema has no statistics; the tables may hold rows
			// already (an older schema's).
			return s.Analyze(ctx)
		}
		switch sqlState(err) {
		case codeUndefinedFunction:
			if lock != "" {
				lock = "" // no advisory locks here: rely on the retries
				continue
			}
		case codeSerializationFailure, codeDeadlockDetected, codeUniqueViolation, codeDuplicateTable, codeDuplicateObject:
			if attempt < maxAttempts {
				if err := sleep(ctx, backoff(attempt)); err != nil {
					return fmt.Errorf("postgres: migrate: %w", err)
				}
				s.retries.Add(1)
				continue
			}
		}
		return err
	}
}

// migrateOnce reports whether it applied any migration.
func (s *Store) migrateOnce(ctx context.Context, files []string, lock string) (migrated bool, err error) {
	conn, err := s.acquire(ctx, "migrate")
	if err != nil {
		return false, err
	}
	defer conn.Release()
	// READ COMMITTED: each statement after the lock sees what the
	// process that held it committed.
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return false, wrap(ctx, "migrate", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // no-op after Commit

	// No lock_timeout here: the lock below, and the tables the
	// migrations alter, may be held by another process for as long as its
	// migrations take.
	if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = 0`); err != nil {
		return false, wrap(ctx, "migrate", err)
	}
	if lock != "" {
		if _, err := tx.Exec(ctx, lock, migrationLock); err != nil {
			return false, wrap(ctx, "migrate: lock", err)
		}
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		applied_at timestamptz NOT NULL
	)`); err != nil {
		return false, wrap(ctx, "migrate", err)
	}
	var version int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return false, wrap(ctx, "migrate", err)
	}
	if version > len(files) {
		return false, fmt.Errorf("postgres: migrate: database schema version %d is newer than this program's %d", version, len(files))
	}
	from := version
	for _, name := range files[version:] {
		version++
		body, err := migrations.ReadFile(name)
		if err != nil {
			return false, fmt.Errorf("postgres: migrate: %w", err)
		}
		// No arguments: pgx sends it with the simple protocol, which runs
		// several statements.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return false, wrap(ctx, "migrate "+name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())`, version); err != nil {
			return false, wrap(ctx, "migrate "+name, err)
		}
	}

	// Created by whichever Open commits first, then never changed.
	secret := make([]byte, 32)
	crand.Read(secret)
	if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('pagination_secret', $1)
		ON CONFLICT DO NOTHING`, secret); err != nil {
		return false, wrap(ctx, "migrate", err)
	}
	if err := tx.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'pagination_secret'`).Scan(&s.secret); err != nil {
		return false, wrap(ctx, "migrate", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, wrap(ctx, "migrate", err)
	}
	return len(files) > from, nil
}
