-- The generic asset store, grants, and IAM policy assignments.
--
-- Assets of every kind (analyses, flows, ...) share one table keyed by
-- (account, kind, id), with numbered versions and named links that hang
-- off their asset (ON DELETE CASCADE): DeleteAsset is one DELETE. The
-- store does not look inside meta or doc, so a new kind needs no table.
-- Analyses move into it, and their table goes.
--
-- permissions becomes grants, the name the code uses for the concept.
--
-- Assignments are identity: they hang off their namespace, and the rows
-- naming their users and groups off those users and groups, so that
-- DeleteNamespace, DeleteUser and DeleteGroup stay one DELETE each:
--   namespaces -> assignments -> assignment_users, assignment_groups
--   users -> assignment_users;  groups -> assignment_groups

-- meta (the small attributes listings return) and doc (the document they
-- do not) are JSON as sent, or NULL; deletion_time is NULL while the asset
-- is live. As analyses were, a rowid table with the BLOBs last: documents
-- run to megabytes, SQLite keeps large rows better with a rowid, and
-- listings, which read only the columns up to meta, never walk doc's
-- overflow pages.
CREATE TABLE assets (
	account       TEXT NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	kind          TEXT NOT NULL,
	id            TEXT NOT NULL,
	name          TEXT NOT NULL,
	status        TEXT NOT NULL,
	version       INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	deletion_time INTEGER,
	meta          BLOB,
	doc           BLOB,
	PRIMARY KEY (account, kind, id)
) STRICT;

-- Rowid tables too, for the same reason; the primary key serves the
-- cascade from assets and ListAssetVersions, in number order.
CREATE TABLE asset_versions (
	account    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	id         TEXT NOT NULL,
	number     INTEGER NOT NULL,
	name       TEXT NOT NULL,
	status     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	meta       BLOB,
	doc        BLOB,
	PRIMARY KEY (account, kind, id, number),
	FOREIGN KEY (account, kind, id) REFERENCES assets (account, kind, id) ON DELETE CASCADE
) STRICT;

-- The primary key serves the cascade from assets and ListAssetLinks, one
-- rel in name order.
CREATE TABLE asset_links (
	account TEXT NOT NULL,
	kind    TEXT NOT NULL,
	id      TEXT NOT NULL,
	rel     TEXT NOT NULL,
	name    TEXT NOT NULL,
	target  TEXT NOT NULL,
	PRIMARY KEY (account, kind, id, rel, name),
	FOREIGN KEY (account, kind, id) REFERENCES assets (account, kind, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Every analysis becomes an asset of kind 'analysis' with the same key,
-- name, status and times, version 0 and no meta. Its theme and JSON
-- documents become one object, doc, in this order and only those set:
--   {"ThemeArn":"arn:...","Definition":{...},"SourceEntity":{...},"Parameters":{...}}
-- and NULL when none is. The object is built by concatenating text:
-- SQLite's JSON functions would read the BLOBs as JSONB (since 3.45), and
-- the documents are kept byte for byte, as sent. An empty document was
-- never stored (the store wrote NULL) and is taken as unset all the same.
INSERT INTO assets (account, kind, id, name, status, version, created_at, updated_at, deletion_time, meta, doc)
SELECT account, 'analysis', id, name, status, 0, created_at, updated_at, deletion_time, NULL,
	CASE WHEN fields = '' THEN NULL ELSE CAST('{' || substr(fields, 2) || '}' AS BLOB) END
FROM (
	SELECT *,
		CASE WHEN theme_arn <> '' THEN ',"ThemeArn":' || json_quote(theme_arn) ELSE '' END ||
		CASE WHEN length(definition) > 0 THEN ',"Definition":' || CAST(definition AS TEXT) ELSE '' END ||
		CASE WHEN length(source_entity) > 0 THEN ',"SourceEntity":' || CAST(source_entity AS TEXT) ELSE '' END ||
		CASE WHEN length(parameters) > 0 THEN ',"Parameters":' || CAST(parameters AS TEXT) ELSE '' END
		AS fields
	FROM analyses
);

DROP TABLE analyses;

ALTER TABLE permissions RENAME TO grants;
DROP INDEX permissions_by_principal;
CREATE INDEX grants_by_principal ON grants (account, principal);

-- policy_arn is '' when none is set. ListAssignments filtered by status
-- reads assignments_by_status in name order.
CREATE TABLE assignments (
	account    TEXT NOT NULL,
	namespace  TEXT NOT NULL,
	name       TEXT NOT NULL,
	id         TEXT NOT NULL,
	status     TEXT NOT NULL,
	policy_arn TEXT NOT NULL,
	PRIMARY KEY (account, namespace, name),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX assignments_by_status ON assignments (account, namespace, status, name);

-- The primary keys serve reading an assignment's identities, in name
-- order, and the cascade from assignments; the indexes serve
-- ListUserAssignments and the cascades from users and groups.
CREATE TABLE assignment_users (
	account    TEXT NOT NULL,
	namespace  TEXT NOT NULL,
	assignment TEXT NOT NULL,
	user_name  TEXT NOT NULL,
	PRIMARY KEY (account, namespace, assignment, user_name),
	FOREIGN KEY (account, namespace, assignment) REFERENCES assignments (account, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account, namespace, user_name) REFERENCES users (account, namespace, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX assignment_users_by_user ON assignment_users (account, namespace, user_name, assignment);

CREATE TABLE assignment_groups (
	account    TEXT NOT NULL,
	namespace  TEXT NOT NULL,
	assignment TEXT NOT NULL,
	group_name TEXT NOT NULL,
	PRIMARY KEY (account, namespace, assignment, group_name),
	FOREIGN KEY (account, namespace, assignment) REFERENCES assignments (account, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account, namespace, group_name) REFERENCES groups (account, namespace, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX assignment_groups_by_group ON assignment_groups (account, namespace, group_name, assignment);
