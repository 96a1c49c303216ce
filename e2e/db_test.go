package e2e

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the "sqlite" driver, to reach a server's database behind its back
)

// Some failures cannot be provoked through the API: a damaged database, or
// another writer holding data. These helpers reach a server's database
// directly, whichever store it runs on.

func isPostgresDB(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// damage runs a statement on the server's database, such as dropping a
// table, to make the server fail inside.
func damage(t *testing.T, s *server, stmt string) {
	t.Helper()
	if isPostgresDB(s.DB) {
		conn, err := pgx.Connect(ctx(t), s.DB)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx(t), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		return
	}
	db, err := sql.Open("sqlite", s.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx(t), stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// holdWrite starts a transaction on the server's database that holds what
// a write of the named IAM policy assignment needs: SQLite's write lock,
// or PostgreSQL's lock on the assignment's row. It is released when the
// returned function is called, or when t ends.
func holdWrite(t *testing.T, s *server, namespace, assignment string) (release func()) {
	t.Helper()
	if isPostgresDB(s.DB) {
		conn, err := pgx.Connect(ctx(t), s.DB)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		var name string
		err = tx.QueryRow(ctx(t), `SELECT name FROM assignments WHERE account = $1 AND namespace = $2 AND name = $3 FOR UPDATE`,
			account, namespace, assignment).Scan(&name)
		if err != nil {
			t.Fatal(err)
		}
		done := sync.OnceFunc(func() {
			_ = tx.Rollback(context.Background())
			conn.Close(context.Background())
		})
		t.Cleanup(done)
		return done
	}
	db, err := sql.Open("sqlite", s.DB)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx(t), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	done := sync.OnceFunc(func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	})
	t.Cleanup(done)
	return done
}
