import { address, getTransactionDecoder, lamports as toLamports } from "@solana/kit";
import {
  ACCOUNT_SIZE,
  createAssociatedTokenAccountInstruction,
  createInitializeAccount3Instruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  createThawAccountInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import {
  Keypair,
  type PublicKey,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
  type VersionedTransaction,
} from "@solana/web3.js";
import { FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from "litesvm";
import { transactionErrorJson } from "../../../../backend/chain/transaction-error.ts";
import { distributionErrorByCode } from "../../../../shared/program/errors.ts";
import { customErrorCode } from "../../../../shared/program/explain-error.ts";

export type SendResult = TransactionMetadata | FailedTransactionMetadata;

/** LiteSVM charges the standard 5,000 lamports per signature. */
export const FEE_PER_SIGNATURE = 5_000n;

const transactionDecoder = getTransactionDecoder();
/** A token account's state byte, and the value that means frozen. */
const ACCOUNT_STATE = 108;
const FROZEN = 2;

export function toAddress(key: PublicKey) {
  return address(key.toBase58());
}

/** The custom error code of the failing instruction, or undefined when the failure is not a custom error. */
export function customErrorOf(result: SendResult): number | undefined {
  return result instanceof FailedTransactionMetadata ? customErrorCode(transactionErrorJson(result)) : undefined;
}

/**
 * Names the outcome the way a test expects it: "ok", a program error name, or the runtime's own error
 * (read through the backend's translation of LiteSVM errors into the validator's JSON).
 */
export function outcomeOf(result: SendResult): string {
  if (!(result instanceof FailedTransactionMetadata)) return "ok";
  const code = customErrorOf(result);
  if (code !== undefined) return distributionErrorByCode(code)?.name ?? `custom error ${code}`;
  const json = transactionErrorJson(result);
  if (typeof json === "string") return json;
  const [, instructionError] = Array.isArray(json.InstructionError) ? json.InstructionError : [];
  return typeof instructionError === "string" ? instructionError : JSON.stringify(json);
}

export function logsOf(result: SendResult): string {
  return (result instanceof FailedTransactionMetadata ? result.meta() : result).logs().join("\n");
}

/**
 * A LiteSVM with the SPL programs, plus the few chores every test repeats: sending web3.js transactions,
 * making mints and token accounts through the real SPL Token instructions, and moving the clock.
 */
export class Testbed {
  // History off: the same batch sent twice must execute twice, as a retry on a real cluster would.
  readonly svm = new LiteSVM().withTransactionHistory(0n);
  readonly payer = Keypair.generate();
  /** The token program of each mint made here: SPL Token unless made as a Token-2022 mint. */
  private readonly mintPrograms = new Map<string, PublicKey>();

  constructor() {
    this.airdrop(this.payer.publicKey, 1_000_000_000_000n);
  }

  airdrop(key: PublicKey, lamports: bigint): void {
    const result = this.svm.airdrop(toAddress(key), toLamports(lamports));
    if (result instanceof FailedTransactionMetadata) throw new Error(`airdrop failed: ${result.toString()}`);
  }

  /** Signs with the fee payer (first signer) and the others, and sends through LiteSVM. */
  send(instructions: TransactionInstruction[], signers: Keypair[] = [this.payer]): SendResult {
    const [feePayer] = signers;
    if (!feePayer) throw new Error("send needs at least the fee payer");
    const transaction = new Transaction({ feePayer: feePayer.publicKey, recentBlockhash: this.svm.latestBlockhash() }).add(
      ...instructions,
    );
    transaction.sign(...signers);
    return this.sendBytes(transaction.serialize());
  }

  sendVersioned(transaction: VersionedTransaction): SendResult {
    return this.sendBytes(transaction.serialize());
  }

  sendBytes(bytes: Uint8Array): SendResult {
    return this.svm.sendTransaction(transactionDecoder.decode(bytes));
  }

  /** Sends and throws with the logs when the transaction fails: for setup steps that must succeed. */
  sendOk(instructions: TransactionInstruction[], signers: Keypair[] = [this.payer]): TransactionMetadata {
    const result = this.send(instructions, signers);
    if (result instanceof FailedTransactionMetadata) {
      throw new Error(`transaction failed: ${outcomeOf(result)}\n${logsOf(result)}`);
    }
    return result;
  }

  rentExempt(size: number): bigint {
    return this.svm.minimumBalanceForRentExemption(BigInt(size));
  }

  accountData(key: PublicKey): Uint8Array | undefined {
    const account = this.svm.getAccount(toAddress(key));
    return account.exists ? account.data : undefined;
  }

  /** Writes an account directly: how tests forge the substitutes an attacker would pass in. */
  forgeAccount(key: PublicKey, owner: PublicKey, data: Uint8Array): void {
    this.svm.setAccount({
      address: toAddress(key),
      data,
      executable: false,
      lamports: toLamports(this.rentExempt(data.length)),
      programAddress: toAddress(owner),
      space: BigInt(data.length),
    });
  }

  lamports(key: PublicKey): bigint {
    return this.svm.getBalance(toAddress(key)) ?? 0n;
  }

  tokenProgramOf(mint: PublicKey): PublicKey {
    return this.mintPrograms.get(mint.toBase58()) ?? TOKEN_PROGRAM_ID;
  }

  /** Records a mint made elsewhere (see token-2022.ts) so token accounts of it use its program. */
  registerMint(mint: PublicKey, tokenProgram: PublicKey): void {
    this.mintPrograms.set(mint.toBase58(), tokenProgram);
  }

  createMint(authority: PublicKey = this.payer.publicKey, decimals = 6): PublicKey {
    const mint = Keypair.generate();
    this.registerMint(mint.publicKey, TOKEN_PROGRAM_ID);
    this.sendOk(
      [
        SystemProgram.createAccount({
          fromPubkey: this.payer.publicKey,
          newAccountPubkey: mint.publicKey,
          lamports: Number(this.rentExempt(MINT_SIZE)),
          space: MINT_SIZE,
          programId: TOKEN_PROGRAM_ID,
        }),
        createInitializeMint2Instruction(mint.publicKey, decimals, authority, null),
      ],
      [this.payer, mint],
    );
    return mint.publicKey;
  }

  createAssociatedTokenAccount(owner: PublicKey, mint: PublicKey): PublicKey {
    const tokenProgram = this.tokenProgramOf(mint);
    const account = getAssociatedTokenAddressSync(mint, owner, true, tokenProgram);
    this.sendOk([createAssociatedTokenAccountInstruction(this.payer.publicKey, account, owner, mint, tokenProgram)]);
    // A mint whose accounts start frozen: the payer, its freeze authority, thaws this one as an issuer would.
    if (this.accountData(account)?.[ACCOUNT_STATE] === FROZEN) {
      this.sendOk([createThawAccountInstruction(account, mint, this.payer.publicKey, [], tokenProgram)]);
    }
    return account;
  }

  /** A token account at a fresh keypair address, for owners who already hold an associated one. */
  createTokenAccount(owner: PublicKey, mint: PublicKey): PublicKey {
    const account = Keypair.generate();
    this.sendOk(
      [
        SystemProgram.createAccount({
          fromPubkey: this.payer.publicKey,
          newAccountPubkey: account.publicKey,
          lamports: Number(this.rentExempt(ACCOUNT_SIZE)),
          space: ACCOUNT_SIZE,
          programId: this.tokenProgramOf(mint),
        }),
        createInitializeAccount3Instruction(account.publicKey, mint, owner, this.tokenProgramOf(mint)),
      ],
      [this.payer, account],
    );
    return account.publicKey;
  }

  /** The payer is every test mint's authority. */
  mintTo(mint: PublicKey, account: PublicKey, amount: bigint): void {
    this.sendOk([createMintToInstruction(mint, account, this.payer.publicKey, amount, [], this.tokenProgramOf(mint))]);
  }

  /** Token balance, or undefined when the account does not exist (closed or never created). */
  tokenBalance(account: PublicKey): bigint | undefined {
    const data = this.accountData(account);
    if (!data || data.length < 72) return undefined;
    return new DataView(data.buffer, data.byteOffset).getBigUint64(64, true);
  }

  /**
   * Every token account of a mint with its balance, in either token program: what "no tokens moved"
   * compares. A Token-2022 account may be longer than 165 bytes, with account type 2 at byte 165.
   */
  tokenBalancesOfMint(mint: PublicKey): Map<string, bigint> {
    const balances = new Map<string, bigint>();
    const mintBytes = mint.toBytes();
    for (const program of [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]) {
      for (const account of this.svm.getProgramAccounts(toAddress(program))) {
        const data = account.data;
        const isTokenAccount = data.length === ACCOUNT_SIZE || (data.length > ACCOUNT_SIZE && data[ACCOUNT_SIZE] === 2);
        if (!isTokenAccount || !mintBytes.every((byte, index) => data[index] === byte)) continue;
        balances.set(account.address, new DataView(data.buffer, data.byteOffset).getBigUint64(64, true));
      }
    }
    return balances;
  }

  now(): bigint {
    return this.svm.getClock().unixTimestamp;
  }

  setTime(unixTimestamp: bigint): void {
    const clock = this.svm.getClock();
    clock.unixTimestamp = unixTimestamp;
    this.svm.setClock(clock);
  }

  /** Moves the slot on, e.g. so a freshly deployed program or extended lookup table becomes usable. */
  nextSlot(): void {
    this.svm.warpToSlot(this.svm.getClock().slot + 1n);
  }
}
