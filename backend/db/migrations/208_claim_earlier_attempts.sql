-- Claiming a failed claim again replaces its Idempotency-Key and request hash. The keys of the earlier
-- attempts are kept here, each beside its request hash, so that an earlier attempt sent again is
-- answered as the same claim (or an idempotency conflict for another body), never as a new attempt.
-- NULL until the claim is first claimed again: a new claim writes nothing more.
ALTER TABLE claims ADD COLUMN earlier_idempotency_keys text[];
ALTER TABLE claims ADD COLUMN earlier_request_hashes text[];
