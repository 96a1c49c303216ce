package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qslocal/qslocal"
)

func TestWrap(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code, Message: "m"}) }
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name   string
		ctx    context.Context
		err    error
		want   error // nil: none of the sentinels
		broken bool
	}{
		{"no rows", context.Background(), pgx.ErrNoRows, qslocal.ErrNotFound, false},
		{"unique_violation", context.Background(), pg(codeUniqueViolation), qslocal.ErrExists, false},
		{"foreign_key_violation", context.Background(), pg(codeForeignKeyViolation), qslocal.ErrNotFound, false},
		{"admin_shutdown", context.Background(), pg(codeAdminShutdown), qslocal.ErrUnavailable, true},
		{"crash_shutdown", context.Background(), pg(codeCrashShutdown), qslocal.ErrUnavailable, true},
		{"cannot_connect_now", context.Background(), pg(codeCannotConnectNow), qslocal.ErrUnavailable, true},
		{"connection_failure", context.Background(), pg("08006"), qslocal.ErrUnavailable, true},
		{"too_many_connections", context.Background(), pg(codeTooManyConnections), qslocal.ErrUnavailable, false},
		{"disk_full", context.Background(), pg("53100"), qslocal.ErrUnavailable, false},
		{"out_of_memory", context.Background(), pg("53200"), qslocal.ErrUnavailable, false},
		{"read_only_sql_transaction", context.Background(), pg(codeReadOnlyTransaction), qslocal.ErrUnavailable, false},
		{"statement timeout", context.Background(), pg(codeQueryCanceled), qslocal.ErrUnavailable, false},
		{"lock timeout", context.Background(), pg(codeLockNotAvailable), qslocal.ErrBusy, false},
		{"EOF", context.Background(), fmt.Errorf("read: %w", io.EOF), qslocal.ErrUnavailable, true},
		{"unexpected EOF", context.Background(), io.ErrUnexpectedEOF, qslocal.ErrUnavailable, true},
		{"reset", context.Background(), &net.OpError{Op: "read", Err: syscall.ECONNRESET}, qslocal.ErrUnavailable, true},
		{"refused", context.Background(), syscall.ECONNREFUSED, qslocal.ErrUnavailable, true},
		{"closed conn", context.Background(), fmt.Errorf("x: %w", pgconn.ErrConnClosed), qslocal.ErrUnavailable, true},
		{"syntax error", context.Background(), pg("42601"), nil, false},
		{"serialization_failure", context.Background(), pg(codeSerializationFailure), nil, false},
		{"other", context.Background(), errors.New("other"), nil, false},
		{"cancelled", cancelled, pg(codeQueryCanceled), context.Canceled, false},
		{"cancelled while dialing", cancelled, io.EOF, context.Canceled, true},
	} {
		got := wrap(tt.ctx, "op", tt.err)
		for _, sentinel := range []error{qslocal.ErrNotFound, qslocal.ErrExists, qslocal.ErrUnavailable, qslocal.ErrBusy, context.Canceled} {
			// ErrBusy is also ErrUnavailable.
			want := sentinel == tt.want || (sentinel == qslocal.ErrUnavailable && tt.want == qslocal.ErrBusy)
			if errors.Is(got, sentinel) != want {
				t.Errorf("%s: wrap = %v; errors.Is(%v) = %v", tt.name, got, sentinel, !want)
			}
		}
		if !errors.Is(got, tt.err) {
			t.Errorf("%s: wrap = %v, which does not keep %v", tt.name, got, tt.err)
		}
		if b := broken(tt.err); b != tt.broken {
			t.Errorf("%s: broken = %v, want %v", tt.name, b, tt.broken)
		}
	}
	if !retryable(pg(codeSerializationFailure)) || !retryable(pg(codeDeadlockDetected)) || retryable(pg(codeUniqueViolation)) {
		t.Error("retryable is wrong")
	}
}
