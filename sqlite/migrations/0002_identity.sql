-- Namespaces, groups, custom permissions profiles, role mappings and tags.
--
-- Everything inside a namespace hangs off the namespaces row through
-- ON DELETE CASCADE foreign keys (foreign_keys=ON is set on every
-- connection), so deleting a namespace is one DELETE that leaves no orphan:
--   namespaces -> users -> group_members
--              -> groups -> group_members, role_members
--              -> role_custom_permissions
-- Profiles are referenced by name only (users.custom_permissions_name,
-- role_custom_permissions.profile, accounts.custom_permissions_name): the
-- service checks that a profile exists before applying it and refuses to
-- delete one in use, so there are no foreign keys to custom_permissions.
-- Tags have no foreign keys either: they name resources by ARN resource
-- part, and the service clears them itself (ClearTags).

-- Namespaces created before this migration are the "default" ones made by
-- EnsureAccount, whose region was not recorded: '' until the next
-- EnsureAccount of that account fills it in.
ALTER TABLE namespaces ADD COLUMN capacity_region TEXT NOT NULL DEFAULT '';
ALTER TABLE namespaces ADD COLUMN identity_store TEXT NOT NULL DEFAULT 'QUICKSIGHT';

-- '' when no profile is applied to the account.
ALTER TABLE accounts ADD COLUMN custom_permissions_name TEXT NOT NULL DEFAULT '';

-- ProfileUses counts a profile's users across every namespace of an account.
CREATE INDEX users_by_custom_permissions ON users (account, custom_permissions_name);

CREATE TABLE groups (
	account      TEXT NOT NULL,
	namespace    TEXT NOT NULL,
	name         TEXT NOT NULL,
	description  TEXT NOT NULL,
	principal_id TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (account, namespace, name),
	UNIQUE (account, namespace, principal_id),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The primary key serves ListGroupMembers and the cascade from groups; the
-- index serves ListUserGroups and the cascade from users.
CREATE TABLE group_members (
	account    TEXT NOT NULL,
	namespace  TEXT NOT NULL,
	group_name TEXT NOT NULL,
	user_name  TEXT NOT NULL,
	PRIMARY KEY (account, namespace, group_name, user_name),
	FOREIGN KEY (account, namespace, group_name) REFERENCES groups (account, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account, namespace, user_name) REFERENCES users (account, namespace, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (account, namespace, user_name, group_name);

-- capabilities and governance are the API's JSON objects as sent, or NULL.
CREATE TABLE custom_permissions (
	account      TEXT NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	capabilities BLOB,
	governance   BLOB,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (account, name)
) STRICT, WITHOUT ROWID;

-- A role with no profile has no row.
CREATE TABLE role_custom_permissions (
	account   TEXT NOT NULL,
	namespace TEXT NOT NULL,
	role      TEXT NOT NULL,
	profile   TEXT NOT NULL,
	PRIMARY KEY (account, namespace, role),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX role_custom_permissions_by_profile ON role_custom_permissions (account, profile);

-- Groups mapped to roles. The groups foreign key also ties a mapping to its
-- namespace: deleting either removes it.
CREATE TABLE role_members (
	account    TEXT NOT NULL,
	namespace  TEXT NOT NULL,
	role       TEXT NOT NULL,
	group_name TEXT NOT NULL,
	PRIMARY KEY (account, namespace, role, group_name),
	FOREIGN KEY (account, namespace, group_name) REFERENCES groups (account, namespace, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX role_members_by_group ON role_members (account, namespace, group_name);

-- resource is an ARN's resource part, e.g. "user/default/alice". The key
-- order makes ClearTags of a resource-name prefix one range.
CREATE TABLE tags (
	account  TEXT NOT NULL,
	resource TEXT NOT NULL,
	key      TEXT NOT NULL,
	value    TEXT NOT NULL,
	PRIMARY KEY (account, resource, key)
) STRICT, WITHOUT ROWID;
