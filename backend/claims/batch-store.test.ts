import { Keypair } from "@solana/web3.js";
import { expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import {
  confirmEarlierBatches,
  earlierBatchesOf,
  LeaseLostError,
  leaseInFlightBatches,
  leaseQueuedClaims,
  recordSentBatches,
  type SentBatch,
  settleBatch,
  settleConfirmedBatches,
} from "./batch-store.ts";
import { claimStatuses, queueClaims } from "./testing/queued-claims.ts";

/** A distribution of `maxClaims` slots as the queue knows it (the queue never reads the chain). */
function queueTarget(maxClaims: number) {
  return { address: Keypair.generate().publicKey, maxClaims };
}

function sentBatch(distribution: string, claimIds: string[]): SentBatch {
  return {
    distribution,
    signature: Keypair.generate().publicKey.toBase58(),
    blockhash: Keypair.generate().publicKey.toBase58(),
    lastValidBlockHeight: 1_000,
    claimIds,
  };
}

/** Queues `count` claims of a fresh distribution and records them as one batch sent by `owner`. */
async function recordedBatch(database: Database, owner: string, count: number) {
  const target = queueTarget(count);
  const distribution = target.address.toBase58();
  await queueClaims(database, target, count);
  const leased = (await leaseQueuedClaims(database, owner, 30_000, 1_000)).filter((claim) => claim.distribution === distribution);
  const [batchId] = await recordSentBatches(database, { claimLessee: owner, batchOwner: owner }, 30_000, [
    sentBatch(
      distribution,
      leased.map((claim) => claim.id),
    ),
  ]);
  return { target, batchId: batchId as string, slots: leased.map((claim) => claim.slot) };
}

interface SettledClaim {
  slot: number;
  status: string;
  batch_id: string | null;
  signature: string | null;
  send_alone: boolean;
  not_before: Date | null;
  failure_reason: string | null;
  lease_owner: string | null;
}

async function claimsOf(database: Database, target: ReturnType<typeof queueTarget>): Promise<SettledClaim[]> {
  const { rows } = await database.query<SettledClaim>(
    `SELECT slot, status, batch_id::text, signature, send_alone, not_before, failure_reason, lease_owner
       FROM claims WHERE distribution = $1 ORDER BY slot`,
    [target.address.toBase58()],
  );
  return rows;
}

async function batchRow(database: Database, batchId: string) {
  const { rows } = await database.query("SELECT status, lease_owner, lease_expires_at FROM claim_batches WHERE id = $1", [
    batchId,
  ]);
  return rows[0];
}

describeEachEngine("batch store", (database) => {
  it("records a cycle's batches in one call, each claim in its own batch with its signature, then confirms them", async () => {
    const target = queueTarget(10);
    const distribution = target.address.toBase58();
    await queueClaims(database(), target, 5);
    const leased = await leaseQueuedClaims(database(), "owner-a", 30_000, 5);
    const mine = leased.filter((claim) => claim.distribution === distribution).map((claim) => claim.id);
    expect(mine).toHaveLength(5);
    const batches = [sentBatch(distribution, mine.slice(0, 3)), sentBatch(distribution, mine.slice(3))];
    const ids = await recordSentBatches(database(), { claimLessee: "owner-a", batchOwner: "owner-a" }, 30_000, batches);
    expect(ids).toHaveLength(2);
    const { rows } = await database().query<{ id: string; batch_id: string; signature: string; status: string }>(
      "SELECT id, batch_id::text, signature, status FROM claims WHERE distribution = $1",
      [distribution],
    );
    for (const [index, batch] of batches.entries()) {
      const { rows: stored } = await database().query<{ signature: string; claim_count: number; status: string }>(
        "SELECT signature, claim_count, status FROM claim_batches WHERE id = $1",
        [ids[index] as string],
      );
      expect(stored).toEqual([{ signature: batch.signature, claim_count: batch.claimIds.length, status: "sent" }]);
      for (const claimId of batch.claimIds)
        expect(rows.find((row) => row.id === claimId)).toMatchObject({
          batch_id: ids[index],
          signature: batch.signature,
          status: "sent",
        });
    }
    // Only the first batch lands: its three claims are confirmed, the others stay sent.
    expect(await settleConfirmedBatches(database(), [ids[0] as string])).toBe(3);
    expect(await settleConfirmedBatches(database(), [ids[0] as string])).toBe(0);
    expect(await claimStatuses(database(), target)).toEqual({ confirmed: 3, sent: 2 });
  });

  it("leases the oldest queued claims by reading the queue in order, never by sorting all of it", async () => {
    // Enough that, left to itself, the planner would read and sort the whole queue (it did at 3,000).
    const crowd = queueTarget(3_000);
    await queueClaims(database(), crowd, 3_000);
    // The plan lease_queued_claims runs, under the settings it runs with (its SET clause).
    const plan = await database().transaction(async (transaction) => {
      const { rows } = await transaction.query<{ body: string; settings: string[] }>(
        "SELECT prosrc AS body, proconfig AS settings FROM pg_proc WHERE proname = 'lease_queued_claims'",
      );
      const definition = rows[0];
      if (!definition) throw new Error("lease_queued_claims is missing");
      for (const setting of definition.settings) {
        const separator = setting.indexOf("=");
        await transaction.query("SELECT set_config($1, $2, true)", [setting.slice(0, separator), setting.slice(separator + 1)]);
      }
      await transaction.exec(`PREPARE lease_plan (text, integer, integer) AS ${definition.body}`);
      const explained = await transaction.query<{ "QUERY PLAN": unknown }>(
        "EXPLAIN (FORMAT JSON) EXECUTE lease_plan('planner', 30000, 40)",
      );
      await transaction.exec("DEALLOCATE lease_plan");
      return JSON.stringify(explained.rows[0]?.["QUERY PLAN"]);
    });
    expect(plan).toContain('"Index Name":"claims_queued"');
    expect(plan).not.toContain('"Node Type":"Sort"');

    const { rows: oldest } = await database().query<{ id: string }>(
      `SELECT id FROM claims
        WHERE status = 'queued' AND (lease_expires_at IS NULL OR lease_expires_at < now()) AND (not_before IS NULL OR not_before <= now())
        ORDER BY created_at, id LIMIT 40`,
    );
    const leased = await leaseQueuedClaims(database(), "owner-a", 30_000, 40);
    expect(new Set(leased.map((claim) => claim.id))).toEqual(new Set(oldest.map((row) => row.id)));
    // Leased ones are skipped: the next lease takes the next oldest.
    const next = await leaseQueuedClaims(database(), "owner-b", 30_000, 40);
    expect(next.some((claim) => oldest.some((row) => row.id === claim.id))).toBe(false);
    // The other tests lease from the same queue, oldest first.
    await database().query("DELETE FROM claims WHERE distribution = $1", [crowd.address.toBase58()]);
  });

  it("writes nothing when a claim's lease went to another instance", async () => {
    const target = queueTarget(10);
    const distribution = target.address.toBase58();
    await queueClaims(database(), target, 3);
    const leased = (await leaseQueuedClaims(database(), "owner-a", 30_000, 1_000)).filter(
      (claim) => claim.distribution === distribution,
    );
    // Another instance took one of them over after our lease ran out.
    await database().query("UPDATE claims SET lease_owner = 'owner-b' WHERE id = $1", [leased[0]?.id as string]);
    const batch = sentBatch(
      distribution,
      leased.map((claim) => claim.id),
    );
    await expect(
      recordSentBatches(database(), { claimLessee: "owner-a", batchOwner: "owner-a" }, 30_000, [batch]),
    ).rejects.toThrow(new LeaseLostError("lost the lease on 1 claims"));
    const { rows } = await database().query("SELECT 1 FROM claim_batches WHERE signature = $1", [batch.signature]);
    expect(rows).toEqual([]);
    expect(await claimStatuses(database(), target)).toEqual({ queued: 3 });
  });

  it("writes nothing for a cycle stalled past its lease when another cycle of the same instance leased the claims since", async () => {
    const target = queueTarget(10);
    const distribution = target.address.toBase58();
    await queueClaims(database(), target, 2);
    const ours = (claims: { id: string; distribution: string }[]) =>
      claims.filter((claim) => claim.distribution === distribution).map((claim) => claim.id);
    const stalled = ours(await leaseQueuedClaims(database(), "instance/cycle-1", 30_000, 1_000));
    // Cycle 1 stalls until its lease runs out; cycle 2 of the same instance leases the claims again.
    await database().query("UPDATE claims SET lease_expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])", [
      stalled,
    ]);
    const current = ours(await leaseQueuedClaims(database(), "instance/cycle-2", 30_000, 1_000));
    expect(current.sort()).toEqual([...stalled].sort());

    const late = sentBatch(distribution, stalled);
    await expect(
      recordSentBatches(database(), { claimLessee: "instance/cycle-1", batchOwner: "instance" }, 30_000, [late]),
    ).rejects.toThrow(LeaseLostError);
    const [batchId] = await recordSentBatches(database(), { claimLessee: "instance/cycle-2", batchOwner: "instance" }, 30_000, [
      sentBatch(distribution, current),
    ]);
    // The batch is the instance's to settle, whichever of its cycles sent it.
    const { rows } = await database().query<{ lease_owner: string }>("SELECT lease_owner FROM claim_batches WHERE id = $1", [
      batchId as string,
    ]);
    expect(rows).toEqual([{ lease_owner: "instance" }]);
    expect(await claimStatuses(database(), target)).toEqual({ sent: 2 });
  });

  it("settles a refused batch in one call: each claim confirmed, requeued or failed as told, none left behind", async () => {
    const { target, batchId, slots } = await recordedBatch(database(), "owner-a", 6);
    const signature = (await claimsOf(database(), target))[0]?.signature;
    const notBefore = new Date(Date.now() + 60_000);
    const transitions = await settleBatch(database(), batchId, {
      batchStatus: "refused",
      confirmedSlots: slots.slice(0, 1),
      requeue: { slots: slots.slice(1, 3), alone: true, notBefore },
      failed: { slots: slots.slice(3), reason: "slot_taken" },
    });
    expect(transitions).toEqual([
      { state: "confirmed", count: 1 },
      { state: "queued", count: 2 },
      { state: "failed", count: 3 },
    ]);
    expect(await batchRow(database(), batchId)).toEqual({ status: "refused", lease_owner: null, lease_expires_at: null });
    const settled = { send_alone: false, not_before: null, failure_reason: null, lease_owner: null };
    expect(await claimsOf(database(), target)).toEqual([
      { ...settled, slot: slots[0], status: "confirmed", batch_id: batchId, signature },
      ...slots.slice(1, 3).map((slot) => ({
        ...settled,
        slot,
        status: "queued",
        batch_id: null,
        signature: null,
        send_alone: true,
        not_before: notBefore,
      })),
      ...slots
        .slice(3)
        .map((slot) => ({ ...settled, slot, status: "failed", batch_id: batchId, signature, failure_reason: "slot_taken" })),
    ]);
  });

  it("remembers the batches a claim went back to the queue from, and confirms it by the one the chain shows landed", async () => {
    const { target, batchId, slots } = await recordedBatch(database(), "owner-a", 2);
    const distribution = target.address.toBase58();
    const signature = (await claimsOf(database(), target))[0]?.signature as string;
    await settleBatch(database(), batchId, { batchStatus: "expired", confirmedSlots: [], requeue: { slots } });
    const earlier = await earlierBatchesOf(database(), distribution, slots);
    expect(earlier.sort((a, b) => a.slot - b.slot)).toEqual(
      slots.map((slot) => ({ slot, batchId, signature, lastValidBlockHeight: 1_000 })),
    );
    // One claim is on its way again in another batch, the other still queued: both were paid by the first.
    const [first] = (await leaseQueuedClaims(database(), "owner-a", 30_000, 1_000)).filter(
      (claim) => claim.distribution === distribution,
    );
    await recordSentBatches(database(), { claimLessee: "owner-a", batchOwner: "owner-a" }, 30_000, [
      sentBatch(distribution, [first?.id as string]),
    ]);
    expect(await confirmEarlierBatches(database(), distribution, earlier)).toBe(2);
    expect(await batchRow(database(), batchId)).toMatchObject({ status: "confirmed" });
    expect(
      (await claimsOf(database(), target)).map(({ status, batch_id, signature }) => ({ status, batch_id, signature })),
    ).toEqual(slots.map(() => ({ status: "confirmed", batch_id: batchId, signature })));
  });

  it("leaves alone a batch whose lease another instance took over and settled first", async () => {
    const { target, batchId, slots } = await recordedBatch(database(), "owner-a", 3);
    // Our lease on the batch ran out; instance B leases it and finds it expired.
    await database().query("UPDATE claim_batches SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [batchId]);
    const leasedByB = await leaseInFlightBatches(database(), "owner-b", 30_000, 1_000);
    expect(leasedByB.map((batch) => batch.id)).toContain(batchId);
    expect(await settleBatch(database(), batchId, { batchStatus: "expired", confirmedSlots: [], requeue: { slots } })).toEqual([
      { state: "queued", count: 3 },
    ]);
    // Our late settlement (it read a refusal) changes nothing: not the batch, not its claims.
    expect(
      await settleBatch(database(), batchId, {
        batchStatus: "refused",
        confirmedSlots: [],
        failed: { slots, reason: "insufficient_funds" },
      }),
    ).toEqual([]);
    expect(await batchRow(database(), batchId)).toEqual({ status: "expired", lease_owner: null, lease_expires_at: null });
    expect(await claimStatuses(database(), target)).toEqual({ queued: 3 });
  });
});
