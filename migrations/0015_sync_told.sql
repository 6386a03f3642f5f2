-- The last of its own operations this laptop has told each laptop it holds, in any file to it.
-- A file sent whole to a laptop is confirmed when that laptop says it knows this laptop's
-- operations up to one it could not know before: when this laptop has written nothing since
-- it last told it, that is its next operation.
CREATE TABLE sync_told (
    peer    TEXT PRIMARY KEY NOT NULL,
    own_seq INTEGER NOT NULL
) STRICT;
