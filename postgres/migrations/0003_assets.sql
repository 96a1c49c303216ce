-- The generic asset store, grants, and IAM policy assignments.
-- Conventions as in 0001_init.sql: text is COLLATE "C", JSON documents are
-- bytea as sent (NULL for none), and every foreign key's columns lead an
-- index.
--
-- 1. Assets: every kind of asset (analyses, flows, dashboards, ...) is one
--    row of assets keyed (account, kind, id), with its numbered versions and
--    its named links; a new kind needs no table. Analyses move into it.
-- 2. permissions becomes grants: one name per concept.
-- 3. IAM policy assignments, with the users and groups they name as rows
--    that go with the user, the group or the namespace (ON DELETE CASCADE).

-- Account-scoped: assets outlive namespaces. The store does not look
-- inside meta (small attributes, which listings return) or doc (the
-- document, which listings leave out), kept last in the row.
CREATE TABLE assets (
	account       text COLLATE "C" NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	kind          text COLLATE "C" NOT NULL,
	id            text COLLATE "C" NOT NULL,
	name          text COLLATE "C" NOT NULL,
	status        text COLLATE "C" NOT NULL,
	-- The latest version's number; 0 for kinds without versions.
	version       bigint NOT NULL,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL,
	-- NULL while live.
	deletion_time timestamptz,
	meta          bytea,
	doc           bytea,
	PRIMARY KEY (account, kind, id)
);

-- What an asset's name, status and content were when the version was
-- made. The primary key serves the listing in number order and the
-- cascade.
CREATE TABLE asset_versions (
	account    text COLLATE "C" NOT NULL,
	kind       text COLLATE "C" NOT NULL,
	id         text COLLATE "C" NOT NULL,
	number     bigint NOT NULL,
	name       text COLLATE "C" NOT NULL,
	status     text COLLATE "C" NOT NULL,
	created_at timestamptz NOT NULL,
	meta       bytea,
	doc        bytea,
	PRIMARY KEY (account, kind, id, number),
	FOREIGN KEY (account, kind, id) REFERENCES assets (account, kind, id) ON DELETE CASCADE
);

-- rel says which kind of link (an alias, a folder member, ...); the
-- primary key serves the listing of one rel in name order and the cascade.
CREATE TABLE asset_links (
	account text COLLATE "C" NOT NULL,
	kind    text COLLATE "C" NOT NULL,
	id      text COLLATE "C" NOT NULL,
	rel     text COLLATE "C" NOT NULL,
	name    text COLLATE "C" NOT NULL,
	target  text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, kind, id, rel, name),
	FOREIGN KEY (account, kind, id) REFERENCES assets (account, kind, id) ON DELETE CASCADE
);

-- Each analysis becomes an asset of kind 'analysis': version 0, no meta,
-- and for doc a JSON object of the documents it had, in this order, each
-- only when set: ThemeArn (when not ''), Definition, SourceEntity,
-- Parameters; NULL when none is. The object is built by concatenating
-- bytes, the stored documents exactly as they are (never through jsonb,
-- which would reorder and respace their keys); the SQLite store builds
-- the same bytes. Every part starts with a comma, and the first one's is
-- dropped.
INSERT INTO assets (account, kind, id, name, status, version, created_at, updated_at, deletion_time, meta, doc)
SELECT account, 'analysis', id, name, status, 0, created_at, updated_at, deletion_time, NULL,
	CASE WHEN octet_length(parts) > 0
		THEN convert_to('{', 'UTF8') || substring(parts FROM 2) || convert_to('}', 'UTF8')
	END
FROM (
	SELECT *,
		coalesce(CASE WHEN theme_arn <> ''
			THEN convert_to(',"ThemeArn":' || to_json(theme_arn)::text, 'UTF8') END, ''::bytea) ||
		coalesce(CASE WHEN octet_length(definition) > 0
			THEN convert_to(',"Definition":', 'UTF8') || definition END, ''::bytea) ||
		coalesce(CASE WHEN octet_length(source_entity) > 0
			THEN convert_to(',"SourceEntity":', 'UTF8') || source_entity END, ''::bytea) ||
		coalesce(CASE WHEN octet_length(parameters) > 0
			THEN convert_to(',"Parameters":', 'UTF8') || parameters END, ''::bytea) AS parts
	FROM analyses
) AS a;

DROP TABLE analyses;

-- Renaming the primary key's index renames its constraint too.
ALTER TABLE permissions RENAME TO grants;
ALTER INDEX permissions_by_principal RENAME TO grants_by_principal;
ALTER INDEX permissions_pkey RENAME TO grants_pkey;

-- IAM policy assignments go with their namespace. The status index serves
-- ListAssignments filtered by status, in name order.
CREATE TABLE assignments (
	account    text COLLATE "C" NOT NULL,
	namespace  text COLLATE "C" NOT NULL,
	name       text COLLATE "C" NOT NULL,
	id         text COLLATE "C" NOT NULL,
	status     text COLLATE "C" NOT NULL,
	-- '' when none is set.
	policy_arn text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace, name),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
);
CREATE INDEX assignments_by_status ON assignments (account, namespace, status, name);

-- The identities of an assignment: a row goes with the assignment, and
-- with the user or group it names. The primary key serves reading an
-- assignment's identities and the cascade from assignments; the index,
-- ListUserAssignments and the cascade from users (or groups).
CREATE TABLE assignment_users (
	account    text COLLATE "C" NOT NULL,
	namespace  text COLLATE "C" NOT NULL,
	assignment text COLLATE "C" NOT NULL,
	user_name  text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace, assignment, user_name),
	FOREIGN KEY (account, namespace, assignment) REFERENCES assignments (account, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account, namespace, user_name) REFERENCES users (account, namespace, name) ON DELETE CASCADE
);
CREATE INDEX assignment_users_by_user ON assignment_users (account, namespace, user_name, assignment);

CREATE TABLE assignment_groups (
	account    text COLLATE "C" NOT NULL,
	namespace  text COLLATE "C" NOT NULL,
	assignment text COLLATE "C" NOT NULL,
	group_name text COLLATE "C" NOT NULL,
	PRIMARY KEY (account, namespace, assignment, group_name),
	FOREIGN KEY (account, namespace, assignment) REFERENCES assignments (account, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account, namespace, group_name) REFERENCES groups (account, namespace, name) ON DELETE CASCADE
);
CREATE INDEX assignment_groups_by_group ON assignment_groups (account, namespace, group_name, assignment);
