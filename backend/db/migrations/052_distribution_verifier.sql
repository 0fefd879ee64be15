-- The verifier the distribution's account names, as the chain last showed it. Registration checked it
-- was this backend's; the creator may move a running giveaway to another verifier (with the current
-- one's consent), and from then on this backend can no longer pay it. NULL: not read since registration.
ALTER TABLE distributions ADD COLUMN verifier text;
