import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { ComputeBudgetProgram, type Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import bs58 from "bs58";
import { LAMPORTS_PER_SIGNATURE } from "../../shared/fee-budget.ts";
import {
  type AssociatedTokenAccount,
  type BatchShape,
  batchClaimInstruction,
  distributionProgramId,
  findAssociatedTokenAddress,
  maxClaimsPerLegacyTransaction,
} from "../../shared/program/index.ts";

/** The runtime's ceiling, which a batch asks for when it is simulated to measure what it uses. */
export const MAX_COMPUTE_UNIT_LIMIT = 1_400_000;

const associatedAccounts = new Map<string, AssociatedTokenAccount>();
const MAX_REMEMBERED_ACCOUNTS = 100_000;

/**
 * The wallet's associated token account for the mint, derived once and remembered: the batcher asks
 * for it when it checks which accounts exist and again when it builds the batch.
 */
function rememberedAssociatedAccount(mint: MintRef, wallet: string): AssociatedTokenAccount {
  const key = `${mint.text}:${wallet}`;
  let found = associatedAccounts.get(key);
  if (!found) {
    found = findAssociatedTokenAddress(mint.key, new PublicKey(wallet), mint.tokenProgram);
    if (associatedAccounts.size >= MAX_REMEMBERED_ACCOUNTS) associatedAccounts.clear();
    associatedAccounts.set(key, found);
  }
  return found;
}

/** The wallet's associated token account for the mint, remembered. */
export function associatedTokenAccount(mint: MintRef, wallet: string): PublicKey {
  return rememberedAssociatedAccount(mint, wallet).address;
}

/** Compute units the associated token program spends per bump it tries while opening an account. */
export const COMPUTE_UNITS_PER_BUMP_TRY = 1_500;

/**
 * How many bumps the associated token program tries when it opens this wallet's account (from 255
 * down to the account's bump): what makes one opening cost more than another.
 */
export function bumpTriesToOpen(mint: MintRef, wallet: string): number {
  return 256 - rememberedAssociatedAccount(mint, wallet).bump;
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

/** The compute budget a batch asks for: its unit limit and the priority fee per unit. */
export interface BatchFees {
  computeUnitLimit: number;
  /** Micro-lamports per compute unit; 0 sends no price instruction (no priority fee). */
  microLamportsPerUnit: number;
}

export interface SignedBatch {
  signature: string;
  wire: Buffer;
}

/** The lamports a batch's priority fee costs: ⌈limit × price / 10⁶⌉, as the runtime charges it. */
export function priorityFeeLamports(fees: BatchFees): bigint {
  return (BigInt(fees.computeUnitLimit) * BigInt(fees.microLamportsPerUnit) + 999_999n) / 1_000_000n;
}

function computeBudgetInstructions(fees: BatchFees): TransactionInstruction[] {
  const limit = ComputeBudgetProgram.setComputeUnitLimit({ units: fees.computeUnitLimit });
  if (fees.microLamportsPerUnit === 0) return [limit];
  return [limit, ComputeBudgetProgram.setComputeUnitPrice({ microLamports: fees.microLamportsPerUnit })];
}

/** The fee payer is another key than the verifier: its batches carry two signatures. */
function hasSeparateFeePayer(signers: BatchSigners): boolean {
  return signers.feePayer !== undefined && !signers.feePayer.publicKey.equals(signers.verifier.publicKey);
}

/**
 * Who signs a batch of `claims` claims of a distribution that reimburses `feePerClaimLamports` per
 * claim. The program reimburses the fee payer that fee per claim (and the priority fee, which the batch's
 * price keeps within the creator's cap), while the runtime charges it per signature: a separate fee payer
 * adds the verifier's signature, so a batch of one claim at the default fee (5,000 lamports) would cost
 * it 10,000 and return 5,000. Such a batch, which a lone claim at low traffic, a claim retried alone or
 * the last of a cycle's claims makes, goes with the verifier alone as its fee payer and the account the
 * program reimburses: one signature, which the claim's fee covers, so the fan is still paid at once and
 * neither key is out of pocket. The verifier then needs the lamports of one such batch (its fee, and
 * the rent of an account it opens, both returned by the batch itself). A fee per claim below one
 * signature's (FEE_PER_CLAIM_LAMPORTS is the operator's own setting) leaves a batch of one short whoever signs.
 */
export function batchSigners(signers: BatchSigners, feePerClaimLamports: bigint, claims: number): BatchSigners {
  if (!hasSeparateFeePayer(signers) || feePerClaimLamports * BigInt(claims) >= 2n * LAMPORTS_PER_SIGNATURE) return signers;
  return { verifier: signers.verifier };
}

function shape(signers: BatchSigners, createAccounts: boolean): BatchShape {
  return {
    createAccounts,
    separateFeePayer: hasSeparateFeePayer(signers),
    // The largest budget a batch carries: a unit limit and a price.
    extraInstructions: computeBudgetInstructions({ computeUnitLimit: MAX_COMPUTE_UNIT_LIMIT, microLamportsPerUnit: 1 }),
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

/** An ed25519 secret seed as a KeyObject, so signing runs in OpenSSL instead of JavaScript. */
const signingKeys = new WeakMap<Keypair, KeyObject>();
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function signingKey(keypair: Keypair): KeyObject {
  let key = signingKeys.get(keypair);
  if (!key) {
    key = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, keypair.secretKey.subarray(0, 32)]),
      format: "der",
      type: "pkcs8",
    });
    signingKeys.set(keypair, key);
  }
  return key;
}

function compactLength(length: number): number[] {
  const bytes: number[] = [];
  let rest = length;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    if (rest === 0) {
      bytes.push(low);
      return bytes;
    }
    bytes.push(low | 0x80);
  }
}

interface KeyEntry {
  key: PublicKey;
  bytes: Uint8Array;
  signer: boolean;
  writable: boolean;
}

/**
 * A legacy message, compiled as Transaction.compileMessage does (payer first, then signers, writable
 * before read-only) but keyed by raw bytes: the library's compiler sorts keys by their base58 text,
 * which cost more than signing and executing the batch together.
 */
export function compileLegacyMessage(payer: PublicKey, instructions: TransactionInstruction[], blockhash: string): Buffer {
  const entries = new Map<string, KeyEntry>();
  const note = (key: PublicKey, signer: boolean, writable: boolean) => {
    const bytes = key.toBytes();
    const id = Buffer.from(bytes).toString("latin1");
    const entry = entries.get(id);
    if (entry) {
      entry.signer ||= signer;
      entry.writable ||= writable;
    } else entries.set(id, { key, bytes, signer, writable });
  };
  note(payer, true, true);
  for (const instruction of instructions) {
    for (const meta of instruction.keys) note(meta.pubkey, meta.isSigner, meta.isWritable);
    note(instruction.programId, false, false);
  }
  const rank = (entry: KeyEntry) => (entry.signer ? 0 : 2) + (entry.writable ? 0 : 1);
  // Array.prototype.sort is stable: the payer stays first, the others keep their order within a rank.
  const ordered = [...entries.values()].sort((left, right) => rank(left) - rank(right));
  const index = new Map(ordered.map((entry, position) => [Buffer.from(entry.bytes).toString("latin1"), position]));
  const indexOf = (key: PublicKey) => index.get(Buffer.from(key.toBytes()).toString("latin1")) as number;
  const signers = ordered.filter((entry) => entry.signer);
  const parts: Uint8Array[] = [
    Uint8Array.of(
      signers.length,
      signers.filter((entry) => !entry.writable).length,
      ordered.filter((entry) => !entry.signer && !entry.writable).length,
    ),
    Uint8Array.from(compactLength(ordered.length)),
    ...ordered.map((entry) => entry.bytes),
    bs58.decode(blockhash),
    Uint8Array.from(compactLength(instructions.length)),
  ];
  for (const instruction of instructions) {
    parts.push(
      Uint8Array.of(indexOf(instruction.programId), ...compactLength(instruction.keys.length)),
      Uint8Array.from(instruction.keys.map((meta) => indexOf(meta.pubkey))),
      Uint8Array.from(compactLength(instruction.data.length)),
      instruction.data,
    );
  }
  return Buffer.concat(parts);
}

/** The batch_claim instruction paying `entries`; `vault` (the distribution's, as the chain stores it) spares deriving it. */
export function batchInstruction(
  signers: BatchSigners,
  distribution: string,
  mint: MintRef,
  entries: BatchClaimEntry[],
  options: { programId?: PublicKey; vault?: PublicKey } = {},
): TransactionInstruction {
  return batchClaimInstruction({
    verifier: signers.verifier.publicKey,
    feePayer: (signers.feePayer ?? signers.verifier).publicKey,
    distribution,
    vault: options.vault,
    mint: mint.key,
    tokenProgram: mint.tokenProgram,
    programId: options.programId ?? distributionProgramId,
    claims: entries.map((entry) => {
      const account = rememberedAssociatedAccount(mint, entry.wallet);
      // The derived account spares the builder deriving the address again; it still checks it is the owner's.
      return entry.createAccount
        ? { slot: entry.slot, owner: account.owner, tokenAccount: account }
        : { slot: entry.slot, tokenAccount: account.address };
    }),
  });
}

function signersOf(signers: BatchSigners): Keypair[] {
  return signers.feePayer && hasSeparateFeePayer(signers) ? [signers.feePayer, signers.verifier] : [signers.verifier];
}

/** The batch's message: its compute budget, then the batch instruction. */
export function batchMessage(
  signers: BatchSigners,
  instruction: TransactionInstruction,
  blockhash: string,
  fees: BatchFees,
): Buffer {
  const feePayer = signers.feePayer ?? signers.verifier;
  return compileLegacyMessage(feePayer.publicKey, [...computeBudgetInstructions(fees), instruction], blockhash);
}

/** The wire form with every signature zero: what simulation without signature checks takes. */
export function unsignedWire(signers: BatchSigners, message: Buffer): Buffer {
  const count = signersOf(signers).length;
  return Buffer.concat([Uint8Array.of(...compactLength(count)), new Uint8Array(64 * count), message]);
}

/** Signs a batch's message; the signature is known before it is sent. */
export function signBatchMessage(signers: BatchSigners, message: Buffer): SignedBatch {
  const signatures = signersOf(signers).map((signer) => sign(null, message, signingKey(signer)));
  return {
    signature: bs58.encode(signatures[0] as Buffer),
    wire: Buffer.concat([Uint8Array.of(...compactLength(signatures.length)), ...signatures, message]),
  };
}

/** Builds and signs one batch_claim transaction (for tests and tools; the batcher measures its batches first). */
export function signBatch(
  signers: BatchSigners,
  distribution: string,
  mint: MintRef,
  entries: BatchClaimEntry[],
  blockhash: string,
  fees: BatchFees = { computeUnitLimit: MAX_COMPUTE_UNIT_LIMIT, microLamportsPerUnit: 0 },
): SignedBatch {
  const instruction = batchInstruction(signers, distribution, mint, entries);
  return signBatchMessage(signers, batchMessage(signers, instruction, blockhash, fees));
}
