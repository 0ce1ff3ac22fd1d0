-- Which build of the reader produced a cached result. A result from another
-- build is read again, so a fixed or extended reader is not hidden by the
-- cache. '' for rows written before this column.
ALTER TABLE files ADD COLUMN reader TEXT NOT NULL DEFAULT '';
