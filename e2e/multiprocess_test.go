package e2e

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/qslocal/qslocal/postgres/pgtest"
)

// cluster is several qslocal processes sharing one PostgreSQL database.
type cluster struct {
	servers []*server
	clients []*quicksight.Client
}

func startCluster(t *testing.T, n int) *cluster {
	t.Helper()
	dsn := pgtest.Database(t)
	c := &cluster{}
	for range n {
		s := start(t, dsn, "--db-max-conns", "4")
		c.servers = append(c.servers, s)
		c.clients = append(c.clients, s.client("us-east-1"))
	}
	return c
}

// race runs calls concurrently, each on the process i%n, and returns
// which ones succeeded; any error other than the allowed ones fails.
func (c *cluster) race(t *testing.T, calls int, call func(qs *quicksight.Client, i int) error, allowed func(error) bool) []bool {
	t.Helper()
	ok := make([]bool, calls)
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := call(c.clients[i%len(c.clients)], i)
			switch {
			case err == nil:
				ok[i] = true
			case !allowed(err):
				errs <- fmt.Errorf("call %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return ok
}

func count(ok []bool) int {
	n := 0
	for _, b := range ok {
		if b {
			n++
		}
	}
	return n
}

// TestThreeProcessesOneDatabase sends conflicting requests to three
// processes at once; afterwards the state must be exactly what some serial
// order of the acknowledged requests gives.
func TestThreeProcessesOneDatabase(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3)
	qs := c.clients[0]
	acct, def := aws.String(account), aws.String("default")
	exists := func(err error) bool { var e *types.ResourceExistsException; return errors.As(err, &e) }
	limited := func(err error) bool { var e *types.LimitExceededException; return errors.As(err, &e) }

	t.Run("duplicate RegisterUser: one winner per name", func(t *testing.T) {
		const names, tries = 10, 6
		ok := c.race(t, names*tries, func(q *quicksight.Client, i int) error {
			_, err := q.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
				AwsAccountId: acct, Namespace: def, IdentityType: types.IdentityTypeQuicksight,
				Email: aws.String(fmt.Sprintf("try%d@example.com", i)), UserRole: types.UserRoleReader,
				UserName: aws.String(fmt.Sprintf("dup%02d", i%names)),
			})
			return err
		}, exists)
		winners := map[int]int{}
		for i, won := range ok {
			if won {
				winners[i%names]++
			}
		}
		for n := range names {
			if winners[n] != 1 {
				t.Errorf("dup%02d: %d registrations acknowledged, want exactly 1", n, winners[n])
			}
		}
		// The stored email is the winner's: the acknowledged write is the one kept.
		for i, won := range ok {
			if !won {
				continue
			}
			u, err := c.clients[(i+1)%3].DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String(fmt.Sprintf("dup%02d", i%names))})
			if err != nil || aws.ToString(u.User.Email) != fmt.Sprintf("try%d@example.com", i) {
				t.Errorf("dup%02d after the race: %v, %v", i%names, u, err)
			}
		}
	})

	t.Run("tag limit holds across processes", func(t *testing.T) {
		register(t, qs, "tagged", types.UserRoleReader)
		arn := "arn:aws:quicksight:us-east-1:" + account + ":user/default/tagged"
		const tries = 80 // distinct keys; only 50 fit
		ok := c.race(t, tries, func(q *quicksight.Client, i int) error {
			_, err := q.TagResource(ctx(t), &quicksight.TagResourceInput{ResourceArn: aws.String(arn),
				Tags: []types.Tag{{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")}}})
			return err
		}, limited)
		out, err := c.clients[2].ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for i, won := range ok {
			if won {
				want = append(want, fmt.Sprintf("k%02d", i))
			}
		}
		for _, tag := range out.Tags {
			got = append(got, aws.ToString(tag.Key))
		}
		sort.Strings(want)
		if count(ok) != 50 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%d TagResource calls acknowledged, tags now %q; want exactly the 50 acknowledged keys %q", count(ok), got, want)
		}
	})

	t.Run("group memberships: no lost write", func(t *testing.T) {
		if _, err := qs.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("team")}); err != nil {
			t.Fatal(err)
		}
		const users = 30
		for i := range users {
			register(t, c.clients[i%3], fmt.Sprintf("member%02d", i), types.UserRoleReader)
		}
		ok := c.race(t, users*2, func(q *quicksight.Client, i int) error {
			_, err := q.CreateGroupMembership(ctx(t), &quicksight.CreateGroupMembershipInput{AwsAccountId: acct, Namespace: def,
				GroupName: aws.String("team"), MemberName: aws.String(fmt.Sprintf("member%02d", i%users))})
			return err
		}, func(error) bool { return false })
		members := map[string]bool{}
		p := quicksight.NewListGroupMembershipsPaginator(c.clients[1], &quicksight.ListGroupMembershipsInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("team"), MaxResults: aws.Int32(7)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.GroupMemberList {
				members[aws.ToString(m.MemberName)] = true
			}
		}
		if count(ok) != users*2 || len(members) != users {
			t.Errorf("%d adds acknowledged, %d members; want %d and %d", count(ok), len(members), users*2, users)
		}
	})

	t.Run("namespace limit holds across processes", func(t *testing.T) {
		create := func(q *quicksight.Client, name string) error {
			_, err := q.CreateNamespace(ctx(t), &quicksight.CreateNamespaceInput{AwsAccountId: acct,
				Namespace: aws.String(name), IdentityStore: types.IdentityStoreQuicksight})
			return err
		}
		// 90 beside default, one at a time; then 30 race for the last 9.
		for i := range 90 {
			if err := create(c.clients[i%3], fmt.Sprintf("pre%03d", i)); err != nil {
				t.Fatal(err)
			}
		}
		const tries = 30
		ok := c.race(t, tries, func(q *quicksight.Client, i int) error {
			return create(q, fmt.Sprintf("ns%03d", i))
		}, limited)
		n := 0
		p := quicksight.NewListNamespacesPaginator(c.clients[2], &quicksight.ListNamespacesInput{AwsAccountId: acct})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Namespaces)
		}
		if count(ok) != 9 || n != 100 {
			t.Errorf("%d racing CreateNamespace acknowledged, %d namespaces; want 9 and 100", count(ok), n)
		}
	})

	t.Run("a token from one process pages on another", func(t *testing.T) {
		first, err := c.clients[0].ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, MaxResults: aws.Int32(5)})
		if err != nil || first.NextToken == nil {
			t.Fatalf("first page: %v, %v", first, err)
		}
		second, err := c.clients[1].ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, MaxResults: aws.Int32(5), NextToken: first.NextToken})
		if err != nil {
			t.Fatalf("second page on another process: %v", err)
		}
		if len(second.UserList) == 0 || aws.ToString(second.UserList[0].UserName) <= aws.ToString(first.UserList[4].UserName) {
			t.Errorf("second page does not continue the first: %v after %v", second.UserList, first.UserList)
		}
	})
}
