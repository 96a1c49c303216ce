package sqlite

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// txLog records what a store tells its observer.
type txLog struct {
	mu      sync.Mutex
	txs     map[string]int
	retries map[string]int
}

func (l *txLog) Transaction(kind string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.txs[kind]++
}

func (l *txLog) Retry(kind string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.retries[kind]++
}

func TestObserverAndSize(t *testing.T) {
	t.Parallel()
	for _, path := range []string{":memory:", filepath.Join(t.TempDir(), "x.db")} {
		log := &txLog{txs: map[string]int{}, retries: map[string]int{}}
		s, err := Open(t.Context(), path, Config{Observer: log})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		empty, err := s.Size(t.Context())
		if err != nil || empty <= 0 {
			t.Fatalf("%s: Size = %d, %v", path, empty, err)
		}
		for i := range 200 {
			mustUpdate(t, s, func(tx qslocal.Tx) error {
				return tx.EnsureAccount(t.Context(), strings.Repeat("1", 11)+string(rune('a'+i%26))+strings.Repeat("x", i), "us-east-1", now)
			})
		}
		_ = s.View(t.Context(), func(qslocal.Tx) error { return nil })
		if log.txs["update"] != 200 || log.txs["view"] != 1 || len(log.retries) != 0 {
			t.Errorf("%s: observed %v, retries %v", path, log.txs, log.retries)
		}
		if grown, err := s.Size(t.Context()); err != nil || grown <= empty {
			t.Errorf("%s: Size after writes = %d, %v; was %d", path, grown, err, empty)
		}
	}
}

// TestOpenNamesTheDirectory: SQLite says only "unable to open database
// file"; Open says which directory is wrong and how.
func TestOpenNamesTheDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		filepath.Join(dir, "missing", "dir", "x.db"): filepath.Join(dir, "missing", "dir") + " does not exist",
		filepath.Join(file, "x.db"):                  file + " is not a directory",
	}
	if os.Geteuid() != 0 { // root writes anywhere
		locked := filepath.Join(dir, "locked")
		if err := os.Mkdir(locked, 0o500); err != nil {
			t.Fatal(err)
		}
		cases[filepath.Join(locked, "x.db")] = locked + " is not writable"
	}
	for path, want := range cases {
		s, err := Open(t.Context(), path, Config{})
		if err == nil {
			s.Close()
			t.Errorf("Open(%s) succeeded", path)
		} else if !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s): %v, want %q", path, err, want)
		}
	}
}
