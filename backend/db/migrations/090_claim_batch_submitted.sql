-- When the node took a batch's transaction: before it the batch's claims are "sending", after it
-- "confirming" (the fan's progress line). NULL for batches recorded but not yet handed over.
ALTER TABLE claim_batches ADD COLUMN submitted_at timestamptz;
