-- Anonymized summaries (src/summary/).
--
-- summary_facts: what each woman's file adds up to for the summaries (src/records/facts.rs),
--               refreshed with her counts and tasks; computed again when `version` is older
--               than the build's; and her random key for the cell-key method (public
--               summaries are perturbed by the sum of the keys of the women in a cell, so the
--               same women always give the same figure), drawn once and kept when her facts
--               are rewritten. Never shown, never synced; her erasure or purge removes it.
-- summary_contributions: this organization's contributions to a network, frozen per quarter
--               and revision: true counts, so kept on the laptop that made them and never
--               synced.
-- pool_members: on a network coordinator's laptop, the organizations whose summary
--               contributions it has pooled, with the signing key each first used: a later
--               contribution in the same organization's name signed by another key is refused.
-- Frozen public summaries, contributions and pooled reports are records of the change log
-- (`summary_release`, `summary_revision`), read back from it, so they sync to every laptop.
CREATE TABLE summary_facts (
    participant_id  TEXT PRIMARY KEY NOT NULL,
    version         INTEGER NOT NULL,
    cell_key        INTEGER NOT NULL CHECK (cell_key BETWEEN 0 AND 4294967295),
    facts           BLOB NOT NULL,
    -- Her own fields the summaries read, copied from `participants` (and kept equal by the
    -- trigger below), so that a summary reads this table alone.
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL,
    deleted         INTEGER NOT NULL,
    birth_year      INTEGER,
    department      TEXT,
    gender_identity TEXT,
    ethnicity       TEXT,
    nationality     TEXT
) STRICT, WITHOUT ROWID;

CREATE TRIGGER summary_facts_follow_participant
AFTER UPDATE OF created_at, status, deleted, birth_year, department, gender_identity,
                ethnicity, nationality ON participants
BEGIN
    UPDATE summary_facts
    SET created_at = NEW.created_at, status = NEW.status, deleted = NEW.deleted,
        birth_year = NEW.birth_year, department = NEW.department,
        gender_identity = NEW.gender_identity, ethnicity = NEW.ethnicity,
        nationality = NEW.nationality
    WHERE participant_id = NEW.id;
END;

CREATE TABLE summary_contributions (
    period      TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    tables      TEXT NOT NULL,                 -- JSON: true counts, as sent
    produced_on TEXT NOT NULL,
    PRIMARY KEY (period, revision)
) STRICT;

CREATE TABLE pool_members (
    organization_id TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    signing_key     BLOB NOT NULL CHECK (length(signing_key) = 32),
    first_seen      TEXT NOT NULL
) STRICT;
