import {
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import type { PublicKey, TransactionInstruction } from "@solana/web3.js";
import { type TokenProgramName, tokenAccountRent } from "./fee-budget.ts";

/**
 * A fan opening their own associated token account for a giveaway's mint: what a fan refused
 * `needs_token_account` (the giveaway's budget opens no more accounts) signs to become payable, from
 * the blink, the claim page or the extension's card. The fan's wallet pays the account's rent and the
 * fee; the account is theirs, and its rent returns to them if they close it.
 */
export interface TokenAccountOpening {
  wallet: PublicKey;
  mint: PublicKey;
  tokenProgram: TokenProgramName;
}

export function tokenProgramId(tokenProgram: TokenProgramName): PublicKey {
  return tokenProgram === "token-2022" ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID;
}

/** The fan's associated token account for the mint: where a payout goes. */
export function openedAccount({ wallet, mint, tokenProgram }: TokenAccountOpening): PublicKey {
  return getAssociatedTokenAddressSync(mint, wallet, true, tokenProgramId(tokenProgram));
}

/** The one instruction, paid by the fan's wallet. Idempotent: a second press, or an account opened meanwhile, costs only the fee. */
export function tokenAccountOpeningInstruction(opening: TokenAccountOpening): TransactionInstruction {
  const { wallet, mint, tokenProgram } = opening;
  return createAssociatedTokenAccountIdempotentInstruction(
    wallet,
    openedAccount(opening),
    wallet,
    mint,
    tokenProgramId(tokenProgram),
  );
}

/**
 * The rent the account takes from the fan, in SOL for people, exact: a giveaway's mint only has
 * extensions that need no room in token accounts (the program refuses the others: a transfer fee, a
 * transfer hook, non-transferable, pausable, confidential transfers), so the account is the plain size.
 */
export function openingRentText(tokenProgram: TokenProgramName): string {
  // Lamports up to 9 decimals print exactly: 2039280 / 1e9 is "0.00203928".
  return `${Number(tokenAccountRent(tokenProgram)) / 1e9} SOL`;
}
