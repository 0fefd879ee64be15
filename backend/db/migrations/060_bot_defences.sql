-- The creator's bot defences beyond the hashed requirements (account age and followers are requirements):
-- one claim per X account and per wallet across the creator's giveaways, and at most so many claims a
-- minute. Distributions registered before keep neither.
ALTER TABLE distributions ADD COLUMN once_per_creator boolean NOT NULL DEFAULT false;
ALTER TABLE distributions ADD COLUMN max_claims_per_minute integer;

-- Claims refused as likely bots, one row per distribution, reason and account, for the creator's dashboard.
CREATE TABLE bot_refusals (
  distribution text NOT NULL REFERENCES distributions (address) ON DELETE CASCADE,
  reason text NOT NULL,
  x_user_id text NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  first_at timestamptz NOT NULL DEFAULT now(),
  last_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (distribution, reason, x_user_id)
);

-- once_per_creator looks up an account's or a wallet's claims in the creator's other distributions.
CREATE INDEX claims_wallet ON claims (wallet);
