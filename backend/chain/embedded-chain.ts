import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import {
  address,
  type EncodedAccount,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  lamports,
  type ReadonlyUint8Array,
  type Transaction,
  signature as toSignature,
} from "@solana/kit";
import bs58 from "bs58";
import { FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from "litesvm";
import { z } from "zod";
import { BLOCKHASH_VALIDITY_BLOCKS, ChainClock, SLOTS_PER_EPOCH } from "./chain-clock.ts";
import { type TransactionErrorJson, transactionErrorJson } from "./transaction-error.ts";
import { isWritableStaticAccount, readWireTransaction } from "./transaction-wire.ts";

/** Solana's default, which LiteSVM charges too. */
export const LAMPORTS_PER_SIGNATURE = 5000;
const DEFAULT_SLOT_MS = 400;
/** Statuses kept for getSignatureStatuses; far more than a blockhash window's worth of batches. */
export const DEFAULT_REMEMBERED_STATUSES = 50_000;
/** getRecentPrioritizationFees answers for this many recent slots, as a validator's cache does. */
export const PRIORITIZATION_FEE_SLOTS = 150;
const COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111";
const SET_COMPUTE_UNIT_PRICE = 3;

/**
 * A busy cluster, simulated: a transaction bidding less than `requiredMicroLamports` per compute
 * unit is not included (it never lands, as a leader with better-paying transactions drops it), and
 * every recent slot reports at least `reportedMicroLamports` (others' traffic) to getRecentPrioritizationFees.
 */
export interface Congestion {
  requiredMicroLamports: number;
  /** Defaults to the required price; lower models a fee spike the recent slots do not show yet. */
  reportedMicroLamports?: number;
}

/** One landed transaction's bid, for getRecentPrioritizationFees. */
interface LandedFee {
  slot: number;
  microLamports: number;
  writable: string[];
}

export interface ChainProgram {
  programId: string;
  /** Path of the program's .so file. */
  path: string;
}

export interface EmbeddedChainOptions {
  programs?: ChainProgram[];
  slotMs?: number;
  now?: () => number;
  /**
   * Where the chain keeps its state between runs (LiteSVM's snapshot plus a small JSON sidecar), so
   * the embedded chain survives a restart together with the PGlite data next to it. It is written by
   * saveSnapshot(): what happened after the last save is lost in a crash, which an embedded
   * development chain can afford (the batcher then re-sends from the bitmap); a cluster cannot.
   */
  snapshotPath?: string;
  /** Signature statuses kept in memory; the oldest is forgotten past this many. */
  rememberedStatuses?: number;
}

const snapshotSidecarSchema = z.object({
  genesisHash: z.string(),
  slot: z.number().int().nonnegative(),
  savedAtMs: z.number(),
  transactionCount: z.number().int().nonnegative(),
});

export interface ChainAccount {
  address: string;
  lamports: bigint;
  data: Uint8Array;
  owner: string;
  executable: boolean;
}

export interface LandedTransaction {
  signature: string;
  slot: number;
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: number;
}

/** What signature subscriptions need of a landed transaction: which, where, and whether it failed. */
export type LandedSummary = Pick<LandedTransaction, "signature" | "slot" | "err">;

export interface ExecutionReport {
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: number;
}

export interface SimulationReport extends ExecutionReport {
  accounts: Map<string, ChainAccount>;
}

function readSidecar(snapshotPath: string): z.output<typeof snapshotSidecarSchema> {
  return snapshotSidecarSchema.parse(JSON.parse(readFileSync(`${snapshotPath}.json`, "utf8")));
}

/** The transaction bytes could not be read as a Solana transaction. */
export class MalformedTransactionError extends Error {}

/** Preflight refused the transaction, as a validator does before anything is charged. */
export class PreflightFailure extends Error {
  constructor(readonly report: ExecutionReport) {
    super(`Transaction simulation failed: ${typeof report.err === "string" ? report.err : JSON.stringify(report.err)}`);
  }
}

export class SignatureVerificationFailure extends Error {
  constructor() {
    super("Transaction signature verification failure");
  }
}

function toChainAccount(account: EncodedAccount): ChainAccount {
  return {
    address: account.address,
    lamports: account.lamports,
    // LiteSVM hands over a fresh copy, so nothing else holds this array.
    data: account.data as Uint8Array,
    owner: account.programAddress,
    executable: account.executable,
  };
}

interface DecodedTransaction {
  transaction: Transaction;
  signature: string;
  blockhash: string;
  /** SetComputeUnitPrice's micro-lamports per unit, 0 without one. */
  priorityMicroLamports: number;
  writableAccounts: string[];
}

const COMPUTE_BUDGET_PROGRAM_BYTES = Buffer.from(bs58.decode(COMPUTE_BUDGET_PROGRAM));

/** SetComputeUnitPrice's micro-lamports per unit among a transaction's instructions, 0 without one. */
function priorityPrice(instructions: { computeBudget: boolean; data?: ReadonlyUint8Array }[]): number {
  const price = instructions.find(
    ({ computeBudget, data }) => computeBudget && data?.[0] === SET_COMPUTE_UNIT_PRICE && data.length >= 9,
  )?.data;
  return price ? Number(new DataView(price.buffer, price.byteOffset + 1, 8).getBigUint64(0, true)) : 0;
}

/** A legacy or version 0 transaction (every one the backend sends), read from the wire (transaction-wire.ts). */
function decodeFromWire(bytes: Uint8Array): DecodedTransaction | undefined {
  const wire = readWireTransaction(bytes);
  if (!wire) return undefined;
  const signatures: Record<string, Uint8Array | null> = {};
  for (const [index, signer] of wire.signers.entries()) {
    const signature = wire.signatures[index] as Uint8Array;
    // As @solana/kit decodes them: an all-zero signature is a missing one.
    signatures[bs58.encode(signer)] = signature.some((byte) => byte !== 0) ? signature : null;
  }
  return {
    transaction: { messageBytes: wire.messageBytes, signatures: Object.freeze(signatures) } as unknown as Transaction,
    signature: bs58.encode(wire.signatures[0] ?? new Uint8Array(64)),
    blockhash: bs58.encode(wire.blockhash),
    priorityMicroLamports: priorityPrice(
      wire.instructions.map(({ program, data }) => ({
        computeBudget: !!program && COMPUTE_BUDGET_PROGRAM_BYTES.equals(program),
        data,
      })),
    ),
    writableAccounts: wire.writableAccounts.map((account) => bs58.encode(account)),
  };
}

/** Any other shape @solana/kit reads (a version 1 message is read as bidding nothing). */
function decodeWithKit(bytes: Uint8Array): DecodedTransaction {
  const transaction = getTransactionDecoder().decode(bytes);
  const message = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
  const firstSignature = Object.values(transaction.signatures)[0];
  const { header, staticAccounts } = message;
  const counts = {
    staticAccounts: staticAccounts.length,
    requiredSignatures: header.numSignerAccounts,
    readonlySigned: header.numReadonlySignerAccounts,
    readonlyUnsigned: header.numReadonlyNonSignerAccounts,
  };
  const instructions = "instructions" in message ? message.instructions : [];
  return {
    transaction,
    signature: bs58.encode(firstSignature ?? new Uint8Array(64)),
    blockhash: message.lifetimeToken,
    priorityMicroLamports: priorityPrice(
      instructions.map((instruction) => ({
        computeBudget: staticAccounts[instruction.programAddressIndex] === COMPUTE_BUDGET_PROGRAM,
        data: instruction.data,
      })),
    ),
    writableAccounts: staticAccounts.filter((_, index) => isWritableStaticAccount(index, counts)),
  };
}

/**
 * A single-node Solana chain inside this process: LiteSVM executes the transactions (the real
 * runtime, with our program and SPL Token/ATA deployed), while this class adds what a cluster has
 * and LiteSVM has not: slots that advance with time, blockhashes that expire after 150 blocks,
 * and signature statuses. There are no forks, so a processed transaction is final.
 */
export class EmbeddedChain extends EventEmitter<{ landed: [LandedTransaction] }> {
  readonly genesisHash: string;
  private readonly svm: LiteSVM;
  private readonly clock: ChainClock;
  private readonly statuses = new Map<string, LandedTransaction>();
  private syncedSlot = -1;
  private syncedUnixTimestamp = -1;
  private transactionCount = 0;
  private savedTransactionCount = 0;
  private readonly snapshotPath: string | undefined;
  private readonly rememberedStatuses: number;
  private congestion: Congestion | undefined;
  private readonly landedFees: LandedFee[] = [];

  constructor(options: EmbeddedChainOptions = {}) {
    super();
    const slotMs = options.slotMs ?? DEFAULT_SLOT_MS;
    const now = options.now ?? Date.now;
    this.snapshotPath = options.snapshotPath;
    this.rememberedStatuses = options.rememberedStatuses ?? DEFAULT_REMEMBERED_STATUSES;
    const saved = options.snapshotPath && existsSync(options.snapshotPath) ? readSidecar(options.snapshotPath) : undefined;
    // LiteSVM checks only its single "latest" blockhash; this class checks the 150-block window instead.
    this.svm = (saved && options.snapshotPath ? LiteSVM.loadFromFile(options.snapshotPath) : new LiteSVM())
      .withBlockhashCheck(false)
      .withTransactionHistory(100_000n);
    // Programs are (re)deployed from their files, so a rebuilt program replaces the saved one.
    for (const program of options.programs ?? []) this.svm.addProgramFromFile(address(program.programId), program.path);
    const genesis = saved ? bs58.decode(saved.genesisHash) : randomBytes(32);
    this.genesisHash = bs58.encode(genesis);
    // A restarted chain continues where time has got to, so slots and blockhashes never go backwards.
    const firstSlot = saved
      ? saved.slot + Math.max(1, Math.floor((now() - saved.savedAtMs) / slotMs))
      : Number(this.svm.getClock().slot);
    this.transactionCount = saved?.transactionCount ?? 0;
    this.savedTransactionCount = this.transactionCount;
    this.clock = new ChainClock(genesis, firstSlot, slotMs, now);
    this.syncClock();
  }

  /** Writes the state to snapshotPath (atomically: a crash mid-write leaves the previous snapshot). */
  saveSnapshot(): boolean {
    if (!this.snapshotPath || this.transactionCount === this.savedTransactionCount) return false;
    const slot = this.syncClock();
    this.svm.saveToFile(`${this.snapshotPath}.tmp`);
    const sidecar = { genesisHash: this.genesisHash, slot, savedAtMs: Date.now(), transactionCount: this.transactionCount };
    writeFileSync(`${this.snapshotPath}.json.tmp`, JSON.stringify(sidecar));
    renameSync(`${this.snapshotPath}.tmp`, this.snapshotPath);
    renameSync(`${this.snapshotPath}.json.tmp`, `${this.snapshotPath}.json`);
    this.savedTransactionCount = this.transactionCount;
    return true;
  }

  slot(): number {
    return this.syncClock();
  }

  blockHeight(): number {
    return this.syncClock();
  }

  epochInfo() {
    const slot = this.syncClock();
    return {
      absoluteSlot: slot,
      blockHeight: slot,
      epoch: Math.floor(slot / SLOTS_PER_EPOCH),
      slotIndex: slot % SLOTS_PER_EPOCH,
      slotsInEpoch: SLOTS_PER_EPOCH,
      transactionCount: this.transactionCount,
    };
  }

  unixTimestamp(): number {
    this.syncClock();
    return this.syncedUnixTimestamp;
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    const slot = this.syncClock();
    return { blockhash: this.clock.blockhashForSlot(slot), lastValidBlockHeight: slot + BLOCKHASH_VALIDITY_BLOCKS };
  }

  isBlockhashValid(blockhash: string): boolean {
    this.syncClock();
    return this.clock.isBlockhashValid(blockhash);
  }

  /** Development and tests only: moves time and slots forward, e.g. to end a distribution or expire blockhashes. */
  warp(milliseconds: number): void {
    this.clock.warp(milliseconds);
    this.syncClock();
  }

  /** Tests and development only: makes the chain a busy cluster (see Congestion), or calm again with undefined. */
  congest(congestion: Congestion | undefined): void {
    this.congestion = congestion;
  }

  /**
   * What getRecentPrioritizationFees answers: for each of the last 150 slots, the lowest price of a
   * landed transaction that wrote one of `accounts` (any transaction when none are named), 0 when
   * none did, and never less than what a congestion reports.
   */
  recentPrioritizationFees(accounts: string[]): { slot: number; prioritizationFee: number }[] {
    const slot = this.syncClock();
    const wanted = new Set(accounts);
    const lowest = new Map<number, number>();
    for (const fee of this.landedFees) {
      if (fee.slot <= slot - PRIORITIZATION_FEE_SLOTS) continue;
      if (wanted.size && !fee.writable.some((account) => wanted.has(account))) continue;
      lowest.set(fee.slot, Math.min(lowest.get(fee.slot) ?? Number.POSITIVE_INFINITY, fee.microLamports));
    }
    const reported = this.congestion ? (this.congestion.reportedMicroLamports ?? this.congestion.requiredMicroLamports) : 0;
    const first = Math.max(0, slot - PRIORITIZATION_FEE_SLOTS + 1);
    return Array.from({ length: slot - first + 1 }, (_, offset) => ({
      slot: first + offset,
      prioritizationFee: Math.max(reported, lowest.get(first + offset) ?? 0),
    }));
  }

  /**
   * Sends like a validator's sendTransaction: with preflight, a failing transaction is refused and
   * nothing is charged; without it, a transaction the runtime would execute lands (fee charged, error
   * recorded), and one it would drop (expired blockhash, bad signature, duplicate) silently never lands.
   */
  send(bytes: Uint8Array, options: { skipPreflight?: boolean } = {}): string {
    const decoded = this.decode(bytes);
    this.syncClock();
    const blockhashValid = this.clock.isBlockhashValid(decoded.blockhash);
    if (!options.skipPreflight) {
      if (!blockhashValid) throw new PreflightFailure({ err: "BlockhashNotFound", logs: [], unitsConsumed: 0 });
      const preflight = this.execute(decoded, "simulate");
      if (preflight.err !== null) throw new PreflightFailure(preflight);
    }
    if (!blockhashValid) return decoded.signature;
    // Outbid on a busy cluster: the node took it, no leader includes it, and its blockhash will expire.
    if (this.congestion && decoded.priorityMicroLamports < this.congestion.requiredMicroLamports) return decoded.signature;
    const result = this.runSigned(() => this.svm.sendTransaction(decoded.transaction));
    // A failure that left no trace in the runtime's history (a duplicate, a bad signature) never landed.
    const landed =
      !(result instanceof FailedTransactionMetadata) ||
      (!this.statuses.has(decoded.signature) && this.svm.getTransaction(toSignature(decoded.signature)) !== null);
    if (landed) {
      this.record(decoded.signature, result);
      this.rememberFee(decoded);
    }
    return decoded.signature;
  }

  simulate(
    bytes: Uint8Array,
    options: { sigVerify?: boolean; replaceRecentBlockhash?: boolean; accounts?: string[] } = {},
  ): SimulationReport {
    const decoded = this.decode(bytes);
    this.syncClock();
    if (!options.replaceRecentBlockhash && !this.clock.isBlockhashValid(decoded.blockhash)) {
      return { err: "BlockhashNotFound", logs: [], unitsConsumed: 0, accounts: new Map() };
    }
    return this.execute(decoded, options.sigVerify ? "simulate" : "simulate-unsigned", options.accounts ?? []);
  }

  status(signature: string): LandedTransaction | undefined {
    return this.statuses.get(signature);
  }

  account(key: string): ChainAccount | null {
    this.syncClock();
    const account = this.svm.getAccount(address(key));
    if (!account.exists) return null;
    return toChainAccount(account);
  }

  accountsOwnedBy(programId: string): ChainAccount[] {
    return this.svm.getProgramAccounts(address(programId)).map(toChainAccount);
  }

  balance(key: string): bigint {
    return this.svm.getBalance(address(key)) ?? 0n;
  }

  minimumBalanceForRentExemption(dataLength: number): bigint {
    return this.svm.minimumBalanceForRentExemption(BigInt(dataLength));
  }

  feeForMessage(messageBytes: Uint8Array): number | null {
    let message: ReturnType<ReturnType<typeof getCompiledTransactionMessageDecoder>["decode"]>;
    try {
      message = getCompiledTransactionMessageDecoder().decode(messageBytes);
    } catch {
      throw new MalformedTransactionError("the message could not be decoded");
    }
    if (!this.isBlockhashValid(message.lifetimeToken)) return null;
    return message.header.numSignerAccounts * LAMPORTS_PER_SIGNATURE;
  }

  airdrop(key: string, amount: bigint): string {
    this.syncClock();
    const result = this.svm.airdrop(address(key), lamports(amount));
    if (result === null) throw new Error("the airdrop produced no transaction");
    const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
    const signature = bs58.encode(meta.signature());
    this.record(signature, result);
    if (result instanceof FailedTransactionMetadata)
      throw new Error(`the airdrop failed: ${JSON.stringify(transactionErrorJson(result))}`);
    return signature;
  }

  private record(signature: string, result: TransactionMetadata | FailedTransactionMetadata): void {
    const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
    const landed: LandedTransaction = {
      signature,
      slot: this.syncedSlot,
      err: result instanceof FailedTransactionMetadata ? transactionErrorJson(result) : null,
      logs: meta.logs(),
      unitsConsumed: Number(meta.computeUnitsConsumed()),
    };
    this.statuses.set(signature, landed);
    if (this.statuses.size > this.rememberedStatuses) {
      const oldest = this.statuses.keys().next().value;
      if (oldest !== undefined) this.statuses.delete(oldest);
    }
    this.transactionCount += 1;
    this.emit("landed", landed);
  }

  private rememberFee(decoded: DecodedTransaction): void {
    this.landedFees.push({
      slot: this.syncedSlot,
      microLamports: decoded.priorityMicroLamports,
      writable: decoded.writableAccounts,
    });
    const oldest = this.syncedSlot - PRIORITIZATION_FEE_SLOTS;
    let expired = 0;
    while (expired < this.landedFees.length && (this.landedFees[expired] as LandedFee).slot <= oldest) expired++;
    if (expired) this.landedFees.splice(0, expired);
  }

  private execute(
    decoded: DecodedTransaction,
    mode: "simulate" | "simulate-unsigned",
    accounts: string[] = [],
  ): SimulationReport {
    const run = () => this.svm.simulateTransaction(decoded.transaction);
    const result = mode === "simulate" ? this.runSigned(run) : this.runUnsigned(run);
    if (result instanceof FailedTransactionMetadata) {
      const meta = result.meta();
      return {
        err: transactionErrorJson(result),
        logs: meta.logs(),
        unitsConsumed: Number(meta.computeUnitsConsumed()),
        accounts: new Map(),
      };
    }
    const wanted = new Set(accounts);
    const post = new Map<string, ChainAccount>();
    for (const account of result.postAccounts()) {
      if (!wanted.has(account.address)) continue;
      post.set(account.address, toChainAccount(account));
    }
    const meta = result.meta();
    return { err: null, logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()), accounts: post };
  }

  /** LiteSVM's wrapper throws on a missing signature; a validator answers with a verification failure. */
  private runSigned<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof Error && /signature/i.test(error.message)) throw new SignatureVerificationFailure();
      throw error;
    }
  }

  private runUnsigned<T>(run: () => T): T {
    this.svm.withSigverify(false);
    try {
      return run();
    } finally {
      this.svm.withSigverify(true);
    }
  }

  private decode(bytes: Uint8Array): DecodedTransaction {
    try {
      return decodeFromWire(bytes) ?? decodeWithKit(bytes);
    } catch {
      throw new MalformedTransactionError("failed to deserialize the transaction");
    }
  }

  /** Brings LiteSVM's Clock sysvar up to the wall-clock slot and time; returns the slot. */
  private syncClock(): number {
    const slot = this.clock.slot();
    const unixTimestamp = this.clock.unixTimestamp();
    if (slot === this.syncedSlot && unixTimestamp === this.syncedUnixTimestamp) return slot;
    if (slot !== this.syncedSlot) this.svm.warpToSlot(BigInt(slot));
    const clock = this.svm.getClock();
    clock.unixTimestamp = BigInt(unixTimestamp);
    clock.epoch = BigInt(Math.floor(slot / SLOTS_PER_EPOCH));
    this.svm.setClock(clock);
    this.syncedSlot = slot;
    this.syncedUnixTimestamp = unixTimestamp;
    return slot;
  }
}
