-- The scan's cache key gains the file's identity (inode or file index, with
-- its device or volume) and its ctime, so a same-size replacement whose
-- mtime was restored (cp -p, robocopy) is read again. '' and 0 for rows
-- written before: those are read again once.
ALTER TABLE files ADD COLUMN file_id TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN ctime_ns INTEGER NOT NULL DEFAULT 0;

-- Every update of an operation is conditional on the version it read, so a
-- stale copy can't overwrite newer state (a rotated idempotency key).
ALTER TABLE portal_ops ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
