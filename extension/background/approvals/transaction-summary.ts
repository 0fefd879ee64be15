import { VersionedTransaction } from "@solana/web3.js";
import { fromBase64 } from "../../messaging/base64.ts";
import { formatSol } from "../../messaging/format.ts";
import type { InstructionSummary } from "../../messaging/shapes.ts";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "../chain/program-ids.ts";
import {
  type DecodeContext,
  type DecodedInstruction,
  decodeInstruction,
  type ResolvedInstruction,
  tokenText,
} from "./instruction-decoders.ts";

export const LAMPORTS_PER_SIGNATURE = 5_000n;

export interface TransactionSummary {
  instructions: InstructionSummary[];
  feeLamports: bigint;
  warnings: string[];
  /** The summary line: everything that leaves the signer's wallet, SOL (fees, rent, transfers) and tokens. */
  leaves: string[];
  /** What comes back to the signer, now or later (rent and unused fee budget when a giveaway is closed). */
  comesBack: string[];
  /** Mints the instructions move, so the caller can look up their decimals. */
  mints: string[];
  /** The one-sentence total when the transaction creates a giveaway (the create dialog's words). */
  headline?: string;
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
    // Burn carries no decimals; TransferChecked's mint also gives the token's name (either program).
    const tokenProgram = ix.programId === TOKEN_PROGRAM || ix.programId === TOKEN_2022_PROGRAM;
    if (tokenProgram && (ix.data[0] === 8 || ix.data[0] === 12) && ix.accounts[1]) mints.add(ix.accounts[1]);
  }
  return [...mints];
}

/**
 * Adds up what the instructions take from the signer's wallet, as Phantom's summary does: one line
 * for SOL (the network fee when the signer pays it, rent, transfers, fee budgets, with the parts
 * named) and one per token.
 */
function walletTotals(
  decoded: DecodedInstruction[],
  networkFeeLamports: bigint,
  knownTokens: DecodeContext["tokens"],
): { leaves: string[]; comesBack: string[] } {
  const solByReason = new Map<string, bigint>();
  if (networkFeeLamports > 0n) solByReason.set("network fee", networkFeeLamports);
  const tokens = new Map<string, { raw: bigint; mint: string | undefined; decimals: number | undefined }>();
  for (const flows of decoded.map((ix) => ix.flows ?? {})) {
    for (const { lamports, reason } of flows.solOut ?? []) solByReason.set(reason, (solByReason.get(reason) ?? 0n) + lamports);
    for (const { raw, mint, decimals } of flows.tokensOut ?? []) {
      const key = `${mint ?? "unnamed"}/${decimals ?? "raw"}`;
      const total = tokens.get(key) ?? { raw: 0n, mint, decimals };
      tokens.set(key, { ...total, raw: total.raw + raw });
    }
  }
  const solTotal = [...solByReason.values()].reduce((sum, lamports) => sum + lamports, 0n);
  const parts = [...solByReason].map(([reason, lamports]) => `${reason} ${formatSol(lamports)}`);
  return {
    leaves: [
      ...(solTotal > 0n ? [`${formatSol(solTotal)} (${parts.join(", ")})`] : []),
      ...[...tokens.values()].map(({ raw, mint, decimals }) => tokenText(raw, mint, decimals, knownTokens)),
    ],
    comesBack: decoded.flatMap((ix) => ix.flows?.comesBack ?? []),
  };
}

function headlineOf(decoded: DecodedInstruction[]): { headline?: string } {
  const headline = decoded.find((ix) => ix.headline)?.headline;
  return headline ? { headline } : {};
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
  const feeLamports = signatures * LAMPORTS_PER_SIGNATURE + priorityFee;
  return {
    instructions: decoded.map(({ program, programId, action, details }) => ({ program, programId, action, details })),
    feeLamports,
    warnings: [...warnings, ...decoded.flatMap((ix) => ix.warnings)],
    ...walletTotals(decoded, feePayer === context.signer ? feeLamports : 0n, context.tokens),
    mints: mintsOf(transaction, context.distributionProgramId),
    ...headlineOf(decoded),
  };
}
