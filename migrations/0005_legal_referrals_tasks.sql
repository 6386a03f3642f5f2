-- Legal routes, community service, referrals and tasks. Proceedings, applications, plans,
-- hours, reports, referrals and tasks are case records (case_records.kind); this adds the
-- directory every file refers to, and the table of due tasks the write path keeps.

-- Partner organizations and their services: shared by the team, no personal data.
CREATE TABLE directory (
    id              TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('organization', 'service')),
    organization_id TEXT NOT NULL,           -- the organization itself, or the service's
    data            TEXT NOT NULL,           -- JSON object
    search_text     TEXT NOT NULL,           -- folded name, requirements, place
    categories      TEXT NOT NULL,           -- ' housing  employment ' for LIKE filters
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

CREATE INDEX directory_organization ON directory (organization_id, kind, deleted);

-- What is due, per file: follow-ups after release, legal deadlines, expiring documents,
-- hours reports, referral follow-ups and tasks added by hand. Derived from case_records by
-- the write path (never on the change log); rebuilt whole when marked stale.
CREATE TABLE tasks_due (
    participant_id TEXT NOT NULL REFERENCES participants (id),
    key            TEXT NOT NULL,
    kind           TEXT NOT NULL,
    due_on         TEXT NOT NULL,            -- YYYY-MM-DD
    record_id      TEXT,
    detail         TEXT,
    assigned_to    TEXT,                     -- staff id, when not her caseworker
    PRIMARY KEY (participant_id, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX tasks_due_by_date ON tasks_due (due_on, participant_id);

-- Files written before this version may already have expiring documents: rebuild on opening.
INSERT INTO vault_meta (key, value) VALUES ('tasks_stale', '1');
