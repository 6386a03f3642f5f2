-- Participants: the women the organization accompanies. Visible rows; every change is also an
-- operation in change_log.

CREATE TABLE participants (
    id             TEXT PRIMARY KEY NOT NULL,     -- UUIDv7
    case_code      TEXT NOT NULL UNIQUE,          -- pseudonym shown in lists
    legal_name     TEXT NOT NULL,
    chosen_name    TEXT,
    birth_year     INTEGER,
    department     TEXT,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closing_reason TEXT,
    assigned_to    TEXT REFERENCES staff (id),
    search_text    TEXT NOT NULL,                 -- case code and names, lower case, no accents
    created_at     TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

CREATE INDEX participants_assigned ON participants (assigned_to);
CREATE INDEX participants_status ON participants (status);

-- Files a coordinator shared with a caseworker besides the one assigned.
CREATE TABLE participant_access (
    participant_id TEXT NOT NULL REFERENCES participants (id),
    staff_id       TEXT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (participant_id, staff_id)
) STRICT;
