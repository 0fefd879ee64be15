-- Settling an expired or refused batch in one call (as migration 200 did for recording batches): its
-- four statements ran as a transaction held open across messages, and on PGlite every claim arriving
-- and every fan polling waited behind it.

-- Moves the batch from sent to `batch_status`, then its sent claims at `confirmed_slots` to confirmed,
-- those at `requeue_slots` back to the queue (alone if `requeue_alone`, not before
-- `requeue_not_before`) and those at `failed_slots` to failed for `reason`, in that order. A batch no
-- longer sent (another instance settled it) is left alone and nothing is changed. Returns how many
-- claims moved to each state, leaving out the states none moved to.
CREATE FUNCTION settle_batch(
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
