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

/** Agave's limit on instructions in one transaction, counting every cross-program invocation. */
export const MAX_INSTRUCTION_TRACE_LENGTH = 64;
/** The compute budget instruction and batch_claim itself. */
const TOP_LEVEL_INSTRUCTIONS = 2;
/**
 * Measured on the embedded chain: a claim that creates its token account costs 6 trace entries (the
 * ATA program and its 4 inner calls, then the token transfer); one paying an existing account, 1.
 */
const TRACE_PER_CREATING_CLAIM = 6;
const TRACE_PER_EXISTING_CLAIM = 1;

const associatedAccounts = new Map<string, PublicKey>();
const MAX_REMEMBERED_ACCOUNTS = 100_000;

/**
 * The wallet's associated token account for the mint, remembered: deriving it searches for a bump
 * with an ed25519 curve check per try, which in JavaScript costs more than the rest of a batch.
 */
export function associatedTokenAccount(mint: { key: PublicKey; text: string }, wallet: string): PublicKey {
  const key = `${mint.text}:${wallet}`;
  let account = associatedAccounts.get(key);
  if (!account) {
    account = getAssociatedTokenAddressSync(mint.key, new PublicKey(wallet), true);
    if (associatedAccounts.size >= MAX_REMEMBERED_ACCOUNTS) associatedAccounts.clear();
    associatedAccounts.set(key, account);
  }
  return account;
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
 * The most claims one legacy transaction carries for these signers, per kind of claim: what fits in
 * 1232 bytes (the shared client's measure) and what stays within the instruction trace limit, which
 * binds first for claims that create token accounts.
 */
export function batchCapacity(signers: BatchSigners): { creating: number; existing: number } {
  const traceRoom = MAX_INSTRUCTION_TRACE_LENGTH - TOP_LEVEL_INSTRUCTIONS;
  return {
    creating: Math.min(
      maxClaimsPerLegacyTransaction(shape(signers, true)).claims,
      Math.floor(traceRoom / TRACE_PER_CREATING_CLAIM),
    ),
    existing: Math.min(
      maxClaimsPerLegacyTransaction(shape(signers, false)).claims,
      Math.floor(traceRoom / TRACE_PER_EXISTING_CLAIM),
    ),
  };
}

/** Builds and signs one batch_claim transaction; its signature is known before it is sent. */
export function signBatch(
  signers: BatchSigners,
  distribution: string,
  mint: PublicKey,
  entries: BatchClaimEntry[],
  blockhash: string,
  programId: PublicKey = distributionProgramId,
): SignedBatch {
  const feePayer = signers.feePayer ?? signers.verifier;
  const mintKeys = { key: mint, text: mint.toBase58() };
  const instruction = batchClaimInstruction({
    verifier: signers.verifier.publicKey,
    feePayer: feePayer.publicKey,
    distribution,
    mint,
    programId,
    claims: entries.map((entry) => {
      const owner = new PublicKey(entry.wallet);
      return entry.createAccount
        ? { slot: entry.slot, owner }
        : { slot: entry.slot, tokenAccount: associatedTokenAccount(mintKeys, entry.wallet) };
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
