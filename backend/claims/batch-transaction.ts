import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { ComputeBudgetProgram, type Keypair, PublicKey, Transaction } from "@solana/web3.js";
import bs58 from "bs58";
import {
  type BatchShape,
  batchClaimInstruction,
  distributionProgramId,
  maxClaimsPerLegacyTransaction,
} from "../../shared/program/index.ts";

/**
 * The runtime's ceiling. A batch that creates token accounts runs one ATA program CPI per claim;
 * on a real cluster with priority fees, lower this to what simulation measures.
 */
export const BATCH_COMPUTE_UNIT_LIMIT = 1_400_000;

const associatedAccounts = new Map<string, PublicKey>();
const MAX_REMEMBERED_ACCOUNTS = 100_000;

/**
 * The wallet's associated token account for the mint, remembered: deriving it searches for a bump
 * with an ed25519 curve check per try, which in JavaScript costs more than the rest of a batch.
 */
export function associatedTokenAccount(mint: MintRef, wallet: string): PublicKey {
  const key = `${mint.text}:${wallet}`;
  let account = associatedAccounts.get(key);
  if (!account) {
    account = getAssociatedTokenAddressSync(mint.key, new PublicKey(wallet), true, mint.tokenProgram);
    if (associatedAccounts.size >= MAX_REMEMBERED_ACCOUNTS) associatedAccounts.clear();
    associatedAccounts.set(key, account);
  }
  return account;
}

/** A distribution's mint with its text and its token program (the mint account's owner), looked up once. */
export interface MintRef {
  key: PublicKey;
  text: string;
  tokenProgram: PublicKey;
}

export interface BatchClaimEntry {
  slot: number;
  wallet: string;
  createAccount: boolean;
}

export interface BatchSigners {
  verifier: Keypair;
  /** Defaults to the verifier. */
  feePayer?: Keypair;
}

export interface SignedBatch {
  signature: string;
  wire: Buffer;
}

function shape(signers: BatchSigners, createAccounts: boolean): BatchShape {
  return {
    createAccounts,
    separateFeePayer: signers.feePayer !== undefined && !signers.feePayer.publicKey.equals(signers.verifier.publicKey),
    extraInstructions: [ComputeBudgetProgram.setComputeUnitLimit({ units: BATCH_COMPUTE_UNIT_LIMIT })],
  };
}

/**
 * The most claims one legacy transaction carries for these signers, per kind of claim. The shared
 * client's measure covers both the 1232-byte size and the 64-instruction trace, which binds first for
 * claims that create token accounts (counted at their worst case: a pre-funded address costs more CPIs).
 */
export function batchCapacity(signers: BatchSigners): { creating: number; existing: number } {
  return {
    creating: maxClaimsPerLegacyTransaction(shape(signers, true)).claims,
    existing: maxClaimsPerLegacyTransaction(shape(signers, false)).claims,
  };
}

/** Builds and signs one batch_claim transaction; its signature is known before it is sent. */
export function signBatch(
  signers: BatchSigners,
  distribution: string,
  mint: MintRef,
  entries: BatchClaimEntry[],
  blockhash: string,
  programId: PublicKey = distributionProgramId,
): SignedBatch {
  const feePayer = signers.feePayer ?? signers.verifier;
  const instruction = batchClaimInstruction({
    verifier: signers.verifier.publicKey,
    feePayer: feePayer.publicKey,
    distribution,
    mint: mint.key,
    tokenProgram: mint.tokenProgram,
    programId,
    claims: entries.map((entry) => {
      const owner = new PublicKey(entry.wallet);
      return entry.createAccount
        ? { slot: entry.slot, owner }
        : { slot: entry.slot, tokenAccount: associatedTokenAccount(mint, entry.wallet) };
    }),
  });
  const transaction = new Transaction({ feePayer: feePayer.publicKey, recentBlockhash: blockhash }).add(
    ...(shape(signers, false).extraInstructions ?? []),
    instruction,
  );
  const distinctSigners = feePayer === signers.verifier ? [feePayer] : [feePayer, signers.verifier];
  transaction.sign(...distinctSigners);
  // Just signed here, so checking the signatures again would only cost time.
  return { signature: bs58.encode(transaction.signature as Buffer), wire: transaction.serialize({ verifySignatures: false }) };
}
