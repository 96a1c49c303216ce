package postgres

import (
	"flag"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/storetest"
)

var benchUsers = flag.Int("bench.users", storetest.BenchUsers, "how many users BenchmarkStore's namespace holds")

// BenchmarkStore runs the stores' hot-path benchmarks on a freshly
// migrated database, with the default pool, as qslocal opens it.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, *benchUsers, func(b *testing.B, obs qslocal.StoreObserver) qslocal.Store {
		s, err := Open(b.Context(), migrated(b), Config{Observer: obs})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
