import { ASSOCIATED_TOKEN_PROGRAM_ID } from "@solana/spl-token";
import {
  type BlockhashWithExpiryBlockHeight,
  ComputeBudgetProgram,
  PublicKey,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import { claimFailureWords } from "../../shared/claim-failure-words.ts";
import { type TokenAccountOpening, tokenAccountOpeningInstruction } from "../../shared/token-account-opening.ts";
import { isLighthouseAssertion, LIGHTHOUSE_PROGRAM_ID } from "../../shared/wallet-assertions.ts";
import { conflict } from "../http/errors.ts";
import type { ClaimsRouterDependencies, ClaimTarget } from "./claims-router.ts";

/*
 * The transaction of a fan's token account opening (shared/token-account-opening.ts) that the blink and
 * the claim page have the fan sign: the only transaction MEMEFANS asks a fan to sign, and the only one
 * it relays.
 */

/** What an opening needs of a giveaway: its mint, and its token program as read from the chain. */
type OpeningTarget = Pick<ClaimTarget, "mint" | "token">;

/** The opening of `wallet`'s account for the giveaway's mint; refused while its token program is unread. */
export function openingFor(target: OpeningTarget, wallet: string): TokenAccountOpening {
  const { tokenProgram } = target.token;
  if (!tokenProgram) throw conflict("conflict", "this giveaway's token could not be read from the chain; try again");
  return { wallet: new PublicKey(wallet), mint: new PublicKey(target.mint), tokenProgram };
}

/**
 * Refuses an opening with nothing to open: the account is there (the fan can claim), or it would refuse
 * the payout anyway. One chain read.
 */
export async function refuseNothingToOpen(
  tokenAccountOf: NonNullable<ClaimsRouterDependencies["tokenAccountOf"]>,
  opening: TokenAccountOpening,
): Promise<void> {
  const existing = await tokenAccountOf(opening.wallet.toBase58(), opening.mint.toBase58(), opening.tokenProgram);
  if (existing === "ready")
    throw conflict("token_account_exists", "your wallet already holds an account for this token: press Claim");
  if (existing !== "missing") throw conflict("token_account_refuses", claimFailureWords(existing), { reason: existing });
}

/** The unsigned transaction, paid by the fan's wallet, valid until `blockhash` expires. */
export function tokenAccountOpeningTransaction(
  opening: TokenAccountOpening,
  blockhash: BlockhashWithExpiryBlockHeight,
): Transaction {
  return new Transaction({ feePayer: opening.wallet, ...blockhash }).add(tokenAccountOpeningInstruction(opening));
}

const LIGHTHOUSE = new PublicKey(LIGHTHOUSE_PROGRAM_ID);

/** What a wallet may add to the opening it signs: a priority fee (the fan's own), and its safety assertions. */
function addedByWallet(instruction: TransactionInstruction): boolean {
  if (instruction.programId.equals(ComputeBudgetProgram.programId)) return true;
  return instruction.programId.equals(LIGHTHOUSE) && isLighthouseAssertion(instruction.data);
}

/** The ATA program's CreateIdempotent instruction: its data is this one byte. */
const CREATE_IDEMPOTENT = 1;

/**
 * Whether `signed` is the opening and nothing else, paid and signed by the fan's wallet: the relay sends
 * no other transaction. What wallets add passes (a priority fee, Phantom's and Solflare's Lighthouse
 * assertions); any other instruction, another fee payer, another signer or a missing or wrong
 * signature refuses it.
 */
export function isSignedOpening(signed: Transaction, opening: TokenAccountOpening): boolean {
  if (!signed.feePayer?.equals(opening.wallet) || !signed.verifySignatures(true)) return false;
  if (signed.signatures.length !== 1) return false;
  const expected = tokenAccountOpeningInstruction(opening);
  let creates = 0;
  for (const instruction of signed.instructions) {
    if (addedByWallet(instruction)) continue;
    if (!instruction.programId.equals(ASSOCIATED_TOKEN_PROGRAM_ID)) return false;
    const sameAccounts =
      instruction.keys.length === expected.keys.length &&
      instruction.keys.every((key, index) => key.pubkey.equals(expected.keys[index]?.pubkey ?? PublicKey.default));
    if (!sameAccounts || instruction.data.length !== 1 || instruction.data[0] !== CREATE_IDEMPOTENT) return false;
    creates++;
  }
  return creates === 1;
}
