package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// privatePostgres is a PostgreSQL server of the test's own, which it may
// stop and start without disturbing the shared one.
type privatePostgres struct {
	bin, dir string
	port     int
	asUser   []string // runuser prefix when running as root
}

// newPrivatePostgres initialises a cluster in a temporary directory, or
// skips when the PostgreSQL server binaries are not installed.
func newPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): skipping the restart test")
	}
	sort.Strings(bins)
	// Not t.TempDir(): its parent is private to this user, and the server
	// may run as another.
	dir, err := os.MkdirTemp("", "qslocal-pg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	p := &privatePostgres{bin: filepath.Dir(bins[len(bins)-1]), dir: dir}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user: skipping the restart test")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(p.dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port for the server
	if err != nil {
		t.Fatal(err)
	}
	p.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p.run(t, "initdb", "-D", filepath.Join(p.dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync")
	p.start(t)
	t.Cleanup(func() { p.stop(t, "immediate") })
	return p
}

func (p *privatePostgres) run(t *testing.T, prog string, args ...string) {
	t.Helper()
	argv := append(append(append([]string{}, p.asUser...), filepath.Join(p.bin, prog)), args...)
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", prog, err, out)
	}
}

func (p *privatePostgres) start(t *testing.T) {
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off", p.port, p.dir)
	p.run(t, "pg_ctl", "-D", filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "log"), "-o", opts, "-w", "start")
}

// stop stops the server; mode "immediate" is a crash: no checkpoint, no
// goodbye to clients.
func (p *privatePostgres) stop(t *testing.T, mode string) {
	argv := append(append(append([]string{}, p.asUser...), filepath.Join(p.bin, "pg_ctl")), "-D", filepath.Join(p.dir, "data"), "-m", mode, "-w", "stop")
	_ = exec.Command(argv[0], argv[1:]...).Run()
}

func (p *privatePostgres) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
}

// TestPostgresRestart stops PostgreSQL as a crash would while qslocal
// serves, checks qslocal answers ResourceUnavailableException meanwhile,
// then starts PostgreSQL again: qslocal serves without a restart of its
// own, and no acknowledged write is lost.
func TestPostgresRestart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a PostgreSQL server of its own")
	}
	pg := newPrivatePostgres(t)
	s := start(t, pg.dsn(), "--db-connect-timeout", "1s")
	c := s.client("us-east-1")
	reg := func(name string) error { return tryRegister(t, c, name) }
	var acked []string
	for i := range 5 {
		name := fmt.Sprintf("before%d", i)
		if err := reg(name); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, name)
	}

	pg.stop(t, "immediate")
	var unavailable *types.ResourceUnavailableException
	if err := reg("during"); !errors.As(err, &unavailable) {
		t.Errorf("RegisterUser with PostgreSQL stopped: %v, want ResourceUnavailableException", err)
	}
	if _, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")}); !errors.As(err, &unavailable) {
		t.Errorf("ListUsers with PostgreSQL stopped: %v, want ResourceUnavailableException", err)
	}

	pg.start(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := reg("after")
		if err == nil {
			acked = append(acked, "after")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("qslocal did not serve again after PostgreSQL restarted: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	wantUsers(t, c, acked)
}
