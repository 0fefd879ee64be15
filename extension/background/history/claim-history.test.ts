import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import type { Claim } from "../../messaging/shapes.ts";
import { type OutboxRecord, openMemefansDatabase } from "../storage/database.ts";
import { applyOutboxOutcome, listClaimHistory, recordQueuedClaim } from "./claim-history.ts";

const DISTRIBUTION = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const WALLET = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const OTHER_WALLET = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

const claim = (state: Pick<Claim, "status" | "wallet"> & Partial<Claim>): Claim => ({
  id: "0b7e2a9c-5d1f-4c3e-9a8b-7f6e5d4c3b2a",
  distribution: DISTRIBUTION,
  xUserId: "2002",
  slot: 3,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  ...state,
});

/** The outbox item for claim attempt `id`, delivered with `answer`. */
const delivered = (id: string, answer: Claim): OutboxRecord => ({
  id,
  kind: "claim",
  path: "/claims",
  body: { distribution: DISTRIBUTION, wallet: answer.wallet },
  label: "claim",
  status: "delivered",
  attempts: 1,
  nextAttemptAt: 0,
  leaseUntil: 0,
  response: { claim: answer },
  createdAt: 0,
});

describe("the claim history", () => {
  it("keeps one line for a failed claim claimed again: the new answer on it, nothing of the failure left", async () => {
    const db = await openMemefansDatabase("claim-history-retry");
    await recordQueuedClaim(db, "o-1", DISTRIBUTION, WALLET, 100);
    const failed = claim({ status: "failed", wallet: WALLET, failureReason: "needs_token_account", retryable: true });
    await applyOutboxOutcome(db, delivered("o-1", failed), 200);
    expect(await listClaimHistory(db)).toEqual([
      expect.objectContaining({ key: "o-1", status: "failed", reason: "needs_token_account", retryable: true }),
    ]);

    // Claimed again to another wallet: the same claim, back in the queue.
    await recordQueuedClaim(db, "o-2", DISTRIBUTION, OTHER_WALLET, 300);
    await applyOutboxOutcome(db, delivered("o-2", claim({ status: "queued", wallet: OTHER_WALLET })), 400);
    expect(await listClaimHistory(db)).toEqual([
      {
        key: "o-1",
        distribution: DISTRIBUTION,
        wallet: OTHER_WALLET,
        status: "queued",
        claimId: failed.id,
        createdAt: 100,
        updatedAt: 400,
      },
    ]);
    db.close();
  });
});
