import { VersionedTransaction } from "@solana/web3.js";
import { LAMPORTS_PER_SIGNATURE } from "../../../shared/fee-budget.ts";
import { creationTotalText } from "../../features/create-cost.ts";
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
  /**
   * The one-sentence total, from every instruction, when the transaction creates a giveaway: in the
   * create dialog's words when nothing else in it takes from the wallet.
   */
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
    // Burn carries no decimals; TransferChecked's and ApproveChecked's mint also gives the token's name (either program).
    const tokenProgram = ix.programId === TOKEN_PROGRAM || ix.programId === TOKEN_2022_PROGRAM;
    if (tokenProgram && [8, 12, 13].includes(ix.data[0] ?? -1) && ix.accounts[1]) mints.add(ix.accounts[1]);
  }
  return [...mints];
}

interface WalletTotals {
  leaves: string[];
  comesBack: string[];
  /** Every lamport that leaves, the network fee included when the signer pays it. */
  solLamports: bigint;
  /** One line per token that leaves now. */
  tokens: string[];
  /** One line per allowance or account someone else can take from later. */
  atRisk: string[];
}

/**
 * Adds up what the instructions take from the signer's wallet, as Phantom's summary does: one line
 * for SOL (the network fee when the signer pays it, rent, transfers, fee budgets, with the parts
 * named), one per token, and one per allowance or account someone else can take from later.
 */
function walletTotals(
  decoded: DecodedInstruction[],
  networkFeeLamports: bigint,
  knownTokens: DecodeContext["tokens"],
): WalletTotals {
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
  const tokenLines = [...tokens.values()].map(({ raw, mint, decimals }) => tokenText(raw, mint, decimals, knownTokens));
  const atRisk = decoded.flatMap((ix) => ix.flows?.atRisk ?? []);
  return {
    leaves: [...(solTotal > 0n ? [`${formatSol(solTotal)} (${parts.join(", ")})`] : []), ...tokenLines, ...atRisk],
    comesBack: decoded.flatMap((ix) => ix.flows?.comesBack ?? []),
    solLamports: solTotal,
    tokens: tokenLines,
    atRisk,
  };
}

/**
 * The bold sentence above the list, for a giveaway's creation. It states the transaction's real
 * totals, from every instruction, never the creation's alone: a site could otherwise add a transfer
 * beside the creation and the sentence would hide it. The create dialog's words (with what comes
 * back on close) only when all else is a harmless companion; otherwise the totals, and a first
 * warning naming everything else the transaction does.
 */
function headlineOf(decoded: DecodedInstruction[], totals: WalletTotals): { headline?: string; warnings: string[] } {
  const creation = decoded.findIndex((ix) => ix.giveaway);
  const giveaway = decoded[creation]?.giveaway;
  if (!giveaway) return { warnings: [] };
  const others = decoded.filter((ix, index) => index !== creation && !ix.companion);
  if (others.length === 0) {
    return { headline: creationTotalText({ ...giveaway.cost, totalLamports: totals.solLamports }, giveaway.token), warnings: [] };
  }
  const later = totals.atRisk.length > 0 ? ", and others can take more later" : "";
  return {
    headline: `You send ${[...totals.tokens, formatSol(totals.solLamports)].join(" and ")} in all, more than creating the giveaway takes${later}`,
    warnings: [
      `this transaction does more than create the giveaway: ${others.map((ix) => ix.action).join("; ")}. Approve only if you meant all of it`,
    ],
  };
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
  const totals = walletTotals(decoded, feePayer === context.signer ? feeLamports : 0n, context.tokens);
  const { headline, warnings: headlineWarnings } = headlineOf(decoded, totals);
  return {
    instructions: decoded.map(({ program, programId, action, details }) => ({ program, programId, action, details })),
    feeLamports,
    // The headline's own warning comes first: it is what the bold sentence above it leans on.
    warnings: [...headlineWarnings, ...warnings, ...decoded.flatMap((ix) => ix.warnings)],
    leaves: totals.leaves,
    comesBack: totals.comesBack,
    mints: mintsOf(transaction, context.distributionProgramId),
    ...(headline ? { headline } : {}),
  };
}
