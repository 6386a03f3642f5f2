-- Visit mode (src/sync/visit.rs): the `visit` records of the change log, one per woman of a
-- package, as this laptop knows them.
--
-- arrival_seq: on the visiting laptop, its own last sequence number when the package
--              arrived (what it writes after is the visit's work).
-- done:        this laptop has acted on the visit's end: the visiting laptop purged the
--              files; another laptop forgot it had sent them.
CREATE TABLE visits (
    id             TEXT PRIMARY KEY NOT NULL,
    participant_id TEXT NOT NULL,
    device         TEXT NOT NULL,
    expires_ms     INTEGER NOT NULL,
    ended_at       TEXT,
    arrival_seq    INTEGER,
    done           INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
) STRICT;

CREATE INDEX visits_device ON visits (device, done);
CREATE INDEX visits_participant ON visits (participant_id);
