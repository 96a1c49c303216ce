// Package qslocal is the QuickSight control plane: domain types, rules and
// the storage contract. It knows nothing of HTTP or SQL.
package qslocal

import (
	"errors"
	"fmt"
)

// Error is a failure the caller can act on. Code is the name of an error
// shape in the AWS model (for example "ResourceNotFoundException").
type Error struct {
	Code         string
	Message      string
	ResourceType string // an ExceptionResourceType value, or empty
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Error codes used by the service. They are the model's error shape names.
const (
	CodeResourceNotFound       = "ResourceNotFoundException"
	CodeResourceExists         = "ResourceExistsException"
	CodeInvalidParameterValue  = "InvalidParameterValueException"
	CodeInvalidNextToken       = "InvalidNextTokenException"
	CodePreconditionNotMet     = "PreconditionNotMetException"
	CodeLimitExceeded          = "LimitExceededException"
	CodeConflict               = "ConflictException"
	CodeResourceUnavailable    = "ResourceUnavailableException"
	CodeInternalFailure        = "InternalFailureException"
	CodeThrottling             = "ThrottlingException"
	CodeConcurrentUpdating     = "ConcurrentUpdatingException"
	CodeAccessDenied           = "AccessDeniedException"
	CodeUnsupportedUserEdition = "UnsupportedUserEditionException"
	// CodeValidation is AWS's answer to input that breaks a rule of the
	// model (required, length, pattern, enum, range); the model does not
	// declare it (see docs/behaviour.md).
	CodeValidation = "ValidationException"
)

// Resource types carried by ResourceNotFound, ResourceExists, LimitExceeded
// and ResourceUnavailable errors.
const (
	ResourceUser       = "USER"
	ResourceGroup      = "GROUP"
	ResourceNamespace  = "NAMESPACE"
	ResourceAssignment = "IAMPOLICY_ASSIGNMENT"
	ResourceDataSource = "DATA_SOURCE"
	ResourceDataSet    = "DATA_SET"
)

func errorf(code, resourceType, format string, args ...any) *Error {
	return &Error{Code: code, ResourceType: resourceType, Message: fmt.Sprintf(format, args...)}
}

func invalidParameter(format string, args ...any) *Error {
	return errorf(CodeInvalidParameterValue, "", format, args...)
}

// Sentinel errors returned by stores; the service turns them into *Error
// with a message and resource type that fit the operation.
var (
	// ErrNotFound: the addressed row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: a row with the same unique key already exists.
	ErrExists = errors.New("already exists")
	// ErrUnavailable: the database cannot serve now (locked too long, or
	// unreachable); the request changed nothing and may be retried. The
	// HTTP layer answers ResourceUnavailableException.
	ErrUnavailable = errors.New("store unavailable")
	// ErrBusy: concurrent writers held what the transaction needed for
	// longer than the store waits (a lock held past its timeout, or
	// conflicts past the retry budget). It is also ErrUnavailable: the
	// request changed nothing and may be retried.
	ErrBusy = fmt.Errorf("store busy: %w", ErrUnavailable)
)
