package qslocal_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/sqlite"
)

// bigSnapshot is one account with n users, each in one of n/10 groups.
func bigSnapshot(n int) *qslocal.Snapshot {
	a := qslocal.SnapshotAccount{AwsAccountId: "111122223333"}
	for i := range n / 10 {
		a.Groups = append(a.Groups, qslocal.SnapshotGroup{GroupName: fmt.Sprintf("g%04d", i)})
	}
	for i := range n {
		name := fmt.Sprintf("user%06d", i)
		a.Users = append(a.Users, qslocal.SnapshotUser{UserName: name, Email: name + "@example.com", Role: "READER"})
		g := &a.Groups[i%len(a.Groups)]
		g.Members = append(g.Members, name)
	}
	return &qslocal.Snapshot{Accounts: []qslocal.SnapshotAccount{a}}
}

// BenchmarkImport10kUsers seeds 10,000 users with their memberships into
// a file database, durably.
func BenchmarkImport10kUsers(b *testing.B) {
	snap := bigSnapshot(10_000)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "q.db"), sqlite.Config{})
		if err != nil {
			b.Fatal(err)
		}
		svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := svc.Import(ctx, snap); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
}
