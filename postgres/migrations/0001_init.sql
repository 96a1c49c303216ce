-- The qslocal schema for PostgreSQL: SQLite's 0001_init.sql and
-- 0002_identity.sql in one step (no PostgreSQL database predates them).
--
-- Every text column is COLLATE "C", so names compare and sort byte-wise
-- (for UTF-8, that is code point order), like Go strings and SQLite's
-- BINARY collation, whatever the database's default collation is. Keyset
-- pagination and prefix ranges depend on it: under a collation such as
-- en_US, "a" < "B" < "b" and "é" sorts beside "e".
--
-- Timestamps are timestamptz: microsecond precision, read back in UTC.
--
-- Everything inside a namespace hangs off the namespaces row through
-- ON DELETE CASCADE foreign keys, so deleting a namespace is one DELETE that
-- leaves no orphan:
--   namespaces -> users -> group_members
--              -> groups -> group_members, role_members
--              -> role_custom_permissions
-- Profiles are referenced by name only (users.custom_permissions_name,
-- role_custom_permissions.profile, accounts.custom_permissions_name): the
-- service checks that a profile exists before applying it and refuses to
-- delete one in use, so there are no foreign keys to custom_permissions.
-- Tags have no foreign keys either: they name resources by ARN resource
-- part, and the service clears them itself (ClearTags).
--
-- Every foreign key's columns lead an index (the referencing side), so
-- cascades and the checks of concurrent writers never scan a table.

CREATE TABLE meta (
	key   text COLLATE "C" PRIMARY KEY,
	value bytea NOT NULL
);

CREATE TABLE accounts (
	account                 text COLLATE "C" PRIMARY KEY,
	-- '' when no profile is applied to the account.
	custom_permissions_name text COLLATE "C" NOT NULL DEFAULT '',
	created_at              timestamptz NOT NULL
);

CREATE TABLE namespaces (
	account         text COLLATE "C" NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	name            text COLLATE "C" NOT NULL,
	capacity_region text COLLATE "C" NOT NULL,
	identity_store  text COLLATE "C" NOT NULL,
	created_at      timestamptz NOT NULL,
	PRIMARY KEY (account, name)
);

CREATE TABLE users (
	account                      text COLLATE "C" NOT NULL,
	namespace                    text COLLATE "C" NOT NULL,
	name                         text COLLATE "C" NOT NULL,
	principal_id                 text COLLATE "C" NOT NULL,
	email                        text COLLATE "C" NOT NULL,
	role                         text COLLATE "C" NOT NULL,
	identity_type                text COLLATE "C" NOT NULL,
	iam_arn                      text COLLATE "C" NOT NULL,
	session_name                 text COLLATE "C" NOT NULL,
	active                       boolean NOT NULL,
	custom_permissions_name      text COLLATE "C" NOT NULL,
	external_login_provider_type text COLLATE "C" NOT NULL,
	external_login_provider_url  text COLLATE "C" NOT NULL,
	external_login_id            text COLLATE "C" NOT NULL,
	created_at                   timestamptz NOT NULL,
	updated_at                   timestamptz NOT NULL,
	PRIMARY KEY (account, namespace, name),
	UNIQUE (account, namespace, principal_id),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
);
-- ProfileUses counts a profile's users across every namespace of an account.
CREATE INDEX users_by_custom_permissions ON users (account, custom_permissions_name);

CREATE TABLE groups (
	account      text COLLATE "C" NOT NULL,
	namespace    text COLLATE "C" NOT NULL,
	name         text COLLATE "C" NOT NULL,
	description  text COLLATE "C" NOT NULL,
	principal_id text COLLATE "C" NOT NULL,
	created_at   timestamptz NOT NULL,
	updated_at   timestamptz NOT NULL,
	PRIMARY KEY (account, namespace, name),
	UNIQUE (account, namespace, principal_id),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
);

-- The primary key serves ListGroupMembers and the cascade from groups; the
-- index serves ListUserGroups and the cascade from users.
CREATE TABLE group_members (
	account    text COLLATE "C" NOT NULL,
	namespace  text COLLATE "C" NOT NULL,
	group_name text COLLATE "C" NOT NULL,
	user_name  text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace, group_name, user_name),
	FOREIGN KEY (account, namespace, group_name) REFERENCES groups (account, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account, namespace, user_name) REFERENCES users (account, namespace, name) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (account, namespace, user_name, group_name);

-- capabilities and governance are the API's JSON objects byte for byte as
-- sent (bytea, not jsonb, which would normalize them), or NULL.
CREATE TABLE custom_permissions (
	account      text COLLATE "C" NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	name         text COLLATE "C" NOT NULL,
	capabilities bytea,
	governance   bytea,
	created_at   timestamptz NOT NULL,
	updated_at   timestamptz NOT NULL,
	PRIMARY KEY (account, name)
);

-- A role with no profile has no row.
CREATE TABLE role_custom_permissions (
	account   text COLLATE "C" NOT NULL,
	namespace text COLLATE "C" NOT NULL,
	role      text COLLATE "C" NOT NULL,
	profile   text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace, role),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
);
CREATE INDEX role_custom_permissions_by_profile ON role_custom_permissions (account, profile);

-- Groups mapped to roles. The groups foreign key also ties a mapping to its
-- namespace: deleting either removes it.
CREATE TABLE role_members (
	account    text COLLATE "C" NOT NULL,
	namespace  text COLLATE "C" NOT NULL,
	role       text COLLATE "C" NOT NULL,
	group_name text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace, role, group_name),
	FOREIGN KEY (account, namespace, group_name) REFERENCES groups (account, namespace, name) ON DELETE CASCADE
);
CREATE INDEX role_members_by_group ON role_members (account, namespace, group_name);

-- resource is an ARN's resource part, e.g. "user/default/alice". The key
-- order makes ClearTags of a resource-name prefix one range.
CREATE TABLE tags (
	account  text COLLATE "C" NOT NULL,
	resource text COLLATE "C" NOT NULL,
	key      text COLLATE "C" NOT NULL,
	value    text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, resource, key)
);
