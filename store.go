package qslocal

import (
	"context"
	"time"
)

// Store persists the control plane. Every rule lives in the Service; a store
// only reads and writes rows, inside transactions.
type Store interface {
	// Update runs fn in one read-write transaction and commits it when fn
	// returns nil; any error rolls everything back. A store may call fn more
	// than once (to retry a serialization failure), so fn must have no
	// effects outside tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in one read-only transaction with a consistent snapshot.
	View(ctx context.Context, fn func(tx Tx) error) error
	// Secret returns this store's random key for signing pagination tokens,
	// created once and then the same for every process sharing the store.
	Secret(ctx context.Context) ([]byte, error)
	Close() error
}

// Tx is one transaction. Keys are exact byte strings: names compare
// case-sensitively. Times are kept in UTC to at least the microsecond. A
// cancelled context makes methods return an error wrapping ctx.Err(). fn
// must not call the Store itself. Any method may return ErrUnavailable.
type Tx interface {
	// EnsureAccount creates the account and its "default" namespace when they
	// do not exist yet; it is a no-op otherwise.
	EnsureAccount(ctx context.Context, account string, now time.Time) error
	// Namespace returns ErrNotFound when the account or namespace is unknown.
	Namespace(ctx context.Context, account, name string) (Namespace, error)

	// CreateUser returns ErrExists when the namespace holds a user of that
	// name or a user with the same (non-empty) PrincipalID, and ErrNotFound
	// when the account or namespace does not exist.
	CreateUser(ctx context.Context, u User) error
	// User returns ErrNotFound when there is no such user.
	User(ctx context.Context, account, namespace, name string) (User, error)
	// UserByPrincipalID returns ErrNotFound when there is no such user.
	UserByPrincipalID(ctx context.Context, account, namespace, principalID string) (User, error)
	// UpdateUser replaces every field but the key (Account, Namespace,
	// Name) of that user; ErrNotFound when it does not exist, ErrExists when
	// the new PrincipalID belongs to another user.
	UpdateUser(ctx context.Context, u User) error
	// DeleteUser returns ErrNotFound when there is no such user.
	DeleteUser(ctx context.Context, account, namespace, name string) error
	// ListUsers returns up to limit users of the namespace whose names sort
	// strictly after `after` (byte order), in that order; an unknown
	// namespace or a limit <= 0 gives an empty list.
	ListUsers(ctx context.Context, account, namespace, after string, limit int) ([]User, error)
}

// Namespace is a QuickSight namespace.
type Namespace struct {
	Account   string
	Name      string
	CreatedAt time.Time
}

// User is a QuickSight user. Empty strings mean "not set".
type User struct {
	Account     string
	Namespace   string
	Name        string
	PrincipalID string
	Email       string
	Role        string // a UserRole value
	// IdentityType is IAM, QUICKSIGHT or IAM_IDENTITY_CENTER.
	IdentityType string
	IAMArn       string
	SessionName  string
	Active       bool
	// CustomPermissionsName is the applied custom permissions profile.
	CustomPermissionsName string
	// External login: provider type (COGNITO or CUSTOM_OIDC), its URL and the
	// user's id with that provider.
	ExternalLoginProviderType string
	ExternalLoginProviderURL  string
	ExternalLoginID           string
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
}
