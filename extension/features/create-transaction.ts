import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { PublicKey, Transaction } from "@solana/web3.js";
import type { CreationTerms } from "../../shared/api/distributions.ts";
import type { DistributionDraft } from "../../shared/distribution.ts";
import { createDistributionInstruction } from "../../shared/program/create-distribution.ts";
import { findDistributionAddress } from "../../shared/program/pda.ts";
import { requirementsHash } from "../../shared/requirements.ts";
import { TRANSACTION_BUILDER_KEY } from "./load-transaction-builder.ts";

/**
 * Builds the create_distribution transaction for a validated draft with the shared program client.
 * The wallet signs it in the service worker, after its approval window shows what it does.
 *
 * This module pulls in @solana/web3.js and spl-token, several times the rest of the content script,
 * so it ships as its own file (entrypoints/create-transaction.ts) that the create dialog loads the
 * first time a creator signs; see load-transaction-builder.ts.
 */

export interface BuiltCreation {
  address: string;
  distributionId: bigint;
  transactionBase64: string;
}

/** A fresh random u64: one creator can run many giveaways, each at its own address. */
export function randomDistributionId(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return bytes.reduce((id, byte) => (id << 8n) | BigInt(byte), 0n);
}

export function buildCreateTransaction(
  draft: DistributionDraft,
  creator: string,
  terms: CreationTerms,
  recentBlockhash: string,
  options: {
    /** The mint's program (the wallet's balances say which): the vault and the deposit use it. */
    tokenProgram?: "spl-token" | "token-2022";
    distributionId?: bigint;
  } = {},
): BuiltCreation {
  const distributionId = options.distributionId ?? randomDistributionId();
  const creatorKey = new PublicKey(creator);
  const programId = new PublicKey(terms.programId);
  const instruction = createDistributionInstruction({
    creator: creatorKey,
    mint: draft.mint,
    tokenProgram: options.tokenProgram === "token-2022" ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID,
    verifier: terms.verifier,
    distributionId,
    amountPerClaim: draft.amountPerClaim,
    maxClaims: draft.maxClaims,
    startTs: draft.startsAt,
    endTs: draft.endsAt,
    feePerClaimLamports: terms.feePerClaimLamports,
    feeBudgetLamports: draft.feeBudgetLamports,
    requirementsHash: new Uint8Array(requirementsHash(draft.requirements)),
    postId: BigInt(draft.postId),
    programId,
  });
  const transaction = new Transaction({ feePayer: creatorKey, recentBlockhash }).add(instruction);
  const bytes = transaction.serialize({ requireAllSignatures: false, verifySignatures: false });
  return {
    address: findDistributionAddress(creatorKey, distributionId, programId).address.toBase58(),
    distributionId,
    transactionBase64: bytes.toString("base64"),
  };
}

export const transactionBuilder = { buildCreateTransaction };
export type TransactionBuilder = typeof transactionBuilder;

export function registerTransactionBuilder(): void {
  (globalThis as Record<string, unknown>)[TRANSACTION_BUILDER_KEY] = transactionBuilder;
}
