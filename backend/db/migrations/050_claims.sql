-- A verified claim waiting for, riding in, or settled by a batch_claim transaction.
-- Uniqueness is the database's job, so that no two requests (or two backend instances) can break it:
-- one slot per claim, one claim per X account and per wallet in each distribution.
CREATE TABLE claim_batches (
  id bigserial PRIMARY KEY,
  distribution text NOT NULL,
  -- sent: the transaction was recorded before it was sent; confirmed/expired/refused settle it.
  status text NOT NULL CHECK (status IN ('sent', 'confirmed', 'expired', 'refused')),
  signature text NOT NULL UNIQUE,
  blockhash text NOT NULL,
  last_valid_block_height bigint NOT NULL,
  claim_count integer NOT NULL,
  lease_owner text,
  lease_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX claim_batches_in_flight ON claim_batches (created_at) WHERE status = 'sent';

CREATE TABLE claims (
  id uuid PRIMARY KEY,
  distribution text NOT NULL,
  x_user_id text NOT NULL,
  wallet text NOT NULL,
  slot integer NOT NULL CHECK (slot >= 0),
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'confirmed', 'failed')),
  batch_id bigint REFERENCES claim_batches (id),
  signature text,
  failure_reason text,
  -- A claim that made a batch fail for a reason that may be its own is retried alone.
  send_alone boolean NOT NULL DEFAULT false,
  not_before timestamptz,
  lease_owner text,
  lease_expires_at timestamptz,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (distribution, slot),
  UNIQUE (distribution, x_user_id),
  UNIQUE (distribution, wallet),
  UNIQUE (x_user_id, idempotency_key)
);
CREATE INDEX claims_queued ON claims (created_at) WHERE status = 'queued';
CREATE INDEX claims_batch_id ON claims (batch_id);
CREATE INDEX claims_x_user_id ON claims (x_user_id, created_at);
CREATE INDEX claims_distribution_created_at ON claims (distribution, created_at);

-- The next slot to hand out per distribution; its row lock serialises slot assignment.
CREATE TABLE claim_slot_counters (
  distribution text PRIMARY KEY,
  next_slot integer NOT NULL CHECK (next_slot >= 0)
);
