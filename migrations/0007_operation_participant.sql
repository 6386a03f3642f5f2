-- Every operation about a woman names her, so that everything about her can be found without
-- reading the whole log: a sync file limited to the files a laptop may hold, and an erasure
-- that must reach every trace of her. Operations on the organization's own records (the
-- directory) name nobody.

ALTER TABLE change_log ADD COLUMN participant_id TEXT;

-- The log refuses updates; this one-time backfill of existing operations sets the trigger
-- aside and puts it back.
DROP TRIGGER change_log_no_update;

UPDATE change_log SET participant_id = record_id WHERE record_type = 'participant';
UPDATE change_log SET participant_id = substr(record_id, 1, instr(record_id, '/') - 1)
WHERE record_type = 'participant_access';
UPDATE change_log
SET participant_id = (SELECT c.participant_id FROM case_records c
                      WHERE c.id = change_log.record_id AND c.kind = change_log.record_type)
WHERE participant_id IS NULL AND record_type NOT IN ('participant', 'participant_access');

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

CREATE INDEX change_log_participant ON change_log (participant_id, hlc)
WHERE participant_id IS NOT NULL;
