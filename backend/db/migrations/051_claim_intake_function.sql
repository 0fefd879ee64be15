-- Every index of claims is written once per accepted claim, on the hot path of a giveaway. These two
-- only served orders the unique indexes serve as well (a fan's claims start with x_user_id, a
-- distribution's with distribution), and batch_id is only looked up once a claim rides in a batch.
DROP INDEX claims_x_user_id;
DROP INDEX claims_distribution_created_at;
DROP INDEX claims_batch_id;
CREATE INDEX claims_batch_id ON claims (batch_id) WHERE batch_id IS NOT NULL;

-- Gives each requested claim the next slot of its distribution and writes the queue rows, in one
-- statement (atomic without a transaction around it). Each distribution's counter is advanced by the
-- number of requests and locked, in address order so that two instances locking the same distributions
-- cannot deadlock. Requests whose slot is max_claims or beyond are not inserted: they are sold out, and
-- the counter may run past max_claims (readers cap it). Returns the rows written.
--
-- It is a function for its SET clause: the backend plans every statement per execution (see
-- postgres-database.ts), and planning this one cost more than running it for twenty claims. Its plan
-- reads no table by a path whose cost depends on table sizes (only unnest and unique-index arbiters),
-- so the plan made once cannot go stale.
CREATE FUNCTION insert_claims(
  ids uuid[],
  distributions text[],
  x_user_ids text[],
  wallets text[],
  max_claims integer[],
  idempotency_keys text[],
  request_hashes text[]
) RETURNS TABLE (id uuid, slot integer, created_at timestamptz)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH asked AS (
    SELECT * FROM unnest(ids, distributions, x_user_ids, wallets, max_claims, idempotency_keys, request_hashes)
      WITH ORDINALITY AS input (id, distribution, x_user_id, wallet, max_claims, idempotency_key, request_hash, position)
  ),
  requested AS (SELECT asked.distribution, count(*)::integer AS count FROM asked GROUP BY asked.distribution),
  advanced AS (
    INSERT INTO claim_slot_counters AS counter (distribution, next_slot)
    SELECT requested.distribution, requested.count FROM requested ORDER BY requested.distribution
    ON CONFLICT (distribution) DO UPDATE SET next_slot = counter.next_slot + excluded.next_slot
    RETURNING counter.distribution, counter.next_slot
  ),
  slotted AS (
    SELECT asked.*,
           advanced.next_slot - requested.count
             + (row_number() OVER (PARTITION BY asked.distribution ORDER BY asked.position))::integer - 1 AS slot
      FROM asked JOIN requested USING (distribution) JOIN advanced USING (distribution)
  )
  INSERT INTO claims AS claim (id, distribution, x_user_id, wallet, slot, status, idempotency_key, request_hash)
  SELECT slotted.id, slotted.distribution, slotted.x_user_id, slotted.wallet, slotted.slot, 'queued',
         slotted.idempotency_key, slotted.request_hash
    FROM slotted WHERE slotted.slot < slotted.max_claims
  RETURNING claim.id, claim.slot, claim.created_at;
END
$$;
