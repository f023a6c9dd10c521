-- +goose Up
-- ended_at marks a sitemap file whose reading ended (EndFile, or closed as
-- interrupted when its job stopped). A file with ended_at NULL is still being
-- read: when its job stops it is closed and counted in the same transaction,
-- so a job's counts always equal its rows. ended_at also makes EndFile
-- idempotent, so a write retried after a lost connection counts once.
ALTER TABLE sitemap_files ADD COLUMN ended_at timestamptz;
-- Rows written before this migration cannot tell open from ended; they are
-- taken as ended (stop the older instances before migrating).
UPDATE sitemap_files SET ended_at = fetched_at;

-- +goose Down
ALTER TABLE sitemap_files DROP COLUMN ended_at;
