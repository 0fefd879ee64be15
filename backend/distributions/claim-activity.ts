import type { ClaimantsPage, ClaimantsQuery } from "../../shared/api/creator-dashboard.ts";
import type { BotRefusals, ClaimsBucket } from "../../shared/api/distributions.ts";

/**
 * What the distributions module needs to know about claims, answered by the claims module (which owns
 * the claims table). Counts include queued and sent claims, not only confirmed ones: a slot is taken
 * as soon as a claim is accepted.
 */
export interface ClaimActivity {
  /** Accepted (not failed) claims per distribution address. */
  acceptedCounts(addresses: readonly string[]): Promise<Map<string, number>>;
  /** Accepted claims per bucket of `bucket` (an hour unless told), oldest first, per distribution address. */
  claimsOverTime(
    addresses: readonly string[],
    bucket?: ClaimsBucket,
  ): Promise<Map<string, { bucketStart: string; claims: number }[]>>;
  /** Failed claims per failure reason, per distribution address. */
  failuresByReason(addresses: readonly string[]): Promise<Map<string, Record<string, number>>>;
  /** Accounts refused as likely bots per distribution address. */
  botRefusals(addresses: readonly string[]): Promise<Map<string, BotRefusals>>;
  /** One page of a distribution's claimants for its creator, newest first. */
  claimants(address: string, query: ClaimantsQuery): Promise<ClaimantsPage>;
}

/** Before the claims module is mounted: no claims yet, so the chain's count is all there is. */
export const noClaimActivity: ClaimActivity = {
  acceptedCounts: async () => new Map(),
  claimsOverTime: async () => new Map(),
  failuresByReason: async () => new Map(),
  botRefusals: async () => new Map(),
  claimants: async () => ({ claimants: [], nextBefore: null, counts: { paid: 0, pending: 0, failed: 0 } }),
};
