package storetest

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// BenchUsers is how many users the benchmarks' namespace holds unless
// told otherwise.
const BenchUsers = 1000

// Bench runs the stores' hot-path benchmarks, the same for every store,
// on one store holding an account with the given number of users:
//
//   - DescribeUser: a View reading the account, then one user by name,
//     as the service's DescribeUser does;
//   - UpdateUser: an Update reading the account and one user, then
//     writing the user back changed, as the service's UpdateUser does.
//
// Each runs with 1 client and with 32 at once (see RunClients); users are
// picked at random. Besides RunClients' figures, each reports how often
// Update started a transaction again (retries/op, from the observer open
// must give the store) and, where it can be read, this process's resident
// memory once done (rss-anon-MB: its own; rss-file-MB: pages of mapped
// files, which the kernel shares and may reclaim).
//
// open returns a fresh, empty store that reports to obs; Bench closes it.
func Bench(b *testing.B, users int, open func(b *testing.B, obs qslocal.StoreObserver) qslocal.Store) {
	obs := &benchObserver{}
	s := open(b, obs)
	b.Cleanup(func() { s.Close() })
	fillBench(b, s, users)
	if sz, ok := s.(qslocal.Sizer); ok {
		if n, err := sz.Size(b.Context()); err == nil {
			b.Logf("%d users: the database takes %d MB", users, n>>20)
		}
	}
	for _, bm := range []struct {
		name string
		op   func(b *testing.B, s qslocal.Store, user string, rnd *rand.Rand) error
	}{
		{"DescribeUser", describeUser},
		{"UpdateUser", updateUser},
	} {
		for _, clients := range []int{1, 32} {
			b.Run(fmt.Sprintf("%s/clients=%d", bm.name, clients), func(b *testing.B) {
				obs.retries.Store(0)
				RunClients(b, clients, func(rnd *rand.Rand) error {
					return bm.op(b, s, benchUserName(rnd.IntN(users)), rnd)
				})
				b.ReportMetric(float64(obs.retries.Load())/float64(b.N), "retries/op")
				if anon, file, ok := rss(); ok {
					b.ReportMetric(float64(anon)/(1<<20), "rss-anon-MB")
					b.ReportMetric(float64(file)/(1<<20), "rss-file-MB")
				}
			})
		}
	}
}

// benchObserver counts retries.
type benchObserver struct{ retries atomic.Int64 }

func (o *benchObserver) Transaction(string, time.Duration) {}
func (o *benchObserver) Retry(string)                      { o.retries.Add(1) }

func benchUserName(i int) string { return fmt.Sprintf("user%06d", i) }

// fillBench creates the account and its users, in transactions of at
// most 10,000 users.
func fillBench(b *testing.B, s qslocal.Store, users int) {
	ctx := b.Context()
	for first := 0; first < users; first += 10_000 {
		err := s.Update(ctx, func(tx qslocal.Tx) error {
			if err := tx.EnsureAccount(ctx, acct, region, t0); err != nil {
				return err
			}
			for i := first; i < min(first+10_000, users); i++ {
				if err := tx.CreateUser(ctx, newUser(acct, benchUserName(i))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("filling the store: %v", err)
		}
	}
}

func describeUser(b *testing.B, s qslocal.Store, name string, _ *rand.Rand) error {
	ctx := b.Context()
	return s.View(ctx, func(tx qslocal.Tx) error {
		if _, err := tx.Account(ctx, acct); err != nil {
			return err
		}
		_, err := tx.User(ctx, acct, dflt, name)
		return err
	})
}

func updateUser(b *testing.B, s qslocal.Store, name string, rnd *rand.Rand) error {
	ctx := b.Context()
	email := fmt.Sprintf("%s-%d@example.com", name, rnd.Uint32())
	return s.Update(ctx, func(tx qslocal.Tx) error {
		if _, err := tx.Account(ctx, acct); err != nil {
			return err
		}
		u, err := tx.User(ctx, acct, dflt, name)
		if err != nil {
			return err
		}
		u.Email, u.UpdatedAt = email, time.Now()
		return tx.UpdateUser(ctx, u)
	})
}

// RunClients runs op b.N times in all, from the given number of clients
// at once (1: b.Loop; more: b.RunParallel), each with a random source of
// its own. Besides ns/op, it reports the latency of one op as its client
// saw it (p50-ns, p99-ns) and the CPU time this process spent per op
// (cpu-ns/op: on a shared machine, steadier than the time that passed).
func RunClients(b *testing.B, clients int, op func(rnd *rand.Rand) error) {
	var (
		mu  sync.Mutex
		all []time.Duration
	)
	client := func(next func() bool) {
		rnd := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		var lat []time.Duration
		for next() {
			start := time.Now()
			if err := op(rnd); err != nil {
				b.Error(err)
				return
			}
			lat = append(lat, time.Since(start))
		}
		mu.Lock()
		all = append(all, lat...)
		mu.Unlock()
	}
	b.ResetTimer()
	cpu0, ok := cpuTime()
	if clients == 1 {
		client(b.Loop)
	} else {
		// RunParallel starts SetParallelism × GOMAXPROCS goroutines.
		procs := runtime.GOMAXPROCS(0)
		b.SetParallelism((clients + procs - 1) / procs)
		b.RunParallel(func(pb *testing.PB) { client(pb.Next) })
	}
	b.StopTimer()
	if cpu1, ok1 := cpuTime(); ok && ok1 {
		b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	reportLatency(b, all)
}

// reportLatency reports the median and the 99th percentile.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
}
