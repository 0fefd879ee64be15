-- The creator's dashboard lists a giveaway's claimants by state (paid, pending, failed), newest slot
-- first, and counts them per state every few seconds while it is open. With this index a page of one
-- state is a range read, and the counts read the index alone, for a giveaway of 10,000 claims as for 10.
CREATE INDEX claims_distribution_status_slot ON claims (distribution, status, slot);
