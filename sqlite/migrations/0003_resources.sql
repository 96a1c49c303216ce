-- Analyses, permissions on any resource, self-upgrade requests and the
-- self-upgrade configuration.
--
-- Upgrade requests hang off their namespace (ON DELETE CASCADE) and the
-- configuration is a column of it, so DeleteNamespace still deletes one
-- row. Requests name their user without a foreign key: they outlive it.
-- Permissions, like tags, name resources and principals by ARN resource
-- part with no foreign keys: the service clears them itself
-- (ClearPermissions, DropPrincipal, DropPrincipalPrefix).
-- Optional times (analyses.deletion_time, upgrade_requests.last_attempt)
-- are NULL when unset.

-- '' when never set.
ALTER TABLE namespaces ADD COLUMN self_upgrade_status TEXT NOT NULL DEFAULT '';

-- definition, source_entity and parameters are the API's JSON as sent, or
-- NULL. A deleted analysis waiting out its recovery window keeps its row,
-- with deletion_time set. A rowid table, unlike the others: definitions
-- run to megabytes, and SQLite keeps large rows better with a rowid. The
-- documents come last, so listings, which read only the columns before
-- them, never walk their overflow pages.
CREATE TABLE analyses (
	account       TEXT NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	id            TEXT NOT NULL,
	name          TEXT NOT NULL,
	theme_arn     TEXT NOT NULL,
	status        TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	deletion_time INTEGER,
	definition    BLOB,
	source_entity BLOB,
	parameters    BLOB,
	PRIMARY KEY (account, id)
) STRICT;

-- One row per granted action. The key order makes Permissions and
-- ClearPermissions one range, sorted by principal then action; the index
-- does the same for DropPrincipal and DropPrincipalPrefix (it holds the
-- rest of the key too).
CREATE TABLE permissions (
	account   TEXT NOT NULL,
	resource  TEXT NOT NULL,
	principal TEXT NOT NULL,
	action    TEXT NOT NULL,
	PRIMARY KEY (account, resource, principal, action)
) STRICT, WITHOUT ROWID;
CREATE INDEX permissions_by_principal ON permissions (account, principal);

-- last_attempt is NULL until an approval or verification runs.
-- ListUpgradeRequests filtered by user, status or both finds its page of
-- ids in one range of an index, in id order, then reads those rows by
-- primary key: the indexes only need to cover the filters. status trails
-- upgrade_requests_by_user so that both filters are answered from it.
CREATE TABLE upgrade_requests (
	account        TEXT NOT NULL,
	namespace      TEXT NOT NULL,
	id             TEXT NOT NULL,
	user_name      TEXT NOT NULL,
	original_role  TEXT NOT NULL,
	requested_role TEXT NOT NULL,
	note           TEXT NOT NULL,
	status         TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	last_attempt   INTEGER,
	failure_reason TEXT NOT NULL,
	PRIMARY KEY (account, namespace, id),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX upgrade_requests_by_user ON upgrade_requests (account, namespace, user_name, id, status);
CREATE INDEX upgrade_requests_by_status ON upgrade_requests (account, namespace, status, id);
