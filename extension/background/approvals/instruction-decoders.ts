import { PublicKey } from "@solana/web3.js";
import { BorshReader } from "../../../shared/program/borsh.ts";
import { INSTRUCTION_DISCRIMINATORS, type InstructionName } from "../../../shared/program/discriminators.ts";
import { formatSol } from "../../messaging/format.ts";
import type { InstructionSummary } from "../../messaging/shapes.ts";
import { formatTokenAmount, shortAddress } from "../../ui/format.ts";
import {
  ASSOCIATED_TOKEN_PROGRAM,
  COMPUTE_BUDGET_PROGRAM,
  MEMO_PROGRAMS,
  SYSTEM_PROGRAM,
  TOKEN_2022_PROGRAM,
  TOKEN_PROGRAM,
} from "../chain/program-ids.ts";

export interface TokenInfo {
  decimals: number;
  symbol?: string;
}

/** One instruction with its accounts resolved to addresses. */
export interface ResolvedInstruction {
  programId: string;
  accounts: string[];
  data: Uint8Array;
}

export interface DecodeContext {
  signer: string;
  distributionProgramId: string;
  tokens: ReadonlyMap<string, TokenInfo>;
}

export interface DecodedInstruction extends InstructionSummary {
  warnings: string[];
  /** Lamports per compute unit × 10⁶, from ComputeBudget instructions, for the fee estimate. */
  computeUnitPrice?: bigint;
  computeUnitLimit?: number;
}

function tokenText(raw: bigint, mint: string | undefined, context: DecodeContext): string {
  const info = mint ? context.tokens.get(mint) : undefined;
  if (!info) return `${formatTokenAmount(raw.toString(), 0)} raw units of ${mint ? shortAddress(mint) : "an unknown mint"}`;
  return `${formatTokenAmount(raw.toString(), info.decimals)} ${info.symbol ?? shortAddress(mint ?? "")}`;
}

function u32At(data: Uint8Array, offset: number): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(offset, true);
}

function u64At(data: Uint8Array, offset: number): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(offset, true);
}

function summary(
  program: string,
  programId: string,
  action: string,
  details: string[] = [],
  warnings: string[] = [],
): DecodedInstruction {
  return { program, programId, action, details, warnings };
}

function decodeSystem(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  const kind = ix.data.length >= 4 ? u32At(ix.data, 0) : -1;
  if (kind === 2 && ix.data.length >= 12) {
    const to = ix.accounts[1] ?? "?";
    return summary("System", ix.programId, `transfer ${formatSol(u64At(ix.data, 4))} to ${shortAddress(to)}`, [
      `from ${ix.accounts[0]}`,
      `to ${to}`,
    ]);
  }
  if (kind === 0 && ix.data.length >= 52) {
    const owner = new PublicKey(ix.data.slice(20, 52)).toBase58();
    return summary("System", ix.programId, `create an account funded with ${formatSol(u64At(ix.data, 4))}`, [
      `${u64At(ix.data, 12)} bytes, owned by ${owner}`,
    ]);
  }
  const warnings = ix.accounts[0] === context.signer ? ["a system instruction MEMEFANS cannot read uses your account"] : [];
  return summary("System", ix.programId, `system instruction #${kind}`, [], warnings);
}

function decodeToken(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  const kind = ix.data[0];
  if (kind === 3 && ix.data.length >= 9) {
    return summary("SPL Token", ix.programId, `transfer ${tokenText(u64At(ix.data, 1), undefined, context)}`, [
      `from ${ix.accounts[0]}`,
      `to ${ix.accounts[1]}`,
    ]);
  }
  if (kind === 12 && ix.data.length >= 10) {
    const mint = ix.accounts[1];
    return summary("SPL Token", ix.programId, `transfer ${tokenText(u64At(ix.data, 1), mint, context)}`, [
      `from ${ix.accounts[0]}`,
      `to ${ix.accounts[2]}`,
    ]);
  }
  if (kind === 4 || kind === 13) {
    return summary(
      "SPL Token",
      ix.programId,
      "approve a delegate to spend your tokens",
      [`delegate ${ix.accounts[kind === 4 ? 1 : 2]}`],
      ["this lets another account move your tokens"],
    );
  }
  if (kind === 6)
    return summary(
      "SPL Token",
      ix.programId,
      "change an account's authority",
      [],
      ["this hands control of a token account or mint to someone else"],
    );
  if (kind === 9) return summary("SPL Token", ix.programId, `close token account ${shortAddress(ix.accounts[0] ?? "?")}`);
  return summary("SPL Token", ix.programId, `token instruction #${kind}`, [], ["a token instruction MEMEFANS cannot read"]);
}

function decodeComputeBudget(ix: ResolvedInstruction): DecodedInstruction {
  const kind = ix.data[0];
  if (kind === 2 && ix.data.length >= 5) {
    return {
      ...summary("Compute Budget", ix.programId, `compute limit ${u32At(ix.data, 1).toLocaleString("en-US")} units`),
      computeUnitLimit: u32At(ix.data, 1),
    };
  }
  if (kind === 3 && ix.data.length >= 9) {
    const price = u64At(ix.data, 1);
    return {
      ...summary("Compute Budget", ix.programId, `priority fee ${price} micro-lamports per unit`),
      computeUnitPrice: price,
    };
  }
  return summary("Compute Budget", ix.programId, `compute budget instruction #${kind}`);
}

function matchDistributionInstruction(data: Uint8Array): InstructionName | undefined {
  const head = data.slice(0, 8);
  for (const [name, discriminator] of Object.entries(INSTRUCTION_DISCRIMINATORS)) {
    if (discriminator.every((byte, index) => byte === head[index])) return name as InstructionName;
  }
  return undefined;
}

function isoDate(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

function decodeDistribution(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  const name = matchDistributionInstruction(ix.data);
  const program = "MEMEFANS distribution";
  if (!name)
    return summary(
      program,
      ix.programId,
      "unknown MEMEFANS instruction",
      [],
      ["the distribution program does not know this instruction"],
    );
  const reader = new BorshReader(ix.data.slice(8));
  const distribution = ix.accounts[1] ?? "?";
  if (name === "create_distribution") {
    reader.u64("distribution_id");
    reader.u8("bump");
    reader.u8("vault_bump");
    const amountPerClaim = reader.u64("amount_per_claim");
    const maxClaims = reader.u32("max_claims");
    const start = reader.i64("start_ts");
    const end = reader.i64("end_ts");
    const feePerClaim = reader.u64("fee_per_claim_lamports");
    const feeBudget = reader.u64("fee_budget_lamports");
    reader.bytes(32, "requirements_hash");
    const postId = reader.u64("post_id");
    const verifier = new PublicKey(reader.bytes(32, "verifier")).toBase58();
    const mint = ix.accounts[3];
    const perClaim = tokenText(amountPerClaim, mint, context);
    return summary(
      program,
      ix.programId,
      `create_distribution: escrow ${perClaim} × ${maxClaims.toLocaleString("en-US")} claims, fee budget ${formatSol(feeBudget)}`,
      [
        `total deposit ${tokenText(amountPerClaim * BigInt(maxClaims), mint, context)} from your token account`,
        `fee per claim ${formatSol(feePerClaim)}`,
        `runs ${isoDate(start)} → ${isoDate(end)}`,
        `for post ${postId}`,
        `distribution ${distribution}`,
        `verifier ${verifier}`,
      ],
    );
  }
  if (name === "close_distribution") {
    return summary(program, ix.programId, "close_distribution: return the unclaimed tokens and the unused fee budget to you", [
      `distribution ${distribution}`,
      `tokens go to ${ix.accounts[4] ?? "?"}`,
    ]);
  }
  if (name === "set_verifier") {
    return summary(
      program,
      ix.programId,
      `set_verifier: ${new PublicKey(reader.bytes(32, "new_verifier")).toBase58()}`,
      [`distribution ${ix.accounts[2] ?? "?"}`, `current verifier ${ix.accounts[1] ?? "?"} consents`],
      ["the new verifier decides who gets paid"],
    );
  }
  if (name === "batch_claim")
    return summary(
      program,
      ix.programId,
      `batch_claim: ${reader.u32("claims")} claims`,
      [],
      ["only the backend's verifier sends batch claims"],
    );
  return summary(program, ix.programId, `${name}: distribution ${shortAddress(distribution)}`);
}

/** Turns one instruction into words; a program MEMEFANS cannot read gets a warning rather than silence. */
export function decodeInstruction(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  try {
    if (ix.programId === SYSTEM_PROGRAM) return decodeSystem(ix, context);
    // Token-2022 shares the classic program's instruction layouts for everything decoded here.
    if (ix.programId === TOKEN_PROGRAM || ix.programId === TOKEN_2022_PROGRAM) return decodeToken(ix, context);
    if (ix.programId === COMPUTE_BUDGET_PROGRAM) return decodeComputeBudget(ix);
    if (ix.programId === context.distributionProgramId) return decodeDistribution(ix, context);
    if (ix.programId === ASSOCIATED_TOKEN_PROGRAM) {
      return summary("Associated Token", ix.programId, `create token account ${shortAddress(ix.accounts[1] ?? "?")}`, [
        `for ${ix.accounts[2] ?? "?"}, mint ${ix.accounts[3] ?? "?"}`,
      ]);
    }
    if (MEMO_PROGRAMS.has(ix.programId))
      return summary("Memo", ix.programId, `memo "${new TextDecoder().decode(ix.data).slice(0, 200)}"`);
  } catch (error) {
    return summary(
      ix.programId,
      ix.programId,
      "instruction data MEMEFANS cannot read",
      [(error as Error).message],
      ["an instruction's data is malformed"],
    );
  }
  return summary(
    shortAddress(ix.programId),
    ix.programId,
    `unknown program ${ix.programId}`,
    [`${ix.accounts.length} accounts, ${ix.data.length} bytes of data`],
    [`an instruction calls a program MEMEFANS does not know (${ix.programId})`],
  );
}
