package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// queued is how many Updates wait for their turn.
func (w *writer) queued() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue)
}

// committed counts the named users another connection sees: what is
// committed.
func committed(t *testing.T, path string, names ...string) int {
	t.Helper()
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	for _, name := range names {
		var one int
		err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM users WHERE name = ?`, name).Scan(&one)
		if err != nil {
			t.Fatal(err)
		}
		n += one
	}
	return n
}

// Updates that arrive while one runs share its transaction and its
// commit: each runs after those before it and sees their writes, none is
// committed before the batch ends, and each returns only once it is. An
// Update that fails or panics undoes its own writes only.
func TestGroupCommit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	s := mustOpen(t, path)
	defer s.Close()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) })
	create := func(tx qslocal.Tx, name string) error { return tx.CreateUser(ctx, user("1", "default", name)) }
	boom := errors.New("boom")

	// The others' fns, each run while the first's batch is open.
	members := map[string]func(tx qslocal.Tx) error{
		"ok": func(tx qslocal.Tx) error { return create(tx, "ok") },
		"fails": func(tx qslocal.Tx) error {
			if err := create(tx, "fails"); err != nil {
				return err
			}
			return boom
		},
		"panics": func(tx qslocal.Tx) error {
			if err := create(tx, "panics"); err != nil {
				return err
			}
			panic(boom)
		},
		"sees": func(tx qslocal.Tx) error {
			// The first's write, in the batch but not committed.
			if _, err := tx.User(ctx, "1", "default", "first"); err != nil {
				return fmt.Errorf("the batch's earlier write: %w", err)
			}
			if n := committed(t, path, "first"); n != 0 {
				return fmt.Errorf("the first write is committed before its batch ends")
			}
			return create(tx, "sees")
		},
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		errs   = map[string]error{}
		events []string // "ran NAME" as a fn starts, "returned NAME" as its Update returns
	)
	event := func(e string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}
	finish := func(name string, err error) {
		mu.Lock()
		errs[name] = err
		mu.Unlock()
		event("returned " + name)
	}
	running := make(chan struct{})
	wg.Go(func() {
		err := s.Update(ctx, func(tx qslocal.Tx) error {
			if err := create(tx, "first"); err != nil {
				return err
			}
			close(running)
			for s.writer.queued() < len(members) {
				time.Sleep(time.Millisecond)
			}
			return nil
		})
		finish("first", err)
	})
	<-running
	for name, fn := range members {
		wg.Go(func() {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				err = s.Update(ctx, func(tx qslocal.Tx) error {
					event("ran " + name)
					return fn(tx)
				})
			}()
			finish(name, err)
		})
	}
	wg.Wait()

	want := map[string]error{"first": nil, "ok": nil, "sees": nil, "fails": boom, "panics": boom}
	for name, werr := range want {
		if err := errs[name]; !errors.Is(err, werr) && (name != "panics" || err == nil) {
			t.Errorf("Update %s: %v, want %v", name, err, werr)
		}
	}
	if n := committed(t, path, "first", "ok", "sees"); n != 3 {
		t.Errorf("%d of the 3 users written by Updates that succeeded are there", n)
	}
	if n := committed(t, path, "fails", "panics"); n != 0 {
		t.Errorf("%d of the 2 users written by Updates that failed are there", n)
	}
	// The first returned only once the others had run: it waited for the
	// end of the batch they joined.
	ran := 0
	for _, e := range events {
		if e == "returned first" {
			break
		}
		if strings.HasPrefix(e, "ran ") {
			ran++
		}
	}
	if ran != len(members) {
		t.Errorf("the first Update returned once %d of the %d others had run: %q", ran, len(members), events)
	}
}

// Updates whose context ends while they wait for their turn, or as it is
// handed to them, never leave a batch open: every Update returns, those
// that succeeded are committed and those that failed wrote nothing.
func TestGroupCommitCancelled(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qslocal.db")
	s := mustOpen(t, path)
	defer s.Close()
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.EnsureAccount(ctx, "1", "us-east-1", now) })
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, time.Duration(rand.N(3000))*time.Microsecond)
			defer cancel()
			errs[i] = s.Update(ctx, func(tx qslocal.Tx) error {
				return tx.CreateUser(ctx, user("1", "default", fmt.Sprintf("user%03d", i)))
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		name := fmt.Sprintf("user%03d", i)
		got := committed(t, path, name)
		switch {
		case err == nil && got != 1:
			t.Errorf("Update %s succeeded, but the user is not there", name)
		case err != nil && !errors.Is(err, context.DeadlineExceeded):
			t.Errorf("Update %s: %v, want success or the context's error", name, err)
		case err != nil && got != 0:
			t.Errorf("Update %s failed (%v), but the user is there", name, err)
		}
	}
	// The store still writes.
	mustUpdate(t, s, func(tx qslocal.Tx) error { return tx.CreateUser(ctx, user("1", "default", "after")) })
}
