package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qslocal/qslocal"
)

// SQLSTATE codes the store acts on.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeDuplicateTable       = "42P07"
	codeDuplicateObject      = "42710"
	codeUndefinedFunction    = "42883"
	codeAdminShutdown        = "57P01"
	codeCrashShutdown        = "57P02"
	codeCannotConnectNow     = "57P03"
	codeTooManyConnections   = "53300" // of insufficient_resources (53...), as disk_full (53100)
	codeReadOnlyTransaction  = "25006" // a hot standby, or default_transaction_read_only
	codeQueryCanceled        = "57014" // statement_timeout, when not our own context
	codeLockNotAvailable     = "55P03" // lock_timeout
)

// sqlState returns the SQLSTATE of a server error in err's chain, or "".
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// retryable reports a failure that running the whole transaction again may
// not meet: a serialization failure or a deadlock.
func retryable(err error) bool {
	switch sqlState(err) {
	case codeSerializationFailure, codeDeadlockDetected:
		return true
	}
	return false
}

// unavailable reports a failure of the database or of the way to it, as
// opposed to one of the statement: the request may succeed later.
func unavailable(err error) bool {
	switch code := sqlState(err); {
	case code == "":
	case strings.HasPrefix(code, "08"): // connection_exception
		return true
	case strings.HasPrefix(code, "53"): // insufficient_resources: disk_full, out_of_memory, too_many_connections, ...
		return true
	case code == codeAdminShutdown, code == codeCrashShutdown, code == codeCannotConnectNow,
		code == codeReadOnlyTransaction,
		code == codeQueryCanceled, code == codeLockNotAvailable:
		return true
	default:
		return false // any other server error is about the statement
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) ||
		errors.As(err, &netErr) ||
		pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// broken reports a connection that failed (or a session the server ended),
// as opposed to a server that refused a statement for now (a timeout, a
// read-only server): the transaction on it is over, and another connection
// may do better.
func broken(err error) bool {
	if !unavailable(err) {
		return false
	}
	switch code := sqlState(err); {
	case code == "", strings.HasPrefix(code, "08"),
		code == codeAdminShutdown, code == codeCrashShutdown, code == codeCannotConnectNow:
		return true
	}
	return false
}

// wrap turns err into the contract's errors, keeping err for logs:
//   - a done ctx: an error wrapping ctx.Err();
//   - no row: qslocal.ErrNotFound;
//   - unique_violation: qslocal.ErrExists;
//   - foreign_key_violation (a parent row is missing): qslocal.ErrNotFound;
//   - lock_not_available (lock_timeout): qslocal.ErrBusy;
//   - a connection or server failure: qslocal.ErrUnavailable.
func wrap(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(err, ctxErr) {
			return fmt.Errorf("postgres: %s: %w", op, err)
		}
		return fmt.Errorf("postgres: %s: %w (%w)", op, ctxErr, err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w (%w)", op, qslocal.ErrNotFound, err)
	}
	switch sqlState(err) {
	case codeUniqueViolation:
		return fmt.Errorf("postgres: %s: %w (%w)", op, qslocal.ErrExists, err)
	case codeForeignKeyViolation:
		return fmt.Errorf("postgres: %s: %w (%w)", op, qslocal.ErrNotFound, err)
	case codeLockNotAvailable:
		return fmt.Errorf("postgres: %s: %w (%w)", op, qslocal.ErrBusy, err)
	}
	if unavailable(err) {
		return fmt.Errorf("postgres: %s: %w (%w)", op, qslocal.ErrUnavailable, err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// notFound is the ErrNotFound of a method that found no row.
func notFound(op string) error {
	return fmt.Errorf("postgres: %s: %w", op, qslocal.ErrNotFound)
}

// exists is the ErrExists of a method that met a taken key.
func exists(op string) error {
	return fmt.Errorf("postgres: %s: %w", op, qslocal.ErrExists)
}
