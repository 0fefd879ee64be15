import { type DistributionDraft, totalDeposit } from "../../shared/distribution.ts";
import { distributionAccountSize, TOKEN_ACCOUNT_SIZE } from "../../shared/program/layout.ts";
import { formatSol } from "../messaging/format.ts";
import { formatTokenAmount } from "../ui/format.ts";

/** What creating a distribution costs the creator, shown in the dialog before anything is signed. */

/** Solana's rent: (128 bytes of account overhead + data) × 3,480 lamports per byte-year × 2 years. */
export function rentExemptLamports(dataLength: number): bigint {
  return BigInt(128 + dataLength) * 3480n * 2n;
}

/** One signature at the base fee; the creator pays no priority fee. */
export const NETWORK_FEE_LAMPORTS = 5000n;

export interface CreationCost {
  tokensEscrowed: bigint;
  rentLamports: bigint;
  feeBudgetLamports: bigint;
  networkFeeLamports: bigint;
  totalLamports: bigint;
}

/** What the creator pays, shown before anything is signed. */
export function creationCost(draft: Pick<DistributionDraft, "amountPerClaim" | "maxClaims" | "feeBudgetLamports">): CreationCost {
  const rentLamports = rentExemptLamports(distributionAccountSize(draft.maxClaims)) + rentExemptLamports(TOKEN_ACCOUNT_SIZE);
  return {
    tokensEscrowed: totalDeposit(draft),
    rentLamports,
    feeBudgetLamports: draft.feeBudgetLamports,
    networkFeeLamports: NETWORK_FEE_LAMPORTS,
    totalLamports: rentLamports + draft.feeBudgetLamports + NETWORK_FEE_LAMPORTS,
  };
}

/** The token as the creator knows it: "$WIF" from its on-chain metadata, else its short mint address. */
export interface CostToken {
  name: string;
  decimals: number;
}

/**
 * The one sentence of what creating costs, shown by the create dialog before signing and by the
 * approval window (from the decoded instruction), so both say the same numbers:
 * "You send 5,000 $WIF and 0.209 SOL (0.0047 SOL rent and the unused fee budget come back when you close)".
 */
export function creationTotalText(cost: CreationCost, token: CostToken): string {
  const tokens = `${formatTokenAmount(cost.tokensEscrowed.toString(), token.decimals)} ${token.name}`;
  return `You send ${tokens} and ${formatSol(cost.totalLamports)} (${formatSol(cost.rentLamports)} rent and the unused fee budget come back when you close)`;
}
