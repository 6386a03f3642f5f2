-- Sync between laptops by encrypted file (docs/sync-format.md).

-- This laptop's own keys, minted with its device id: a vault copied to another laptop mints
-- a new device id and with it new keys. They never leave the encrypted database.
CREATE TABLE device_keys (
    device_id      TEXT PRIMARY KEY NOT NULL,
    age_identity   TEXT NOT NULL,                                    -- X25519, for age
    signing_secret BLOB NOT NULL CHECK (length(signing_secret) = 32) -- Ed25519 seed
) STRICT;

-- The organization's laptops, as the change log states them (`device` records).
CREATE TABLE devices (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    staff_id      TEXT,                -- who uses it
    age_recipient TEXT,                -- age1…: none until the laptop proved its join secret
    signing_key   TEXT,                -- Ed25519 public key, hex
    registered_by TEXT,
    join_expires  TEXT,                -- when an unused join file stops working
    revoked       INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;

-- Join secrets this laptop issued: the key a new laptop proves it holds (derived from the
-- one-off passphrase), single-use.
CREATE TABLE join_secrets (
    device_id  TEXT PRIMARY KEY NOT NULL,
    proof_key  BLOB NOT NULL CHECK (length(proof_key) = 32),
    expires_ms INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
) STRICT;

-- Which sequence ranges of each device's operations this laptop has been sent whole (for
-- what it may see): from 1 without a gap, that is its knowledge of the device.
CREATE TABLE sync_coverage (
    device_id TEXT NOT NULL,
    first_seq INTEGER NOT NULL CHECK (first_seq >= 1),
    last_seq  INTEGER NOT NULL CHECK (last_seq >= first_seq),
    PRIMARY KEY (device_id, first_seq)
) STRICT, WITHOUT ROWID;

-- What each other laptop last told us it knows (from the files it sent), and when.
CREATE TABLE sync_peers (
    peer     TEXT NOT NULL,
    device   TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (peer, device)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_heard (
    peer     TEXT PRIMARY KEY NOT NULL,
    heard_at TEXT NOT NULL
) STRICT;

-- Files a laptop that sees only some files has been sent whole, and this laptop's own
-- sequence number when they were: until the peer's knowledge reaches it, a lost file is
-- sent again.
CREATE TABLE sync_sent (
    peer           TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    at_seq         INTEGER NOT NULL,
    PRIMARY KEY (peer, participant_id)
) STRICT, WITHOUT ROWID;

-- Records whose log holds concurrent edits not yet settled (found at import; each is checked
-- again from the log when listed).
CREATE TABLE sync_conflicted (
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id)
) STRICT, WITHOUT ROWID;

-- Files a sync folder held that were applied here (by their SHA-256), so they are not read
-- again; and the knowledge this laptop last told each laptop through the folder, so a file
-- with nothing new is not written twice.
CREATE TABLE sync_applied (
    sha256 BLOB PRIMARY KEY NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_folder_sent (
    peer      TEXT PRIMARY KEY NOT NULL,
    knowledge TEXT NOT NULL
) STRICT;

-- Files this laptop no longer holds (withdrawn from it) about which it keeps its own
-- operations until a laptop that holds every file confirms it has them: an edit made offline
-- before the withdrawal arrived is not lost.
CREATE TABLE sync_unsent (
    participant_id TEXT PRIMARY KEY NOT NULL
) STRICT;
