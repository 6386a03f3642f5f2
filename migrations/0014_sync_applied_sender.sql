-- A sync file applied here is recognised by its SHA-256 and not opened again, whether it came
-- through a sync folder or was opened by hand; the laptop that sent it is kept beside it, so
-- that a file from a laptop revoked since is refused again rather than passed over.
ALTER TABLE sync_applied ADD COLUMN sender TEXT;
