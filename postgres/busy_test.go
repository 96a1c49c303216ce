package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qslocal/qslocal"
)

// showLockTimeout returns lock_timeout as a connection of s's pool has it.
func showLockTimeout(t *testing.T, s *Store) string {
	t.Helper()
	var v string
	if err := s.pool.QueryRow(t.Context(), `SHOW lock_timeout`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// lock_timeout is set at connection startup: from Config, else from the
// DSN, else 10s.
func TestLockTimeoutSetting(t *testing.T) {
	t.Parallel()
	dsn := migrated(t)
	for _, tt := range []struct {
		dsn  string
		cfg  time.Duration
		want string
	}{
		{dsn, 0, "10s"},
		{dsn, 1500 * time.Millisecond, "1500ms"},
		{dsn, time.Microsecond, "1ms"},
		{withParam(t, dsn, "lock_timeout", "1234"), 0, "1234ms"},
		{withParam(t, dsn, "lock_timeout", "1234"), 2 * time.Second, "2s"},
	} {
		s, err := Open(t.Context(), tt.dsn, Config{MaxConns: 1, LockTimeout: tt.cfg})
		if err != nil {
			t.Fatal(err)
		}
		if got := showLockTimeout(t, s); got != tt.want {
			t.Errorf("LockTimeout %v, DSN %s: lock_timeout = %s, want %s", tt.cfg, tt.dsn, got, tt.want)
		}
		s.Close()
	}
}

// A row another transaction holds locked longer than LockTimeout: the
// Update that writes it fails with ErrBusy once LockTimeout has passed,
// without running fn again (the lock was held all along), and the store
// works once the lock is gone.
func TestLockTimeoutIsBusy(t *testing.T) {
	t.Parallel()
	dsn := migrated(t)
	const timeout = 300 * time.Millisecond
	s, err := Open(t.Context(), dsn, Config{MaxConns: 2, LockTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return errors.Join(
			tx.EnsureAccount(ctx, "1", "us-east-1", now),
			tx.CreateUser(ctx, user("1", "default", "alice")),
			tx.CreateAssignment(ctx, assignment("1", "default", "as", nil, nil)),
		)
	})

	holder, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	hold, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec(ctx, `SELECT 1 FROM assignments WHERE account = '1' AND namespace = 'default' AND name = 'as' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}

	for _, write := range []struct {
		name string
		fn   func(tx qslocal.Tx) error
	}{
		{"UpdateAssignment", func(tx qslocal.Tx) error {
			return tx.UpdateAssignment(ctx, assignment("1", "default", "as", []string{"alice"}, nil))
		}},
		{"DeleteAssignment", func(tx qslocal.Tx) error { return tx.DeleteAssignment(ctx, "1", "default", "as") }},
		// fn goes on as if the error were ErrNotFound: still ErrBusy.
		{"swallowed", func(tx qslocal.Tx) error {
			_ = tx.DeleteAssignment(ctx, "1", "default", "as")
			return nil
		}},
	} {
		runs := 0
		start := time.Now()
		err := s.Update(ctx, func(tx qslocal.Tx) error {
			runs++
			return write.fn(tx)
		})
		took := time.Since(start)
		if !errors.Is(err, qslocal.ErrBusy) || !errors.Is(err, qslocal.ErrUnavailable) || runs != 1 ||
			took < timeout || took > timeout+2*time.Second {
			t.Errorf("%s while the row is locked: %v after %d runs of fn in %v; want ErrBusy after 1, in about %v",
				write.name, err, runs, took, timeout)
		}
	}
	// Reads do not wait for row locks.
	mustView(t, s, func(tx qslocal.Tx) error {
		_, err := tx.Assignment(ctx, "1", "default", "as")
		return err
	})

	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error {
		return tx.UpdateAssignment(ctx, assignment("1", "default", "as", []string{"alice"}, nil))
	})
}

// Open waits for another process's migrations as long as they take, not
// LockTimeout: the migration transaction has no lock_timeout.
func TestMigrationWaitsPastLockTimeout(t *testing.T) {
	t.Parallel()
	dsn := database(t)
	ctx := t.Context()
	holder, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	// Another process migrating holds the migration lock.
	if _, err := holder.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		t.Fatal(err)
	}
	const timeout = 100 * time.Millisecond
	const held = 6 * timeout
	released := make(chan error, 1)
	go func() {
		time.Sleep(held)
		_, err := holder.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
		released <- err
	}()
	start := time.Now()
	s, err := Open(ctx, dsn, Config{MaxConns: 1, LockTimeout: timeout})
	if err != nil {
		t.Fatalf("Open while another process migrates: %v", err)
	}
	defer s.Close()
	if took := time.Since(start); took < held {
		t.Errorf("Open took %v, less than the %v the lock was held", took, held)
	}
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	// The store's own transactions are bound by it.
	if got := showLockTimeout(t, s); got != "100ms" {
		t.Errorf("lock_timeout = %s after Open, want 100ms", got)
	}
}
