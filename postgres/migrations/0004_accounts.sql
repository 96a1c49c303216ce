-- Accounts keep what AWS keeps per account: the identity region their
-- users and groups live in, and their subscription and settings (JSON
-- the domain writes; NULL while none is recorded). An account made before
-- this migration takes its default namespace's capacity region, which was
-- the region of its first request.
ALTER TABLE accounts
	ADD COLUMN identity_region text COLLATE "C" NOT NULL DEFAULT '',
	ADD COLUMN settings bytea;
UPDATE accounts SET identity_region = n.capacity_region
	FROM namespaces n WHERE n.account = accounts.account AND n.name = 'default';

-- A deleted namespace stays, emptied, as a row with deleting_since set
-- while AWS would still show it DELETING; NULL while it lives.
ALTER TABLE namespaces ADD COLUMN deleting_since timestamptz;
