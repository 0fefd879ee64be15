import type { Connection, PublicKey } from "@solana/web3.js";
import type { Queryable } from "../db/database.ts";

/** How long recent fees read for a distribution are reused: a slot is 400 ms, the market moves slower. */
const RECENT_FEES_TTL_MS = 2_000;
/** How long an escalation step read from the database stands. */
const ESCALATIONS_TTL_MS = 1_000;
const MAX_REMEMBERED_DISTRIBUTIONS = 10_000;
/** Batches price at this percentile of the recent slots' fees: above most of what landed lately. */
const RECENT_FEE_PERCENTILE = 0.75;
/** After a batch expired unlanded while the cluster reported no fees, the price starts here (micro-lamports per unit). */
const ESCALATION_FLOOR_MICRO_LAMPORTS = 1_000;
/** Each expiry doubles the price, up to 2^MAX_ESCALATIONS times the recent fee; the cap binds long before. */
const MAX_ESCALATIONS = 20;

/** What a batch's price is decided from. */
export interface PriceInputs {
  /** The recent fee percentile for the distribution's accounts, micro-lamports per compute unit. */
  recentMicroLamports: number;
  /** Batches of this distribution that expired unlanded, not yet followed by a landed one. */
  escalations: number;
  /** The creator's cap, lamports of priority fee per claim, read from the distribution on chain. */
  capLamportsPerClaim: bigint;
  claims: number;
  computeUnitLimit: number;
}

/**
 * The priority fee of a batch in micro-lamports per compute unit: the recent fee, doubled for each
 * expiry, and never more than the cap allows for the batch (⌈limit × price / 10⁶⌉ ≤ cap × claims, the
 * reimbursement the program allows). No cap, no priority fee: the creator did not fund one.
 */
export function batchPriorityPrice(inputs: PriceInputs): number {
  if (inputs.capLamportsPerClaim <= 0n) return 0;
  const escalations = Math.min(inputs.escalations, MAX_ESCALATIONS);
  const base =
    escalations > 0 ? Math.max(inputs.recentMicroLamports, ESCALATION_FLOOR_MICRO_LAMPORTS) : inputs.recentMicroLamports;
  const wanted = BigInt(Math.ceil(base)) * 2n ** BigInt(escalations);
  const capPrice = (inputs.capLamportsPerClaim * BigInt(inputs.claims) * 1_000_000n) / BigInt(inputs.computeUnitLimit);
  return Number(wanted < capPrice ? wanted : capPrice);
}

/** The value at `fraction` of the sorted values (nearest rank); 0 for none. */
function percentile(values: number[], fraction: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

/**
 * Recent prioritization fees per distribution (getRecentPrioritizationFees over the accounts a batch
 * writes), reused for a couple of seconds, and the escalation each distribution's expired batches
 * earned, kept in the database (migration 201) so every instance bids from the same step.
 */
export class PriorityFeeMarket {
  private readonly recent = new Map<string, { at: number; microLamports: Promise<number> }>();
  /** Escalation steps as last read or written here. */
  private readonly escalations = new Map<string, { steps: number; at: number }>();

  constructor(
    private readonly connection: Connection,
    private readonly database: Queryable,
    private readonly now: () => number = Date.now,
  ) {}

  recentMicroLamports(distribution: string, writableAccounts: PublicKey[]): Promise<number> {
    const cached = this.recent.get(distribution);
    if (cached && this.now() - cached.at < RECENT_FEES_TTL_MS) return cached.microLamports;
    const microLamports = this.connection.getRecentPrioritizationFees({ lockedWritableAccounts: writableAccounts }).then((fees) =>
      percentile(
        fees.map((fee) => fee.prioritizationFee),
        RECENT_FEE_PERCENTILE,
      ),
    );
    // A failed read is tried again on the next batch.
    microLamports.catch(() => this.recent.delete(distribution));
    this.recent.set(distribution, { at: this.now(), microLamports });
    return microLamports;
  }

  /**
   * The distribution's escalation step, read again after ESCALATIONS_TTL_MS: steps change only when a
   * batch expires, a blockhash's lifetime (about a minute) after it was sent.
   */
  async escalationsOf(distribution: string): Promise<number> {
    const known = this.escalations.get(distribution);
    if (known && this.now() - known.at < ESCALATIONS_TTL_MS) return known.steps;
    const { rows } = await this.database.query<{ escalations: number }>(
      "SELECT escalations FROM batch_fee_escalations WHERE distribution = $1",
      [distribution],
    );
    return this.remember(distribution, rows[0]?.escalations ?? 0);
  }

  /** A batch of the distribution expired without landing: the next one bids higher. */
  async expired(distribution: string): Promise<void> {
    const { rows } = await this.database.query<{ escalations: number }>(
      `INSERT INTO batch_fee_escalations (distribution, escalations) VALUES ($1, 1)
       ON CONFLICT (distribution) DO UPDATE SET escalations = batch_fee_escalations.escalations + 1
       RETURNING escalations`,
      [distribution],
    );
    this.remember(distribution, rows[0]?.escalations ?? 1);
  }

  /**
   * Batches of these distributions landed: the bid that got them in is kept, one step lower. Only the
   * distributions known to have stepped up are written (nearly always none).
   */
  async landed(distributions: string[]): Promise<void> {
    const stepped = [...new Set(distributions)].filter((distribution) => (this.escalations.get(distribution)?.steps ?? 0) > 0);
    if (!stepped.length) return;
    const { rows } = await this.database.query<{ distribution: string; escalations: number }>(
      `UPDATE batch_fee_escalations SET escalations = escalations - 1
        WHERE distribution = ANY($1::text[]) AND escalations > 0 RETURNING distribution, escalations`,
      [stepped],
    );
    for (const row of rows) this.remember(row.distribution, row.escalations);
  }

  private remember(distribution: string, steps: number): number {
    if (this.escalations.size >= MAX_REMEMBERED_DISTRIBUTIONS) this.escalations.clear();
    this.escalations.set(distribution, { steps, at: this.now() });
    return steps;
  }
}
