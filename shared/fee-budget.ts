/**
 * The fee budget's arithmetic, as the program enforces it (create_distribution, batch_claim): the budget
 * always keeps fee_per_claim and the priority fee cap for every unpaid slot, and a payout that opens the
 * fan's token account also takes that account's rent, only from what lies above that reserve.
 */

/** What each signature of a transaction costs its fee payer: Solana's base fee. */
export const LAMPORTS_PER_SIGNATURE = 5_000n;

/** Rent-exempt minimum of a classic SPL token account (165 bytes): what opening one costs. */
export const TOKEN_ACCOUNT_RENT_LAMPORTS = 2_039_280n;
/** A Token-2022 associated token account carries ImmutableOwner: 170 bytes, so more rent. */
export const TOKEN_2022_ACCOUNT_RENT_LAMPORTS = 2_074_080n;

export type TokenProgramName = "spl-token" | "token-2022";

/** What opening a fan's associated token account costs for a mint of this token program. */
export function tokenAccountRent(tokenProgram: TokenProgramName): bigint {
  return tokenProgram === "token-2022" ? TOKEN_2022_ACCOUNT_RENT_LAMPORTS : TOKEN_ACCOUNT_RENT_LAMPORTS;
}

export interface FeeBudgetTerms {
  feeBudgetLamports: bigint;
  feePerClaimLamports: bigint;
  /** The most priority fee per claim the budget reimburses (0 or absent: none). */
  priorityFeeCapLamports?: bigint;
  maxClaims: number;
  /** Slots the chain has paid so far. */
  claimedCount: number;
}

type PerClaimTerms = Pick<FeeBudgetTerms, "feePerClaimLamports" | "priorityFeeCapLamports" | "maxClaims">;

/** What the budget keeps for each unpaid slot: its fee and its priority fee cap. */
function reservedPerClaim(terms: Omit<PerClaimTerms, "maxClaims">): bigint {
  return terms.feePerClaimLamports + (terms.priorityFeeCapLamports ?? 0n);
}

/** The least budget the program accepts: every payout's fee and priority fee cap. */
export function minimumFeeBudget(terms: PerClaimTerms): bigint {
  return reservedPerClaim(terms) * BigInt(terms.maxClaims);
}

/** The budget the create dialog proposes: every payout's fee, plus a token account's rent for each when asked. */
export function proposedFeeBudget(
  terms: PerClaimTerms,
  coverTokenAccounts: boolean,
  tokenProgram: TokenProgramName = "spl-token",
): bigint {
  return minimumFeeBudget(terms) + (coverTokenAccounts ? tokenAccountRent(tokenProgram) * BigInt(terms.maxClaims) : 0n);
}

/** How many payouts that open the fan's token account the budget still covers, right now. */
export function tokenAccountCreationsCovered(terms: FeeBudgetTerms, rent: bigint = TOKEN_ACCOUNT_RENT_LAMPORTS): number {
  const reserve = reservedPerClaim(terms) * BigInt(Math.max(0, terms.maxClaims - terms.claimedCount));
  const surplus = terms.feeBudgetLamports - reserve;
  return surplus <= 0n ? 0 : Number(surplus / rent);
}
