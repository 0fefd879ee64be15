-- A batch settled as expired (its blockhash passed while no status was seen) or refused may still have
-- landed: an RPC node behind the cluster answers "no status" for a transaction it has not caught up
-- with, and a node may answer a send with an error for a transaction it took. Its claims went back to
-- the queue, and their slots' bits, set by that very batch, would then read as a payment to someone
-- else. Each claim sent back keeps the ids of the batches it rode in, so that before it fails for a
-- taken slot the batcher can ask the chain whether one of them paid it.
ALTER TABLE claims ADD COLUMN earlier_batch_ids bigint[];

-- As in migration 202, except that claims sent back to the queue keep their batch's id.
CREATE OR REPLACE FUNCTION settle_batch(
  settled_batch_id bigint,
  batch_status text,
  confirmed_slots integer[],
  requeue_slots integer[],
  requeue_alone boolean,
  requeue_not_before timestamptz,
  failed_slots integer[],
  reason text
) RETURNS TABLE (state text, moved integer)
LANGUAGE plpgsql
AS $$
DECLARE
  changed integer;
BEGIN
  UPDATE claim_batches
     SET status = batch_status, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
   WHERE id = settled_batch_id AND status = 'sent';
  IF NOT FOUND THEN
    RETURN;
  END IF;

  UPDATE claims SET status = 'confirmed', updated_at = now()
   WHERE batch_id = settled_batch_id AND status = 'sent' AND slot = ANY(confirmed_slots);
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed > 0 THEN
    RETURN QUERY SELECT 'confirmed'::text, changed;
  END IF;

  UPDATE claims
     SET status = 'queued', batch_id = NULL, signature = NULL, send_alone = send_alone OR requeue_alone,
         earlier_batch_ids = array_append(earlier_batch_ids, batch_id),
         not_before = requeue_not_before, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
   WHERE batch_id = settled_batch_id AND status = 'sent' AND slot = ANY(requeue_slots);
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed > 0 THEN
    RETURN QUERY SELECT 'queued'::text, changed;
  END IF;

  UPDATE claims SET status = 'failed', failure_reason = reason, updated_at = now()
   WHERE batch_id = settled_batch_id AND status = 'sent' AND slot = ANY(failed_slots);
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed > 0 THEN
    RETURN QUERY SELECT 'failed'::text, changed;
  END IF;
END;
$$;
