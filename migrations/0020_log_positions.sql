-- The change log keyed by one integer, its position: device × 2^40 + seq. Keyed by the pair
-- (a WITHOUT ROWID table), every page the log fills was split by SQLite's general balance,
-- which copies the neighbouring pages and takes a page-sized buffer each time (under
-- cipher_memory_security, a locked and wiped one); an integer key that only grows takes its
-- quick balance, which starts a new page. A device's operations stay together and in
-- sequence order. `device` and `seq` are still columns, computed from the position.
-- See docs/storage.md.

CREATE TABLE change_log_positions (
    position       INTEGER PRIMARY KEY,                     -- device × 2^40 + seq
    device         INTEGER NOT NULL GENERATED ALWAYS AS (position >> 40) VIRTUAL,
    seq            INTEGER NOT NULL GENERATED ALWAYS AS (position & 1099511627775) VIRTUAL,
    op_id          BLOB NOT NULL,
    hlc            INTEGER NOT NULL,
    author         INTEGER NOT NULL,
    record_type    INTEGER NOT NULL,
    record_id      BLOB NOT NULL,
    field          INTEGER NOT NULL,
    kind           INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),
    value          BLOB,
    based_on       BLOB NOT NULL,
    participant_id BLOB,
    CHECK ((position & 1099511627775) >= 1 AND (position >> 40) >= 1)
) STRICT;

INSERT INTO change_log_positions (position, op_id, hlc, author, record_type, record_id, field,
                                  kind, value, based_on, participant_id)
SELECT (device << 40) + seq, op_id, hlc, author, record_type, record_id, field,
       kind, value, based_on, participant_id
FROM change_log ORDER BY device, seq;

-- Dropping a table fires no delete trigger: the log's guards go with it and come back below.
DROP TABLE change_log;
ALTER TABLE change_log_positions RENAME TO change_log;

CREATE INDEX change_log_record ON change_log (record_id);
CREATE INDEX change_log_participant ON change_log (participant_id);
CREATE INDEX change_log_erasures ON change_log (record_type) WHERE record_type = 180;

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
WHEN NOT EXISTS (SELECT 1 FROM log_purge)
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
