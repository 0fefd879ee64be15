-- The fee budget keeps each unpaid slot's priority fee cap as well as its fee, so the number of token
-- accounts the budget still opens depends on the cap. The claim route counts them from this row: a
-- giveaway registered before this column counts a cap of 0 until its next refresh from the chain.
ALTER TABLE distributions ADD COLUMN priority_fee_cap_lamports numeric(20, 0) NOT NULL DEFAULT 0;
