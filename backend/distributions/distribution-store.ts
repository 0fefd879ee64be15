import type { ClaimRules, Distribution } from "../../shared/api/distributions.ts";
import type { TokenIdentity } from "../../shared/api/tokens.ts";
import { DISTRIBUTION_LINK_PATH } from "../../shared/constants.ts";
import { tokenAccountCreationsCovered, tokenAccountRent } from "../../shared/fee-budget.ts";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { type Requirement, requirementsSchema } from "../../shared/requirements.ts";
import type { Database, Queryable } from "../db/database.ts";

/** A row of the distributions table as both engines return it (numeric and int8 as text). */
export interface DistributionRow {
  address: string;
  post_id: string;
  creator: string;
  creator_x_user_id: string;
  mint: string;
  token_decimals: number;
  amount_per_claim: string;
  max_claims: number;
  claimed_count: number;
  starts_at: string;
  ends_at: string;
  paused: boolean;
  closed: boolean;
  requirements: unknown;
  requirements_hash: string;
  fee_budget_lamports: string;
  fee_per_claim_lamports: string;
  priority_fee_cap_lamports: string;
  verifier: string | null;
  post_created_at: Date | null;
  once_per_creator: boolean;
  max_claims_per_minute: number | null;
  registered_at: Date;
  updated_at: Date;
}

/** What a new registration writes: the on-chain terms and the post's. */
export interface NewDistribution {
  address: string;
  postId: string;
  creator: string;
  creatorXUserId: string;
  mint: string;
  tokenDecimals: number;
  amountPerClaim: bigint;
  maxClaims: number;
  claimedCount: number;
  startsAt: number;
  endsAt: number;
  paused: boolean;
  requirements: readonly Requirement[];
  requirementsHash: string;
  feeBudgetLamports: bigint;
  feePerClaimLamports: bigint;
  priorityFeeCapLamports: bigint;
  verifier: string;
  creationSignature?: string;
  postCreatedAt?: Date;
  claimRules: ClaimRules;
}

/** What a refresh from the chain writes; verifier, budget and cap are absent once the account is closed. */
export interface ChainState {
  paused: boolean;
  closed: boolean;
  claimedCount: number;
  verifier?: string;
  feeBudgetLamports?: bigint;
  /** Fixed at creation; written again so that a row registered before it was kept learns it. */
  priorityFeeCapLamports?: bigint;
}

function publicLink(publicUrl: string, address: string): string {
  return `${publicUrl}${DISTRIBUTION_LINK_PATH}${address}`;
}

/** The chain as this row last saw it, for the fee budget's arithmetic. */
function feeBudgetTerms(row: DistributionRow) {
  return {
    feeBudgetLamports: BigInt(row.fee_budget_lamports),
    feePerClaimLamports: BigInt(row.fee_per_claim_lamports),
    priorityFeeCapLamports: BigInt(row.priority_fee_cap_lamports),
    maxClaims: row.max_claims,
    claimedCount: row.claimed_count,
  };
}

/**
 * The API view of a row. `claimedCount` is the larger of the chain's count and the claims the backend
 * has accepted, so a fan never sees a slot as free that a queued claim already holds. `ourVerifier` is
 * this backend's verifier key: a distribution that names another can no longer be paid from here.
 */
export function toDistribution(
  row: DistributionRow,
  publicUrl: string,
  ourVerifier: string,
  acceptedClaims: number,
  token: TokenIdentity,
  creatorUsername?: string,
): Distribution {
  const claimedCount = Math.min(row.max_claims, Math.max(row.claimed_count, acceptedClaims));
  return {
    address: row.address,
    postId: row.post_id,
    creator: row.creator,
    creatorXUserId: row.creator_x_user_id,
    ...(creatorUsername ? { creatorUsername } : {}),
    mint: row.mint,
    // Decimals are fixed at the mint's creation and were read at registration.
    token: { ...token, decimals: row.token_decimals },
    amountPerClaim: BigInt(row.amount_per_claim),
    maxClaims: row.max_claims,
    claimedCount,
    remaining: row.max_claims - claimedCount,
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    paused: row.paused,
    closed: row.closed,
    verifierChanged: row.verifier !== null && row.verifier !== ourVerifier,
    // A Token-2022 account's rent is higher; an unread token program counts the lower, classic rent.
    tokenAccountsCovered: tokenAccountCreationsCovered(feeBudgetTerms(row), tokenAccountRent(token.tokenProgram ?? "spl-token")),
    requirements: requirementsSchema.parse(row.requirements),
    feeBudgetLamports: BigInt(row.fee_budget_lamports),
    feePerClaimLamports: BigInt(row.fee_per_claim_lamports),
    link: publicLink(publicUrl, row.address),
    ...(row.post_created_at ? { postCreatedAt: Math.floor(row.post_created_at.getTime() / 1000) } : {}),
    claimRules: { oncePerCreator: row.once_per_creator, maxClaimsPerMinute: row.max_claims_per_minute },
  };
}

const COLUMNS = `address, post_id, creator, creator_x_user_id, mint, token_decimals,
  amount_per_claim, max_claims, claimed_count, starts_at, ends_at, paused, closed, requirements, requirements_hash,
  fee_budget_lamports, fee_per_claim_lamports, priority_fee_cap_lamports, verifier, post_created_at, once_per_creator, max_claims_per_minute, registered_at, updated_at`;

/** The distributions table. Requirements are stored in canonical JSON (amounts as text). */
export class DistributionStore {
  constructor(private readonly database: Database) {}

  /** Inserts the distribution; answers false when the address was already registered. */
  async insert(distribution: NewDistribution, target: Queryable = this.database): Promise<boolean> {
    const result = await target.query(
      `INSERT INTO distributions (address, post_id, creator, creator_x_user_id, mint, token_decimals,
         amount_per_claim, max_claims, claimed_count, starts_at, ends_at, paused, requirements, requirements_hash,
         fee_budget_lamports, fee_per_claim_lamports, creation_signature, post_created_at, verifier, once_per_creator,
         max_claims_per_minute, post_bucket, priority_fee_cap_lamports)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
       ON CONFLICT (address) DO NOTHING`,
      [
        distribution.address,
        distribution.postId,
        distribution.creator,
        distribution.creatorXUserId,
        distribution.mint,
        distribution.tokenDecimals,
        distribution.amountPerClaim,
        distribution.maxClaims,
        distribution.claimedCount,
        distribution.startsAt,
        distribution.endsAt,
        distribution.paused,
        JSON.stringify(distribution.requirements, (_key, value) => (typeof value === "bigint" ? value.toString() : value)),
        distribution.requirementsHash,
        distribution.feeBudgetLamports,
        distribution.feePerClaimLamports,
        distribution.creationSignature ?? null,
        distribution.postCreatedAt ?? null,
        distribution.verifier,
        distribution.claimRules.oncePerCreator,
        distribution.claimRules.maxClaimsPerMinute,
        postIdBucket(distribution.postId),
        distribution.priorityFeeCapLamports,
      ],
    );
    return result.rowCount === 1;
  }

  async byAddress(address: string): Promise<DistributionRow | undefined> {
    const result = await this.database.query<DistributionRow>(`SELECT ${COLUMNS} FROM distributions WHERE address = $1`, [
      address,
    ]);
    return result.rows[0];
  }

  async byPostIds(postIds: readonly string[]): Promise<DistributionRow[]> {
    if (postIds.length === 0) return [];
    const result = await this.database.query<DistributionRow>(
      `SELECT ${COLUMNS} FROM distributions WHERE post_id = ANY($1::text[]) ORDER BY registered_at`,
      [postIds],
    );
    return result.rows;
  }

  /**
   * Distributions registered for posts in any of `buckets`, at most `limit`: the buckets take turns,
   * each giving its newest first, so a crowded bucket cannot crowd the others out. `overfull` names the
   * buckets that hold more than they gave.
   */
  async byBuckets(buckets: readonly string[], limit: number): Promise<{ rows: DistributionRow[]; overfull: string[] }> {
    if (buckets.length === 0) return { rows: [], overfull: [] };
    const [given, held] = await Promise.all([
      this.database.query<DistributionRow & { post_bucket: string }>(
        `SELECT ${COLUMNS}, post_bucket FROM (
           SELECT *, row_number() OVER (PARTITION BY post_bucket ORDER BY registered_at DESC, address) AS turn
             FROM distributions WHERE post_bucket = ANY($1::text[])) AS bucketed
          ORDER BY turn, registered_at DESC, address LIMIT $2`,
        [buckets, limit],
      ),
      this.database.query<{ post_bucket: string; held: number }>(
        "SELECT post_bucket, count(*)::int AS held FROM distributions WHERE post_bucket = ANY($1::text[]) GROUP BY post_bucket",
        [buckets],
      ),
    ]);
    const givenPerBucket = new Map<string, number>();
    for (const row of given.rows) givenPerBucket.set(row.post_bucket, (givenPerBucket.get(row.post_bucket) ?? 0) + 1);
    const overfull = held.rows
      .filter((row) => row.held > (givenPerBucket.get(row.post_bucket) ?? 0))
      .map((row) => row.post_bucket);
    return { rows: given.rows, overfull: overfull.sort() };
  }

  async byCreator(xUserId: string): Promise<DistributionRow[]> {
    const result = await this.database.query<DistributionRow>(
      `SELECT ${COLUMNS} FROM distributions WHERE creator_x_user_id = $1 ORDER BY registered_at DESC LIMIT 500`,
      [xUserId],
    );
    return result.rows;
  }

  /**
   * Follows the chain: paused, closed, the on-chain claimed count, and (while the account exists) its
   * verifier, what is left of its fee budget and its priority fee cap.
   */
  async updateChainState(address: string, state: ChainState): Promise<void> {
    await this.database.query(
      `UPDATE distributions SET paused = $2, closed = $3, claimed_count = GREATEST(claimed_count, $4),
              verifier = COALESCE($5, verifier), fee_budget_lamports = COALESCE($6, fee_budget_lamports),
              priority_fee_cap_lamports = COALESCE($7, priority_fee_cap_lamports), updated_at = now()
        WHERE address = $1`,
      [
        address,
        state.paused,
        state.closed,
        state.claimedCount,
        state.verifier ?? null,
        state.feeBudgetLamports ?? null,
        state.priorityFeeCapLamports ?? null,
      ],
    );
  }
}
