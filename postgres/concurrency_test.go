package postgres

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
)

// twoStores opens two stores on one fresh database, standing for two
// qslocal processes, with an account "1" and its default namespace.
func twoStores(t *testing.T) [2]*Store {
	dsn := migrated(t)
	var stores [2]*Store
	for i := range stores {
		stores[i], _ = openObserved(t, dsn)
	}
	mustUpdate(t, stores[0], func(tx qslocal.Tx) error {
		return tx.EnsureAccount(t.Context(), "1", "us-east-1", now)
	})
	t.Cleanup(func() {
		t.Logf("transactions started again: %d, %d", stores[0].retries.Load(), stores[1].retries.Load())
	})
	return stores
}

// race runs fn(i, store) for i in [0, n) at once, alternating the stores,
// and returns the errors.
func race(stores [2]*Store, n int, fn func(i int, s *Store) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i, stores[i%2])
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one racer succeeded, the others meeting
// ErrExists, and returns the winner.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("racers %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, qslocal.ErrExists):
			t.Errorf("racer %d: %v, want ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no racer succeeded")
	}
	return winner
}

func TestRacingCreatesAcrossStores(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: races between two stores")
	}
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	for _, tt := range []struct {
		name string
		user func(i int) qslocal.User
	}{
		{"same name", func(i int) qslocal.User {
			u := user("1", "default", "same")
			u.PrincipalID = fmt.Sprint("pid-", i)
			return u
		}},
		{"same principal id", func(i int) qslocal.User {
			u := user("1", "default", fmt.Sprint("racer-", i))
			u.PrincipalID = "pid-shared"
			return u
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Like the service: look, then create.
			errs := race(stores, 20, func(i int, s *Store) error {
				return s.Update(ctx, func(tx qslocal.Tx) error {
					u := tt.user(i)
					if _, err := tx.User(ctx, "1", "default", u.Name); err == nil {
						return qslocal.ErrExists
					}
					return tx.CreateUser(ctx, u)
				})
			})
			want := tt.user(oneWinner(t, errs))
			mustView(t, stores[1], func(tx qslocal.Tx) error {
				got, err := tx.UserByPrincipalID(ctx, "1", "default", want.PrincipalID)
				if err != nil || got.Name != want.Name {
					t.Errorf("UserByPrincipalID = %+v, %v; want %s", got, err, want.Name)
				}
				return nil
			})
		})
	}
}

func TestMembershipRaces(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: races between two stores")
	}
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	const n = 20
	mustUpdate(t, stores[0], func(tx qslocal.Tx) error {
		if err := tx.CreateGroup(ctx, group("1", "default", "team")); err != nil {
			return err
		}
		for i := range n {
			for _, prefix := range []string{"joiner", "leaver"} {
				if err := tx.CreateUser(ctx, user("1", "default", fmt.Sprintf("%s-%02d", prefix, i))); err != nil {
					return err
				}
			}
			if err := tx.AddGroupMember(ctx, "1", "default", "team", fmt.Sprintf("leaver-%02d", i)); err != nil {
				return err
			}
		}
		return nil
	})

	// Joiners join while leavers leave, each in a transaction of its own:
	// no write is lost.
	errs := race(stores, 2*n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			if i%2 == 0 {
				return tx.AddGroupMember(ctx, "1", "default", "team", fmt.Sprintf("joiner-%02d", i/2))
			}
			return tx.RemoveGroupMember(ctx, "1", "default", "team", fmt.Sprintf("leaver-%02d", i/2))
		})
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("racer %d: %v", i, err)
		}
	}
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("joiner-%02d", i))
	}
	for _, s := range stores {
		mustView(t, s, func(tx qslocal.Tx) error {
			got, err := tx.ListGroupMembers(ctx, "1", "default", "team", "", 100)
			if !slices.Equal(got, want) || err != nil {
				t.Errorf("members = %q, %v; want %q", got, err, want)
			}
			return nil
		})
	}

	// Everyone adds the same member, like the service: look, then add.
	errs = race(stores, n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			if err := tx.GroupMember(ctx, "1", "default", "team", "leaver-00"); err == nil {
				return qslocal.ErrExists
			}
			return tx.AddGroupMember(ctx, "1", "default", "team", "leaver-00")
		})
	})
	oneWinner(t, errs)

	// And everyone removes it: one succeeds, the others find it gone.
	errs = race(stores, n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			return tx.RemoveGroupMember(ctx, "1", "default", "team", "leaver-00")
		})
	})
	removed := 0
	for i, err := range errs {
		switch {
		case err == nil:
			removed++
		case !errors.Is(err, qslocal.ErrNotFound):
			t.Errorf("remover %d: %v, want ErrNotFound", i, err)
		}
	}
	if removed != 1 {
		t.Errorf("%d removers succeeded, want 1", removed)
	}
}

func TestTagRaces(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: races between two stores")
	}
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	const res = "user/default/alice"

	// Distinct keys of one resource at once: all land.
	const n = 20
	errs := race(stores, n, func(i int, s *Store) error {
		return s.Update(ctx, func(tx qslocal.Tx) error {
			return tx.SetTags(ctx, "1", res, []qslocal.Tag{{Key: fmt.Sprintf("k%02d", i), Value: "v"}, {Key: "shared", Value: strconv.Itoa(i)}})
		})
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("racer %d: %v", i, err)
		}
	}
	mustView(t, stores[0], func(tx qslocal.Tx) error {
		tags, err := tx.Tags(ctx, "1", res)
		if err != nil {
			return err
		}
		if len(tags) != n+1 {
			t.Errorf("%d tags, want %d: %v", len(tags), n+1, tags)
		}
		return nil
	})

	// Read, modify, write: a counter kept in a tag. SERIALIZABLE makes
	// the increments of racing transactions add up (the losers run again).
	const racers, rounds = 8, 5
	errs = race(stores, racers, func(i int, s *Store) error {
		for range rounds {
			err := s.Update(ctx, func(tx qslocal.Tx) error {
				tags, err := tx.Tags(ctx, "1", "counter")
				if err != nil {
					return err
				}
				n := 0
				if len(tags) == 1 {
					n, _ = strconv.Atoi(tags[0].Value)
				}
				return tx.SetTags(ctx, "1", "counter", []qslocal.Tag{{Key: "n", Value: strconv.Itoa(n + 1)}})
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("incrementer %d: %v", i, err)
		}
	}
	mustView(t, stores[1], func(tx qslocal.Tx) error {
		tags, err := tx.Tags(ctx, "1", "counter")
		if err != nil {
			return err
		}
		if want := []qslocal.Tag{{Key: "n", Value: strconv.Itoa(racers * rounds)}}; !slices.Equal(tags, want) {
			t.Errorf("counter = %v, want %v", tags, want)
		}
		return nil
	})
}

// Write skew: each transaction reads what the other writes. SERIALIZABLE
// fails one of them, which runs again, even though fn ignores the error of
// its write.
func TestSerializationFailureRetried(t *testing.T) {
	t.Parallel()
	stores := twoStores(t)
	ctx := t.Context()
	var once [2]sync.Once
	bothRead := sync.WaitGroup{}
	bothRead.Add(2)
	errs := race(stores, 2, func(i int, s *Store) error {
		runs := 0
		err := s.Update(ctx, func(tx qslocal.Tx) error {
			runs++
			mine, theirs := fmt.Sprint("r", i), fmt.Sprint("r", 1-i)
			if _, err := tx.Tags(ctx, "1", theirs); err != nil {
				return err
			}
			once[i].Do(func() { bothRead.Done(); bothRead.Wait() })
			// Ignore the error: Update must notice the transaction failed.
			_ = tx.SetTags(ctx, "1", mine, []qslocal.Tag{{Key: "k", Value: "v"}})
			return nil
		})
		t.Logf("racer %d ran fn %d times", i, runs)
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("racer %d: %v", i, err)
		}
	}
	r := stores[0].retries.Load() + stores[1].retries.Load()
	if r == 0 {
		t.Error("no transaction ran again")
	}
	// Every retry here is an update's, and each is reported.
	if observed := stores[0].obs.(*txLog).updateRetries.Load() + stores[1].obs.(*txLog).updateRetries.Load(); observed != r {
		t.Errorf("observer saw %d retries, the stores made %d", observed, r)
	}
	mustView(t, stores[0], func(tx qslocal.Tx) error {
		for _, r := range []string{"r0", "r1"} {
			if tags, err := tx.Tags(ctx, "1", r); err != nil || len(tags) != 1 {
				t.Errorf("Tags(%s) = %v, %v", r, tags, err)
			}
		}
		return nil
	})
}

// Update gives up with ErrBusy (which is also ErrUnavailable) once
// serialization failures have gone on for its retry budget.
func TestRetriesBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: waits out the retry budget")
	}
	t.Parallel()
	s := openTest(t, migrated(t))
	s.retryBudget = 300 * time.Millisecond
	ctx := t.Context()
	for _, code := range []string{codeSerializationFailure, codeDeadlockDetected} {
		runs := 0
		start := time.Now()
		err := s.Update(ctx, func(qtx qslocal.Tx) error {
			runs++
			t := qtx.(*tx)
			_, err := t.exec(ctx, "fail", `DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '`+code+`'; END $$`)
			return err
		})
		took := time.Since(start)
		if runs < 3 || !errors.Is(err, qslocal.ErrBusy) || !errors.Is(err, qslocal.ErrUnavailable) ||
			took < s.retryBudget || took > s.retryBudget+time.Second {
			t.Errorf("%s: fn ran %d times in %v, Update = %v; want several runs over about %v, then ErrBusy", code, runs, took, err, s.retryBudget)
		}
	}
}
