-- The post's k-anonymity bucket (shared/post-bucket.ts: the first 16 bits of SHA-256 of the post id's
-- UTF-8, as 4 hex characters). The overlay looks up posts that link nothing by bucket, never by id;
-- registration writes it from the TS function, and this backfill computes the same value in SQL.
ALTER TABLE distributions ADD COLUMN post_bucket text;
UPDATE distributions SET post_bucket = substr(encode(sha256(convert_to(post_id, 'UTF8')), 'hex'), 1, 4);
ALTER TABLE distributions ALTER COLUMN post_bucket SET NOT NULL;
CREATE INDEX distributions_post_bucket ON distributions (post_bucket, registered_at DESC);
