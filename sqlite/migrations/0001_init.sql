-- Timestamps are INTEGER unix microseconds, UTC.
-- Text keys use the default BINARY collation, so names compare byte-wise.
-- WITHOUT ROWID clusters rows by primary key: ListUsers is one range scan.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE accounts (
	account    TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE namespaces (
	account    TEXT NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (account, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
	account                      TEXT NOT NULL,
	namespace                    TEXT NOT NULL,
	name                         TEXT NOT NULL,
	principal_id                 TEXT NOT NULL,
	email                        TEXT NOT NULL,
	role                         TEXT NOT NULL,
	identity_type                TEXT NOT NULL,
	iam_arn                      TEXT NOT NULL,
	session_name                 TEXT NOT NULL,
	active                       INTEGER NOT NULL CHECK (active IN (0, 1)),
	custom_permissions_name      TEXT NOT NULL,
	external_login_provider_type TEXT NOT NULL,
	external_login_provider_url  TEXT NOT NULL,
	external_login_id            TEXT NOT NULL,
	created_at                   INTEGER NOT NULL,
	updated_at                   INTEGER NOT NULL,
	PRIMARY KEY (account, namespace, name),
	UNIQUE (account, namespace, principal_id),
	FOREIGN KEY (account, namespace) REFERENCES namespaces (account, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
