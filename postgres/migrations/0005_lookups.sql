-- Every key lookup has one index that can serve it, whatever the planner
-- knows. A secondary index that began with the columns a primary key
-- lookup names (account, namespace) competed with the primary key: on a
-- database without statistics (freshly migrated, or just loaded), the
-- planner found them equally cheap and often took the secondary one,
-- matching only its first columns and filtering the rest, so that looking
-- up one user read every user of its account, and under SERIALIZABLE the
-- predicate locks of those scans made concurrent writers conflict.
-- Each secondary index now begins with its own column, which those
-- lookups do not name, so it can serve only the lookups it is for. Its
-- equality lookups and ranges stay one range each (equalities come first
-- in any order), and the foreign keys' columns still lead an index, in
-- another order.
ALTER TABLE users DROP CONSTRAINT users_account_namespace_principal_id_key;
ALTER TABLE users ADD CONSTRAINT users_principal_id_key UNIQUE (principal_id, account, namespace);
DROP INDEX users_by_custom_permissions;
CREATE INDEX users_by_custom_permissions ON users (custom_permissions_name, account);

ALTER TABLE groups DROP CONSTRAINT groups_account_namespace_principal_id_key;
ALTER TABLE groups ADD CONSTRAINT groups_principal_id_key UNIQUE (principal_id, account, namespace);

DROP INDEX group_members_by_user;
CREATE INDEX group_members_by_user ON group_members (user_name, account, namespace, group_name);

DROP INDEX role_custom_permissions_by_profile;
CREATE INDEX role_custom_permissions_by_profile ON role_custom_permissions (profile, account);

DROP INDEX role_members_by_group;
CREATE INDEX role_members_by_group ON role_members (group_name, account, namespace);

DROP INDEX grants_by_principal;
CREATE INDEX grants_by_principal ON grants (principal, account);

DROP INDEX upgrade_requests_by_user;
CREATE INDEX upgrade_requests_by_user ON upgrade_requests (user_name, account, namespace, id);
DROP INDEX upgrade_requests_by_status;
CREATE INDEX upgrade_requests_by_status ON upgrade_requests (status, account, namespace, id);

DROP INDEX assignments_by_status;
CREATE INDEX assignments_by_status ON assignments (status, account, namespace, name);
DROP INDEX assignment_users_by_user;
CREATE INDEX assignment_users_by_user ON assignment_users (user_name, account, namespace, assignment);
DROP INDEX assignment_groups_by_group;
CREATE INDEX assignment_groups_by_group ON assignment_groups (group_name, account, namespace, assignment);
