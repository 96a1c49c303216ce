// Command qslocal serves the Amazon QuickSight API on a local store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/console"
	"github.com/qslocal/qslocal/postgres"
	"github.com/qslocal/qslocal/prometheus"
	"github.com/qslocal/qslocal/restjson"
	"github.com/qslocal/qslocal/sigv4"
	"github.com/qslocal/qslocal/sqlite"
)

// DefaultAddr is where qslocal listens with no --addr: loopback only.
const DefaultAddr = "127.0.0.1:4718"

// DefaultAsyncDelay is --async-delay's default. AWS takes seconds (a new
// namespace, 20 to 30 of them) for what it does asynchronously; qslocal
// takes half a second: long enough that the next request of a client that
// does not wait for CREATED or ..._SUCCESSFUL comes too early, as on AWS,
// and short enough that a client that polls is hardly slowed down.
const DefaultAsyncDelay = 500 * time.Millisecond

// version and commit name what the binary was built from; a release sets
// them with -ldflags "-X main.version=v0.1.0 -X main.commit=abc123", and
// builds that do not fall back to the build information Go records.
var version, commit string

func main() {
	if err := run(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "qslocal:", err)
		os.Exit(1)
	}
}

type options struct {
	addr, db, region, logLevel, logFormat string
	seed, faults                          string
	pprof                                 string
	auth, credentials                     string
	enforceIAM                            bool
	console                               bool
	accounts, authMethod                  string
	rateLimit                             float64
	lockTimeout, asyncDelay               time.Duration
	pg                                    postgres.Config
	http                                  httpOptions
}

// parseFlags reads the flags from args and, for those args leave unset,
// from the environment (QSLOCAL_<FLAG>; see envName); it warns on stderr
// of QSLOCAL_ variables that name no flag. On --help it prints the usage
// on stdout and returns flag.ErrHelp.
func parseFlags(args, environ []string, stdout, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("qslocal", flag.ContinueOnError)
	// Errors reach the user once, through run's caller; not also here.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.addr, "addr", DefaultAddr, "listen address `HOST:PORT` (port 0 picks a free port)")
	fs.StringVar(&o.db, "db", "qslocal.db", "SQLite database `file`, :memory: for a throwaway store, or a postgres:// URL")
	fs.StringVar(&o.region, "region", qslocal.DefaultRegion, "`region` of requests not signed for one (an account made by its first request lives in that request's region, where its users and groups are managed)")
	fs.StringVar(&o.accounts, "accounts", "auto", "`mode`: auto (an account is subscribed by its first request) or subscribed (only CreateAccountSubscription, a seed or an import subscribes one)")
	fs.StringVar(&o.authMethod, "authentication-method", string(api.AuthenticationMethodOptionIamAndQuicksight),
		"`method` of accounts subscribed by their first request: IAM_AND_QUICKSIGHT, IAM_ONLY, ACTIVE_DIRECTORY or IAM_IDENTITY_CENTER "+
			"(the last two have role memberships, and their groups come from the directory, not CreateGroup)")
	fs.StringVar(&o.logLevel, "log-level", "info", "`level`: debug, info, warn or error")
	fs.StringVar(&o.logFormat, "log-format", "text", "`format` of the log: text or json")
	fs.StringVar(&o.seed, "seed", "", "load this snapshot `file` (JSON or YAML) at start: the accounts it names become what it says")
	fs.StringVar(&o.faults, "faults", "", "set these fault rules (a JSON `file`) at start")
	fs.Float64Var(&o.rateLimit, "rate-limit", 0, "requests per second each account may make before ThrottlingException (0: unlimited)")
	fs.DurationVar(&o.lockTimeout, "db-lock-timeout", 0, "how long a write waits for data another writer holds before it fails (0: 10s)")
	fs.DurationVar(&o.asyncDelay, "async-delay", DefaultAsyncDelay, "how long a new namespace stays CREATING, a deleted one DELETING, "+
		"a created or updated analysis ..._IN_PROGRESS, a new or deleted subscription SIGNUP_ATTEMPT_IN_PROGRESS or UNSUBSCRIBE_IN_PROGRESS "+
		"(0: done at once; short but not 0 by default, so an SDK client that does not wait fails here as on AWS; shell scripts, slower, want a few seconds)")
	o.http.register(fs)
	fs.StringVar(&o.pprof, "pprof", "", "serve Go's profiler (/debug/pprof/) on this separate `HOST:PORT`; off when empty")
	fs.StringVar(&o.auth, "auth", "none", "`mode`: none (any credentials are accepted) or sigv4 (requests must be signed with a key of --credentials, and act in its account only)")
	fs.StringVar(&o.credentials, "credentials", "", "with --auth sigv4: the known callers, a JSON or YAML `file` (keys, account, ARN, admin, IAM policies; see README)")
	fs.BoolVar(&o.enforceIAM, "enforce-iam", false, "with --auth sigv4: allow each operation only where the caller's IAM policies allow its quicksight: action")
	fs.BoolVar(&o.console, "console", true, "serve the administrator's console at /console/ on the listen address (on by default; --console=false turns it off)")
	var maxConns, minConns int
	fs.IntVar(&maxConns, "db-max-conns", 0, "PostgreSQL: most connections in the pool (0: the larger of 4 and the number of CPUs)")
	fs.IntVar(&minConns, "db-min-conns", 0, "PostgreSQL: connections kept open when idle")
	fs.DurationVar(&o.pg.MaxConnLifetime, "db-max-conn-lifetime", 0, "PostgreSQL: close connections older than this (0: 1h)")
	fs.DurationVar(&o.pg.MaxConnIdleTime, "db-max-conn-idle", 0, "PostgreSQL: close connections idle longer than this (0: 30m)")
	fs.DurationVar(&o.pg.ConnectTimeout, "db-connect-timeout", 0, "PostgreSQL: give up connecting after this long (0: 5s)")
	fs.DurationVar(&o.pg.Timeout, "db-timeout", 0, "PostgreSQL: a transaction not done after this long (the database frozen, say) fails with ResourceUnavailableException (0: --db-lock-timeout plus 5s)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return o, err
		}
		return o, fmt.Errorf("%w (see qslocal --help)", err)
	}
	if err := applyEnv(fs, environ, stderr); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if maxConns < 0 || minConns < 0 || maxConns > math.MaxInt32 || minConns > math.MaxInt32 {
		return o, fmt.Errorf("--db-max-conns and --db-min-conns must be between 0 and %d", math.MaxInt32)
	}
	o.pg.MaxConns, o.pg.MinConns = int32(maxConns), int32(minConns)
	if !(o.rateLimit >= 0) || math.IsInf(o.rateLimit, 1) { // also refuses NaN
		return o, fmt.Errorf("--rate-limit must be a number of requests per second, 0 for unlimited; got %v", o.rateLimit)
	}
	if err := o.http.check(); err != nil {
		return o, err
	}
	if !qslocal.ValidRegion(o.region) {
		return o, fmt.Errorf("--region must be an AWS region name, such as us-east-1; got %q", o.region)
	}
	if o.accounts != "auto" && o.accounts != "subscribed" {
		return o, fmt.Errorf("--accounts must be auto or subscribed; got %q", o.accounts)
	}
	if !slices.Contains(api.AuthenticationMethodOptionValues, o.authMethod) {
		return o, fmt.Errorf("--authentication-method must be one of %s; got %q", strings.Join(api.AuthenticationMethodOptionValues, ", "), o.authMethod)
	}
	switch {
	case o.auth != "none" && o.auth != "sigv4":
		return o, fmt.Errorf("--auth must be none or sigv4; got %q", o.auth)
	case o.auth == "sigv4" && o.credentials == "":
		return o, errors.New("--auth sigv4 needs --credentials FILE")
	case o.auth == "none" && (o.credentials != "" || o.enforceIAM):
		return o, errors.New("--credentials and --enforce-iam apply only with --auth sigv4")
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return o, fmt.Errorf("--log-format must be text or json; got %q", o.logFormat)
	}
	if o.lockTimeout < 0 {
		return o, fmt.Errorf("--db-lock-timeout must not be negative; got %v", o.lockTimeout)
	}
	if o.asyncDelay < 0 {
		return o, fmt.Errorf("--async-delay must not be negative (0 finishes asynchronous work at once); got %v", o.asyncDelay)
	}
	o.pg.LockTimeout = o.lockTimeout
	if !isPostgres(o.db) {
		var pool []string
		fs.Visit(func(f *flag.Flag) {
			if strings.HasPrefix(f.Name, "db-") && f.Name != "db-lock-timeout" {
				pool = append(pool, "--"+f.Name)
			}
		})
		if len(pool) > 0 {
			return o, fmt.Errorf("%s apply only to a postgres:// --db", strings.Join(pool, ", "))
		}
	}
	return o, nil
}

// isPostgres tells a PostgreSQL URL from an SQLite path.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openStore opens the store --db names, telling obs of its transactions;
// it returns the store's kind, and describes it for the ready line
// without any password.
func openStore(ctx context.Context, o options, obs qslocal.StoreObserver) (st qslocal.Store, kind, desc string, err error) {
	if isPostgres(o.db) {
		// A URL that does not parse may still hold a password.
		shown := "(a URL that does not parse)"
		if u, err := url.Parse(o.db); err == nil {
			shown = u.Redacted()
		}
		pg := o.pg
		pg.Observer = obs
		st, err := postgres.Open(ctx, o.db, pg)
		return st, "postgres", "postgres " + shown, err
	}
	st, err = sqlite.Open(ctx, o.db, sqlite.Config{LockTimeout: o.lockTimeout, Observer: obs})
	return st, "sqlite", "sqlite " + o.db, err
}

func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return command(ctx, args[0], args[1:], stdout, stderr)
	}
	o, err := parseFlags(args, environ, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	if o.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	logger := slog.New(handler)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	metrics := prometheus.New()
	store, kind, desc, err := openStore(ctx, o, metrics)
	if err != nil {
		return fmt.Errorf("opening the store (%s): %w", desc, err)
	}
	defer store.Close()
	if sizer, ok := store.(qslocal.Sizer); ok {
		metrics.CollectSize(sizer)
	}
	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store, Region: o.region, AsyncDelay: o.asyncDelay,
		RequireSubscription: o.accounts == "subscribed", AuthenticationMethod: o.authMethod})
	if err != nil {
		return err
	}
	var faults restjson.FaultRules
	if o.faults != "" {
		b, err := os.ReadFile(o.faults)
		if err != nil {
			return fmt.Errorf("--faults: %w", err)
		}
		if faults, err = restjson.DecodeFaults(b); err != nil {
			return fmt.Errorf("--faults %s: %w", o.faults, err)
		}
	}
	if o.seed != "" {
		if err := seed(ctx, svc, o.seed); err != nil {
			return fmt.Errorf("--seed %s: %w", o.seed, err)
		}
	}
	var verifier *sigv4.Verifier
	var creds []sigv4.Credential
	if o.auth == "sigv4" {
		b, err := os.ReadFile(o.credentials)
		if err != nil {
			return fmt.Errorf("--credentials: %w", err)
		}
		f, err := sigv4.ParseFile(b)
		if err != nil {
			return fmt.Errorf("--credentials %s: %w", o.credentials, err)
		}
		verifier = sigv4.New(sigv4.Config{Credentials: f.Credentials, EnforceIAM: o.enforceIAM})
		creds = f.Credentials
	}
	v, c := buildVersion()
	var observer restjson.Observer = metrics
	var admin *console.Console
	if o.console {
		log := console.NewRequestLog(0)
		observer = restjson.Observers{metrics, log}
		admin = console.New(console.Config{Service: svc, Log: log, Credentials: creds, EnforceIAM: o.enforceIAM, Region: o.region, Logger: logger})
	}
	cfg := restjson.Config{
		Handler: svc, Logger: logger, RateLimit: o.rateLimit, Observer: observer,
		Health: &restjson.Health{Check: readsFrom(store), Store: kind, Version: v, Commit: c},
	}
	if verifier != nil {
		cfg.Authenticate = authenticator(verifier)
		// The metrics too are served only to verified callers.
		cfg.Metrics = metrics.Handler(http.NotFoundHandler())
	}
	api := restjson.New(cfg)
	api.SetFaults(faults)
	ln, scheme, err := listen(o.http, o.addr, api)
	if err != nil {
		return err
	}
	if o.pprof != "" {
		stopProfiler, err := serveProfiler(o.pprof, logger)
		if err != nil {
			return err
		}
		defer stopProfiler()
	}
	var served http.Handler = api
	if verifier == nil {
		served = metrics.Handler(api)
	}
	if admin != nil {
		served = admin.Mount(served)
	}
	srv := newServer(o.http, served, logger)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "qslocal listening on %s://%s (store: %s)\n", scheme, ln.Addr(), desc)

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	// In-flight requests finish, or are cut after --shutdown-timeout; the
	// deferred Close then closes the store.
	return srv.shutdown(o.http.shutdownTimeout, logger)
}

// authenticator lets restjson verify requests with v.
func authenticator(v *sigv4.Verifier) restjson.Authenticator {
	return func(r *http.Request, body []byte) (restjson.Caller, error) {
		c, err := v.Authenticate(r, body)
		if err != nil {
			return nil, err // not a nil *sigv4.Caller in an interface
		}
		return c, nil
	}
}

// seed loads a snapshot file into the service.
func seed(ctx context.Context, svc *qslocal.Service, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	snap, err := qslocal.DecodeSnapshot(b)
	if err != nil {
		return err
	}
	return svc.Import(ctx, snap)
}

// readsFrom is the health check: a read transaction that touches a table.
func readsFrom(store qslocal.Store) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return store.View(ctx, func(tx qslocal.Tx) error {
			_, err := tx.CountNamespaces(ctx, "")
			return err
		})
	}
}
