-- The change log: every change to case data is an immutable operation, written in the same
-- transaction as the visible row it updates. Sync exchanges these operations.

CREATE TABLE change_log (
    op_id       TEXT PRIMARY KEY NOT NULL,          -- UUIDv7
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),  -- gap-free per device
    hlc         TEXT NOT NULL,                      -- hybrid logical clock, sortable as text
    author_id   TEXT NOT NULL,                      -- staff id
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    field       TEXT NOT NULL,                      -- '' for whole-record operations
    kind        TEXT NOT NULL CHECK (kind IN ('create', 'set', 'delete', 'append')),
    value       TEXT,                               -- JSON
    based_on    TEXT NOT NULL,                      -- JSON array of the op ids it saw
    UNIQUE (device_id, seq)
) STRICT;

CREATE INDEX change_log_record ON change_log (record_type, record_id, hlc);

-- The winning operation of each field, by (hlc, device_id, op_id).
CREATE TABLE change_log_heads (
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    op_id       TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id, field)
) STRICT;

-- This and other devices' last sequence number and clock.
CREATE TABLE device_clock (
    device_id TEXT PRIMARY KEY NOT NULL,
    last_seq  INTEGER NOT NULL,
    last_hlc  TEXT NOT NULL
) STRICT;

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
