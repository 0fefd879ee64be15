-- A blink that sends a fan to sign in with X names its flow: a random id it carries through its chained
-- action URLs. The login started from that link records it, and the binding challenge its callback
-- issues carries it, so a blink only ever asks its wallet to sign a challenge of its own flow, never one
-- that another signed-in account created for the same wallet.
ALTER TABLE oauth_states ADD COLUMN blink_flow text;
ALTER TABLE wallet_challenges ADD COLUMN blink_flow text;
CREATE INDEX wallet_challenges_blink_flow ON wallet_challenges (blink_flow) WHERE blink_flow IS NOT NULL;
