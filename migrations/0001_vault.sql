-- The vault's own tables: organization facts, staff, settings and the audit log.
-- Append-only once released: later changes go in new numbered files.

CREATE TABLE vault_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id           TEXT PRIMARY KEY NOT NULL,          -- UUIDv7
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'caseworker')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    slot_label   BLOB NOT NULL UNIQUE,              -- label of her key slot
    created_at   TEXT NOT NULL,
    disabled_at  TEXT
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- Append-only and hash-chained: hash = SHA-256 over the previous hash and this entry's fields.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY NOT NULL,
    at        TEXT NOT NULL,
    device_id TEXT NOT NULL,
    actor_id  TEXT,
    action    TEXT NOT NULL,
    target_id TEXT,
    detail    TEXT,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
