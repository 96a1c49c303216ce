-- Analyses, permissions on resources, self-upgrade requests and the
-- self-upgrade configuration. Conventions as in 0001_init.sql: text is
-- COLLATE "C", JSON documents are bytea as sent (NULL for none), and every
-- foreign key's columns lead an index.
--
-- Times that may be unset (analyses.deletion_time,
-- upgrade_requests.last_attempt) are NULL when unset, read back as the zero
-- time.

-- Account-scoped: analyses outlive namespaces.
CREATE TABLE analyses (
	account       text COLLATE "C" NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	id            text COLLATE "C" NOT NULL,
	name          text COLLATE "C" NOT NULL,
	theme_arn     text COLLATE "C" NOT NULL,
	definition    bytea,
	source_entity bytea,
	parameters    bytea,
	status        text COLLATE "C" NOT NULL,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL,
	-- NULL while live.
	deletion_time timestamptz,
	PRIMARY KEY (account, id)
);

-- One row per action granted. Like tags, no foreign keys: resources and
-- principals are ARN resource parts ("analysis/abc", "user/default/alice")
-- the store does not check, and the service clears them itself
-- (ClearPermissions, DropPrincipal, DropPrincipalPrefix). The key order
-- makes Permissions and ClearPermissions one range; the index makes
-- DropPrincipal and DropPrincipalPrefix one range.
CREATE TABLE permissions (
	account   text COLLATE "C" NOT NULL,
	resource  text COLLATE "C" NOT NULL,
	principal text COLLATE "C" NOT NULL,
	action    text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, resource, principal, action)
);
CREATE INDEX permissions_by_principal ON permissions (account, principal);

-- user_name is not a foreign key: requests outlive their users. They go
-- with their namespace.
CREATE TABLE upgrade_requests (
	account        text COLLATE "C" NOT NULL,
	namespace      text COLLATE "C" NOT NULL,
	id             text COLLATE "C" NOT NULL,
	user_name      text COLLATE "C" NOT NULL,
	original_role  text COLLATE "C" NOT NULL,
	requested_role text COLLATE "C" NOT NULL,
	note           text COLLATE "C" NOT NULL,
	status         text COLLATE "C" NOT NULL,
	created_at     timestamptz NOT NULL,
	-- NULL until an approval or verification runs.
	last_attempt   timestamptz,
	failure_reason text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace, id),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
);
-- ListUpgradeRequests filtered by user, or by status: a range in id order.
CREATE INDEX upgrade_requests_by_user ON upgrade_requests (account, namespace, user_name, id);
CREATE INDEX upgrade_requests_by_status ON upgrade_requests (account, namespace, status, id);

-- A table of its own rather than a column of namespaces, so that setting
-- it does not write the row every insert into the namespace reads. No row:
-- never set.
CREATE TABLE self_upgrade_configurations (
	account   text COLLATE "C" NOT NULL,
	namespace text COLLATE "C" NOT NULL,
	status    text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
);
