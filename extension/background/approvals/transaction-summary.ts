import { VersionedTransaction } from "@solana/web3.js";
import { fromBase64 } from "../../messaging/base64.ts";
import type { InstructionSummary } from "../../messaging/shapes.ts";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "../chain/program-ids.ts";
import { type DecodeContext, decodeInstruction, type ResolvedInstruction } from "./instruction-decoders.ts";

export const LAMPORTS_PER_SIGNATURE = 5_000n;

export interface TransactionSummary {
  instructions: InstructionSummary[];
  feeLamports: bigint;
  warnings: string[];
  /** Mints the instructions move, so the caller can look up their decimals and symbols. */
  mints: string[];
}

export function decodeTransaction(base64: string): VersionedTransaction {
  return VersionedTransaction.deserialize(fromBase64(base64));
}

function resolveInstructions(transaction: VersionedTransaction): { instructions: ResolvedInstruction[]; warnings: string[] } {
  const message = transaction.message;
  const keys = message.staticAccountKeys.map((key) => key.toBase58());
  const warnings: string[] = [];
  if (message.addressTableLookups.length > 0) {
    warnings.push("the transaction loads accounts from address lookup tables; those accounts are shown by index");
  }
  const instructions = message.compiledInstructions.map((compiled) => ({
    programId: keys[compiled.programIdIndex] ?? `lookup #${compiled.programIdIndex}`,
    accounts: compiled.accountKeyIndexes.map((index) => keys[index] ?? `lookup #${index}`),
    data: compiled.data,
  }));
  return { instructions, warnings };
}

/** The mints a transaction touches, in the positions our decoders read them from. */
export function mintsOf(transaction: VersionedTransaction, distributionProgramId: string): string[] {
  const { instructions } = resolveInstructions(transaction);
  const mints = new Set<string>();
  for (const ix of instructions) {
    if (ix.programId === distributionProgramId && ix.accounts[3]) mints.add(ix.accounts[3]);
    const tokenProgram = ix.programId === TOKEN_PROGRAM || ix.programId === TOKEN_2022_PROGRAM;
    if (tokenProgram && ix.data[0] === 12 && ix.accounts[1]) mints.add(ix.accounts[1]);
  }
  return [...mints];
}

/**
 * What the approval window shows: each instruction in words, the fee the signer pays (5,000
 * lamports per signature plus any priority fee), and warnings for anything unusual: unknown
 * programs, token approvals, a fee payer that is not the signer.
 */
export function summarizeTransaction(transaction: VersionedTransaction, context: DecodeContext): TransactionSummary {
  const { instructions, warnings } = resolveInstructions(transaction);
  const decoded = instructions.map((ix) => decodeInstruction(ix, context));
  const signatures = BigInt(transaction.message.header.numRequiredSignatures);
  const limit = decoded.find((ix) => ix.computeUnitLimit !== undefined)?.computeUnitLimit ?? 200_000 * instructions.length;
  const price = decoded.find((ix) => ix.computeUnitPrice !== undefined)?.computeUnitPrice ?? 0n;
  const priorityFee = (price * BigInt(limit) + 999_999n) / 1_000_000n;
  const feePayer = transaction.message.staticAccountKeys[0]?.toBase58();
  if (feePayer !== context.signer) warnings.push(`the fee payer is ${feePayer}, not your wallet`);
  if (decoded.length === 0) warnings.push("the transaction has no instructions");
  return {
    instructions: decoded.map(({ program, programId, action, details }) => ({ program, programId, action, details })),
    feeLamports: signatures * LAMPORTS_PER_SIGNATURE + priorityFee,
    warnings: [...warnings, ...decoded.flatMap((ix) => ix.warnings)],
    mints: mintsOf(transaction, context.distributionProgramId),
  };
}
