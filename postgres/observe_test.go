package postgres

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// txLog counts what a store tells its observer.
type txLog struct {
	updates, views, updateRetries, viewRetries atomic.Int64
}

func (l *txLog) Transaction(kind string, d time.Duration) {
	map[string]*atomic.Int64{"update": &l.updates, "view": &l.views}[kind].Add(1)
}

func (l *txLog) Retry(kind string) {
	map[string]*atomic.Int64{"update": &l.updateRetries, "view": &l.viewRetries}[kind].Add(1)
}

// openObserved opens a store on dsn that reports to a txLog, closed when
// t ends.
func openObserved(t testing.TB, dsn string) (*Store, *txLog) {
	t.Helper()
	log := new(txLog)
	cfg := testConfig
	cfg.Observer = log
	s, err := Open(t.Context(), dsn, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, log
}

func TestObserverAndSize(t *testing.T) {
	t.Parallel()
	s, log := openObserved(t, migrated(t))
	n, err := s.Size(t.Context())
	if err != nil || n <= 0 {
		t.Fatalf("Size = %d, %v", n, err)
	}
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(t.Context(), "1", "us-east-1", now) })
	mustView(t, s, func(tx qslocal.Tx) error { return nil })
	mustView(t, s, func(tx qslocal.Tx) error { return nil })
	if log.updates.Load() != 1 || log.views.Load() != 2 {
		t.Errorf("observed %d updates, %d views", log.updates.Load(), log.views.Load())
	}
	s.Close()
	if _, err := s.Size(t.Context()); err == nil {
		t.Error("Size on a closed store succeeded")
	}
}
