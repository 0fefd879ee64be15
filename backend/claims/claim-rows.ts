import { type Claim, type ClaimStatus, FINAL_CLAIM_FAILURES, MAX_CLAIM_RETRIES } from "../../shared/api/claims.ts";

/** The columns every claim query selects, so each one maps the same way. */
export const CLAIM_COLUMNS =
  "id, distribution, x_user_id, wallet, slot, status, signature, failure_reason, retries, idempotency_key, request_hash, created_at, updated_at";

export interface ClaimRow {
  id: string;
  distribution: string;
  x_user_id: string;
  wallet: string;
  slot: number;
  status: ClaimStatus;
  signature: string | null;
  failure_reason: string | null;
  /** How many times the fan claimed it again after it failed. */
  retries: number;
  idempotency_key: string;
  request_hash: string;
  created_at: Date;
  updated_at: Date;
}

export function claimFromRow(row: ClaimRow): Claim {
  return {
    id: row.id,
    distribution: row.distribution,
    wallet: row.wallet,
    xUserId: row.x_user_id,
    slot: row.slot,
    status: row.status,
    ...(row.signature ? { signature: row.signature } : {}),
    ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
    ...(row.status === "failed" ? { retryable: isRetryable(row) } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const finalFailures: ReadonlySet<string> = new Set(FINAL_CLAIM_FAILURES);

/** A failed claim the fan may claim again: its failure is theirs to mend, and retries are left. */
function isRetryable(row: Pick<ClaimRow, "failure_reason" | "retries">): boolean {
  return !finalFailures.has(row.failure_reason ?? "") && row.retries < MAX_CLAIM_RETRIES;
}

/** PostgreSQL's unique_violation, which both engines report as `code`. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
