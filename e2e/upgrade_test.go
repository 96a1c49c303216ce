package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qslocal/qslocal/postgres/pgtest"
)

// The upgrade fixtures in testdata/upgrade are databases written through
// the API by the qslocal of commit 83c4e26, the last before analyses moved
// onto the asset store, with the answers that qslocal gave to a list of
// requests (gen.py wrote both; its header says how). A database of that
// version must open and give the same answers after the upgrade, byte for
// byte but for RequestId: the pagination tokens in the recorded paths
// included, since they are signed with the database's own key.

// recorded is one request of a fixture and the answer the old qslocal gave.
type recorded struct {
	Method string
	Path   string
	Body   any
	Status int
	Answer any
	// Clock names members of the answer that hold the time of the
	// request: they must be there, and are not compared.
	Clock []string
}

func replayUpgrade(t *testing.T, s *server, answers string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "upgrade", answers))
	if err != nil {
		t.Fatal(err)
	}
	var want []recorded
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for _, r := range want {
		var body io.Reader
		if r.Body != nil {
			b, _ := json.Marshal(r.Body)
			body = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx(t), r.Method, s.URL+r.Path, body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var answer any
		if len(got) > 0 {
			if err := json.Unmarshal(got, &answer); err != nil {
				t.Fatalf("%s %s: %s", r.Method, r.Path, got)
			}
		}
		if m, ok := answer.(map[string]any); ok {
			delete(m, "RequestId")
			for _, k := range r.Clock {
				if _, ok := m[k]; !ok {
					t.Errorf("%s %s: no %s in %s", r.Method, r.Path, k, got)
				}
				m[k] = r.Answer.(map[string]any)[k]
			}
		}
		if resp.StatusCode != r.Status || !reflect.DeepEqual(answer, r.Answer) {
			w, _ := json.Marshal(r.Answer)
			t.Errorf("%s %s:\n got %d %s\nwant %d %s", r.Method, r.Path, resp.StatusCode, got, r.Status, w)
		}
	}
}

// TestUpgradeSQLite opens a copy of an SQLite database written by the
// earlier qslocal.
func TestUpgradeSQLite(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("testdata", "upgrade", "sqlite.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(db, src, 0o600); err != nil {
		t.Fatal(err)
	}
	// The fixture maps groups to roles, which only a directory account does.
	replayUpgrade(t, start(t, db, "--authentication-method", "ACTIVE_DIRECTORY"), "sqlite.answers.json")
}

// TestUpgradePostgres loads a dump (pg_dump --inserts) of a PostgreSQL
// database written by the earlier qslocal.
func TestUpgradePostgres(t *testing.T) {
	t.Parallel()
	dsn := pgtest.Database(t)
	dump, err := os.ReadFile(filepath.Join("testdata", "upgrade", "postgres.sql"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx(t), dsn)
	if err != nil {
		t.Fatal(err)
	}
	// No arguments: the simple protocol runs the whole script.
	if _, err := conn.Exec(ctx(t), string(dump)); err != nil {
		t.Fatalf("loading the dump: %v", err)
	}
	conn.Close(context.Background())
	replayUpgrade(t, start(t, dsn, "--authentication-method", "ACTIVE_DIRECTORY"), "postgres.answers.json")
}
