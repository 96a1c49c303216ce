package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/postgres/pgtest"
)

// closedPort returns a local TCP port nothing listens on.
func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	port := closedPort(t)
	for _, dsn := range []string{
		fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres sslmode=disable", port),
	} {
		start := time.Now()
		s, err := Open(t.Context(), dsn, Config{})
		if err == nil {
			s.Close()
			t.Fatalf("Open(%s) succeeded", dsn)
		}
		if !errors.Is(err, qslocal.ErrUnavailable) {
			t.Errorf("Open(%s) = %v, want ErrUnavailable", dsn, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("Open took %v to fail", d)
		}
	}
	// A DSN that does not parse is no ErrUnavailable.
	if _, err := Open(t.Context(), "postgres://[::1", Config{}); err == nil || errors.Is(err, qslocal.ErrUnavailable) {
		t.Errorf("Open(bad DSN) = %v", err)
	}
}

// proxy forwards TCP connections to a PostgreSQL server, and can be stopped
// (closing every connection, refusing new ones) and started again on the
// same address: the database going away and coming back.
type proxy struct {
	t      *testing.T
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target, addr: "127.0.0.1:0"}
	p.start()
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) start() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// viaProxy returns dsn pointing at a proxy to its server.
func viaProxy(t *testing.T, dsn string) (*proxy, string) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(cfg.Host, "/") {
		t.Skip("the test server is reached through a Unix socket; the proxy speaks TCP")
	}
	p := startProxy(t, net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)))
	host, port, _ := net.SplitHostPort(p.addr)
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Host = p.addr
		return p, u.String()
	}
	return p, dsn + " host=" + host + " port=" + port
}

// The database goes away: calls fail at once with ErrUnavailable. It comes
// back: the same store works again, without reopening.
func TestUnavailableAndRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: database outage and recovery")
	}
	t.Parallel()
	p, dsn := viaProxy(t, migrated(t))
	s := openTest(t, dsn)
	ctx := t.Context()
	ensure := func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) }
	read := func(tx qslocal.Tx) error {
		_, err := tx.Namespace(ctx, "1", "default")
		return err
	}
	mustUpdate(t, s, ensure)
	mustView(t, s, read)

	p.stop()
	for _, call := range []struct {
		name string
		fn   func() error
	}{
		{"Update", func() error { return s.Update(ctx, ensure) }},
		{"View", func() error { return s.View(ctx, read) }},
		{"Update again", func() error { return s.Update(ctx, ensure) }},
	} {
		start := time.Now()
		err := call.fn()
		if !errors.Is(err, qslocal.ErrUnavailable) {
			t.Errorf("%s while the database is away = %v, want ErrUnavailable", call.name, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %v to fail", call.name, d)
		}
	}

	p.start()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateUser(ctx, user("1", "default", "back")) })
	mustView(t, s, func(tx qslocal.Tx) error {
		_, err := tx.User(ctx, "1", "default", "back")
		return err
	})
}

// The server ends every session (as on a restart, or an administrator's
// pg_terminate_backend): the next calls find their pooled connections
// broken before running fn, and start again on new ones.
func TestTerminatedSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: sessions ended by the server")
	}
	t.Parallel()
	dsn := migrated(t)
	s := openTest(t, dsn)
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) })
	// Fill the pool with idle connections.
	var wg sync.WaitGroup
	for range testConfig.MaxConns {
		wg.Go(func() {
			s.View(ctx, func(tx qslocal.Tx) error { time.Sleep(50 * time.Millisecond); return nil })
		})
	}
	wg.Wait()
	idle := s.pool.Stat().IdleConns()

	var terminated int
	admin(t, pgtest.DSN(), func(conn *pgx.Conn) {
		err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1`,
			databaseName(t, dsn)).Scan(&terminated)
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%d idle pooled connections; %d sessions terminated", idle, terminated)
	time.Sleep(50 * time.Millisecond) // let the server close them

	for i := range 2 * testConfig.MaxConns {
		if err := s.Update(ctx, func(tx qslocal.Tx) error {
			return tx.CreateUser(ctx, user("1", "default", fmt.Sprint("u", i)))
		}); err != nil {
			t.Errorf("Update %d after the sessions ended: %v", i, err)
		}
		if err := s.View(ctx, func(tx qslocal.Tx) error {
			_, err := tx.User(ctx, "1", "default", fmt.Sprint("u", i))
			return err
		}); err != nil {
			t.Errorf("View %d after the sessions ended: %v", i, err)
		}
	}
	t.Logf("transactions started again: %d", s.retries.Load())
	if s.retries.Load() == 0 {
		t.Error("no transaction met a broken connection: is the test right?")
	}
}

func databaseName(t *testing.T, dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}

// Waiting for a pooled connection is bounded by ConnectTimeout.
func TestAcquireTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: waits out the connection timeout")
	}
	t.Parallel()
	// Long enough for a loaded machine to open the first connection in,
	// since the same timeout bounds connecting and waiting for one.
	const wait = time.Second
	s, err := Open(t.Context(), migrated(t), Config{MaxConns: 1, ConnectTimeout: wait})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- s.View(ctx, func(tx qslocal.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	start := time.Now()
	err = s.Update(ctx, func(tx qslocal.Tx) error { return nil })
	if !errors.Is(err, qslocal.ErrUnavailable) {
		t.Errorf("Update with the only connection busy = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d < wait*5/6 || d > 10*wait {
		t.Errorf("Update waited %v, want about %v", d, wait)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("View: %v", err)
	}
}

// A context cancelled while fn runs ends the transaction: the error wraps
// context.Canceled, nothing is committed, and the store goes on.
func TestCancelMidTransaction(t *testing.T) {
	t.Parallel()
	s := openTest(t, migrated(t))
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(t.Context(), "1", "us-east-1", now) })
	ctx, cancel := context.WithCancel(t.Context())
	err := s.Update(ctx, func(tx qslocal.Tx) error {
		if err := tx.CreateUser(ctx, user("1", "default", "lost")); err != nil {
			return err
		}
		cancel()
		_, err := tx.User(ctx, "1", "default", "lost")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("User after cancel = %v, want context.Canceled", err)
		}
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update = %v, want context.Canceled", err)
	}
	// Also when fn ignores the cancellation.
	ctx, cancel = context.WithCancel(t.Context())
	err = s.Update(ctx, func(tx qslocal.Tx) error {
		err := tx.CreateUser(ctx, user("1", "default", "lost2"))
		cancel()
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update cancelled before commit = %v, want context.Canceled", err)
	}
	mustView(t, s, func(tx qslocal.Tx) error {
		for _, n := range []string{"lost", "lost2"} {
			if _, err := tx.User(t.Context(), "1", "default", n); !errors.Is(err, qslocal.ErrNotFound) {
				t.Errorf("User(%s) after the cancelled Update = %v, want ErrNotFound", n, err)
			}
		}
		return nil
	})
}

// The session ends while fn runs: Update runs fn again on another
// connection (the transaction was rolled back), View reports
// ErrUnavailable (it runs fn once).
func TestSessionEndsMidTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: sessions ended by the server")
	}
	t.Parallel()
	dsn := migrated(t)
	s := openTest(t, dsn)
	ctx := t.Context()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) })
	terminate := func(qtx qslocal.Tx) {
		pid := qtx.(*tx).tx.Conn().PgConn().PID()
		admin(t, pgtest.DSN(), func(conn *pgx.Conn) {
			if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend($1, 5000)`, pid); err != nil {
				t.Fatal(err)
			}
		})
	}

	runs := 0
	err := s.Update(ctx, func(tx qslocal.Tx) error {
		runs++
		if err := tx.CreateUser(ctx, user("1", "default", "alice")); err != nil {
			return err
		}
		if runs == 1 {
			terminate(tx)
		}
		return tx.CreateUser(ctx, user("1", "default", "bob"))
	})
	if err != nil || runs != 2 {
		t.Errorf("Update = %v after %d runs of fn, want success after 2", err, runs)
	}
	mustView(t, s, func(tx qslocal.Tx) error {
		users, err := tx.ListUsers(ctx, "1", "default", "", 10)
		if len(users) != 2 {
			t.Errorf("users = %v, want alice and bob once", users)
		}
		return err
	})

	runs = 0
	err = s.View(ctx, func(tx qslocal.Tx) error {
		runs++
		terminate(tx)
		_, err := tx.User(ctx, "1", "default", "alice")
		return err
	})
	if !errors.Is(err, qslocal.ErrUnavailable) || runs != 1 {
		t.Errorf("View = %v after %d runs of fn, want ErrUnavailable after 1", err, runs)
	}
}
