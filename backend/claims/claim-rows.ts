import type { Claim, ClaimStatus } from "../../shared/api/claims.ts";

/** The columns every claim query selects, so each one maps the same way. */
export const CLAIM_COLUMNS =
  "id, distribution, x_user_id, wallet, slot, status, signature, failure_reason, idempotency_key, request_hash, created_at, updated_at";

export interface ClaimRow {
  id: string;
  distribution: string;
  x_user_id: string;
  wallet: string;
  slot: number;
  status: ClaimStatus;
  signature: string | null;
  failure_reason: string | null;
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
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** PostgreSQL's unique_violation, which both engines report as `code`. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
