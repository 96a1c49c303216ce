package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestSIGKILLLosesNoAcknowledgedWrite kills the server with SIGKILL in the
// middle of a stream of RegisterUser calls, restarts it on the same
// database, and checks every acknowledged user is there.
func TestSIGKILLLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: crash and recovery")
	}
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stream, stop := context.WithCancel(context.Background())
	defer stop()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; stream.Err() == nil; i++ {
				name := fmt.Sprintf("w%d-user%05d", w, i)
				_, err := c.RegisterUser(stream, &quicksight.RegisterUserInput{
					AwsAccountId: aws.String(account), Namespace: aws.String("default"),
					IdentityType: types.IdentityTypeQuicksight, Email: aws.String("x@example.com"),
					UserRole: types.UserRoleReader, UserName: aws.String(name),
				})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}()
	}
	// Let a few hundred registrations through, then crash mid-stream.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.kill(t)
	stop()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no registration was acknowledged before the kill")
	}

	s2 := start(t, s.DB)
	c2 := s2.client("us-east-1")
	have := map[string]bool{}
	p := quicksight.NewListUsersPaginator(c2, &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.UserList {
			have[aws.ToString(u.UserName)] = true
		}
	}
	lost := 0
	for _, name := range acked {
		if !have[name] {
			lost++
			t.Errorf("acknowledged user %s lost", name)
		}
	}
	t.Logf("%d registrations acknowledged before SIGKILL, %d users after restart, %d lost", len(acked), len(have), lost)
}
