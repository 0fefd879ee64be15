-- How many steps each distribution's priority fee bid has risen: one per batch that expired unlanded,
-- one back per settling that saw its batches land (issue 21). Kept here rather than in a batcher's
-- memory so that whichever instance (or a restarted one) next sends the requeued claims bids from the
-- same step. Distributions whose batches never expired have no row.
CREATE TABLE batch_fee_escalations (
  distribution text PRIMARY KEY,
  escalations integer NOT NULL CHECK (escalations >= 0)
);
