import { randomUUID } from "node:crypto";
import { TOKEN_2022_PROGRAM_ID, unpackAccount } from "@solana/spl-token";
import {
  type Connection,
  PublicKey,
  SendTransactionError,
  type SignatureStatus,
  SYSVAR_CLOCK_PUBKEY,
  VersionedTransaction,
} from "@solana/web3.js";
import type { ClaimFailureReason, ClaimStatus } from "../../shared/api/claims.ts";
import { tokenAccountCreationsCovered, tokenAccountRent } from "../../shared/fee-budget.ts";
import { type DistributionAccount, distributionProgramId, findVaultAddress, isSlotClaimed } from "../../shared/program/index.ts";
import type { Database } from "../db/database.ts";
import { type ChainReader, connectionChainReader } from "../distributions/chain-reader.ts";
import { type BatchFailureDecision, decideBatchFailure } from "./batch-failure.ts";
import {
  type BatchSettlement,
  confirmEarlierBatches,
  type EarlierBatch,
  earlierBatchesOf,
  failQueuedClaims,
  type InFlightBatch,
  type LeasedClaim,
  LeaseLostError,
  leaseInFlightBatches,
  leaseQueuedClaims,
  markBatchesSubmitted,
  postponeQueuedClaims,
  recordSentBatches,
  releaseClaims,
  type SentBatch,
  settleBatch,
  settleConfirmedBatches,
  slotsOfBatch,
} from "./batch-store.ts";
import {
  type BatchClaimEntry,
  type BatchFees,
  type BatchSigners,
  batchCapacity,
  batchInstruction,
  batchMessage,
  batchSigners,
  bumpTriesToOpen,
  COMPUTE_UNITS_PER_BUMP_TRY,
  MAX_COMPUTE_UNIT_LIMIT,
  type MintRef,
  type SignedBatch,
  signBatchMessage,
  unsignedWire,
} from "./batch-transaction.ts";
import { mintRef, readRecipientAccounts } from "./distribution-chain-state.ts";
import { batchPriorityPrice, PriorityFeeMarket } from "./priority-fees.ts";

/** getSignatureStatuses answers at most 256 signatures per call. */
const STATUSES_PER_REQUEST = 256;
/**
 * Sending loops beside the settling one. On the 2-core bench machine, settling 10,000 queued claims:
 * 2 loops 1,816/s, 3 loops 1,931/s, 4 loops 1,525/s (the fourth only adds contention).
 */
const SENDING_LOOPS = 3;
/** Transactions on their way to the node at once, per cycle. */
const SENDS_AT_ONCE = 8;
/** How often batches still on their way are asked about: a cluster confirms in about half a second. */
const IN_FLIGHT_POLL_MS = 100;
const PAUSED_RECHECK_MS = 5_000;
/**
 * How far past an earlier batch's last valid block height a claim about to fail still waits for the
 * chain to show that batch's status (about two minutes): an RPC node behind the cluster answers no
 * status for a batch that landed until it catches up. The height is read from the same node, so a node
 * far behind waits for itself; past it, the batch is taken for one that never landed.
 */
const EARLIER_BATCH_PATIENCE_BLOCKS = 300;
/** The longest a claim waits for others to share its batch (the adaptive window's ceiling). */
const MAX_BATCH_WINDOW_MS = 40;
/**
 * Simulation measures a batch's compute; the limit asks for this much more, plus a fixed margin. A
 * batch that opens token accounts gets more: its measure is carried over from another batch by the
 * bump model (below), and the token program's account initialisation is the least-measured part.
 */
const COMPUTE_UNIT_HEADROOM = { existing: 1.1, creating: 1.2 };
const COMPUTE_UNIT_MARGIN = 1_000;
/**
 * How long a measured batch shape (distribution, kind of claims, claim count) stands for the next ones
 * of the same shape: simulating each batch executes it twice, which on the embedded chain halves
 * throughput, while batches of one shape use the same compute, except for the associated token
 * program's bump search when they open accounts, which the batcher counts itself (bumpTriesToOpen).
 */
const MEASURE_TTL_MS = 5_000;
const MAX_MEASURED_SHAPES = 1_000;
/**
 * Batches of a distribution whose end is this close on the chain's clock are simulated, never sent on a
 * reused measure: the clock was read at the start of the cycle, at confirmed commitment, and moves on
 * while the batch is built and until it lands; a batch landing after the end fails (Ended) and its fee
 * is never reimbursed.
 */
const WINDOW_END_MARGIN_SECONDS = 30n;
/** Where the Clock sysvar keeps unix_timestamp (after slot, epoch_start_timestamp, epoch, leader_schedule_epoch). */
const CLOCK_UNIX_TIMESTAMP_OFFSET = 32;

/** Where a cycle spends its time: reported through hooks.onPhase for `bench:api`'s profile. */
export type BatcherPhase =
  | "batch_window"
  | "lease_claims"
  | "chain_reads"
  | "build_and_sign"
  | "simulate"
  | "record_batches"
  | "send"
  | "status_poll"
  | "settle_db";

/** The slot's bit is set on chain: someone was paid for it. */
function isTaken(state: DistributionAccount, slot: number): boolean {
  return slot < state.maxClaims && isSlotClaimed(state.claimedBitmap, slot);
}

/**
 * The cluster confirmed the transaction: a status only processed may still be dropped with its fork
 * (and the transaction land elsewhere), so neither its success nor its error is final yet.
 */
function isSettledStatus(status: SignatureStatus | null | undefined): status is SignatureStatus {
  return status?.confirmationStatus === "confirmed" || status?.confirmationStatus === "finalized";
}

/** What a cycle reads of a distribution beside its account, in one call: its vault, and the chain's clock. */
interface DistributionSurroundings {
  /** The vault's token account is frozen (by the mint's freeze authority): no payout can leave it. */
  vaultFrozen: boolean;
  /** The chain's clock, which the program compares with the distribution's start and end. */
  unixTimestamp: bigint;
}

export interface ClaimBatcherHooks {
  /** `count` claims entered `state` (for memefans_claim_transitions_total). */
  onTransition?(state: ClaimStatus, count: number): void;
  /** A batch_claim transaction with `size` claims was sent (for memefans_batch_claims). */
  onBatchSent?(size: number): void;
  /** `milliseconds` were spent in `phase` (wall time, awaits included). */
  onPhase?(phase: BatcherPhase, milliseconds: number): void;
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
  /**
   * Pause between cycles that found nothing to do, when no claim was announced: claims queued by
   * another instance are found within this time. Claims announced through `notifyQueued` wake the
   * batcher at once.
   */
  idleMs?: number;
  /** The ceiling of the adaptive batch window (see `batchWindowMs`). */
  maxBatchWindowMs?: number;
  /** Batches built per cycle. */
  batchesPerCycle?: number;
  /**
   * Cycles sending at once, beside the one settling: while one waits for the database, another builds
   * or sends, so the database's thread and the main thread work at the same time.
   */
  senders?: number;
  /**
   * How long claims wait before the chain is asked again: those of a paused distribution (or one whose
   * vault is frozen), and those about to fail while an earlier batch of theirs may yet show it paid them.
   */
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
 * chain confirmed without error paid every entry in it. A batch whose blockhash had expired when the
 * chain was asked about it and showed no status can never land, and its claims go back to the queue.
 * A set bit in the distribution's bitmap never counts as a payment to our claimant (anyone holding the
 * verifier key could have set it): a queued claim whose slot is taken fails with `slot_taken`. No claim
 * fails, for any reason, before its own earlier batches (those taken for expired or refused, which an
 * RPC node behind the cluster can make of landed ones) were asked: one the chain confirmed paid it, and
 * while one has no confirmed status yet the claim waits. Nothing is ever paid twice, because a slot's
 * bit is set exactly once on chain.
 *
 * Before every distribution's batches the chain is read again: a distribution that no longer names
 * this verifier, or whose end has passed on the chain's clock, fails its claims (`verifier_changed`,
 * `ended`), a paused one, one not started or one whose vault is frozen keeps them queued, and claims
 * that would open a token account go out only while the fee budget covers its rent (`needs_token_account`).
 */
export class ClaimBatcher {
  readonly instanceId: string;
  private readonly programId: PublicKey;
  private readonly chain: ChainReader;
  private readonly leaseMs: number;
  private readonly capacity: { creating: number; existing: number };
  private readonly fees: PriorityFeeMarket;
  /**
   * Compute units measured by simulation per batch shape, with the bump tries its account openings
   * took, reused for MEASURE_TTL_MS.
   */
  private readonly measuredUnits = new Map<string, { units: number; bumpTries: number; at: number }>();
  /** Each mint's token program, which never changes: looked up once per mint. */
  private readonly mints = new Map<string, Promise<MintRef>>();
  private running: Promise<void> | undefined;
  private stopping = false;
  /** Wakes a sending loop (claims were queued) and the settling loop (batches went out). */
  private readonly queuedSignal = new Wakeup();
  private readonly sentSignal = new Wakeup();
  /** Claims announced since the last lease, and the arrival rate they show (claims per millisecond). */
  private announced = 0;
  /** The last lease took as many claims as it could: more are waiting. */
  private backlogged = false;
  /** A sending loop holds its batch window open. */
  private gathering = false;
  private arrivalPerMs = 0;
  private lastAnnouncedAt = 0;

  constructor(private readonly options: ClaimBatcherOptions) {
    this.instanceId = options.instanceId ?? `batcher-${randomUUID()}`;
    this.programId = options.programId ?? distributionProgramId;
    this.chain = connectionChainReader(options.connection, this.programId);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.capacity = batchCapacity(options.signers);
    this.fees = new PriorityFeeMarket(options.connection, options.database);
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.queuedSignal.notify();
    this.sentSignal.notify();
    await this.running;
    this.running = undefined;
  }

  /** `count` claims were queued (by this instance's intake or, through NOTIFY, another's): wake up. */
  notifyQueued(count: number): void {
    const now = performance.now();
    if (this.lastAnnouncedAt) {
      // An exponentially weighted rate over the last few announcements.
      const elapsed = Math.max(1, now - this.lastAnnouncedAt);
      this.arrivalPerMs = 0.7 * this.arrivalPerMs + 0.3 * (count / elapsed);
    }
    this.lastAnnouncedAt = now;
    this.announced += count;
    // A loop holding its batch window open takes these too: waking another would split the batch.
    if (!this.gathering) this.queuedSignal.notifyOne();
  }

  /**
   * How long to hold the queue open before leasing, so claims arriving together share a batch: none
   * when a full batch already waits (announced, or left behind by a lease that took all it could) or
   * claims arrive too slowly to fill one soon (a lone claim goes out at once), otherwise the time the
   * arrival rate needs to fill a batch, at most maxBatchWindowMs.
   */
  batchWindowMs(): number {
    // One loop gathers at a time; the others lease at once what is there.
    if (this.backlogged || this.gathering) return 0;
    const missing = this.capacity.existing - this.announced;
    if (missing <= 0 || this.arrivalPerMs <= 0) return 0;
    const maxWindow = this.options.maxBatchWindowMs ?? MAX_BATCH_WINDOW_MS;
    const toFill = missing / this.arrivalPerMs;
    // A rate this slow would not add a claim within the window: waiting only delays the ones waiting.
    if (this.arrivalPerMs * maxWindow < 1) return 0;
    return Math.min(maxWindow, toFill);
  }

  /** One round: settle what is in flight, send what is queued, and settle again what just went out. */
  async runCycle(): Promise<CycleReport> {
    const before = await this.settleInFlight();
    const sent = await this.sendQueued();
    const after = sent ? (await this.settleInFlight()).settled : 0;
    return { sent, settled: before.settled + after };
  }

  /**
   * The running batcher: `senders` loops sending queued claims and one settling what is in flight, side
   * by side. A loop that found nothing to do waits for a signal (claims queued, batches sent) or idleMs,
   * which also finds work that another instance queued or left behind.
   */
  private async loop(): Promise<void> {
    const senders = Array.from({ length: this.options.senders ?? SENDING_LOOPS }, () =>
      this.repeat(this.queuedSignal, this.options.idleMs ?? 200, async () => {
        // Another loop is holding its window open for the claims arriving now: leasing them here
        // would split its batch. It wakes this one if it finds more than it can take.
        if (this.gathering && !this.backlogged) return false;
        const window = this.batchWindowMs();
        if (window > 0) {
          this.gathering = true;
          await this.timed("batch_window", () => new Promise((resolve) => setTimeout(resolve, window))).finally(() => {
            this.gathering = false;
          });
        }
        const sent = await this.sendQueued();
        if (sent) this.sentSignal.notify();
        return sent > 0 || this.announced > 0;
      }),
    );
    let stillInFlight = false;
    const settler = this.repeat(
      this.sentSignal,
      () => (stillInFlight ? IN_FLIGHT_POLL_MS : (this.options.idleMs ?? 200)),
      async () => {
        const { settled, unsettled } = await this.settleInFlight();
        stillInFlight = unsettled > 0;
        return settled > 0;
      },
    );
    await Promise.all([...senders, settler]);
  }

  /** Runs `work` until the batcher stops, waiting for `signal` or the pause whenever it did nothing. */
  private async repeat(signal: Wakeup, pauseMs: number | (() => number), work: () => Promise<boolean>): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      try {
        busy = await work();
      } catch (error) {
        this.options.hooks?.onError?.(error);
      }
      if (!busy && !this.stopping) await signal.wait(typeof pauseMs === "number" ? pauseMs : pauseMs());
    }
  }

  private async timed<T>(phase: BatcherPhase, work: () => Promise<T>): Promise<T> {
    const onPhase = this.options.hooks?.onPhase;
    if (!onPhase) return work();
    const startedAt = performance.now();
    try {
      return await work();
    } finally {
      onPhase(phase, performance.now() - startedAt);
    }
  }

  private transition(state: ClaimStatus, count: number): void {
    if (count > 0) this.options.hooks?.onTransition?.(state, count);
  }

  private async settle(batchId: string, settlement: BatchSettlement): Promise<void> {
    for (const { state, count } of await settleBatch(this.options.database, batchId, settlement)) this.transition(state, count);
  }

  /**
   * Asks the chain about every batch in flight (this instance's, and those of instances that died).
   * Confirmed batches are settled together in one statement; the rare others one by one. Returns how
   * many batches settled and how many of those asked about are still on their way.
   */
  async settleInFlight(): Promise<{ settled: number; unsettled: number }> {
    const { database } = this.options;
    const batches = await this.timed("settle_db", () =>
      leaseInFlightBatches(database, this.instanceId, this.leaseMs, STATUSES_PER_REQUEST),
    );
    if (!batches.length) return { settled: 0, unsettled: 0 };
    const { blockHeight, statuses } = await this.statusesAfterHeight(batches.map((batch) => batch.signature));
    const confirmed: InFlightBatch[] = [];
    const others: { batch: InFlightBatch; err: unknown }[] = [];
    for (const [index, batch] of batches.entries()) {
      const status = statuses[index];
      if (isSettledStatus(status)) {
        if (status.err) others.push({ batch, err: status.err });
        else confirmed.push(batch);
      } else if (!status && blockHeight > Number(batch.last_valid_block_height)) {
        // Its blockhash is past and the chain never saw it: it can never land, so its claims go out again.
        others.push({ batch, err: undefined });
      }
      // Otherwise still on its way (or only processed): its slots are read only once it settles.
    }
    await this.timed("settle_db", async () => {
      // All-or-nothing: our signed, recorded batch succeeded, so it paid each of its entries.
      this.transition(
        "confirmed",
        await settleConfirmedBatches(
          database,
          confirmed.map((batch) => batch.id),
        ),
      );
      await this.fees.landed(confirmed.map((batch) => batch.distribution));
      for (const { batch, err } of others) {
        // A batch that failed may have outgrown a reused measure: this distribution's batches are measured again.
        if (err) this.forgetMeasures(batch.distribution);
        const slots = await slotsOfBatch(database, batch.id);
        if (err) await this.settleFailure(batch, slots, decideBatchFailure(err, slots.length));
        else {
          await this.fees.expired(batch.distribution);
          await this.settle(batch.id, { batchStatus: "expired", confirmedSlots: [], requeue: { slots } });
        }
      }
    });
    const settled = confirmed.length + others.length;
    return { settled, unsettled: batches.length - settled };
  }

  private forgetMeasures(distribution: string): void {
    for (const shape of this.measuredUnits.keys()) if (shape.startsWith(`${distribution}:`)) this.measuredUnits.delete(shape);
  }

  /** The distribution as the chain has it now; null when it is gone (closed) or not one of ours. */
  private async distributionState(address: string): Promise<DistributionAccount | null> {
    const lookup = await this.chain.distribution(address);
    return lookup.status === "found" ? lookup.account : null;
  }

  /**
   * The chain's block height, then the statuses of `signatures` (STATUSES_PER_REQUEST a request). In
   * that order, a transaction without a status is taken for one that can no longer land only when its
   * blockhash had passed before the chain was asked: read the other way, one landing between the two
   * answers would be taken for expired, and its claims sent again or failed.
   */
  private async statusesAfterHeight(
    signatures: string[],
  ): Promise<{ blockHeight: number; statuses: (SignatureStatus | null)[] }> {
    const { connection } = this.options;
    const blockHeight = await this.timed("status_poll", () => connection.getBlockHeight("confirmed"));
    const statuses: (SignatureStatus | null)[] = [];
    for (let start = 0; start < signatures.length; start += STATUSES_PER_REQUEST) {
      const { value } = await this.timed("status_poll", () =>
        connection.getSignatureStatuses(signatures.slice(start, start + STATUSES_PER_REQUEST), {
          searchTransactionHistory: true,
        }),
      );
      statuses.push(...value);
    }
    return { blockHeight, statuses };
  }

  /**
   * Asks the chain about the earlier batches of the distribution's claims at `slots`, which are about to
   * fail: a batch settled as expired or refused that the chain shows confirmed without error (an RPC
   * node behind the cluster answered no status for it, or answered its send with an error) paid them,
   * and they are confirmed (`paid`). A claim one of whose earlier batches has no confirmed status yet
   * (none, or only processed) while its blockhash is less than EARLIER_BATCH_PATIENCE_BLOCKS past is
   * `unsure`: the node may not have caught up with it. The others may fail.
   */
  private async askEarlierBatches(distribution: string, slots: number[]): Promise<{ paid: Set<number>; unsure: Set<number> }> {
    const { database } = this.options;
    const earlier = await earlierBatchesOf(database, distribution, slots);
    const paid: EarlierBatch[] = [];
    const unsure = new Set<number>();
    if (!earlier.length) return { paid: new Set(), unsure };
    const { blockHeight, statuses } = await this.statusesAfterHeight(earlier.map((batch) => batch.signature));
    for (const [index, batch] of earlier.entries()) {
      const status = statuses[index];
      if (!isSettledStatus(status)) {
        if (blockHeight <= batch.lastValidBlockHeight + EARLIER_BATCH_PATIENCE_BLOCKS) unsure.add(batch.slot);
      } else if (!status.err) paid.push(batch);
    }
    this.transition("confirmed", await confirmEarlierBatches(database, distribution, paid));
    const paidSlots = new Set(paid.map((batch) => batch.slot));
    for (const slot of paidSlots) unsure.delete(slot);
    return { paid: paidSlots, unsure };
  }

  /**
   * Settles a refused batch, failing its claims at `failed` for `reason` and sending those at `requeue`
   * back to the queue, once the failing claims' earlier batches were asked (askEarlierBatches): those
   * one paid are confirmed, and the unsure go back to the queue, where screening asks again.
   */
  private async settleFailing(
    batch: Pick<InFlightBatch, "id" | "distribution">,
    batchStatus: BatchSettlement["batchStatus"],
    failed: number[],
    reason: string,
    requeue: number[] = [],
  ): Promise<void> {
    const { paid, unsure } = await this.askEarlierBatches(batch.distribution, failed);
    await this.settle(batch.id, {
      batchStatus,
      confirmedSlots: [],
      requeue: { slots: [...requeue, ...unsure] },
      failed: { slots: failed.filter((slot) => !paid.has(slot) && !unsure.has(slot)), reason },
    });
  }

  /**
   * The batch paid nothing because a slot in it was already taken: the claims whose bits are set lost
   * their slot to a payment that was not theirs (unless an earlier batch of theirs made it); the others
   * go back to the queue.
   */
  private async sortTakenSlots(
    batch: Pick<InFlightBatch, "id" | "distribution">,
    slots: number[],
    batchStatus: BatchSettlement["batchStatus"],
  ): Promise<void> {
    const state = await this.distributionState(batch.distribution);
    if (!state) return this.settleFailing(batch, batchStatus, slots, "distribution_closed");
    await this.settleFailing(
      batch,
      batchStatus,
      slots.filter((slot) => isTaken(state, slot)),
      "slot_taken",
      slots.filter((slot) => !isTaken(state, slot)),
    );
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
        return this.settleFailing(batch, batchStatus, slots, decision.reason);
      case "isolate":
        return this.settle(batch.id, { batchStatus, confirmedSlots: [], requeue: { slots, alone: true } });
    }
  }

  /**
   * Leases queued claims, packs them per distribution into batches, sets each one's compute limit (see
   * prepareBatch), then records them all (one database call) before sending any.
   */
  async sendQueued(): Promise<number> {
    const { database, connection } = this.options;
    this.announced = 0;
    const limit = this.capacity.existing * (this.options.batchesPerCycle ?? 16);
    // Each cycle leases as itself: a cycle stalled past its lease must not record a batch for claims that
    // another cycle of this instance leased since (and a fan may have claimed again to another wallet).
    const lessee = `${this.instanceId}/${randomUUID()}`;
    const leased = await this.timed("lease_claims", () => leaseQueuedClaims(database, lessee, this.leaseMs, limit));
    this.backlogged = leased.length === limit;
    // More are waiting than one loop takes: another loop joins in.
    if (this.backlogged) this.queuedSignal.notifyOne();
    if (!leased.length) return 0;
    const byDistribution = new Map<string, LeasedClaim[]>();
    for (const claim of leased) {
      const claims = byDistribution.get(claim.distribution);
      if (claims) claims.push(claim);
      else byDistribution.set(claim.distribution, [claim]);
    }
    try {
      const { blockhash, lastValidBlockHeight } = await this.timed("chain_reads", () =>
        connection.getLatestBlockhash("confirmed"),
      );
      const prepared: PreparedBatch[] = [];
      for (const [distribution, claims] of byDistribution) {
        const [state, surroundings] = await this.timed("chain_reads", () =>
          Promise.all([this.distributionState(distribution), this.surroundings(distribution)]),
        );
        const sendable = await this.screen(lessee, distribution, state, surroundings, claims);
        if (!state || !sendable.length) continue;
        // Only a distribution with a priority fee cap bids, so only its escalation is read.
        const escalations = state.priorityFeeCapLamports > 0n ? await this.fees.escalationsOf(distribution) : 0;
        const nearEnd = state.endTs - surroundings.unixTimestamp < WINDOW_END_MARGIN_SECONDS;
        for (const batch of await this.timed("chain_reads", () => this.packBatches(lessee, distribution, state, sendable)))
          prepared.push(await this.prepareBatch(distribution, state, batch, blockhash, { escalations, nearEnd }));
      }
      return await this.recordAndSend(lessee, prepared, blockhash, lastValidBlockHeight);
    } finally {
      // Claims that went into a batch or were settled are no longer queued, so this frees only the
      // ones left over (by a lost lease or a failed call), for the next cycle or another instance.
      await releaseClaims(
        database,
        lessee,
        leased.map((claim) => claim.id),
      );
    }
  }

  /**
   * Fails the distribution's leased claims for `reason`, once their earlier batches were asked
   * (askEarlierBatches): those one paid are confirmed, and the unsure wait pausedRecheckMs to be asked again.
   */
  private async failLeased(
    lessee: string,
    distribution: string,
    claims: LeasedClaim[],
    reason: ClaimFailureReason,
  ): Promise<void> {
    const { database } = this.options;
    const { paid, unsure } = await this.askEarlierBatches(
      distribution,
      claims.map((claim) => claim.slot),
    );
    await postponeQueuedClaims(
      database,
      lessee,
      claims.filter((claim) => unsure.has(claim.slot)).map((claim) => claim.id),
      new Date(Date.now() + (this.options.pausedRecheckMs ?? PAUSED_RECHECK_MS)),
    );
    this.transition(
      "failed",
      await failQueuedClaims(
        database,
        lessee,
        claims.filter((claim) => !paid.has(claim.slot) && !unsure.has(claim.slot)).map((claim) => claim.id),
        reason,
      ),
    );
  }

  /**
   * The distribution's vault and the chain's clock, in one read beside the distribution's (the vault's
   * address derives from the distribution's, as the program requires).
   */
  private async surroundings(distribution: string): Promise<DistributionSurroundings> {
    const vault = findVaultAddress(new PublicKey(distribution), this.programId).address;
    const [vaultAccount, clock] = await this.options.connection.getMultipleAccountsInfo(
      [vault, SYSVAR_CLOCK_PUBKEY],
      "confirmed",
    );
    if (!clock) throw new Error("the chain answered no Clock sysvar");
    return {
      // A distribution that is gone has no vault; screen fails its claims.
      vaultFrozen: vaultAccount ? unpackAccount(vault, vaultAccount, vaultAccount.owner).isFrozen : false,
      unixTimestamp: clock.data.readBigInt64LE(CLOCK_UNIX_TIMESTAMP_OFFSET),
    };
  }

  /**
   * Decides from the distribution as the chain has it now which leased claims may go out: none when it
   * is closed, names another verifier or has ended on the chain's clock (they fail), nor when it is
   * paused, not started or its vault is frozen (they wait: the creator may resume or thaw); never a
   * claim whose slot is already taken, since no batch of ours carries a queued claim (it fails, unless
   * one of its own earlier batches took it: see failLeased). A batch the program would refuse costs a
   * fee that nothing reimburses, so none goes out that this read shows refused.
   */
  private async screen(
    lessee: string,
    distribution: string,
    state: DistributionAccount | null,
    surroundings: DistributionSurroundings,
    claims: LeasedClaim[],
  ): Promise<LeasedClaim[]> {
    if (!state) {
      await this.failLeased(lessee, distribution, claims, "distribution_closed");
      return [];
    }
    if (!state.verifier.equals(this.options.signers.verifier.publicKey)) {
      await this.failLeased(lessee, distribution, claims, "verifier_changed");
      return [];
    }
    // The chain's clock never goes back: past the end, no batch can pay them.
    if (surroundings.unixTimestamp > state.endTs) {
      await this.failLeased(lessee, distribution, claims, "ended");
      return [];
    }
    // A set bit is set for good, paused or not.
    await this.failLeased(
      lessee,
      distribution,
      claims.filter((claim) => isTaken(state, claim.slot)),
      "slot_taken",
    );
    const untaken = claims.filter((claim) => !isTaken(state, claim.slot));
    const untilStartMs = Number(state.startTs - surroundings.unixTimestamp) * 1000;
    if (state.paused || surroundings.vaultFrozen || untilStartMs > 0) {
      const waitMs =
        state.paused || surroundings.vaultFrozen ? (this.options.pausedRecheckMs ?? PAUSED_RECHECK_MS) : untilStartMs;
      await postponeQueuedClaims(
        this.options.database,
        lessee,
        untaken.map((claim) => claim.id),
        new Date(Date.now() + waitMs),
      );
      return [];
    }
    return untaken;
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
    lessee: string,
    distribution: string,
    state: DistributionAccount,
    claims: LeasedClaim[],
  ): Promise<PackedClaim[][]> {
    const mint = await this.mintRef(state.mint);
    const { missing, prefunded, refusing, unreadable } = await readRecipientAccounts(
      this.options.connection,
      mint,
      claims.map((claim) => claim.wallet),
    );
    for (const reason of new Set(refusing.values())) {
      await this.failLeased(
        lessee,
        distribution,
        claims.filter((claim) => refusing.get(claim.wallet) === reason),
        reason,
      );
    }
    // The rent of each token account a payout opens comes out of the fee budget, never the operator's
    // pocket: only as many such payouts go out as the budget covers; the others can never be paid.
    const rent = tokenAccountRent(mint.tokenProgram.equals(TOKEN_2022_PROGRAM_ID) ? "token-2022" : "spl-token");
    let creationsCovered = tokenAccountCreationsCovered(state, rent);
    const uncovered: LeasedClaim[] = [];
    const entries: PackedClaim[] = [];
    for (const claim of claims) {
      if (refusing.has(claim.wallet)) continue;
      const createAccount = missing.has(claim.wallet);
      if (createAccount && creationsCovered <= 0) {
        uncovered.push(claim);
        continue;
      }
      if (createAccount) creationsCovered--;
      entries.push({
        claim,
        entry: { slot: claim.slot, wallet: claim.wallet, createAccount },
        bumpTries: createAccount ? bumpTriesToOpen(mint, claim.wallet) : 0,
        prefunded: prefunded.has(claim.wallet),
        alone: claim.send_alone || unreadable.has(claim.wallet),
      });
    }
    await this.failLeased(lessee, distribution, uncovered, "needs_token_account");
    const batches: (typeof entries)[] = [];
    const chunk = (items: typeof entries, size: number) => {
      for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
    };
    chunk(
      entries.filter((item) => item.alone),
      1,
    );
    const together = entries.filter((item) => !item.alone);
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

  /**
   * Sets the batch's compute unit limit from simulation, then signs it with the priority fee the market
   * and the creator's cap allow. A batch of a shape not measured in the last MEASURE_TTL_MS is
   * simulated (which also shows, before anything is paid, whether the chain would refuse it); the
   * others reuse that measure, moved by 1,500 units per bump try more or fewer than the measured batch
   * took to open its accounts. A batch with a claim sent alone or an address someone pre-funded is
   * always simulated, and so is one `nearEnd` of the distribution (WINDOW_END_MARGIN_SECONDS) and one
   * the verifier signs alone (see batchSigners): its balance is not the one the operator keeps for fees,
   * and a simulation shows it short before anything is sent. The batcher reads the distribution before
   * each cycle and never sends a claim whose slot is taken or whose token account would refuse it, so a
   * send that fails anyway is a race, settled like any refusal.
   */
  private async prepareBatch(
    distribution: string,
    state: DistributionAccount,
    items: PackedClaim[],
    blockhash: string,
    { escalations, nearEnd }: { escalations: number; nearEnd: boolean },
  ): Promise<PreparedBatch> {
    const { connection } = this.options;
    const signers = batchSigners(this.options.signers, state.feePerClaimLamports, items.length);
    // batchSigners left the separate fee payer out.
    const verifierAlone = signers !== this.options.signers;
    const mint = await this.mintRef(state.mint);
    const entries = items.map((item) => item.entry);
    const instruction = await this.timed("build_and_sign", async () =>
      batchInstruction(signers, distribution, mint, entries, { programId: this.programId, vault: state.vault }),
    );
    const message = (fees: BatchFees) => batchMessage(signers, instruction, blockhash, fees);
    const recent =
      state.priorityFeeCapLamports > 0n
        ? await this.timed("chain_reads", () => this.fees.recentMicroLamports(distribution, [new PublicKey(distribution)]))
        : 0;
    const price = (computeUnitLimit: number) =>
      batchPriorityPrice({
        recentMicroLamports: recent,
        escalations,
        capLamportsPerClaim: state.priorityFeeCapLamports,
        claims: items.length,
        computeUnitLimit,
      });
    const kind = entries.some((entry) => entry.createAccount) ? "creating" : "existing";
    const shape = `${distribution}:${kind}:${entries.length}`;
    const bumpTries = items.reduce((sum, item) => sum + item.bumpTries, 0);
    const measured = this.measuredUnits.get(shape);
    const opensPrefunded = items.some((item) => item.prefunded);
    const reuse =
      measured &&
      !opensPrefunded &&
      !items.some((item) => item.alone) &&
      !nearEnd &&
      !verifierAlone &&
      performance.now() - measured.at < MEASURE_TTL_MS;
    let used = reuse ? measured.units + (bumpTries - measured.bumpTries) * COMPUTE_UNITS_PER_BUMP_TRY : undefined;
    let refusal: PreparedBatch["refusal"];
    if (used === undefined) {
      const probe = message({ computeUnitLimit: MAX_COMPUTE_UNIT_LIMIT, microLamportsPerUnit: price(MAX_COMPUTE_UNIT_LIMIT) });
      const simulation = await this.timed("simulate", () =>
        connection.simulateTransaction(VersionedTransaction.deserialize(unsignedWire(signers, probe)), {
          sigVerify: false,
          commitment: "confirmed",
        }),
      );
      used = simulation.value.unitsConsumed ?? MAX_COMPUTE_UNIT_LIMIT;
      if (simulation.value.err) refusal = { err: simulation.value.err, logs: simulation.value.logs ?? [] };
      else if (!opensPrefunded) {
        if (this.measuredUnits.size >= MAX_MEASURED_SHAPES) this.measuredUnits.clear();
        this.measuredUnits.set(shape, { units: used, bumpTries, at: performance.now() });
      }
    }
    const computeUnitLimit = Math.min(
      MAX_COMPUTE_UNIT_LIMIT,
      Math.ceil(used * COMPUTE_UNIT_HEADROOM[kind]) + COMPUTE_UNIT_MARGIN,
    );
    const signed = await this.timed("build_and_sign", async () =>
      signBatchMessage(signers, message({ computeUnitLimit, microLamportsPerUnit: price(computeUnitLimit) })),
    );
    // A refused batch is still recorded (and settled as refused, never sent), so its claims move as any refusal's do.
    return { distribution, items, signed, ...(refusal ? { refusal } : {}) };
  }

  /**
   * Records every prepared batch before sending any, sends them without preflight (each was simulated,
   * or measured by a batch of its shape that was), then settles those the chain refused. Returns the
   * batches recorded.
   */
  private async recordAndSend(
    lessee: string,
    prepared: PreparedBatch[],
    blockhash: string,
    lastValidBlockHeight: number,
  ): Promise<number> {
    const { database, connection, hooks } = this.options;
    if (!prepared.length) return 0;
    let batchIds: string[];
    try {
      batchIds = await this.timed("record_batches", () =>
        recordSentBatches(
          database,
          { claimLessee: lessee, batchOwner: this.instanceId },
          this.leaseMs,
          prepared.map(
            (batch): SentBatch => ({
              distribution: batch.distribution,
              signature: batch.signed.signature,
              blockhash,
              lastValidBlockHeight,
              claimIds: batch.items.map((item) => item.claim.id),
            }),
          ),
        ),
      );
    } catch (error) {
      if (error instanceof LeaseLostError) return 0;
      throw error;
    }
    const submitted: string[] = [];
    const sendOne = async (batch: PreparedBatch, batchId: string) => {
      this.transition("sent", batch.items.length);
      hooks?.onBatchSent?.(batch.items.length);
      const slots = batch.items.map((item) => item.entry.slot);
      if (batch.refusal) {
        // Simulation refused it: it is never sent, and settles as a refusal would.
        return this.settleFailure(
          { id: batchId, distribution: batch.distribution },
          slots,
          decideBatchFailure(typeof batch.refusal.err === "string" ? batch.refusal.err : batch.refusal, slots.length),
        );
      }
      try {
        await this.timed("send", () => connection.sendRawTransaction(batch.signed.wire, { skipPreflight: true, maxRetries: 0 }));
        submitted.push(batchId);
      } catch (error) {
        // Only an answer from the node proves the transaction was not taken; anything else (a timeout,
        // a dropped connection) leaves it in flight until its blockhash expires.
        if (!(error instanceof SendTransactionError)) return hooks?.onError?.(error);
        await this.settleFailure(
          { id: batchId, distribution: batch.distribution },
          slots,
          decideBatchFailure(error, slots.length),
        );
      }
    };
    // Batches are independent (each is all or nothing, on slots no other batch holds), so several are
    // on their way to the node at once: one by one, a remote node's round trip would bound throughput.
    let next = 0;
    const sender = async () => {
      while (next < prepared.length) {
        const index = next++;
        await sendOne(prepared[index] as PreparedBatch, batchIds[index] as string);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SENDS_AT_ONCE, prepared.length) }, sender));
    await this.timed("record_batches", () => markBatchesSubmitted(database, submitted));
    return prepared.length;
  }
}

/** Lets loops sleep until something happens or a timeout passes, whichever comes first. */
class Wakeup {
  private waiting = new Set<() => void>();

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiting.add(done);
    });
  }

  notify(): void {
    for (const done of [...this.waiting]) done();
  }

  /** Wakes the loop that has waited longest, if any waits. */
  notifyOne(): void {
    const [first] = this.waiting;
    first?.();
  }
}

/** A claim and its entry in a batch. */
interface PackedClaim {
  claim: LeasedClaim;
  entry: BatchClaimEntry;
  /** Bumps the associated token program tries to open the fan's account; 0 when it exists. */
  bumpTries: number;
  /** The account's address holds lamports someone sent it before it was opened. */
  prefunded: boolean;
  /**
   * Sent in a batch of its own, always simulated first: a claim that failed before (retried alone, or
   * claimed again by the fan), or one whose token account only a simulation can judge.
   */
  alone: boolean;
}

/** A batch signed and ready to record; `refusal` when simulation showed the chain would refuse it. */
interface PreparedBatch {
  distribution: string;
  items: PackedClaim[];
  signed: SignedBatch;
  refusal?: { err: unknown; logs: string[] };
}
