-- A login started from the claim page (a web flow, not the extension's) returns to that giveaway's
-- page, and one started from a blink also names the wallet the blink will bind next.
ALTER TABLE oauth_states ADD COLUMN return_distribution text;
ALTER TABLE oauth_states ADD COLUMN bind_wallet text;
