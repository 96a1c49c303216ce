package e2e

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// cutter is a TCP proxy that can cut the database off: while down it
// drops every open connection and refuses new ones, as a stopped server
// would; up lets connections through again. It can also freeze the
// database: connections stay open, and nothing passes until it thaws.
type cutter struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	frozen bool
	thaw   *sync.Cond // signalled when frozen turns false
	conns  map[net.Conn]bool
}

func newCutter(t *testing.T, target string) *cutter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, target: target, conns: map[net.Conn]bool{}}
	c.thaw = sync.NewCond(&c.mu)
	t.Cleanup(func() { ln.Close(); c.cut(true) })
	go c.serve()
	return c
}

func (c *cutter) serve() {
	for {
		in, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.mu.Lock()
		down := c.down
		c.mu.Unlock()
		if down {
			in.Close()
			continue
		}
		out, err := net.Dial("tcp", c.target)
		if err != nil {
			in.Close()
			continue
		}
		c.mu.Lock()
		c.conns[in], c.conns[out] = true, true
		c.mu.Unlock()
		go c.pipe(out, in)
		go c.pipe(in, out)
	}
}

// pipe copies src to dst, holding what it reads while the database is
// frozen.
func (c *cutter) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		c.mu.Lock()
		for c.frozen {
			c.thaw.Wait()
		}
		c.mu.Unlock()
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// freeze stops (true) or lets through again (false) everything between
// qslocal and the database, as a database that stops answering would.
func (c *cutter) freeze(frozen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = frozen
	c.thaw.Broadcast()
}

// cut takes the database away (true) or brings it back (false).
func (c *cutter) cut(down bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = down
	c.frozen = false
	c.thaw.Broadcast()
	if down {
		for conn := range c.conns {
			conn.Close()
		}
		clear(c.conns)
	}
}

// TestDatabaseOutage: while PostgreSQL is unreachable qslocal answers
// ResourceUnavailableException; when it returns qslocal serves again,
// without a restart, and no acknowledged write is lost.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: database outage and recovery")
	}
	t.Parallel()
	dsn := migratedPostgres(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutter(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	s := start(t, u.String(), "--db-connect-timeout", "1s")
	c := s.client("us-east-1")

	registerErr := func(name string) error { return tryRegister(t, c, name) }
	var acked []string
	for i := range 5 {
		name := fmt.Sprintf("before%d", i)
		if err := registerErr(name); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, name)
	}

	proxy.cut(true)
	for i := range 3 {
		err := registerErr(fmt.Sprintf("during%d", i))
		var unavailable *types.ResourceUnavailableException
		if !errors.As(err, &unavailable) {
			t.Errorf("RegisterUser while the database is down: %v, want ResourceUnavailableException", err)
		}
		_, err = c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("before0")})
		if !errors.As(err, &unavailable) {
			t.Errorf("DescribeUser while the database is down: %v, want ResourceUnavailableException", err)
		}
	}

	proxy.cut(false)
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		name := fmt.Sprintf("after%d", i)
		err := registerErr(name)
		if err == nil {
			acked = append(acked, name)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("qslocal did not recover after the database came back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	wantUsers(t, c, acked)
}

// tryRegister registers a QUICKSIGHT reader and returns the error, if any.
func tryRegister(t *testing.T, c *quicksight.Client, name string) error {
	_, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), IdentityType: types.IdentityTypeQuicksight,
		Email: aws.String("x@example.com"), UserRole: types.UserRoleReader, UserName: aws.String(name),
	})
	return err
}

// wantUsers checks that every named user is in namespace default.
func wantUsers(t *testing.T, c *quicksight.Client, names []string) {
	t.Helper()
	have := map[string]bool{}
	p := quicksight.NewListUsersPaginator(c, &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.UserList {
			have[aws.ToString(u.UserName)] = true
		}
	}
	for _, name := range names {
		if !have[name] {
			t.Errorf("acknowledged user %s lost", name)
		}
	}
}
