-- The organization's id, the same on every laptop of the organization (sync files carry it),
-- for vaults made before it existed. New vaults get theirs at creation. A random UUID (v4).
INSERT OR IGNORE INTO vault_meta (key, value)
SELECT 'org_id',
       lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
       substr(lower(hex(randomblob(2))), 2) || '-' ||
       substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) ||
       '-' || lower(hex(randomblob(6)))
WHERE EXISTS (SELECT 1 FROM vault_meta WHERE key = 'vault_id');
