-- Accounts keep what AWS keeps per account: the identity region their
-- users and groups live in, and their subscription and settings (JSON
-- the domain writes; NULL while none is recorded). An account made before
-- this migration takes its default namespace's capacity region, which was
-- the region of its first request.
ALTER TABLE accounts ADD COLUMN identity_region TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN settings BLOB;
UPDATE accounts SET identity_region = coalesce((SELECT capacity_region FROM namespaces
	WHERE namespaces.account = accounts.account AND namespaces.name = 'default'), '');

-- A deleted namespace stays, emptied, as a row with deleting_since set
-- while AWS would still show it DELETING; NULL while it lives.
ALTER TABLE namespaces ADD COLUMN deleting_since INTEGER;
