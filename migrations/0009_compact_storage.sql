-- Compact storage: the change log and the case records take about a quarter of the room.
-- Ids are 16 bytes (a derived id such as "<her id>/household" becomes the UUID its SHA-256
-- makes); clocks are one integer (wall milliseconds × 65536 + counter); record types and
-- field names are small numbers (the build's fixed list, or this vault's `log_names` for
-- devices, staff and anything else); values are CBOR with numbered keys. A case record keeps
-- no copy of its body while the operation that created it states it; the table of heads goes
-- (an operation's parent is found among its record's own operations). The acompana_*
-- functions are the build's own encoding, registered on the connection that migrates.
-- See docs/storage.md.

CREATE TABLE log_names (
    code INTEGER PRIMARY KEY,              -- from 1000; 1 to 999 are the build's fixed list
    name TEXT NOT NULL UNIQUE
) STRICT;

INSERT INTO log_names (code, name)
SELECT 999 + row_number() OVER (ORDER BY name), name FROM (
    SELECT device_id AS name FROM change_log
    UNION SELECT author_id FROM change_log
    UNION SELECT record_type FROM change_log
    UNION SELECT field FROM change_log
    UNION SELECT device_id FROM device_clock
    UNION SELECT created_by FROM case_records
    UNION SELECT kind FROM case_records
    UNION SELECT value FROM vault_meta WHERE key = 'device_id'
)
WHERE name != '' AND acompana_term(name) IS NULL;

CREATE TABLE change_log_compact (
    device         INTEGER NOT NULL,                        -- log_names
    seq            INTEGER NOT NULL CHECK (seq >= 1),       -- gap-free per device
    op_id          BLOB NOT NULL,                           -- UUIDv7, 16 bytes
    hlc            INTEGER NOT NULL,                        -- wall ms × 65536 + counter
    author         INTEGER NOT NULL,                        -- log_names: staff id
    record_type    INTEGER NOT NULL,
    record_id      BLOB NOT NULL,                           -- 16 bytes
    field          INTEGER NOT NULL,                        -- 0: the whole record
    kind           INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4), -- create, set, delete, append
    value          BLOB,                                    -- CBOR
    based_on       BLOB NOT NULL,                           -- 16 bytes per parent
    participant_id BLOB,                                    -- the woman it is about
    PRIMARY KEY (device, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO change_log_compact
SELECT
    COALESCE(acompana_term(device_id), (SELECT code FROM log_names WHERE name = device_id)),
    seq,
    acompana_id(op_id),
    CAST(substr(hlc, 1, 15) AS INTEGER) * 65536 + MIN(CAST(substr(hlc, 17) AS INTEGER), 65535),
    COALESCE(acompana_term(author_id), (SELECT code FROM log_names WHERE name = author_id)),
    COALESCE(acompana_term(record_type), (SELECT code FROM log_names WHERE name = record_type)),
    acompana_id(record_id),
    COALESCE(acompana_term(field), (SELECT code FROM log_names WHERE name = field)),
    CASE kind WHEN 'create' THEN 1 WHEN 'set' THEN 2 WHEN 'delete' THEN 3 ELSE 4 END,
    acompana_value(value, participant_id),
    acompana_ids(based_on),
    acompana_id(participant_id)
FROM change_log;

DROP TABLE change_log;
DROP TABLE change_log_heads;
ALTER TABLE change_log_compact RENAME TO change_log;

-- A record's operations (its history, and the parent of its next operation).
CREATE INDEX change_log_record ON change_log (record_id);
-- Everything about a woman (sync scope, erasure). Not a partial index: matching a partial
-- index's condition against a query's parameters makes SQLite prepare the query again on
-- every run.
CREATE INDEX change_log_participant ON change_log (participant_id);

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

CREATE TABLE device_clock_compact (
    device   INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    last_hlc INTEGER NOT NULL
) STRICT;
INSERT INTO device_clock_compact
SELECT (SELECT code FROM log_names WHERE name = device_id), last_seq,
       CAST(substr(last_hlc, 1, 15) AS INTEGER) * 65536
       + MIN(CAST(substr(last_hlc, 17) AS INTEGER), 65535)
FROM device_clock;
DROP TABLE device_clock;
ALTER TABLE device_clock_compact RENAME TO device_clock;

-- A record's body is the value of the operation that states it (`origin`), until an edit
-- gives it its own (`data`).
CREATE TABLE case_records_compact (
    participant_id BLOB NOT NULL,
    id             BLOB NOT NULL,
    kind           INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,              -- seconds since 1970, UTC
    created_by     INTEGER,                       -- log_names: staff id
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    origin_device  INTEGER,
    origin_seq     INTEGER,
    data           BLOB,                          -- CBOR; NULL: the origin's value
    CHECK (data IS NOT NULL OR origin_seq IS NOT NULL),
    PRIMARY KEY (participant_id, id)
) STRICT, WITHOUT ROWID;

-- The operation that states each record as it is: its latest create or append.
CREATE TEMP TABLE record_origin AS
SELECT record_id, device, seq, value FROM (
    SELECT record_id, device, seq, value,
           row_number() OVER (PARTITION BY record_id ORDER BY hlc DESC, device DESC) AS n
    FROM change_log WHERE field = 0 AND kind IN (1, 4)
) WHERE n = 1;
CREATE INDEX temp.record_origin_id ON record_origin (record_id);

INSERT INTO case_records_compact
SELECT acompana_id(r.participant_id), acompana_id(r.id),
       COALESCE(acompana_term(r.kind), (SELECT code FROM log_names WHERE name = r.kind)),
       acompana_seconds(r.created_at),
       (SELECT code FROM log_names WHERE name = r.created_by),
       r.deleted, o.device, o.seq,
       acompana_body(r.data, o.value, r.participant_id)
FROM case_records r LEFT JOIN record_origin o ON o.record_id = acompana_id(r.id);

DROP TABLE record_origin;
DROP TABLE case_records;
ALTER TABLE case_records_compact RENAME TO case_records;

-- Tasks name records by id: rebuilt on opening.
INSERT INTO vault_meta (key, value) VALUES ('tasks_stale', '1')
ON CONFLICT (key) DO UPDATE SET value = '1';
