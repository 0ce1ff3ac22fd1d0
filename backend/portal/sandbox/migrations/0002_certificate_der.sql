-- The public certificate (DER) of each installed certificate, so that the
-- API can return it. Public, like the other facts; certificates installed
-- before this migration have none.
ALTER TABLE certificates ADD COLUMN der BLOB NOT NULL DEFAULT x'';
