-- The change log refuses deletes as it refuses updates. Only erasure (a woman's right) and
-- the purge of files that are not for this laptop (sync scope) delete operations: they put
-- a row in log_purge inside their own transaction, and take it out before it commits, so
-- the row never reaches the disk and nothing else can delete.
CREATE TABLE log_purge (active INTEGER NOT NULL);

CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
WHEN NOT EXISTS (SELECT 1 FROM log_purge)
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
