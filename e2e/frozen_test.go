package e2e

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestDatabaseFrozen: while PostgreSQL stops answering (connections open,
// nothing coming back), requests answer ResourceUnavailableException
// after --db-timeout instead of hanging; when it answers again, qslocal
// serves again.
func TestDatabaseFrozen(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a frozen database")
	}
	t.Parallel()
	dsn := migratedPostgres(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutter(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	s := start(t, u.String(), "--db-timeout", "1s", "--db-connect-timeout", "1s")
	c := s.client("us-east-1")
	if err := tryRegister(t, c, "before"); err != nil {
		t.Fatal(err)
	}

	proxy.freeze(true)
	var unavailable *types.ResourceUnavailableException
	if err := tryRegister(t, c, "during"); !errors.As(err, &unavailable) {
		t.Errorf("RegisterUser while the database is frozen: %v, want ResourceUnavailableException", err)
	}
	_, err = c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("before")})
	if !errors.As(err, &unavailable) {
		t.Errorf("DescribeUser while the database is frozen: %v, want ResourceUnavailableException", err)
	}

	proxy.freeze(false)
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		err := tryRegister(t, c, fmt.Sprintf("after%d", i))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("qslocal did not recover after the database thawed: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	wantUsers(t, c, []string{"before"})
}
