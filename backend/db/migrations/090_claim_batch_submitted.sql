-- When the node took a batch's transaction: before it the batch's claims are "sending", after it
-- "confirming" (the fan's progress line). NULL for batches recorded but not yet handed over.
ALTER TABLE claim_batches ADD COLUMN submitted_at timestamptz;
-- Claims paid in the last seconds, for the wait a queued claim's fan is shown.
CREATE INDEX claim_batches_confirmed_at ON claim_batches (updated_at) WHERE status = 'confirmed';
