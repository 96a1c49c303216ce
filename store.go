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

// StoreObserver watches a store's transactions, for metrics. Stores take
// one in their configuration; nil watches nothing. Kinds are "update" and
// "view".
type StoreObserver interface {
	// Transaction reports a finished Update or View, whatever its outcome,
	// and how long it took, retries included.
	Transaction(kind string, d time.Duration)
	// Retry reports that a transaction starts again (after a serialization
	// failure or a broken connection, say).
	Retry(kind string)
}

// Analyzer is implemented by stores whose query planner keeps statistics:
// Analyze refreshes them, as after a bulk load (Service.Import).
type Analyzer interface {
	Analyze(ctx context.Context) error
}

// Sizer is implemented by stores that can tell how large their database
// is, in bytes.
type Sizer interface {
	Size(ctx context.Context) (int64, error)
}

// Tx is one transaction: every store interface below, each over one part
// of the control plane. Keys are exact byte strings: names compare
// case-sensitively. Times are kept in UTC to at least the microsecond. A
// cancelled context makes methods return an error wrapping ctx.Err(). fn
// must not call the Store itself. Any method may return ErrUnavailable,
// or ErrBusy (which is also ErrUnavailable).
type Tx interface {
	Accounts
	Namespaces
	Users
	Groups
	Profiles
	Tags
	Grants
	Assets
	UpgradeRequests
	Assignments
}

// Accounts makes accounts exist.
type Accounts interface {
	// EnsureAccount creates the account, with the given identity region,
	// and its "default" namespace (with that region as its capacity region)
	// when they do not exist yet; it is a no-op otherwise.
	EnsureAccount(ctx context.Context, account, region string, now time.Time) error
	// UpdateAccount replaces an account's IdentityRegion and Settings;
	// ErrNotFound when it does not exist.
	UpdateAccount(ctx context.Context, a Account) error
	// Account returns ErrNotFound when the account does not exist.
	Account(ctx context.Context, account string) (Account, error)
	// ListAccounts returns up to limit accounts whose ids sort after
	// `after`, in id order.
	ListAccounts(ctx context.Context, after string, limit int) ([]Account, error)
	// DeleteAccount removes an account with everything in it, tags and
	// grants included; ErrNotFound when it does not exist.
	DeleteAccount(ctx context.Context, account string) error
}

// Account is an AWS account, which exists from its first request or its
// subscription.
type Account struct {
	ID        string
	CreatedAt time.Time
	// IdentityRegion is where its users and groups live.
	IdentityRegion string
	// Settings holds its subscription and settings as the domain encodes
	// them; the store does not look inside. nil while none is recorded.
	Settings []byte
}

// Namespaces keeps an account's namespaces.
type Namespaces interface {
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
	// requests, the self-upgrade configuration and IAM policy assignments
	// (not tags or grants: see ClearTags and DropPrincipalPrefix).
	// ErrNotFound when it does not exist.
	DeleteNamespace(ctx context.Context, account, name string) error
}

// Users keeps the users of namespaces.
type Users interface {
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
	// DeleteUser removes the user, its group memberships and its place in
	// IAM policy assignments; ErrNotFound when there is no such user.
	DeleteUser(ctx context.Context, account, namespace, name string) error
	// ListUsers returns up to limit users of the namespace whose names sort
	// strictly after `after` (byte order), in that order; an unknown
	// namespace or a limit <= 0 gives an empty list.
	ListUsers(ctx context.Context, account, namespace, after string, limit int) ([]User, error)
	// CountUsers counts the users of a namespace; 0 for an unknown one.
	CountUsers(ctx context.Context, account, namespace string) (int, error)
}

// Groups keeps groups, their members, and the groups mapped to roles.
type Groups interface {
	// CreateGroup returns ErrExists when the namespace holds a group of that
	// name or with that PrincipalID, ErrNotFound when the namespace does not
	// exist.
	CreateGroup(ctx context.Context, g Group) error
	// Group returns ErrNotFound when there is no such group.
	Group(ctx context.Context, account, namespace, name string) (Group, error)
	// UpdateGroup replaces every field but the key; ErrNotFound when absent.
	UpdateGroup(ctx context.Context, g Group) error
	// DeleteGroup removes the group, its memberships, the role memberships
	// naming it and its place in IAM policy assignments; ErrNotFound when
	// there is no such group.
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
	// ListUserGroups returns up to limit groups that the user belongs to,
	// named after `after`, in name order.
	ListUserGroups(ctx context.Context, account, namespace, user, after string, limit int) ([]Group, error)

	// AddRoleMember maps a group to a role: ErrExists when it already is,
	// ErrNotFound when the group does not exist.
	AddRoleMember(ctx context.Context, account, namespace, role, group string) error
	// RemoveRoleMember returns ErrNotFound when the group is not mapped.
	RemoveRoleMember(ctx context.Context, account, namespace, role, group string) error
	// ListRoleMembers returns up to limit group names mapped to the role,
	// after `after`, in name order.
	ListRoleMembers(ctx context.Context, account, namespace, role, after string, limit int) ([]string, error)
}

// Profiles keeps custom permissions profiles and what they are applied
// to (a user carries its own in User.CustomPermissionsName).
type Profiles interface {
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
}

// Tags keeps the tags of any resource. A resource is named by its ARN's
// resource part, e.g. "user/default/alice"; the store does not check that
// it exists.
type Tags interface {
	// Tags returns a resource's tags sorted by key; none is an empty list.
	Tags(ctx context.Context, account, resource string) ([]Tag, error)
	// SetTags adds tags to a resource, replacing the values of keys it has.
	SetTags(ctx context.Context, account, resource string, tags []Tag) error
	// DeleteTags removes the given keys; absent keys are ignored.
	DeleteTags(ctx context.Context, account, resource string, keys []string) error
	// ClearTags removes all tags of every resource whose name starts with
	// prefix (a whole resource name clears that resource).
	ClearTags(ctx context.Context, account, prefix string) error
}

// Grants keeps what principals may do with resources (what the API calls
// permissions). Resources and principals are named by ARN resource part
// ("analysis/abc", "user/default/alice", "group/default/g",
// "namespace/default"); the store checks neither exists.
type Grants interface {
	// Grants returns the grants on a resource, one per principal, sorted
	// by principal, each with its actions sorted; none is an empty list.
	Grants(ctx context.Context, account, resource string) ([]Grant, error)
	// Grant adds each grant's actions for its principal; actions already
	// granted are left as they are.
	Grant(ctx context.Context, account, resource string, grants []Grant) error
	// Revoke removes each grant's actions from its principal; actions not
	// granted are ignored. A principal left with no action has no grant.
	Revoke(ctx context.Context, account, resource string, grants []Grant) error
	// ClearGrants removes every grant on a resource.
	ClearGrants(ctx context.Context, account, resource string) error
	// DropPrincipal removes every grant to exactly that principal, on every
	// resource of the account.
	DropPrincipal(ctx context.Context, account, principal string) error
	// DropPrincipalPrefix removes every grant to a principal whose name
	// starts with prefix, on every resource of the account.
	DropPrincipalPrefix(ctx context.Context, account, prefix string) error
}

// Assets keeps every kind of asset (analyses, flows, and each kind added
// later) as one generic record, keyed by (Account, Kind, ID), with its
// numbered versions and its named links. The store does not look inside
// Meta or Doc and knows nothing of kinds: a new kind needs no new method.
type Assets interface {
	// CreateAsset returns ErrExists for a taken key (the asset deleted or
	// not) and ErrNotFound when the account does not exist.
	CreateAsset(ctx context.Context, a Asset) error
	// Asset returns ErrNotFound when there is no such asset; one waiting
	// out its recovery window is returned with its DeletionTime.
	Asset(ctx context.Context, account, kind, id string) (Asset, error)
	// UpdateAsset replaces every field but the key; ErrNotFound when
	// absent.
	UpdateAsset(ctx context.Context, a Asset) error
	// DeleteAsset removes the asset for good with its versions and links
	// (not its grants or tags: see ClearGrants and ClearTags); ErrNotFound
	// when absent.
	DeleteAsset(ctx context.Context, account, kind, id string) error
	// ListAssets returns up to limit assets of one kind whose ids sort
	// after `after`, in id order, deleted ones included. Their Doc is nil:
	// a listing needs none, and documents can be megabytes.
	ListAssets(ctx context.Context, account, kind, after string, limit int) ([]Asset, error)

	// CreateAssetVersion returns ErrExists for a taken number and
	// ErrNotFound when the asset does not exist.
	CreateAssetVersion(ctx context.Context, v AssetVersion) error
	// AssetVersion returns ErrNotFound when there is no such version.
	AssetVersion(ctx context.Context, account, kind, id string, number int64) (AssetVersion, error)
	// ListAssetVersions returns up to limit versions of an asset numbered
	// after `after`, in number order, with Doc nil.
	ListAssetVersions(ctx context.Context, account, kind, id string, after int64, limit int) ([]AssetVersion, error)
	// DeleteAssetVersion returns ErrNotFound when there is no such version.
	DeleteAssetVersion(ctx context.Context, account, kind, id string, number int64) error

	// SetAssetLink creates the link (Account, Kind, ID, Rel, Name), or
	// replaces its Target; ErrNotFound when the asset does not exist.
	SetAssetLink(ctx context.Context, l AssetLink) error
	// AssetLink returns ErrNotFound when there is no such link.
	AssetLink(ctx context.Context, account, kind, id, rel, name string) (AssetLink, error)
	// DeleteAssetLink returns ErrNotFound when there is no such link.
	DeleteAssetLink(ctx context.Context, account, kind, id, rel, name string) error
	// ListAssetLinks returns up to limit links of an asset with one Rel,
	// named after `after`, in name order.
	ListAssetLinks(ctx context.Context, account, kind, id, rel, after string, limit int) ([]AssetLink, error)
}

// UpgradeRequests keeps self-upgrade requests and each namespace's
// self-upgrade configuration.
type UpgradeRequests interface {
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

// Assignments keeps IAM policy assignments. They are identity, not assets:
// the users and groups they name are rows that go with the user or group
// (DeleteUser, DeleteGroup), and assignments go with their namespace.
type Assignments interface {
	// CreateAssignment returns ErrExists when the namespace holds an
	// assignment of that name, and ErrNotFound when the namespace, or one
	// of the Users or Groups, does not exist. A name given twice in Users
	// or Groups is kept once.
	CreateAssignment(ctx context.Context, a Assignment) error
	// Assignment returns ErrNotFound when there is no such assignment.
	Assignment(ctx context.Context, account, namespace, name string) (Assignment, error)
	// UpdateAssignment replaces every field but the key (Account,
	// Namespace, Name), Users and Groups included; ErrNotFound when the
	// assignment, or one of the Users or Groups, does not exist.
	UpdateAssignment(ctx context.Context, a Assignment) error
	// DeleteAssignment returns ErrNotFound when there is no such
	// assignment.
	DeleteAssignment(ctx context.Context, account, namespace, name string) error
	// ListAssignments returns up to limit assignments of the namespace
	// named after `after`, in name order; a non-empty status keeps only
	// those in that status. Their Users and Groups are nil.
	ListAssignments(ctx context.Context, account, namespace, status, after string, limit int) ([]Assignment, error)
	// ListUserAssignments is ListAssignments kept to the assignments that
	// name the user, or a group the user belongs to.
	ListUserAssignments(ctx context.Context, account, namespace, user, status, after string, limit int) ([]Assignment, error)
}

// Asset is one asset of some kind: the fields every kind shares, and the
// kind's own data as JSON the store keeps as sent.
type Asset struct {
	Account string
	Kind    string // the kind's ARN resource type, e.g. "analysis"
	ID      string
	Name    string
	Status  string
	// Version is the number of the latest version, 0 for kinds without
	// versions.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeletionTime is when a deleted asset goes for good; zero while the
	// asset is live.
	DeletionTime time.Time
	// Meta holds the kind's small attributes, which listings return; Doc
	// its document (a definition, say), which they do not. Each is a JSON
	// value, or nil.
	Meta []byte
	Doc  []byte
}

// AssetVersion is one numbered version of an asset: what its name,
// status and content were when it was made.
type AssetVersion struct {
	Account   string
	Kind      string
	ID        string
	Number    int64
	Name      string
	Status    string
	CreatedAt time.Time
	Meta      []byte // JSON, or nil
	Doc       []byte // JSON, or nil; nil in listings
}

// AssetLink ties an asset to something by name: an alias to a version
// number, say, or a folder to a member. Rel says which kind of link.
type AssetLink struct {
	Account string
	Kind    string
	ID      string
	Rel     string
	Name    string
	Target  string
}

// Assignment is an IAM policy assignment: a policy for users and groups
// of a namespace.
type Assignment struct {
	Account   string
	Namespace string
	Name      string
	ID        string
	Status    string // an AssignmentStatus value
	PolicyARN string // "" when none is set
	// Users and Groups name its identities, each once, sorted.
	Users  []string
	Groups []string
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
	// DeletingSince is set on the emptied row a deleted namespace leaves
	// while it shows as DELETING; zero while the namespace lives.
	DeletingSince time.Time
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
