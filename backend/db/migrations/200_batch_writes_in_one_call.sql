-- The batcher's writes, each in one call. With PGlite on its own thread, a transaction held open
-- across several messages keeps the database waiting for the main thread between its statements, and
-- every other query (claims arriving, fans polling) waits behind it: under load a cycle's two-statement
-- record held the database for as long as the main thread was busy executing batches.

-- Records a cycle's batches (in flight, leased to the batcher that will send them) and moves their
-- claims queued → sent, before any of them is sent. `claim_batch_positions` names, per claim, the
-- 1-based position of its batch in the batch arrays. A claim whose lease this owner no longer holds
-- (another instance took it over) fails the whole call with SQLSTATE MF001 and nothing is written.
-- Returns the batch ids in the order of the arrays.
CREATE FUNCTION record_sent_batches(
  lease_owner_id text,
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
     AND claims.lease_owner = lease_owner_id
     AND claims.lease_expires_at > now();
  GET DIAGNOSTICS moved = ROW_COUNT;
  IF moved <> cardinality(claim_ids) THEN
    RAISE EXCEPTION 'lost the lease on % claims', cardinality(claim_ids) - moved USING ERRCODE = 'MF001';
  END IF;
  RETURN QUERY SELECT unnest(batch_ids);
END;
$$;
