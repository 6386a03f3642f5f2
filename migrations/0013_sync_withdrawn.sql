-- A file withdrawn from a laptop that holds only some files (a caseworker's) keeps its row in
-- sync_sent, marked withdrawn, and is withdrawn again in every file to that laptop until she
-- may see it again (it is then sent whole) or is erased: a withdrawal that travelled in a
-- file that was lost, or that an older file imported after it undid, is repeated.
ALTER TABLE sync_sent ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
