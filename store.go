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
	// EnsureAccount creates the account and its "default" namespace (with
	// the given capacity region) when they do not exist yet; it is a no-op
	// otherwise.
	EnsureAccount(ctx context.Context, account, region string, now time.Time) error

	// CreateNamespace returns ErrExists for a taken name and ErrNotFound
	// when the account does not exist.
	CreateNamespace(ctx context.Context, ns Namespace) error
	// Namespace returns ErrNotFound when the account or namespace is unknown.
	Namespace(ctx context.Context, account, name string) (Namespace, error)
	// ListNamespaces returns up to limit namespaces named after `after`, in
	// name order.
	ListNamespaces(ctx context.Context, account, after string, limit int) ([]Namespace, error)
	// CountNamespaces counts an account's namespaces.
	CountNamespaces(ctx context.Context, account string) (int, error)
	// DeleteNamespace removes a namespace with everything in it: users,
	// groups, group and role memberships, role custom permissions, upgrade
	// requests and the self-upgrade configuration (not tags or permissions:
	// see ClearTags and DropPrincipalPrefix). ErrNotFound when it does not
	// exist.
	DeleteNamespace(ctx context.Context, account, name string) error

	// CreateUser returns ErrExists when the namespace holds a user of that
	// name or a user with the same PrincipalID (empty ones too), and ErrNotFound
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
	// DeleteUser removes the user and its group memberships; ErrNotFound
	// when there is no such user.
	DeleteUser(ctx context.Context, account, namespace, name string) error
	// ListUsers returns up to limit users of the namespace whose names sort
	// strictly after `after` (byte order), in that order; an unknown
	// namespace or a limit <= 0 gives an empty list.
	ListUsers(ctx context.Context, account, namespace, after string, limit int) ([]User, error)
	// ListUserGroups returns up to limit groups that the user belongs to,
	// named after `after`, in name order.
	ListUserGroups(ctx context.Context, account, namespace, user, after string, limit int) ([]Group, error)

	// CreateGroup returns ErrExists when the namespace holds a group of that
	// name or with that PrincipalID, ErrNotFound when the namespace does not
	// exist.
	CreateGroup(ctx context.Context, g Group) error
	// Group returns ErrNotFound when there is no such group.
	Group(ctx context.Context, account, namespace, name string) (Group, error)
	// UpdateGroup replaces every field but the key; ErrNotFound when absent.
	UpdateGroup(ctx context.Context, g Group) error
	// DeleteGroup removes the group, its memberships and the role
	// memberships naming it; ErrNotFound when there is no such group.
	DeleteGroup(ctx context.Context, account, namespace, name string) error
	// ListGroups returns up to limit groups whose names start with prefix
	// ("" for all) and sort after `after`, in name order.
	ListGroups(ctx context.Context, account, namespace, prefix, after string, limit int) ([]Group, error)
	// CountGroups counts the groups of a namespace.
	CountGroups(ctx context.Context, account, namespace string) (int, error)

	// AddGroupMember returns ErrExists when the user is already a member and
	// ErrNotFound when the group or the user does not exist.
	AddGroupMember(ctx context.Context, account, namespace, group, user string) error
	// GroupMember returns nil when the user is a member, else ErrNotFound.
	GroupMember(ctx context.Context, account, namespace, group, user string) error
	// RemoveGroupMember returns ErrNotFound when the user is not a member.
	RemoveGroupMember(ctx context.Context, account, namespace, group, user string) error
	// ListGroupMembers returns up to limit member user names after `after`,
	// in name order.
	ListGroupMembers(ctx context.Context, account, namespace, group, after string, limit int) ([]string, error)

	// CreateCustomPermissions returns ErrExists for a taken name and
	// ErrNotFound when the account does not exist.
	CreateCustomPermissions(ctx context.Context, p CustomPermissions) error
	// CustomPermissions returns ErrNotFound when there is no such profile.
	CustomPermissions(ctx context.Context, account, name string) (CustomPermissions, error)
	// UpdateCustomPermissions replaces every field but the key; ErrNotFound
	// when absent.
	UpdateCustomPermissions(ctx context.Context, p CustomPermissions) error
	// DeleteCustomPermissions returns ErrNotFound when there is no such
	// profile.
	DeleteCustomPermissions(ctx context.Context, account, name string) error
	// ListCustomPermissions returns up to limit profiles named after
	// `after`, in name order.
	ListCustomPermissions(ctx context.Context, account, after string, limit int) ([]CustomPermissions, error)
	// SetAccountCustomPermission sets the account's profile; "" clears it.
	SetAccountCustomPermission(ctx context.Context, account, profile string) error
	// AccountCustomPermission returns the account's profile, "" when none.
	AccountCustomPermission(ctx context.Context, account string) (string, error)
	// SetRoleCustomPermission sets the profile of a role in a namespace; ""
	// clears it. ErrNotFound when the namespace does not exist.
	SetRoleCustomPermission(ctx context.Context, account, namespace, role, profile string) error
	// RoleCustomPermission returns a role's profile, "" when none.
	RoleCustomPermission(ctx context.Context, account, namespace, role string) (string, error)
	// ProfileUses counts what has the named profile applied: users and
	// roles in any namespace of the account, and the account itself.
	ProfileUses(ctx context.Context, account, profile string) (int, error)

	// AddRoleMember maps a group to a role: ErrExists when it already is,
	// ErrNotFound when the group does not exist.
	AddRoleMember(ctx context.Context, account, namespace, role, group string) error
	// RemoveRoleMember returns ErrNotFound when the group is not mapped.
	RemoveRoleMember(ctx context.Context, account, namespace, role, group string) error
	// ListRoleMembers returns up to limit group names mapped to the role,
	// after `after`, in name order.
	ListRoleMembers(ctx context.Context, account, namespace, role, after string, limit int) ([]string, error)

	// Tags returns a resource's tags sorted by key; none is an empty list.
	// A resource is named by its ARN's resource part, e.g.
	// "user/default/alice"; the store does not check that it exists.
	Tags(ctx context.Context, account, resource string) ([]Tag, error)
	// SetTags adds tags to a resource, replacing the values of keys it has.
	SetTags(ctx context.Context, account, resource string, tags []Tag) error
	// DeleteTags removes the given keys; absent keys are ignored.
	DeleteTags(ctx context.Context, account, resource string, keys []string) error
	// ClearTags removes all tags of every resource whose name starts with
	// prefix (a whole resource name clears that resource).
	ClearTags(ctx context.Context, account, prefix string) error

	// CreateAnalysis returns ErrExists for a taken id (live or deleted) and
	// ErrNotFound when the account does not exist.
	CreateAnalysis(ctx context.Context, a Analysis) error
	// Analysis returns ErrNotFound when there is no such analysis; one
	// waiting out its recovery window is returned with its DeletionTime.
	Analysis(ctx context.Context, account, id string) (Analysis, error)
	// UpdateAnalysis replaces every field but the key (Account, ID);
	// ErrNotFound when absent.
	UpdateAnalysis(ctx context.Context, a Analysis) error
	// DeleteAnalysis removes the analysis for good (not its permissions or
	// tags: see ClearPermissions and ClearTags); ErrNotFound when absent.
	DeleteAnalysis(ctx context.Context, account, id string) error
	// ListAnalyses returns up to limit analyses whose ids sort after
	// `after`, in id order, deleted ones included. Their Definition,
	// SourceEntity and Parameters are nil: a listing needs none of them,
	// and definitions can be large.
	ListAnalyses(ctx context.Context, account, after string, limit int) ([]Analysis, error)

	// Permissions returns the grants on a resource, one per principal,
	// sorted by principal, each with its actions sorted; none is an empty
	// list. Resources and principals are named by ARN resource part
	// ("analysis/abc", "user/default/alice", "group/default/g",
	// "namespace/default"); the store checks neither exists.
	Permissions(ctx context.Context, account, resource string) ([]Grant, error)
	// Grant adds each grant's actions for its principal; actions already
	// granted are left as they are.
	Grant(ctx context.Context, account, resource string, grants []Grant) error
	// Revoke removes each grant's actions from its principal; actions not
	// granted are ignored. A principal left with no action has no grant.
	Revoke(ctx context.Context, account, resource string, grants []Grant) error
	// ClearPermissions removes every grant on a resource.
	ClearPermissions(ctx context.Context, account, resource string) error
	// DropPrincipal removes every grant to exactly that principal, on every
	// resource of the account.
	DropPrincipal(ctx context.Context, account, principal string) error
	// DropPrincipalPrefix removes every grant to a principal whose name
	// starts with prefix, on every resource of the account.
	DropPrincipalPrefix(ctx context.Context, account, prefix string) error

	// CreateUpgradeRequest returns ErrExists for a taken id and ErrNotFound
	// when the namespace does not exist. The user is not checked: requests
	// outlive their users.
	CreateUpgradeRequest(ctx context.Context, r UpgradeRequest) error
	// UpgradeRequest returns ErrNotFound when there is no such request.
	UpgradeRequest(ctx context.Context, account, namespace, id string) (UpgradeRequest, error)
	// UpdateUpgradeRequest replaces every field but the key (Account,
	// Namespace, ID); ErrNotFound when absent.
	UpdateUpgradeRequest(ctx context.Context, r UpgradeRequest) error
	// ListUpgradeRequests returns up to limit requests of the namespace
	// whose ids sort after `after`, in id order. A non-empty user keeps
	// only that user's requests and a non-empty status only requests in
	// that status.
	ListUpgradeRequests(ctx context.Context, account, namespace, user, status, after string, limit int) ([]UpgradeRequest, error)
	// SelfUpgradeStatus returns a namespace's self-upgrade configuration,
	// "" when it was never set.
	SelfUpgradeStatus(ctx context.Context, account, namespace string) (string, error)
	// SetSelfUpgradeStatus sets it; ErrNotFound when the namespace does not
	// exist. Deleting the namespace deletes it and the namespace's upgrade
	// requests.
	SetSelfUpgradeStatus(ctx context.Context, account, namespace, status string) error
}

// Analysis is a QuickSight analysis. Definition, SourceEntity and
// Parameters are the API's JSON objects, kept as they were sent.
type Analysis struct {
	Account      string
	ID           string
	Name         string
	ThemeARN     string
	Definition   []byte // JSON, or nil
	SourceEntity []byte // JSON, or nil
	Parameters   []byte // JSON, or nil
	Status       string // a ResourceStatus value
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// DeletionTime is when a deleted analysis goes for good; zero while
	// the analysis is live.
	DeletionTime time.Time
}

// Grant is the set of actions one principal holds on a resource.
type Grant struct {
	Principal string
	Actions   []string
}

// UpgradeRequest is a user's request to be given a higher role.
type UpgradeRequest struct {
	Account       string
	Namespace     string
	ID            string
	UserName      string
	OriginalRole  string // the role when the request was made
	RequestedRole string
	Note          string
	Status        string // a SelfUpgradeRequestStatus value
	CreatedAt     time.Time
	// LastAttempt is when an approval or verification last ran; zero when
	// none has.
	LastAttempt   time.Time
	FailureReason string
}

// Namespace is a QuickSight namespace.
type Namespace struct {
	Account        string
	Name           string
	CapacityRegion string // the region it was created in
	IdentityStore  string // QUICKSIGHT
	CreatedAt      time.Time
}

// Group is a QuickSight group.
type Group struct {
	Account     string
	Namespace   string
	Name        string
	Description string
	PrincipalID string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// CustomPermissions is a custom permissions profile. Capabilities and
// Governance are the API's JSON objects, kept as they were sent: the store
// does not look inside.
type CustomPermissions struct {
	Account      string
	Name         string
	Capabilities []byte // JSON, or nil
	Governance   []byte // JSON, or nil
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string
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
