-- When the post was published, as X reports it at registration. Search sees only the last 7 days, so
-- reply, repost and quote checks on an older post fall back to the fan's own timeline back to this date.
ALTER TABLE distributions ADD COLUMN post_created_at timestamptz;
