import { AuthorityType } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { tokenAccountRent } from "../../../shared/fee-budget.ts";
import { BorshReader } from "../../../shared/program/borsh.ts";
import { INSTRUCTION_DISCRIMINATORS, type InstructionName } from "../../../shared/program/discriminators.ts";
import { type CostToken, type CreationCost, creationCost, rentExemptLamports } from "../../features/create-cost.ts";
import { formatSol } from "../../messaging/format.ts";
import type { InstructionSummary } from "../../messaging/shapes.ts";
import { formatLocalTime, formatTokenAmount, shortAddress, tokenLabel } from "../../ui/format.ts";
import {
  ASSOCIATED_TOKEN_PROGRAM,
  COMPUTE_BUDGET_PROGRAM,
  MEMO_PROGRAMS,
  SYSTEM_PROGRAM,
  TOKEN_2022_PROGRAM,
  TOKEN_PROGRAM,
} from "../chain/program-ids.ts";

/** What the window knows of a mint, read from the chain: its decimals and, from its metadata, its ticker. */
export interface TokenInfo {
  decimals: number;
  /** The on-chain metadata's symbol; the short mint address stands in without one, never a typed name. */
  symbol?: string;
}

/**
 * What one instruction does to the signer's wallet, for the summary line: SOL and tokens that leave
 * it now, what someone else may take later, and what comes back later (rent and fee budget when a
 * giveaway is closed).
 */
export interface WalletFlows {
  solOut: { lamports: bigint; reason: string }[];
  /** Raw units; `mint` undefined when the instruction does not name it (a plain Transfer). */
  tokensOut: { raw: bigint; mint: string | undefined; decimals?: number }[];
  /** Tokens another account can take whenever it likes once this is signed (a delegate's allowance, a handed-over account). */
  atRisk: string[];
  comesBack: string[];
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
  flows?: Partial<WalletFlows>;
  /** A giveaway's creation paid by the signer, with what the headline needs to word it as the create dialog does. */
  giveaway?: { cost: CreationCost; token: CostToken };
  /**
   * Takes nothing from the signer beyond what the totals count and hands nothing over (a compute
   * budget, the signer's own token account): it may stand beside a giveaway's creation without
   * the headline warning about it.
   */
  companion?: boolean;
  /** Lamports per compute unit × 10⁶, from ComputeBudget instructions, for the fee estimate. */
  computeUnitPrice?: bigint;
  computeUnitLimit?: number;
}

/**
 * An amount of a mint's tokens, named by its on-chain ticker ("10 $WIF") or its short address; raw
 * units when the decimals are unknown, which is still exact.
 */
export function tokenText(
  raw: bigint,
  mint: string | undefined,
  decimals: number | undefined,
  tokens?: ReadonlyMap<string, TokenInfo>,
): string {
  if (!mint) return `${formatTokenAmount(raw.toString(), 0)} raw units of a token the instruction does not name`;
  const symbol = tokens?.get(mint)?.symbol;
  const name = symbol ? `$${symbol} (${tokenLabel(mint)})` : tokenLabel(mint);
  if (decimals === undefined) return `${formatTokenAmount(raw.toString(), 0)} raw units of ${name}`;
  return `${formatTokenAmount(raw.toString(), decimals)} ${name}`;
}

function decimalsOf(mint: string | undefined, context: DecodeContext): number | undefined {
  return mint ? context.tokens.get(mint)?.decimals : undefined;
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
  flows?: Partial<WalletFlows>,
): DecodedInstruction {
  return { program, programId, action, details, warnings, ...(flows ? { flows } : {}) };
}

/** An instruction the window cannot put into words: said so, with a warning, never passed over. */
function unreadable(program: string, programId: string, what: string, ix: ResolvedInstruction): DecodedInstruction {
  return summary(
    program,
    programId,
    what,
    [`${ix.accounts.length} accounts, ${ix.data.length} bytes of data`, ...ix.accounts.map((account) => `account ${account}`)],
    [
      `MEMEFANS cannot read ${what}: it may move your SOL or tokens; approve only if you trust ${program === "System" ? "the site" : "this program and the site"}`,
    ],
  );
}

/** What a closed giveaway's address keeps for good: the rent of the program's 8-byte tombstone. */
const CLOSED_GIVEAWAY_RENT_LAMPORTS = rentExemptLamports(8);

const SYSTEM_INSTRUCTION_NAMES: Record<number, string> = {
  1: "Assign",
  3: "CreateAccountWithSeed",
  4: "AdvanceNonceAccount",
  5: "WithdrawNonceAccount",
  6: "InitializeNonceAccount",
  7: "AuthorizeNonceAccount",
  8: "Allocate",
  9: "AllocateWithSeed",
  10: "AssignWithSeed",
  11: "TransferWithSeed",
  12: "UpgradeNonceAccount",
};

function decodeSystem(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  const kind = ix.data.length >= 4 ? u32At(ix.data, 0) : -1;
  const fromSigner = ix.accounts[0] === context.signer;
  if (kind === 2 && ix.data.length >= 12) {
    const to = ix.accounts[1] ?? "?";
    const lamports = u64At(ix.data, 4);
    return summary(
      "System",
      ix.programId,
      `transfer ${formatSol(lamports)} to ${shortAddress(to)}`,
      [`from ${ix.accounts[0]}`, `to ${to}`],
      [],
      fromSigner ? { solOut: [{ lamports, reason: "transfer" }] } : undefined,
    );
  }
  if (kind === 0 && ix.data.length >= 52) {
    const owner = new PublicKey(ix.data.slice(20, 52)).toBase58();
    const lamports = u64At(ix.data, 4);
    return summary(
      "System",
      ix.programId,
      `create account ${shortAddress(ix.accounts[1] ?? "?")} funded with ${formatSol(lamports)}`,
      [
        `account ${ix.accounts[1] ?? "?"}`,
        `funded by ${ix.accounts[0] ?? "?"}`,
        `${u64At(ix.data, 12)} bytes, owned by ${owner}`,
      ],
      [],
      fromSigner ? { solOut: [{ lamports, reason: "rent of new accounts" }] } : undefined,
    );
  }
  const name = SYSTEM_INSTRUCTION_NAMES[kind];
  return unreadable("System", ix.programId, `system instruction #${kind}${name ? ` (${name})` : ""}`, ix);
}

/**
 * Transfer and Approve, and their Checked forms, share one layout: source, (mint,) destination or
 * delegate, owner; an amount, and in the Checked forms the decimals after it.
 */
function amountWithAccounts(ix: ResolvedInstruction, checked: boolean) {
  const account = (index: number) => ix.accounts[index] ?? "?";
  const [target, owner] = checked ? [account(2), account(3)] : [account(1), account(2)];
  return {
    raw: u64At(ix.data, 1),
    source: account(0),
    mint: checked ? account(1) : undefined,
    decimals: checked ? (ix.data[9] ?? 0) : undefined,
    target,
    owner,
  };
}

function decodeApprove(ix: ResolvedInstruction, context: DecodeContext, checked: boolean): DecodedInstruction {
  const { raw, source, mint, decimals, target: delegate, owner } = amountWithAccounts(ix, checked);
  const amount = tokenText(raw, mint, decimals, context.tokens);
  return summary(
    "SPL Token",
    ix.programId,
    `let ${shortAddress(delegate)} spend up to ${amount} from token account ${shortAddress(source)}`,
    [`from token account ${source}`, `delegate ${delegate}`, ...(mint ? [`mint ${mint}`] : []), `authority ${owner}`],
    [`this lets ${delegate} move up to ${amount} out of token account ${source} whenever it wants, without asking again`],
    // Nothing moves now, but signing puts the allowance in the delegate's hands: it is counted as leaving.
    owner === context.signer
      ? {
          atRisk: [
            `up to ${amount} from token account ${shortAddress(source)}, whenever delegate ${shortAddress(delegate)} takes it`,
          ],
        }
      : undefined,
  );
}

function decodeSetAuthority(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  // SetAuthority: the account (a mint or a token account) and its current authority; the data holds
  // the authority type and an optional new authority (none removes the authority for good).
  const [account = "?", current = "?"] = ix.accounts;
  const [, typeCode = 0, hasNew] = ix.data;
  const type = AuthorityType[typeCode] ?? `#${typeCode}`;
  if (hasNew !== 0 && (hasNew !== 1 || ix.data.length < 35))
    return unreadable("SPL Token", ix.programId, `token instruction SetAuthority (${type}) with malformed data`, ix);
  const newAuthority = hasNew === 1 ? new PublicKey(ix.data.slice(3, 35)).toBase58() : undefined;
  const handedAway = newAuthority !== context.signer;
  return summary(
    "SPL Token",
    ix.programId,
    `hand the ${type} authority of ${shortAddress(account)} to ${newAuthority ? shortAddress(newAuthority) : "nobody, for good"}`,
    [
      `account ${account}`,
      `authority type ${type}`,
      `new authority ${newAuthority ?? "none: the authority is removed for good"}`,
      `current authority ${current}`,
    ],
    handedAway ? [`this hands the ${type} authority of ${account} to ${newAuthority ?? "nobody, for good"}`] : [],
    // A token account's new owner can take everything in it.
    typeCode === AuthorityType.AccountOwner && current === context.signer && handedAway
      ? {
          atRisk: [
            `everything in token account ${shortAddress(account)}: ${shortAddress(newAuthority ?? "?")} becomes its owner`,
          ],
        }
      : undefined,
  );
}

function decodeToken(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  const kind = ix.data[0];
  const program = "SPL Token";
  const account = (index: number) => ix.accounts[index] ?? "?";
  if ((kind === 3 || kind === 12) && ix.data.length >= (kind === 3 ? 9 : 10)) {
    const { raw, source, mint, decimals, target: destination, owner } = amountWithAccounts(ix, kind === 12);
    return summary(
      program,
      ix.programId,
      `transfer ${tokenText(raw, mint, decimals, context.tokens)} to token account ${shortAddress(destination)}`,
      [
        `from token account ${source}`,
        `to token account ${destination}`,
        ...(mint ? [`mint ${mint}`] : []),
        `authority ${owner}`,
      ],
      [],
      owner === context.signer ? { tokensOut: [{ raw, mint, ...(decimals === undefined ? {} : { decimals }) }] } : undefined,
    );
  }
  if ((kind === 8 || kind === 15) && ix.data.length >= 9) {
    // Burn(Checked): account, mint, owner.
    const raw = u64At(ix.data, 1);
    const decimals = kind === 15 ? ix.data[9] : decimalsOf(account(1), context);
    return summary(
      program,
      ix.programId,
      `burn ${tokenText(raw, account(1), decimals, context.tokens)}`,
      [`from token account ${account(0)}`, `mint ${account(1)}`],
      ["burnt tokens are destroyed for good"],
      account(2) === context.signer
        ? { tokensOut: [{ raw, mint: account(1), ...(decimals === undefined ? {} : { decimals }) }] }
        : undefined,
    );
  }
  if ((kind === 4 || kind === 13) && ix.data.length >= (kind === 4 ? 9 : 10)) return decodeApprove(ix, context, kind === 13);
  if (kind === 6) return decodeSetAuthority(ix, context);
  if (kind === 9) {
    // CloseAccount: account, destination, owner. The account's lamports (its rent, or everything in
    // a wrapped-SOL account) go to the destination.
    const destination = account(1);
    const toSigner = destination === context.signer;
    return summary(
      program,
      ix.programId,
      `close token account ${shortAddress(account(0))}, its SOL to ${toSigner ? "your wallet" : shortAddress(destination)}`,
      [`account ${account(0)}`, `its SOL goes to ${destination}`, `authority ${account(2)}`],
      toSigner
        ? []
        : [
            `closing token account ${shortAddress(account(0))} sends its SOL (the rent, or all of it for wrapped SOL) to ${destination}, not your wallet`,
          ],
      toSigner ? { comesBack: [`now: the SOL in token account ${shortAddress(account(0))}`] } : undefined,
    );
  }
  if (kind === 17) return summary(program, ix.programId, `sync wrapped SOL account ${shortAddress(account(0))}`);
  return unreadable(program, ix.programId, `token instruction #${kind}`, ix);
}

function decodeComputeBudget(ix: ResolvedInstruction): DecodedInstruction {
  const kind = ix.data[0];
  if (kind === 2 && ix.data.length >= 5) {
    return {
      ...summary("Compute Budget", ix.programId, `compute limit ${u32At(ix.data, 1).toLocaleString("en-US")} units`),
      computeUnitLimit: u32At(ix.data, 1),
      companion: true,
    };
  }
  if (kind === 3 && ix.data.length >= 9) {
    const price = u64At(ix.data, 1);
    return {
      ...summary("Compute Budget", ix.programId, `priority fee ${price} micro-lamports per unit`),
      computeUnitPrice: price,
      // The priority fee it sets is part of the network fee the totals count.
      companion: true,
    };
  }
  return unreadable("Compute Budget", ix.programId, `compute budget instruction #${kind}`, ix);
}

function matchDistributionInstruction(data: Uint8Array): InstructionName | undefined {
  const head = data.slice(0, 8);
  for (const [name, discriminator] of Object.entries(INSTRUCTION_DISCRIMINATORS)) {
    if (discriminator.every((byte, index) => byte === head[index])) return name as InstructionName;
  }
  return undefined;
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
    const priorityFeeCap = reader.u64("priority_fee_cap_lamports");
    const mint = ix.accounts[3];
    const decimals = decimalsOf(mint, context);
    const perClaim = tokenText(amountPerClaim, mint, decimals, context.tokens);
    // The same figures and the same sentence the create dialog shows (features/create-cost.ts).
    const cost = creationCost({ amountPerClaim, maxClaims, feeBudgetLamports: feeBudget });
    const { tokensEscrowed, rentLamports } = cost;
    const paidBySigner = ix.accounts[0] === context.signer;
    const symbol = mint ? context.tokens.get(mint)?.symbol : undefined;
    const giveaway =
      paidBySigner && mint && decimals !== undefined
        ? { cost, token: { name: symbol ? `$${symbol}` : tokenLabel(mint), decimals } }
        : undefined;
    const decoded = summary(
      program,
      ix.programId,
      `create_distribution: escrow ${perClaim} × ${maxClaims.toLocaleString("en-US")} claims, fee budget ${formatSol(feeBudget)}`,
      [
        `total deposit ${tokenText(tokensEscrowed, mint, decimals, context.tokens)} from token account ${ix.accounts[4] ?? "?"}`,
        `rent ${formatSol(rentLamports)} for the distribution and vault accounts`,
        `fee per claim ${formatSol(feePerClaim)}`,
        priorityFeeCap > 0n
          ? `priority fee per paid claim: the fee budget reimburses the operator at most ${formatSol(priorityFeeCap)}`
          : "priority fee: none reimbursed from the fee budget",
        `runs ${formatLocalTime(Number(start))} → ${formatLocalTime(Number(end))}`,
        `for post ${postId}`,
        `mint ${mint ?? "?"}`,
        `distribution ${distribution}`,
        `verifier ${verifier}`,
      ],
      [],
      paidBySigner
        ? {
            solOut: [
              { lamports: rentLamports, reason: "rent of new accounts" },
              { lamports: feeBudget, reason: "fee budget" },
            ],
            tokensOut: [{ raw: tokensEscrowed, mint, ...(decimals === undefined ? {} : { decimals }) }],
            comesBack: [
              `when you close the giveaway after its end: the rent (${formatSol(rentLamports)}), the unused fee budget (up to ${formatSol(feeBudget)}) and the unclaimed tokens`,
            ],
          }
        : undefined,
    );
    return giveaway ? { ...decoded, giveaway } : decoded;
  }
  if (name === "close_distribution") {
    const creator = ix.accounts[0] ?? "?";
    return summary(
      program,
      ix.programId,
      "close_distribution: return the unclaimed tokens, the unused fee budget and the rent",
      [`distribution ${distribution}`, `tokens go to token account ${ix.accounts[4] ?? "?"}`, `SOL goes to ${creator}`],
      [],
      creator === context.signer
        ? {
            comesBack: [
              `now: the unclaimed tokens (to token account ${shortAddress(ix.accounts[4] ?? "?")}), the unused fee budget and the rent of the giveaway's accounts, but for the ${formatSol(CLOSED_GIVEAWAY_RENT_LAMPORTS)} the closed giveaway's address keeps`,
            ],
          }
        : undefined,
    );
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

function decodeAssociatedToken(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  const kind = ix.data[0] ?? 0;
  if (kind > 1) return unreadable("Associated Token", ix.programId, `associated token instruction #${kind}`, ix);
  // Create (no data or 0) and CreateIdempotent (1): payer, account, wallet, mint. The idempotent one
  // charges nothing when the account exists; the summary counts the rent either way, as the most it costs.
  // A Token-2022 account carries ImmutableOwner (5 bytes more), and more for some mints' extensions.
  const token2022 = ix.accounts[5] === TOKEN_2022_PROGRAM;
  const rent = tokenAccountRent(token2022 ? "token-2022" : "spl-token");
  const decoded = summary(
    "Associated Token",
    ix.programId,
    `create token account ${shortAddress(ix.accounts[1] ?? "?")}${kind === 1 ? " (if it does not exist)" : ""}`,
    [
      `for ${ix.accounts[2] ?? "?"}, mint ${ix.accounts[3] ?? "?"}`,
      `rent ${formatSol(rent)}${token2022 ? " or more (the mint's extensions may need room in the account)" : ""} paid by ${ix.accounts[0] ?? "?"}`,
    ],
    [],
    ix.accounts[0] === context.signer ? { solOut: [{ lamports: rent, reason: "rent of new accounts" }] } : undefined,
  );
  // The signer's own token account, paid by the signer: its rent is in the totals and it stays theirs.
  const ownAccount = ix.accounts[0] === context.signer && ix.accounts[2] === context.signer;
  return ownAccount ? { ...decoded, companion: true } : decoded;
}

/** Turns one instruction into words; a program MEMEFANS cannot read gets a warning rather than silence. */
export function decodeInstruction(ix: ResolvedInstruction, context: DecodeContext): DecodedInstruction {
  try {
    if (ix.programId === SYSTEM_PROGRAM) return decodeSystem(ix, context);
    // Token-2022 shares the classic program's instruction layouts for everything decoded here.
    if (ix.programId === TOKEN_PROGRAM || ix.programId === TOKEN_2022_PROGRAM) return decodeToken(ix, context);
    if (ix.programId === COMPUTE_BUDGET_PROGRAM) return decodeComputeBudget(ix);
    if (ix.programId === context.distributionProgramId) return decodeDistribution(ix, context);
    if (ix.programId === ASSOCIATED_TOKEN_PROGRAM) return decodeAssociatedToken(ix, context);
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
