-- Case files: more about each woman, and the records of her file (consent, household,
-- dependants, housing, documents, needs assessments, contacts, notes). Each record's fields
-- are a JSON object whose keys are the field names of its change-log operations.

ALTER TABLE participants ADD COLUMN municipality TEXT;
ALTER TABLE participants ADD COLUMN gender_identity TEXT;
ALTER TABLE participants ADD COLUMN ethnicity TEXT;
ALTER TABLE participants ADD COLUMN nationality TEXT;
ALTER TABLE participants ADD COLUMN disability TEXT;
ALTER TABLE participants ADD COLUMN safe_contact TEXT;
ALTER TABLE participants ADD COLUMN message_ok INTEGER CHECK (message_ok IN (0, 1));
-- Kept by the write path for the list's filters.
ALTER TABLE participants ADD COLUMN documents_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN needs_open INTEGER NOT NULL DEFAULT 0;

CREATE INDEX participants_department ON participants (department);
-- Lists count and filter over these without reading whole rows.
CREATE INDEX participants_list ON participants (deleted, status, documents_pending, needs_open,
                                                assigned_to, department);
CREATE INDEX participants_search ON participants (deleted, search_text);

-- Substring search over the folded search text: a trigram index finds the files containing
-- every word of three or more letters without reading them all. Its rows are keyed by
-- participants.search_id, an explicit number (VACUUM may renumber implicit rowids).
ALTER TABLE participants ADD COLUMN search_id INTEGER;
UPDATE participants SET search_id = rowid;
CREATE UNIQUE INDEX participants_search_id ON participants (search_id);
CREATE VIRTUAL TABLE participant_search USING fts5 (text, tokenize = 'trigram');
INSERT INTO participant_search (rowid, text) SELECT search_id, search_text FROM participants;
-- Nearly every file is open: an index on the status alone makes the planner sort thousands of
-- rows for a page of fifty instead of walking the list in order.
DROP INDEX participants_status;

CREATE TABLE case_records (
    id             TEXT PRIMARY KEY NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    kind           TEXT NOT NULL,
    data           TEXT NOT NULL,                 -- JSON object
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,                 -- staff id
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

CREATE INDEX case_records_participant ON case_records (participant_id, kind);
