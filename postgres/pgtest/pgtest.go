// Package pgtest gives tests a fresh PostgreSQL database of their own.
//
// The server is $QSLOCAL_TEST_POSTGRES, else a local one reached as user
// postgres (see DSN). When it cannot be reached, tests that ask for a
// database are skipped, unless $QSLOCAL_REQUIRE_POSTGRES is set (as CI
// does): then they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// defaultDSN is the server tests use when $QSLOCAL_TEST_POSTGRES is empty.
const defaultDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Environment variables read by this package.
const (
	envDSN     = "QSLOCAL_TEST_POSTGRES"
	envRequire = "QSLOCAL_REQUIRE_POSTGRES"
)

// timeout bounds each administrative step: connecting, creating or
// dropping a database.
const timeout = 30 * time.Second

// DSN returns the base DSN: $QSLOCAL_TEST_POSTGRES, else
// "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable". Its user
// must be allowed to create databases.
func DSN() string {
	if dsn := os.Getenv(envDSN); dsn != "" {
		return dsn
	}
	return defaultDSN
}

// Database creates a fresh empty database (named qslocal_test_<hex>) on the
// server of DSN, registers t.Cleanup to drop it (DROP DATABASE ... WITH
// (FORCE), which also ends any session still connected) and returns its
// DSN. When the server cannot be reached, it skips t with a message naming
// the DSN and $QSLOCAL_TEST_POSTGRES, unless $QSLOCAL_REQUIRE_POSTGRES is
// non-empty: then it fails t. Other failures (authentication, permission)
// always fail t.
func Database(t testing.TB) string {
	t.Helper()
	base := DSN()
	conn := connect(t, base)
	defer conn.Close(context.Background())

	var b [8]byte
	rand.Read(b[:])
	name := "qslocal_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s on %s: %v", name, redact(base), err)
	}
	t.Cleanup(func() { drop(t, base, name) })
	dsn, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// connect opens an administrative connection to dsn, skipping or failing t
// when the server cannot be reached.
func connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := dial(dsn)
	if err == nil {
		return conn
	}
	var parseErr *pgconn.ParseConfigError
	if errors.As(err, &parseErr) {
		t.Fatalf("pgtest: $%s: %v", envDSN, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// The server answered: refused credentials, a missing database...
		// That is a broken setup, not a missing server.
		t.Fatalf("pgtest: connect to %s: %v", redact(dsn), err)
	}
	msg := fmt.Sprintf("pgtest: no PostgreSQL server at %s (%v); set $%s to the DSN of one whose user may create databases",
		redact(dsn), err, envDSN)
	if os.Getenv(envRequire) != "" {
		t.Fatalf("%s ($%s is set, so this fails instead of skipping)", msg, envRequire)
	}
	t.Skipf("%s, or $%s to fail instead of skipping", msg, envRequire)
	return nil
}

// dial connects to dsn, waiting at most 5s for the server.
func dial(dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 5*time.Second {
		cfg.ConnectTimeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

// drop removes the database name, closing its sessions.
func drop(t testing.TB, base, name string) {
	t.Helper()
	conn, err := dial(base)
	if err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
		return
	}
	defer conn.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
	}
}

// withDatabase returns dsn (a URL or key=value pairs) with its database
// replaced by name.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse DSN %s: %w", redact(dsn), err)
		}
		u.Path, u.RawPath = "/"+name, ""
		q := u.Query()
		if q.Has("dbname") {
			q.Del("dbname")
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	// key=value: a later keyword overrides an earlier one.
	return strings.TrimSpace(dsn) + " dbname=" + name, nil
}

var keywordPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// Redact returns dsn with any password masked, for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return keywordPassword.ReplaceAllString(dsn, "${1}xxxxx")
}
