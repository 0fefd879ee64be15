-- Claims whose requirement check X rate-limited: kept, and checked again once X's window resets.
-- A row is the claim request itself (same key, same body); the claim it makes is an ordinary claim.
CREATE TABLE deferred_claims (
  x_user_id text NOT NULL,
  idempotency_key text NOT NULL,
  distribution text NOT NULL,
  wallet text NOT NULL,
  -- waiting: checked again at run_at; done: the claim was made; refused: the check said no (outcome says why).
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'done', 'refused')),
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  outcome text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (x_user_id, idempotency_key)
);
CREATE INDEX deferred_claims_due ON deferred_claims (run_at) WHERE status = 'waiting';
