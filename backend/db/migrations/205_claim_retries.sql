-- A failed claim whose failure the fan can mend (no token account to pay into, an account that refused
-- the payout) can be claimed again, a bounded number of times: this counts the attempts after the first.
ALTER TABLE claims ADD COLUMN retries integer NOT NULL DEFAULT 0 CHECK (retries >= 0);
