import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import { type BlockhashWithExpiryBlockHeight, ComputeBudgetProgram, PublicKey, Transaction } from "@solana/web3.js";
import { type TokenProgramName, tokenAccountRent } from "../../shared/fee-budget.ts";

/**
 * The fan's own transaction that opens their associated token account for a giveaway's mint: what a fan
 * refused `needs_token_account` (the giveaway's budget opens no more accounts) signs to become payable.
 * The fan pays the account's rent and the fee; the account is theirs, and its rent returns to them if
 * they close it. It is the only transaction MEMEFANS asks a fan to sign, and the only one it relays.
 */
export interface TokenAccountOpening {
  wallet: PublicKey;
  mint: PublicKey;
  tokenProgram: TokenProgramName;
}

function tokenProgramId(tokenProgram: TokenProgramName): PublicKey {
  return tokenProgram === "token-2022" ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID;
}

/** The fan's associated token account for the mint: where a payout goes. */
export function openedAccount({ wallet, mint, tokenProgram }: TokenAccountOpening): PublicKey {
  return getAssociatedTokenAddressSync(mint, wallet, true, tokenProgramId(tokenProgram));
}

/**
 * The rent the account takes from the fan, in SOL for people: a Token-2022 mint whose extensions need
 * room in each account (a transfer fee, say) takes a little more, so it is "about".
 */
export function openingRentText(tokenProgram: TokenProgramName): string {
  return `about ${(Number(tokenAccountRent(tokenProgram)) / 1e9).toFixed(5)} SOL`;
}

/** The unsigned transaction, paid by the fan's wallet, valid until `blockhash` expires. */
export function tokenAccountOpeningTransaction(
  opening: TokenAccountOpening,
  blockhash: BlockhashWithExpiryBlockHeight,
): Transaction {
  const { wallet, mint, tokenProgram } = opening;
  // Idempotent: a fan who pressed twice, or whose account appeared meanwhile, pays only the fee.
  return new Transaction({ feePayer: wallet, ...blockhash }).add(
    createAssociatedTokenAccountIdempotentInstruction(wallet, openedAccount(opening), wallet, mint, tokenProgramId(tokenProgram)),
  );
}

/** The ATA program's CreateIdempotent instruction: its data is this one byte. */
const CREATE_IDEMPOTENT = 1;

/**
 * Whether `signed` is the opening and nothing else, paid and signed by the fan's wallet: the relay sends
 * no other transaction. A wallet may add compute-budget instructions (a priority fee), so those pass;
 * any other instruction, another fee payer or a missing or wrong signature refuses it.
 */
export function isSignedOpening(signed: Transaction, opening: TokenAccountOpening): boolean {
  if (!signed.feePayer?.equals(opening.wallet) || !signed.verifySignatures(true)) return false;
  if (signed.signatures.length !== 1) return false;
  const expected = tokenAccountOpeningTransaction(opening, { blockhash: PublicKey.default.toBase58(), lastValidBlockHeight: 0 })
    .instructions[0];
  let creates = 0;
  for (const instruction of signed.instructions) {
    if (instruction.programId.equals(ComputeBudgetProgram.programId)) continue;
    if (!instruction.programId.equals(ASSOCIATED_TOKEN_PROGRAM_ID) || !expected) return false;
    const sameAccounts =
      instruction.keys.length === expected.keys.length &&
      instruction.keys.every((key, index) => key.pubkey.equals(expected.keys[index]?.pubkey ?? PublicKey.default));
    if (!sameAccounts || instruction.data.length !== 1 || instruction.data[0] !== CREATE_IDEMPOTENT) return false;
    creates++;
  }
  return creates === 1;
}
