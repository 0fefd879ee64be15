-- A batcher's cycles each lease claims as themselves (the instance id and a cycle id), so that a cycle
-- stalled past its lease cannot record a batch for claims another cycle of the same instance leased
-- since: a failed claim the fan claimed again names another wallet, and the stalled cycle's batch
-- would pay the old one. The batches stay leased to the instance (lease_owner_id), whose settling
-- loop confirms them; the claims are matched to the cycle that leased them (claim_lessee).
DROP FUNCTION record_sent_batches(text, integer, text[], text[], text[], bigint[], integer[], uuid[], integer[]);

CREATE FUNCTION record_sent_batches(
  lease_owner_id text,
  claim_lessee text,
  lease_ms integer,
  distributions text[],
  signatures text[],
  blockhashes text[],
  last_valid_block_heights bigint[],
  claim_counts integer[],
  claim_ids uuid[],
  claim_batch_positions integer[]
) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
  batch_ids bigint[];
  moved integer;
BEGIN
  WITH inserted AS (
    INSERT INTO claim_batches (distribution, status, signature, blockhash, last_valid_block_height, claim_count, lease_owner, lease_expires_at)
    SELECT sent.distribution, 'sent', sent.signature, sent.blockhash, sent.height, sent.claim_count,
           lease_owner_id, now() + lease_ms * interval '1 millisecond'
      FROM unnest(distributions, signatures, blockhashes, last_valid_block_heights, claim_counts)
        AS sent (distribution, signature, blockhash, height, claim_count)
    RETURNING claim_batches.id, claim_batches.signature)
  SELECT array_agg(inserted.id ORDER BY array_position(signatures, inserted.signature)) INTO batch_ids FROM inserted;

  -- Each claim finds its batch by its place in the id array: a join with unnest() is planned as a
  -- nested loop over the whole array per claim (the lease filter makes the planner expect one row).
  UPDATE claims
     SET status = 'sent',
         batch_id = batch_ids[claim_batch_positions[array_position(claim_ids, claims.id)]],
         signature = signatures[claim_batch_positions[array_position(claim_ids, claims.id)]],
         lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
   WHERE claims.id = ANY(claim_ids)
     AND claims.status = 'queued'
     AND claims.lease_owner = claim_lessee
     AND claims.lease_expires_at > now();
  GET DIAGNOSTICS moved = ROW_COUNT;
  IF moved <> cardinality(claim_ids) THEN
    RAISE EXCEPTION 'lost the lease on % claims', cardinality(claim_ids) - moved USING ERRCODE = 'MF001';
  END IF;
  RETURN QUERY SELECT unnest(batch_ids);
END;
$$;
