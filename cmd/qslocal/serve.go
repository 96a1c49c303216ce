package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/qslocal/qslocal/restjson"
	"golang.org/x/net/netutil"
)

// httpOptions bound what clients may hold of the server: each connection
// in time, all of them in number.
type httpOptions struct {
	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout time.Duration
	shutdownTimeout                                           time.Duration
	maxConns                                                  int
	tlsCert, tlsKey                                           string
}

// Defaults of the HTTP flags. A body of restjson.DefaultMaxBody (20 MiB)
// takes a minute at 350 KB/s; an answer may wait up to --db-lock-timeout
// (10s) on the store before it is written; an idle connection outlives
// the SDKs' own idle timeouts (the Go SDK's is 90s), so that they close
// it first and a request never meets a connection being closed.
const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = time.Minute
	defaultWriteTimeout      = 2 * time.Minute
	defaultIdleTimeout       = 2 * time.Minute
	defaultShutdownTimeout   = 5 * time.Second
	defaultMaxConns          = 1000
)

func (o *httpOptions) register(fs *flag.FlagSet) {
	fs.DurationVar(&o.readHeaderTimeout, "read-header-timeout", defaultReadHeaderTimeout, "close a connection that has not sent a request's headers within this `duration` (0: no limit)")
	fs.DurationVar(&o.readTimeout, "read-timeout", defaultReadTimeout, "answer RequestTimeoutException and close a connection that has not sent a whole request, body included, within this `duration` (0: no limit)")
	fs.DurationVar(&o.writeTimeout, "write-timeout", defaultWriteTimeout, "close a connection whose answer is not written within this `duration` of its request's headers (0: no limit)")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", defaultIdleTimeout, "close a kept-alive connection idle for this `duration` (0: the read timeout)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", defaultShutdownTimeout, "on SIGINT or SIGTERM, wait this `duration` for requests in flight, then close their connections")
	fs.IntVar(&o.maxConns, "max-connections", defaultMaxConns, "most connections served at once; more wait to be accepted (0: no limit)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate `file` (with --tls-key)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "the PEM private key `file` of --tls-cert")
}

func (o *httpOptions) check() error {
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"read-header-timeout", o.readHeaderTimeout}, {"read-timeout", o.readTimeout}, {"write-timeout", o.writeTimeout},
		{"idle-timeout", o.idleTimeout}, {"shutdown-timeout", o.shutdownTimeout}} {
		if d.v < 0 {
			return fmt.Errorf("--%s must not be negative; got %v", d.flag, d.v)
		}
	}
	if o.maxConns < 0 {
		return fmt.Errorf("--max-connections must not be negative (0: no limit); got %d", o.maxConns)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	return nil
}

// listen opens the listener qslocal serves on: at most o.maxConns
// connections at once (the kernel holds the others until one closes),
// over TLS when configured, each answering what net/http refuses as api
// does. It returns the URL scheme.
func listen(o httpOptions, addr string, api *restjson.Server) (net.Listener, string, error) {
	var cfg *tls.Config
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return nil, "", fmt.Errorf("--tls-cert, --tls-key: %w", err)
		}
		// HTTP/1.1 only, as AWS's SDKs speak it to QuickSight.
		cfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	if o.maxConns > 0 {
		ln = netutil.LimitListener(ln, o.maxConns)
	}
	scheme := "http"
	if cfg != nil {
		ln, scheme = tls.NewListener(ln, cfg), "https"
	}
	return api.Listener(ln), scheme, nil
}

// server is the HTTP server, with a base context that a forced shutdown
// cancels, so that requests still running stop what they wait for.
type server struct {
	*http.Server
	cancel context.CancelFunc
}

func newServer(o httpOptions, h http.Handler, logger *slog.Logger) *server {
	base, cancel := context.WithCancel(context.Background())
	return &server{Server: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.readHeaderTimeout,
		ReadTimeout:       o.readTimeout,
		WriteTimeout:      o.writeTimeout,
		IdleTimeout:       o.idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
	}, cancel: cancel}
}

// shutdown stops accepting, waits up to timeout for the requests in flight,
// then closes the connections of those still running and cancels them: a
// slow client delays a shutdown by at most timeout, and a shutdown asked
// for is a clean exit either way.
func (s *server) shutdown(timeout time.Duration, logger *slog.Logger) error {
	defer s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := s.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		logger.Warn("closing the connections of requests still running after --shutdown-timeout", "timeout", timeout)
		s.cancel()
		err = s.Close()
		if errors.Is(err, net.ErrClosed) { // Shutdown closed the listener already
			err = nil
		}
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveProfiler serves net/http/pprof on addr, apart from the API so that
// no API client reaches it; the function returned stops it.
func serveProfiler(addr string, logger *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: defaultReadHeaderTimeout}
	go func() { _ = srv.Serve(ln) }()
	logger.Info("profiler listening", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { _ = srv.Close() }, nil
}
