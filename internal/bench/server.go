package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// child is a qslocal server this tool started.
type child struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startServer starts the qslocal binary on db, on a free loopback port,
// with extra flags, and waits for its first answer to a call, which it
// times from the start of the process.
func startServer(ctx context.Context, binary, db string, logTo io.Writer, extra ...string) (*child, time.Duration, error) {
	return startChild(ctx, binary, logTo, func(addr string) []string {
		return append([]string{"--addr", addr, "--db", db, "--async-delay", "0", "--log-level", "error"}, extra...)
	})
}

// startCeiling starts the ceiling in a process of its own, so that its
// CPU is measured as qslocal's is, apart from the tool's.
func startCeiling(ctx context.Context, binary string, bodySize int, logTo io.Writer) (*child, error) {
	c, _, err := startChild(ctx, binary, logTo, func(addr string) []string {
		return []string{"bench", "--serve-ceiling", addr, "--ceiling-body", strconv.Itoa(bodySize)}
	})
	return c, err
}

// startChild runs binary with the arguments args gives for a free
// loopback address and waits for its first answer.
func startChild(ctx context.Context, binary string, logTo io.Writer, args func(addr string) []string) (*child, time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(binary, args(addr)...)
	// The ready line is not for bench's reader; errors are.
	cmd.Stdout, cmd.Stderr = io.Discard, logTo
	cmd.Env = os.Environ()
	ch := &child{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	go func() { ch.done <- cmd.Wait() }()
	c := newConn(ch.base)
	defer c.close()
	// Any answer will do: the server has listened, routed, and read its store.
	probe := call{"GET", userPath(0), nil}
	for {
		if _, _, err := c.do(ctx, probe); err == nil {
			return ch, time.Since(start), nil
		}
		select {
		case err := <-ch.done:
			return nil, 0, fmt.Errorf("%s %v exited before answering: %v", binary, cmd.Args[1:], err)
		case <-ctx.Done():
			ch.stop()
			return nil, 0, ctx.Err()
		case <-time.After(pollEvery(time.Since(start))):
		}
	}
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop asks the server to shut down, as SIGTERM does, and waits for it.
func (c *child) stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		return err
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		return errors.New("qslocal did not stop within 30s of SIGTERM; killed")
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// serveCeiling serves the ceiling on addr until ctx ends.
func serveCeiling(ctx context.Context, addr string, bodySize int) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: ceiling(padded(bodySize))}
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// pollEvery is how long to wait before asking again a server that has
// been starting for so long: often at first, to time a quick start
// closely, then less, not to take CPU from a slow one (a large --seed).
func pollEvery(starting time.Duration) time.Duration {
	if starting < 200*time.Millisecond {
		return 200 * time.Microsecond
	}
	return 10 * time.Millisecond
}
