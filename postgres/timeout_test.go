package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// TestTimeout: a transaction whose statement does not come back within
// Config.Timeout (a statement that runs long; a frozen database is the
// same to the client) fails with ErrUnavailable, changes nothing, and the
// store serves the next one.
func TestTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: waits out the store's timeout")
	}
	t.Parallel()
	cfg := testConfig
	// Short, but long enough for the transactions that should succeed on
	// a loaded machine.
	cfg.Timeout = 3 * time.Second
	s, err := Open(t.Context(), migrated(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) })
	// Long enough that a test without the timeout fails; the server ends
	// it once its connection closes.
	stall := func(t qslocal.Tx) error {
		_, err := t.(*tx).tx.Exec(ctx, `SELECT pg_sleep(30)`)
		return err
	}
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"View", func() error { return s.View(ctx, stall) }},
		{"Update", func() error {
			return s.Update(ctx, func(tx qslocal.Tx) error {
				if err := tx.CreateUser(ctx, user("1", "default", "lost")); err != nil {
					return err
				}
				return stall(tx)
			})
		}},
	} {
		if err := c.run(); !errors.Is(err, qslocal.ErrUnavailable) || errors.Is(err, context.Canceled) {
			t.Errorf("%s past the timeout = %v, want ErrUnavailable", c.name, err)
		}
	}
	mustView(t, s, func(tx qslocal.Tx) error {
		if _, err := tx.User(ctx, "1", "default", "lost"); !errors.Is(err, qslocal.ErrNotFound) {
			t.Errorf("the timed-out write left a user: %v", err)
		}
		return nil
	})
}
