import {
  AddressLookupTableAccount,
  MessageV0,
  PACKET_DATA_SIZE,
  PublicKey,
  Transaction,
  type TransactionInstruction,
  VersionedTransaction,
} from "@solana/web3.js";
import { batchClaimInstruction } from "./batch-claim.ts";

/** Agave locks at most this many accounts per transaction, counting those loaded from lookup tables. */
export const MAX_TRANSACTION_ACCOUNT_LOCKS = 64;

/** Agave runs at most this many instructions per transaction, top-level and CPIs together. */
export const MAX_INSTRUCTION_TRACE_LENGTH = 64;

/**
 * Trace entries one claim adds: the SPL Token Transfer CPI, and when it creates the recipient's associated
 * token account, the ATA program with its CPIs: GetAccountDataSize, InitializeImmutableOwner,
 * InitializeAccount3 and System CreateAccount; or, when someone already sent lamports to that public
 * address, System Transfer, Allocate and Assign instead. Counting that worst case keeps a griefer who
 * pre-funds a few claimants' addresses from making a full batch fail.
 */
const TRACE_PER_CLAIM = 1;
const TRACE_PER_CREATED_ACCOUNT = 7;

/** An address lookup table holds at most this many addresses. */
export const LOOKUP_TABLE_MAX_ADDRESSES = 256;

export interface BatchShape {
  /** Each claim creates its recipient's associated token account (adds the mint, ATA and system programs, and the owner). */
  createAccounts?: boolean;
  /** A fee payer other than the verifier adds a second signature and key. */
  separateFeePayer?: boolean;
  /** Instructions sent in the same transaction, e.g. a compute unit limit. */
  extraInstructions?: TransactionInstruction[];
}

export interface BatchCapacity {
  claims: number;
  /** What stops one more claim from fitting. */
  limitedBy: "transaction size" | "account locks" | "lookup table size" | "instruction trace";
}

/** Distinct placeholder keys: only their count and position matter for the size of a transaction. */
function placeholderKey(index: number): PublicKey {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setUint32(0, index + 1, true);
  bytes[31] = 0xa5;
  return new PublicKey(bytes);
}

const verifier = placeholderKey(0);
const feePayer = placeholderKey(1);
const distribution = placeholderKey(2);
const mint = placeholderKey(3);
const blockhash = placeholderKey(4).toBase58();

function batchInstructions(claimCount: number, shape: BatchShape): TransactionInstruction[] {
  const claims = Array.from({ length: claimCount }, (_, slot) =>
    shape.createAccounts ? { slot, owner: placeholderKey(1000 + slot) } : { slot, tokenAccount: placeholderKey(1000 + slot) },
  );
  const batch = batchClaimInstruction({
    verifier,
    feePayer: shape.separateFeePayer ? feePayer : verifier,
    distribution,
    mint,
    claims,
  });
  return [...(shape.extraInstructions ?? []), batch];
}

function payer(shape: BatchShape): PublicKey {
  return shape.separateFeePayer ? feePayer : verifier;
}

/** Serialized size of a legacy batch_claim transaction, signatures included. */
export function legacyBatchTransactionSize(claimCount: number, shape: BatchShape = {}): number {
  const transaction = new Transaction({ feePayer: payer(shape), recentBlockhash: blockhash }).add(
    ...batchInstructions(claimCount, shape),
  );
  const message = transaction.compileMessage();
  return 1 + 64 * message.header.numRequiredSignatures + message.serialize().length;
}

/** Every account except signers and invoked programs can come from the table; those must stay in the message. */
function lookupTableFor(instructions: TransactionInstruction[], shape: BatchShape): AddressLookupTableAccount {
  const invoked = new Set(instructions.map((instruction) => instruction.programId.toBase58()));
  const addresses = new Map<string, PublicKey>();
  for (const instruction of instructions) {
    for (const { pubkey, isSigner } of instruction.keys) {
      if (!isSigner && !invoked.has(pubkey.toBase58()) && !pubkey.equals(payer(shape))) addresses.set(pubkey.toBase58(), pubkey);
    }
  }
  return new AddressLookupTableAccount({
    key: placeholderKey(5),
    state: {
      deactivationSlot: BigInt("0xffffffffffffffff"),
      lastExtendedSlot: 0,
      lastExtendedSlotStartIndex: 0,
      authority: undefined,
      addresses: [...addresses.values()],
    },
  });
}

interface V0Measure {
  size: number;
  accountLocks: number;
  tableAddresses: number;
}

/** Size, locked accounts and table length of a v0 batch_claim transaction whose accounts come from one lookup table. */
export function v0BatchTransactionMeasure(claimCount: number, shape: BatchShape = {}): V0Measure {
  const instructions = batchInstructions(claimCount, shape);
  const table = lookupTableFor(instructions, shape);
  const message = MessageV0.compile({
    payerKey: payer(shape),
    instructions,
    recentBlockhash: blockhash,
    addressLookupTableAccounts: [table],
  });
  const loaded = message.addressTableLookups.reduce(
    (count, lookup) => count + lookup.writableIndexes.length + lookup.readonlyIndexes.length,
    0,
  );
  return {
    size: new VersionedTransaction(message).serialize().length,
    accountLocks: message.staticAccountKeys.length + loaded,
    tableAddresses: table.state.addresses.length,
  };
}

/** Instructions the runtime traces for a batch: the top-level ones plus every CPI the claims make. */
export function batchInstructionTraceLength(claimCount: number, shape: BatchShape = {}): number {
  const perClaim = TRACE_PER_CLAIM + (shape.createAccounts ? TRACE_PER_CREATED_ACCOUNT : 0);
  return (shape.extraInstructions?.length ?? 0) + 1 + claimCount * perClaim;
}

function largestFitting(fits: (claims: number) => BatchCapacity["limitedBy"] | undefined): BatchCapacity {
  let claims = 1;
  for (;;) {
    const limitedBy = fits(claims + 1);
    if (limitedBy) return { claims, limitedBy };
    claims++;
  }
}

/** The most claims one legacy transaction (1232 bytes, 64 traced instructions) carries. */
export function maxClaimsPerLegacyTransaction(shape: BatchShape = {}): BatchCapacity {
  return largestFitting((claims) => {
    if (legacyBatchTransactionSize(claims, shape) > PACKET_DATA_SIZE) return "transaction size";
    if (batchInstructionTraceLength(claims, shape) > MAX_INSTRUCTION_TRACE_LENGTH) return "instruction trace";
    return undefined;
  });
}

/**
 * The most claims one v0 transaction carries when its recipients are in an address lookup table. The
 * account lock limit (or, when creating accounts, the instruction trace), not the byte size, binds:
 * each claim costs only 5 bytes but one locked account.
 */
export function maxClaimsPerV0Transaction(shape: BatchShape = {}): BatchCapacity {
  return largestFitting((claims) => {
    const measure = v0BatchTransactionMeasure(claims, shape);
    if (measure.size > PACKET_DATA_SIZE) return "transaction size";
    if (measure.accountLocks > MAX_TRANSACTION_ACCOUNT_LOCKS) return "account locks";
    if (measure.tableAddresses > LOOKUP_TABLE_MAX_ADDRESSES) return "lookup table size";
    if (batchInstructionTraceLength(claims, shape) > MAX_INSTRUCTION_TRACE_LENGTH) return "instruction trace";
    return undefined;
  });
}
