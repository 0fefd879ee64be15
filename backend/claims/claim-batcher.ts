import { randomUUID } from "node:crypto";
import { TOKEN_2022_PROGRAM_ID } from "@solana/spl-token";
import { type Connection, type PublicKey, SendTransactionError } from "@solana/web3.js";
import type { ClaimFailureReason, ClaimStatus } from "../../shared/api/claims.ts";
import { tokenAccountCreationsCovered, tokenAccountRent } from "../../shared/fee-budget.ts";
import { type DistributionAccount, distributionProgramId, isSlotClaimed } from "../../shared/program/index.ts";
import type { Database } from "../db/database.ts";
import { type ChainReader, connectionChainReader } from "../distributions/chain-reader.ts";
import { type BatchFailureDecision, decideBatchFailure } from "./batch-failure.ts";
import {
  type BatchSettlement,
  failQueuedClaims,
  type InFlightBatch,
  type LeasedClaim,
  LeaseLostError,
  leaseInFlightBatches,
  leaseQueuedClaims,
  postponeQueuedClaims,
  recordSentBatch,
  releaseClaims,
  settleBatch,
  slotsOfBatch,
} from "./batch-store.ts";
import { type BatchClaimEntry, type BatchSigners, batchCapacity, type MintRef, signBatch } from "./batch-transaction.ts";
import { mintRef, walletsWithoutTokenAccount } from "./distribution-chain-state.ts";

/** getSignatureStatuses answers at most 256 signatures per call. */
const STATUSES_PER_REQUEST = 256;
const PAUSED_RECHECK_MS = 5_000;

/** The slot's bit is set on chain: someone was paid for it. */
function isTaken(state: DistributionAccount, slot: number): boolean {
  return slot < state.maxClaims && isSlotClaimed(state.claimedBitmap, slot);
}

export interface ClaimBatcherHooks {
  /** `count` claims entered `state` (for memefans_claim_transitions_total). */
  onTransition?(state: ClaimStatus, count: number): void;
  /** A batch_claim transaction with `size` claims was sent (for memefans_batch_claims). */
  onBatchSent?(size: number): void;
  onError?(error: unknown): void;
}

export interface ClaimBatcherOptions {
  database: Database;
  connection: Connection;
  signers: BatchSigners;
  programId?: PublicKey;
  /** Names this process in leases; a restarted process is a new instance. */
  instanceId?: string;
  /** How long a lease on claims or an in-flight batch lasts before another instance may take over. */
  leaseMs?: number;
  /** Pause between cycles that found nothing to do. */
  idleMs?: number;
  /** Batches built per cycle: the pipeline depth. */
  batchesPerCycle?: number;
  /** How long the claims of a paused distribution wait before the chain is asked again. */
  pausedRecheckMs?: number;
  hooks?: ClaimBatcherHooks;
}

export interface CycleReport {
  sent: number;
  settled: number;
}

/**
 * Moves queued claims onto the chain: queued → sent → confirmed | failed. Each batch is written to
 * the database (signature, blockhash, last valid block height) before it is sent, so whatever
 * happens to this process, the chain can later say what became of it. A claim is confirmed only by
 * its own batch: batch_claim is all-or-nothing, so a batch this backend signed and recorded that the
 * chain confirmed without error paid every entry in it. A batch whose blockhash expired without a
 * status can never land, and its claims go back to the queue. A set bit in the distribution's bitmap
 * never counts as a payment to our claimant (anyone holding the verifier key could have set it): a
 * queued claim whose slot is taken fails with `slot_taken`. Nothing is ever paid twice, because a
 * slot's bit is set exactly once on chain.
 *
 * Before every distribution's batches the chain is read again: a distribution that no longer names
 * this verifier fails its claims (`verifier_changed`), a paused one keeps them queued, and claims that
 * would open a token account go out only while the fee budget covers its rent (`needs_token_account`).
 */
export class ClaimBatcher {
  readonly instanceId: string;
  private readonly programId: PublicKey;
  private readonly chain: ChainReader;
  private readonly leaseMs: number;
  private readonly capacity: { creating: number; existing: number };
  /** Each mint's token program, which never changes: looked up once per mint. */
  private readonly mints = new Map<string, Promise<MintRef>>();
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: ClaimBatcherOptions) {
    this.instanceId = options.instanceId ?? `batcher-${randomUUID()}`;
    this.programId = options.programId ?? distributionProgramId;
    this.chain = connectionChainReader(options.connection, this.programId);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.capacity = batchCapacity(options.signers);
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  /** One round: settle what is in flight, send what is queued, and settle again what just went out. */
  async runCycle(): Promise<CycleReport> {
    const settledBefore = await this.settleInFlight();
    const sent = await this.sendQueued();
    const settledAfter = sent ? await this.settleInFlight() : 0;
    return { sent, settled: settledBefore + settledAfter };
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let report: CycleReport = { sent: 0, settled: 0 };
      try {
        report = await this.runCycle();
      } catch (error) {
        this.options.hooks?.onError?.(error);
      }
      if (!this.stopping && report.sent === 0 && report.settled === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.options.idleMs ?? 200);
        });
      }
    }
  }

  private transition(state: ClaimStatus, count: number): void {
    if (count > 0) this.options.hooks?.onTransition?.(state, count);
  }

  private async settle(batchId: string, settlement: BatchSettlement): Promise<void> {
    for (const { state, count } of await settleBatch(this.options.database, batchId, settlement)) this.transition(state, count);
  }

  /** Asks the chain about every batch in flight (this instance's, and those of instances that died). */
  async settleInFlight(): Promise<number> {
    const { connection, database } = this.options;
    const batches = await leaseInFlightBatches(database, this.instanceId, this.leaseMs, STATUSES_PER_REQUEST);
    if (!batches.length) return 0;
    const { value: statuses } = await connection.getSignatureStatuses(
      batches.map((batch) => batch.signature),
      { searchTransactionHistory: true },
    );
    let blockHeight: number | undefined;
    let settled = 0;
    for (const [index, batch] of batches.entries()) {
      const status = statuses[index];
      const confirmed = status?.confirmationStatus === "confirmed" || status?.confirmationStatus === "finalized";
      let expired = false;
      if (!status) {
        blockHeight ??= await connection.getBlockHeight("confirmed");
        expired = blockHeight > Number(batch.last_valid_block_height);
      }
      // Still on its way: its slots are read only once it settles.
      if (!status?.err && !confirmed && !expired) continue;
      const slots = await slotsOfBatch(database, batch.id);
      if (status?.err) await this.settleFailure(batch, slots, decideBatchFailure(status.err, slots.length));
      // All-or-nothing: our signed, recorded batch succeeded, so it paid each of its entries.
      else if (confirmed) await this.settle(batch.id, { batchStatus: "confirmed", confirmedSlots: slots });
      // Its blockhash is past and the chain never saw it: it can never land.
      else await this.settle(batch.id, { batchStatus: "expired", confirmedSlots: [], requeue: { slots } });
      settled++;
    }
    return settled;
  }

  /** The distribution as the chain has it now; null when it is gone (closed) or not one of ours. */
  private async distributionState(address: string): Promise<DistributionAccount | null> {
    const lookup = await this.chain.distribution(address);
    return lookup.status === "found" ? lookup.account : null;
  }

  /**
   * The batch paid nothing because a slot in it was already taken: the claims whose bits are set lost
   * their slot to a payment that was not ours; the others go back to the queue.
   */
  private async sortTakenSlots(
    batch: Pick<InFlightBatch, "id" | "distribution">,
    slots: number[],
    batchStatus: BatchSettlement["batchStatus"],
  ): Promise<void> {
    const state = await this.distributionState(batch.distribution);
    if (!state) {
      return this.settle(batch.id, { batchStatus, confirmedSlots: [], failed: { slots, reason: "distribution_closed" } });
    }
    const taken = slots.filter((slot) => isTaken(state, slot));
    await this.settle(batch.id, {
      batchStatus,
      confirmedSlots: [],
      requeue: { slots: slots.filter((slot) => !isTaken(state, slot)) },
      failed: { slots: taken, reason: "slot_taken" },
    });
  }

  /** The cluster refused the batch's transaction; `decision` says what becomes of its claims. */
  private async settleFailure(
    batch: Pick<InFlightBatch, "id" | "distribution">,
    slots: number[],
    decision: BatchFailureDecision,
  ): Promise<void> {
    const batchStatus = "refused";
    switch (decision.action) {
      case "requeue":
        return this.settle(batch.id, { batchStatus: "expired", confirmedSlots: [], requeue: { slots } });
      case "sort_taken_slots":
        return this.sortTakenSlots(batch, slots, batchStatus);
      case "retry_later":
        return this.settle(batch.id, {
          batchStatus,
          confirmedSlots: [],
          requeue: { slots, notBefore: new Date(Date.now() + decision.delayMs) },
        });
      case "fail":
        return this.settle(batch.id, { batchStatus, confirmedSlots: [], failed: { slots, reason: decision.reason } });
      case "isolate":
        return this.settle(batch.id, { batchStatus, confirmedSlots: [], requeue: { slots, alone: true } });
    }
  }

  /** Leases queued claims, packs them per distribution into batches, records and sends each. */
  async sendQueued(): Promise<number> {
    const { database, connection } = this.options;
    const leased = await leaseQueuedClaims(
      database,
      this.instanceId,
      this.leaseMs,
      this.capacity.creating * (this.options.batchesPerCycle ?? 16),
    );
    if (!leased.length) return 0;
    const byDistribution = new Map<string, LeasedClaim[]>();
    for (const claim of leased)
      byDistribution.set(claim.distribution, [...(byDistribution.get(claim.distribution) ?? []), claim]);
    let sent = 0;
    try {
      const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("confirmed");
      for (const [distribution, claims] of byDistribution) {
        const state = await this.distributionState(distribution);
        const sendable = await this.screen(state, claims);
        if (!state || !sendable.length) continue;
        for (const batch of await this.packBatches(state, sendable)) {
          if (await this.sendBatch(distribution, state, batch, blockhash, lastValidBlockHeight)) sent++;
        }
      }
    } finally {
      // Claims that went into a batch or were settled are no longer queued, so this frees only the
      // ones left over (by a lost lease or a failed call), for the next cycle or another instance.
      await releaseClaims(
        database,
        this.instanceId,
        leased.map((claim) => claim.id),
      );
    }
    return sent;
  }

  private async failLeased(claims: LeasedClaim[], reason: ClaimFailureReason): Promise<void> {
    this.transition(
      "failed",
      await failQueuedClaims(
        this.options.database,
        this.instanceId,
        claims.map((claim) => claim.id),
        reason,
      ),
    );
  }

  /**
   * Decides from the distribution as the chain has it now which leased claims may go out: none when it
   * is closed or names another verifier (they fail) or is paused (they wait); never a claim whose slot
   * is already taken, since no batch of ours carries a queued claim.
   */
  private async screen(state: DistributionAccount | null, claims: LeasedClaim[]): Promise<LeasedClaim[]> {
    if (!state) {
      await this.failLeased(claims, "distribution_closed");
      return [];
    }
    if (!state.verifier.equals(this.options.signers.verifier.publicKey)) {
      await this.failLeased(claims, "verifier_changed");
      return [];
    }
    if (state.paused) {
      const notBefore = new Date(Date.now() + (this.options.pausedRecheckMs ?? PAUSED_RECHECK_MS));
      await postponeQueuedClaims(
        this.options.database,
        this.instanceId,
        claims.map((claim) => claim.id),
        notBefore,
      );
      return [];
    }
    await this.failLeased(
      claims.filter((claim) => isTaken(state, claim.slot)),
      "slot_taken",
    );
    return claims.filter((claim) => !isTaken(state, claim.slot));
  }

  private mintRef(mint: PublicKey): Promise<MintRef> {
    const key = mint.toBase58();
    let found = this.mints.get(key);
    if (!found) {
      found = mintRef(this.options.connection, mint);
      // A failed look-up (the RPC node did not answer) is tried again next time.
      found.catch(() => this.mints.delete(key));
      this.mints.set(key, found);
    }
    return found;
  }

  private async packBatches(
    state: DistributionAccount,
    claims: LeasedClaim[],
  ): Promise<{ claim: LeasedClaim; entry: BatchClaimEntry }[][]> {
    const mint = await this.mintRef(state.mint);
    const missing = await walletsWithoutTokenAccount(
      this.options.connection,
      mint,
      claims.map((claim) => claim.wallet),
    );
    // The rent of each token account a payout opens comes out of the fee budget, never the operator's
    // pocket: only as many such payouts go out as the budget covers; the others can never be paid.
    const rent = tokenAccountRent(mint.tokenProgram.equals(TOKEN_2022_PROGRAM_ID) ? "token-2022" : "spl-token");
    let creationsCovered = tokenAccountCreationsCovered(state, rent);
    const uncovered: LeasedClaim[] = [];
    const entries: { claim: LeasedClaim; entry: BatchClaimEntry }[] = [];
    for (const claim of claims) {
      const createAccount = missing.has(claim.wallet);
      if (createAccount && creationsCovered <= 0) {
        uncovered.push(claim);
        continue;
      }
      if (createAccount) creationsCovered--;
      entries.push({ claim, entry: { slot: claim.slot, wallet: claim.wallet, createAccount } });
    }
    await this.failLeased(uncovered, "needs_token_account");
    const batches: (typeof entries)[] = [];
    const chunk = (items: typeof entries, size: number) => {
      for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
    };
    chunk(
      entries.filter((item) => item.claim.send_alone),
      1,
    );
    const together = entries.filter((item) => !item.claim.send_alone);
    chunk(
      together.filter((item) => item.entry.createAccount),
      this.capacity.creating,
    );
    chunk(
      together.filter((item) => !item.entry.createAccount),
      this.capacity.existing,
    );
    return batches;
  }

  private async sendBatch(
    distribution: string,
    state: DistributionAccount,
    items: { claim: LeasedClaim; entry: BatchClaimEntry }[],
    blockhash: string,
    lastValidBlockHeight: number,
  ): Promise<boolean> {
    const { database, connection, signers, hooks } = this.options;
    const signed = signBatch(
      signers,
      distribution,
      await this.mintRef(state.mint),
      items.map((item) => item.entry),
      blockhash,
      this.programId,
    );
    let batchId: string;
    try {
      batchId = await recordSentBatch(database, this.instanceId, this.leaseMs, {
        distribution,
        signature: signed.signature,
        blockhash,
        lastValidBlockHeight,
        claimIds: items.map((item) => item.claim.id),
      });
    } catch (error) {
      if (error instanceof LeaseLostError) return false;
      throw error;
    }
    this.transition("sent", items.length);
    hooks?.onBatchSent?.(items.length);
    try {
      await connection.sendRawTransaction(signed.wire, { skipPreflight: false, preflightCommitment: "confirmed", maxRetries: 0 });
    } catch (error) {
      // Only an answer from the node proves the transaction was not taken; anything else (a timeout,
      // a dropped connection) leaves it in flight until its blockhash expires.
      if (!(error instanceof SendTransactionError)) {
        hooks?.onError?.(error);
        return true;
      }
      const slots = items.map((item) => item.entry.slot);
      await this.settleFailure({ id: batchId, distribution }, slots, decideBatchFailure(error, slots.length));
    }
    return true;
  }
}
