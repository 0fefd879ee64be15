-- A blink's binding challenge is issued when a fan signs in with X from the blink's link, but that link
-- can be anyone's: it names the wallet. The challenge is handed to the blink only once the X account's
-- holder has confirmed on the claim page that the wallet is theirs (confirmed_at).
ALTER TABLE wallet_challenges ADD COLUMN confirmed_at timestamptz;
-- A challenge handed to whoever presses Claim in a blink for a wallet already bound: it names no X
-- account (the press proves nothing), and the same one is handed out again until it is used or expires.
ALTER TABLE wallet_challenges ADD COLUMN for_bound_wallet boolean NOT NULL DEFAULT false;
-- Expired challenges are deleted by this column on every new one.
CREATE INDEX wallet_challenges_expires_at ON wallet_challenges (expires_at);
CREATE INDEX wallet_challenges_bound_wallet ON wallet_challenges (address) WHERE for_bound_wallet AND used_at IS NULL;
