package pgtest

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestDatabase(t *testing.T) {
	var dsn, name string
	t.Run("use", func(t *testing.T) {
		dsn = Database(t)
		conn, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatalf("connect to %s: %v", redact(dsn), err)
		}
		defer conn.Close(context.Background())
		var tables int
		if err := conn.QueryRow(t.Context(), `SELECT current_database(),
			(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).Scan(&name, &tables); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "qslocal_test_") || len(name) != len("qslocal_test_")+16 {
			t.Errorf("database %q, want qslocal_test_<16 hex digits>", name)
		}
		if tables != 0 {
			t.Errorf("new database has %d tables", tables)
		}
		// Sessions still open at cleanup do not stop the drop.
		if _, err := pgx.Connect(t.Context(), dsn); err != nil {
			t.Fatal(err)
		}
	})
	if dsn == "" {
		t.Skip("no database (see the subtest)")
	}
	conn, err := pgx.Connect(t.Context(), DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test", name)
	}
}

func TestDatabasesAreDistinct(t *testing.T) {
	a, b := Database(t), Database(t)
	if a == b {
		t.Errorf("two calls gave %s", a)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tt := range []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/x?sslmode=disable"},
		{"postgresql://u:p@h/db", "postgresql://u:p@h/x"},
		{"postgres://h", "postgres://h/x"},
		{"postgres://h/db?dbname=other&sslmode=disable", "postgres://h/x?sslmode=disable"},
		{"host=h user=u dbname=db", "host=h user=u dbname=db dbname=x"},
		{"host=h ", "host=h dbname=x"},
	} {
		got, err := withDatabase(tt.dsn, "x")
		if err != nil || got != tt.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil || cfg.Database != "x" {
			t.Errorf("%q parses to database %q, %v", got, cfg.Database, err)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ dsn, want string }{
		{"postgres://u:secret@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u@h/db?password=secret", "postgres://u@h/db?password=xxxxx"},
		{"host=h password=secret user=u", "host=h password=xxxxx user=u"},
		{"host=h password = 'a b\\' c' user=u", "host=h password = xxxxx user=u"},
		{"host=h user=u", "host=h user=u"},
	} {
		if got := redact(tt.dsn); got != tt.want || strings.Contains(got, "secret") {
			t.Errorf("redact(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// fakeTB records what Database does with a test that cannot get a server.
type fakeTB struct {
	testing.TB
	mu              sync.Mutex
	skipped, failed bool
	message         string
	cleanups        int
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) end(skip bool, format string, args ...any) {
	f.mu.Lock()
	f.skipped, f.failed, f.message = skip, !skip, fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any)  { f.end(true, format, args...) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.end(false, format, args...) }
func (f *fakeTB) Errorf(format string, args ...any) { f.end(false, format, args...) }
func (f *fakeTB) Cleanup(func())                    { f.cleanups++ }

// database runs Database(f) to its end, in a goroutine of its own since
// Skipf and Fatalf end it.
func (f *fakeTB) database() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		Database(f)
	}()
	<-done
}

func TestUnreachableServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dsn := fmt.Sprintf("postgres://postgres:hunter2@127.0.0.1:%d/postgres?sslmode=disable", port)
	t.Setenv(envDSN, dsn)

	t.Setenv(envRequire, "")
	f := &fakeTB{TB: t}
	f.database()
	if !f.skipped || !strings.Contains(f.message, envDSN) || !strings.Contains(f.message, fmt.Sprint(port)) ||
		strings.Contains(f.message, "hunter2") {
		t.Errorf("without $%s: skipped %v, message %q; want a skip naming the DSN (password hidden) and $%s",
			envRequire, f.skipped, f.message, envDSN)
	}

	t.Setenv(envRequire, "1")
	f = &fakeTB{TB: t}
	f.database()
	if !f.failed || !strings.Contains(f.message, envRequire) {
		t.Errorf("with $%s: failed %v, message %q; want a failure", envRequire, f.failed, f.message)
	}
	if f.cleanups != 0 {
		t.Errorf("%d cleanups registered for no database", f.cleanups)
	}
}

func TestDSN(t *testing.T) {
	t.Setenv(envDSN, "")
	if got := DSN(); got != "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" {
		t.Errorf("DSN() = %q", got)
	}
	t.Setenv(envDSN, "host=elsewhere")
	if got := DSN(); got != "host=elsewhere" {
		t.Errorf("DSN() = %q", got)
	}
}
