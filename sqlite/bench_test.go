package sqlite

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/storetest"
)

var benchUsers = flag.Int("bench.users", storetest.BenchUsers, "how many users BenchmarkStore's namespace holds")

// BenchmarkStore runs the stores' hot-path benchmarks on a database file,
// with the default configuration (synchronous=FULL: every commit durable).
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, *benchUsers, func(b *testing.B, obs qslocal.StoreObserver) qslocal.Store {
		s, err := Open(b.Context(), filepath.Join(b.TempDir(), "qslocal.db"), Config{Observer: obs})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
