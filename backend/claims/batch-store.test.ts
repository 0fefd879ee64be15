import { Keypair } from "@solana/web3.js";
import { expect, it } from "vitest";
import { describeEachEngine } from "../db/testing/engines.ts";
import { LeaseLostError, leaseQueuedClaims, recordSentBatches, type SentBatch, settleConfirmedBatches } from "./batch-store.ts";
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

describeEachEngine("batch store", (database) => {
  it("records a cycle's batches in one call, each claim in its own batch with its signature, then confirms them", async () => {
    const target = queueTarget(10);
    const distribution = target.address.toBase58();
    await queueClaims(database(), target, 5);
    const leased = await leaseQueuedClaims(database(), "owner-a", 30_000, 5);
    const mine = leased.filter((claim) => claim.distribution === distribution).map((claim) => claim.id);
    expect(mine).toHaveLength(5);
    const batches = [sentBatch(distribution, mine.slice(0, 3)), sentBatch(distribution, mine.slice(3))];
    const ids = await recordSentBatches(database(), "owner-a", 30_000, batches);
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
    await expect(recordSentBatches(database(), "owner-a", 30_000, [batch])).rejects.toThrow(
      new LeaseLostError("lost the lease on 1 claims"),
    );
    const { rows } = await database().query("SELECT 1 FROM claim_batches WHERE signature = $1", [batch.signature]);
    expect(rows).toEqual([]);
    expect(await claimStatuses(database(), target)).toEqual({ queued: 3 });
  });
});
