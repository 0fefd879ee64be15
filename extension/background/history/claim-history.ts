import { type Claim, type ClaimRecord, claimSchema } from "../../messaging/shapes.ts";
import type { MemefansDatabase, OutboxRecord } from "../storage/database.ts";

/** A claim enters the history the moment it is queued, before the backend has seen it. */
export async function recordQueuedClaim(
  db: MemefansDatabase,
  outboxId: string,
  distribution: string,
  wallet: string,
  now: number,
) {
  await db.put("claims", { key: outboxId, distribution, wallet, status: "pending", createdAt: now, updatedAt: now });
}

function fromClaim(claim: Claim, base: Pick<ClaimRecord, "key" | "createdAt">, now: number): ClaimRecord {
  return {
    // Only these two: the rest is the claim's now, and what an earlier answer said must not linger.
    key: base.key,
    createdAt: base.createdAt,
    distribution: claim.distribution,
    wallet: claim.wallet,
    status: claim.status,
    claimId: claim.id,
    ...(claim.signature ? { signature: claim.signature } : {}),
    ...(claim.failureReason ? { reason: claim.failureReason } : {}),
    ...(claim.retryable ? { retryable: true } : {}),
    updatedAt: now,
  };
}

/** Follows the outbox: a delivered claim takes the backend's id and status, a refused one keeps the reason. */
export async function applyOutboxOutcome(db: MemefansDatabase, item: OutboxRecord, now: number): Promise<void> {
  if (item.kind !== "claim") return;
  const record = await db.get("claims", item.id);
  if (!record) return;
  if (item.status === "failed") {
    await db.put("claims", {
      ...record,
      status: "refused",
      reason: item.lastError?.message ?? "refused by the backend",
      updatedAt: now,
    });
    return;
  }
  const delivered = claimSchema.safeParse((item.response as { claim?: unknown } | undefined)?.claim);
  if (item.status !== "delivered" || !delivered.success) return;
  // A failed claim claimed again keeps its id: the answer goes on that claim's line rather than a second one.
  const transaction = db.transaction("claims", "readwrite");
  const first = (await transaction.store.getAll()).find(
    (other) => other.claimId === delivered.data.id && other.key !== record.key,
  );
  if (first) await transaction.store.delete(record.key);
  await transaction.store.put(fromClaim(delivered.data, first ?? record, now));
  await transaction.done;
}

/** Folds the backend's view (GET /me/claims) into the local history without duplicating queued ones. */
export async function mergeBackendClaims(db: MemefansDatabase, claims: Claim[], now: number): Promise<void> {
  const existing = await db.getAll("claims");
  const byClaimId = new Map(existing.filter((record) => record.claimId).map((record) => [record.claimId, record]));
  const transaction = db.transaction("claims", "readwrite");
  for (const claim of claims) {
    const known = byClaimId.get(claim.id);
    const createdAt = known?.createdAt ?? (Date.parse(claim.createdAt) || now);
    await transaction.store.put(fromClaim(claim, { key: known?.key ?? `claim:${claim.id}`, createdAt }, now));
  }
  await transaction.done;
}

export async function listClaimHistory(db: MemefansDatabase): Promise<ClaimRecord[]> {
  return (await db.getAllFromIndex("claims", "by-created")).reverse();
}
