// Package bench is qslocal's load tool (qslocal bench): it drives a
// qslocal server over HTTP with a mix of signed API calls, and, in the
// same run and over the same kind of connections, a bare net/http handler
// (the ceiling), and reports every figure beside the ceiling's.
package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

// Config is one run of the load tool.
type Config struct {
	Endpoint    string // a running qslocal; "" starts Binary on DB
	ServerPID   int    // the running qslocal's process, for its CPU and memory
	Binary, DB  string
	Mix         []Weighted
	Concurrency int
	Duration    time.Duration
	Users       int
	Log         io.Writer // the child server's output
}

// Main parses the flags of qslocal bench and runs it.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qslocal bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	var ops string
	self, _ := os.Executable()
	fs.StringVar(&c.Endpoint, "endpoint", "", "drive the qslocal running at this `URL` instead of starting one (its account "+Account+" is replaced by the fill when it lacks --users users)")
	fs.IntVar(&c.ServerPID, "server-pid", 0, "with --endpoint: the server's process `id`, to report its CPU and memory")
	fs.StringVar(&c.Binary, "qslocal", self, "the qslocal `binary` to start")
	fs.StringVar(&c.DB, "db", "", "the started server's --db: an SQLite `file` or a postgres:// URL (default: a new temporary file)")
	fs.StringVar(&ops, "ops", "DescribeUser=1", "the `mix` of operations and their weights, such as DescribeUser=8,ListUsers=1,UpdateUser=1; known: "+strings.Join(OperationNames(), ", "))
	fs.IntVar(&c.Concurrency, "concurrency", 32, "`connections`, each with one call at a time")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "how long to measure each of qslocal and the ceiling")
	var ceilingAddr string
	var ceilingBody int
	fs.StringVar(&ceilingAddr, "serve-ceiling", "", "serve only the ceiling, on `HOST:PORT` (bench runs itself so to measure it)")
	fs.IntVar(&ceilingBody, "ceiling-body", 0, "with --serve-ceiling: the size of its answers, in `bytes`")
	fs.IntVar(&c.Users, "users", 1000, "fill the account with this many `users` (and groups, memberships, upgrade requests) unless it holds them")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench takes no arguments; got %q", fs.Args())
	}
	// On SIGINT or SIGTERM the run stops through its context, so that the
	// servers it started are stopped and its temporary files removed.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	if ceilingAddr != "" {
		return serveCeiling(ctx, ceilingAddr, ceilingBody)
	}
	mix, err := ParseMix(ops)
	if err != nil {
		return err
	}
	c.Mix, c.Log = mix, stderr
	if err := c.check(); err != nil {
		return err
	}
	return Run(ctx, c, stdout)
}

func (c *Config) check() error {
	switch {
	case c.Concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1; got %d", c.Concurrency)
	case c.Duration <= 0:
		return fmt.Errorf("--duration must be positive; got %v", c.Duration)
	case c.Users < 1 || c.Users > 10_000_000:
		return fmt.Errorf("--users must be between 1 and 10000000; got %d", c.Users)
	case c.Endpoint != "" && c.DB != "":
		return errors.New("--db applies to a server bench starts, not to --endpoint")
	case c.Endpoint == "" && c.ServerPID != 0:
		return errors.New("--server-pid applies only with --endpoint")
	}
	return nil
}

// Run runs the load tool as c says, printing what it measures on out.
func Run(ctx context.Context, c Config, out io.Writer) error {
	w := &world{users: c.Users, upgrades: upgradesFor(c.Users), runID: strconv.FormatInt(time.Now().UnixNano()%1e9, 36)}
	base, pid := c.Endpoint, c.ServerPID
	var starts []string
	if c.Endpoint == "" {
		db := c.DB
		if db == "" {
			dir, err := os.MkdirTemp("", "qslocal-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			db = filepath.Join(dir, "bench.db")
		}
		srv, took, err := startServer(ctx, c.Binary, db, c.Log)
		if err != nil {
			return err
		}
		starts = append(starts, fmt.Sprintf("%.1f ms", ms(took)))
		filled, err := holds(ctx, srv.base, c.Users)
		if err == nil && !filled {
			err = srv.stop()
			if err == nil {
				srv, err = fillChild(ctx, c, db, out)
			}
			if err == nil {
				_ = srv.stop()
				srv, took, err = startServer(ctx, c.Binary, db, c.Log)
				if err == nil {
					starts = append(starts, fmt.Sprintf("%.1f ms after the fill", ms(took)))
				}
			}
		}
		if err != nil {
			if srv != nil {
				_ = srv.stop()
			}
			return err
		}
		defer srv.stop()
		base, pid = srv.base, srv.pid()
	} else if filled, err := holds(ctx, base, c.Users); err != nil {
		return err
	} else if !filled {
		if err := fillEndpoint(ctx, c, out); err != nil {
			return err
		}
	}
	sc := newConn(base)
	err := setup(ctx, sc, w)
	sc.close()
	if err != nil {
		return err
	}

	mix := newPicker(c.Mix)
	warm := min(c.Duration/5, 2*time.Second)
	runPhase(ctx, base, c.Concurrency, warm, mix, w)
	cpu0, _ := cpuOf(pid)
	q := runPhase(ctx, base, c.Concurrency, c.Duration, mix, w)
	cpu1, _ := cpuOf(pid)
	var mem memory
	if pid != 0 {
		mem, _ = memoryOf(pid)
	}

	// The ceiling answers every call with a body of the median size of
	// qslocal's answers.
	cs, err := startCeiling(ctx, c.Binary, q.medianSize(), c.Log)
	if err != nil {
		return err
	}
	defer cs.stop()
	runPhase(ctx, cs.base, c.Concurrency, warm, mix, w)
	ccpu0, _ := cpuOf(cs.pid())
	ceil := runPhase(ctx, cs.base, c.Concurrency, c.Duration, mix, w)
	ccpu1, _ := cpuOf(cs.pid())
	cmem, _ := memoryOf(cs.pid())

	where := base + " (started by bench)"
	if c.Endpoint != "" {
		where = base
	}
	fmt.Fprintf(out, "qslocal bench: %s; %d connections; %v each; %d users; mix %s\n", where, c.Concurrency, c.Duration, c.Users, formatMix(c.Mix))
	if len(starts) > 0 {
		fmt.Fprintf(out, "start to first answer: %s\n", strings.Join(starts, "; "))
	}
	report(out, q, ceil, figures{cpu1 - cpu0, mem, pid != 0}, figures{ccpu1 - ccpu0, cmem, true})
	return nil
}

// holds tells whether the account already holds users 0..n-1.
func holds(ctx context.Context, base string, n int) (bool, error) {
	c := newConn(base)
	defer c.close()
	status, body, err := c.do(ctx, call{"GET", userPath(n - 1), nil})
	switch {
	case err != nil:
		return false, err
	case status == http.StatusOK:
		return true, nil
	case status == http.StatusNotFound:
		return false, nil
	}
	return false, fmt.Errorf("DescribeUser %s: HTTP %d: %s", userName(n-1), status, body)
}

// fillChild loads the fill snapshot with --seed, which reads a file of
// any size, and returns the server it started, which holds it.
func fillChild(ctx context.Context, c Config, db string, out io.Writer) (*child, error) {
	start := time.Now()
	snap, err := fillSnapshot(c.Users)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "qslocal-bench-*.json")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(snap)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	srv, _, err := startServer(ctx, c.Binary, db, c.Log, "--seed", f.Name())
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "filled %d users (%d MB snapshot, --seed) in %.1fs\n", c.Users, len(snap)>>20, time.Since(start).Seconds())
	return srv, nil
}

// fillEndpoint sends the fill snapshot to a running server's import,
// which takes up to 32 MB (some 100,000 users).
func fillEndpoint(ctx context.Context, c Config, out io.Writer) error {
	start := time.Now()
	snap, err := fillSnapshot(c.Users)
	if err != nil {
		return err
	}
	cn := newConn(c.Endpoint)
	defer cn.close()
	status, body, err := cn.do(ctx, call{"POST", "/_qslocal/import", snap})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("import of %d users: HTTP %d: %s (a larger fill needs a server bench starts, which loads it with --seed)", c.Users, status, body)
	}
	fmt.Fprintf(out, "filled %d users (POST /_qslocal/import) in %.1fs\n", c.Users, time.Since(start).Seconds())
	return nil
}

func cpuOf(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	return processCPU(pid)
}

// padded is a JSON object of exactly n bytes (at least its frame's).
func padded(n int) []byte {
	const frame = `{"Pad":""}`
	return []byte(`{"Pad":"` + strings.Repeat("x", max(0, n-len(frame))) + `"}`)
}

func formatMix(mix []Weighted) string {
	var parts []string
	for _, m := range mix {
		parts = append(parts, m.Op+"="+strconv.Itoa(m.Weight))
	}
	return strings.Join(parts, ",")
}

// opResult is what one operation's calls did in a phase.
type opResult struct {
	lat      []time.Duration
	sizes    []int
	errors   int
	firstErr string
}

// phase is what one measured period did.
type phase struct {
	ops     map[string]*opResult
	order   []string
	elapsed time.Duration
	toolCPU time.Duration
}

func (p phase) medianSize() int {
	var all []int
	for _, r := range p.ops {
		all = append(all, r.sizes...)
	}
	return median(all)
}

// runPhase drives base from conc connections for d, drawing calls from mix.
func runPhase(ctx context.Context, base string, conc int, d time.Duration, mix picker, w *world) phase {
	results := make([]map[string]*opResult, conc)
	var wg sync.WaitGroup
	cpu0 := selfCPU()
	start := time.Now()
	deadline := start.Add(d)
	for i := range conc {
		wg.Go(func() {
			c := newConn(base)
			defer c.close()
			k := &worker{id: i, rng: rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano()))), granted: map[string]string{}}
			res := map[string]*opResult{}
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(deadline) {
					break
				}
				op := mix.pick(k.rng.IntN(mix.total()))
				cl := operations[op](w, k)
				status, body, err := c.do(ctx, cl)
				lat := time.Since(t0)
				r := res[op]
				if r == nil {
					r = &opResult{}
					res[op] = r
				}
				if err != nil || status >= 300 {
					r.errors++
					if r.firstErr == "" {
						r.firstErr = fmt.Sprintf("HTTP %d %v %.200s", status, err, body)
					}
					continue
				}
				r.lat = append(r.lat, lat)
				r.sizes = append(r.sizes, len(body))
				k.answered(op, body)
			}
			results[i] = res
		})
	}
	wg.Wait()
	p := phase{ops: map[string]*opResult{}, elapsed: time.Since(start), toolCPU: selfCPU() - cpu0}
	for _, m := range mix.ops {
		p.order = append(p.order, m)
		all := &opResult{}
		for _, res := range results {
			if r := res[m]; r != nil {
				all.lat = append(all.lat, r.lat...)
				all.sizes = append(all.sizes, r.sizes...)
				all.errors += r.errors
				if all.firstErr == "" {
					all.firstErr = r.firstErr
				}
			}
		}
		p.ops[m] = all
	}
	return p
}

// figures are a server process's CPU over a phase and its peak memory.
type figures struct {
	cpu      time.Duration
	mem      memory
	measured bool
}

// report prints qslocal's figures beside the ceiling's.
func report(out io.Writer, q, ceil phase, server, ceilServer figures) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tcalls/s\tp50\tp99\tp99.9\tbody B\terrors\t")
	row := func(name string, r *opResult, elapsed time.Duration) Summary {
		s := Summarize(r.lat, r.sizes)
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%d\t%d\t\n", name, float64(s.Count)/elapsed.Seconds(),
			us(s.P50), us(s.P99), us(s.P999), s.ResponseBytes50, r.errors)
		return s
	}
	var all, callAll []time.Duration
	var qErr, cErr []string
	var qErrors, cErrors int
	for _, op := range q.order {
		qs := row(op, q.ops[op], q.elapsed)
		cs := row("  ceiling", ceil.ops[op], ceil.elapsed)
		fmt.Fprintf(tw, "  ratio\t%.3f\t%.2f\t%.2f\t%.2f\t\t\t\n", ratio(float64(qs.Count)/q.elapsed.Seconds(), float64(cs.Count)/ceil.elapsed.Seconds()),
			ratio(float64(qs.P50), float64(cs.P50)), ratio(float64(qs.P99), float64(cs.P99)), ratio(float64(qs.P999), float64(cs.P999)))
		all, callAll = append(all, q.ops[op].lat...), append(callAll, ceil.ops[op].lat...)
		qErrors, cErrors = qErrors+q.ops[op].errors, cErrors+ceil.ops[op].errors
		if e := q.ops[op].firstErr; e != "" {
			qErr = append(qErr, op+": "+e)
		}
		if e := ceil.ops[op].firstErr; e != "" {
			cErr = append(cErr, op+" (ceiling): "+e)
		}
	}
	tw.Flush()
	nq, nc := float64(len(all)), float64(len(callAll))
	// Failed calls cost CPU too: the per-call CPU figures count them.
	tq, tc := nq+float64(qErrors), nc+float64(cErrors)
	fmt.Fprintf(out, "all calls: %.0f/s, ceiling %.0f/s, ratio %.3f\n", nq/q.elapsed.Seconds(), nc/ceil.elapsed.Seconds(),
		ratio(nq/q.elapsed.Seconds(), nc/ceil.elapsed.Seconds()))
	fmt.Fprintf(out, "tool CPU per call: %.1f µs (ceiling phase: %.1f µs)\n", perCall(q.toolCPU, tq), perCall(ceil.toolCPU, tc))
	sc := perCall(ceilServer.cpu, tc)
	if server.measured {
		sq := perCall(server.cpu, tq)
		fmt.Fprintf(out, "server CPU per call: %.1f µs; ceiling %.1f µs; ratio %.2f\n", sq, sc, ratio(sq, sc))
		fmt.Fprintf(out, "server peak RSS (VmHWM): %.1f MB; ceiling %.1f MB\n", mb(server.mem.peak), mb(ceilServer.mem.peak))
		fmt.Fprintf(out, "server RSS at the end: %.1f MB anonymous, %.1f MB mapped from files (a memory-mapped database counts once per connection)\n",
			mb(server.mem.anon), mb(server.mem.file))
	} else {
		fmt.Fprintf(out, "server CPU and memory: not measured (give --server-pid); ceiling %.1f µs per call\n", sc)
	}
	for _, e := range append(qErr, cErr...) {
		fmt.Fprintf(out, "first error of %s\n", e)
	}
}

func perCall(d time.Duration, n float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(d.Microseconds()) / n
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// us writes d in milliseconds with microseconds.
func us(d time.Duration) string { return strconv.FormatFloat(ms(d), 'f', 3, 64) + "ms" }
