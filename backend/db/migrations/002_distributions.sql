-- A distribution registered after its create_distribution transaction confirmed. Every on-chain term
-- was compared with the account when it was registered; paused/closed/claimed_count follow the chain.
CREATE TABLE distributions (
  address text PRIMARY KEY,
  post_id text NOT NULL,
  creator text NOT NULL,
  creator_x_user_id text NOT NULL REFERENCES x_accounts (x_user_id),
  mint text NOT NULL,
  token_decimals smallint NOT NULL,
  token_symbol text,
  token_name text,
  token_logo_url text,
  amount_per_claim numeric(20, 0) NOT NULL,
  max_claims integer NOT NULL,
  claimed_count integer NOT NULL DEFAULT 0,
  starts_at bigint NOT NULL,
  ends_at bigint NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  closed boolean NOT NULL DEFAULT false,
  requirements jsonb NOT NULL,
  requirements_hash text NOT NULL,
  fee_budget_lamports numeric(20, 0) NOT NULL,
  fee_per_claim_lamports numeric(20, 0) NOT NULL,
  creation_signature text,
  registered_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX distributions_post_id ON distributions (post_id);
CREATE INDEX distributions_creator_x_user_id ON distributions (creator_x_user_id, registered_at DESC);
