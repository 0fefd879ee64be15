import { z } from "zod";
import { claimStatusSchema } from "../../shared/api/claims.ts";
import { receivedErrorCodeSchema, receivedErrorSchema } from "../../shared/api/errors.ts";
import { xUserSchema } from "../../shared/api/identity.ts";
import { publicKeySchema, u64TextSchema } from "../../shared/primitives.ts";

/**
 * Shapes that travel between the service worker and its callers. Everything crosses
 * chrome.runtime messaging as JSON, so u64 amounts stay decimal strings and times are numbers.
 */

/** A u64 as JSON carries it (shared/primitives.ts): balances and quotes travel as this text. */
export const decimalStringSchema = u64TextSchema;
export const base58SignatureSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,90}$/, "must be a base58 signature");
export const base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64 text");

export const walletChoiceSchema = z.enum(["builtin", "phantom", "solflare", "standard"], {
  error: "wallet must be builtin, phantom, solflare or standard",
});
export type WalletChoice = z.infer<typeof walletChoiceSchema>;
export const externalWalletChoiceSchema = walletChoiceSchema.exclude(["builtin"]);
export type ExternalWalletChoice = z.infer<typeof externalWalletChoiceSchema>;

export { type XUserProfile as XUser, xUserSchema } from "../../shared/api/identity.ts";

export const walletStatusSchema = z.object({
  /** The wallet the user picked; signing requests go to it. */
  choice: walletChoiceSchema,
  builtin: z.object({
    state: z.enum(["absent", "locked", "unlocked"]),
    address: publicKeySchema.optional(),
    autoLockMinutes: z.number(),
    /** "pending" until the recovery phrase was shown and checked; "none" for a wallet imported from a raw key. */
    backup: z.enum(["pending", "confirmed", "none"]).optional(),
  }),
  /** The last address an external wallet (Phantom, Solflare, wallet-standard) reported on x.com. */
  external: z.object({ address: publicKeySchema, name: z.string() }).optional(),
  /** The address claims are paid to: the built-in one, or the external wallet's. */
  activeAddress: publicKeySchema.optional(),
  /** Whether the backend has bound activeAddress to the signed-in X account (it pays only bound wallets). */
  activeAddressBound: z.boolean(),
  xUser: xUserSchema.nullable(),
});
export type WalletStatus = z.infer<typeof walletStatusSchema>;

export const tokenBalanceSchema = z.object({
  mint: publicKeySchema,
  amount: decimalStringSchema,
  /**
   * Null when neither the backend nor the RPC could read the mint: the amount is then raw units, and no
   * amount can be typed in the token's own units (a guess of 0 would turn 1 USDC into 1,000,000).
   */
  decimals: z.number().int().min(0).max(255).nullable(),
  /** The program that keeps the mint; a giveaway's vault and payouts must use it. */
  tokenProgram: z.enum(["spl-token", "token-2022"]),
  /** The chain's name and ticker for the mint (GET /tokens/:mint); absent when it has none. */
  name: z.string().optional(),
  symbol: z.string().optional(),
  /** The backend's copy of the token's logo: images load from our backend only, never from other hosts. */
  logoUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The warnings to show beside the token (shared/tokens/token-label.ts tokenRisks): a fake ticker, a freeze authority. */
  risks: z.array(z.string()),
});
export type TokenBalance = z.infer<typeof tokenBalanceSchema>;
export const balancesSchema = z.object({
  owner: publicKeySchema,
  lamports: decimalStringSchema,
  tokens: z.array(tokenBalanceSchema),
});
export type Balances = z.infer<typeof balancesSchema>;

export const settingsSchema = z.object({
  backendUrl: z.url({ protocol: /^https?$/, error: "backend URL must be an http(s) URL" }),
  /** Empty means "<backendUrl>/rpc", the backend's embedded chain. */
  rpcUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "RPC URL must be an http(s) URL" })]),
  walletChoice: walletChoiceSchema,
  autoLockMinutes: z
    .number()
    .int()
    .min(1, "auto-lock must be at least 1 minute")
    .max(24 * 60, "auto-lock is at most 24 hours"),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();

export { type Claim, claimSchema, claimStatusSchema } from "../../shared/api/claims.ts";

/**
 * One line of the popup's claim history. A claim still waiting in the outbox has no backend id
 * yet; it is "pending" until delivered, or "refused" when the backend said no.
 */
export const claimRecordSchema = z.object({
  key: z.string(),
  distribution: publicKeySchema,
  wallet: publicKeySchema,
  status: z.enum([...claimStatusSchema.options, "pending", "refused"]),
  claimId: z.string().optional(),
  signature: z.string().optional(),
  reason: z.string().optional(),
  /** A failed claim the fan can claim again (the backend's `retryable`). */
  retryable: z.boolean().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ClaimRecord = z.infer<typeof claimRecordSchema>;

/** A history row as the popup shows it: the record plus what the giveaway pays and where it was posted. */
export const claimHistoryRowSchema = claimRecordSchema.extend({
  /** Raw units per claim and the token, from the giveaway as this device last saw it. */
  payout: z
    .object({
      amount: decimalStringSchema,
      decimals: z.number().int().min(0).max(255),
      mint: publicKeySchema,
      symbol: z.string().optional(),
    })
    .optional(),
  postUrl: z.url().optional(),
  /** The creator's X handle, from the giveaway as this device last saw it. */
  creatorHandle: z.string().optional(),
  explorerUrl: z.url().optional(),
});
export type ClaimHistoryRow = z.infer<typeof claimHistoryRowSchema>;

/**
 * Why an outbox item's last delivery did not go through, kept as data: the backend refused it (its
 * code), the backend could not be reached, the backend answered with a retryable status, or
 * something else failed on this side. Nothing reads the reason back out of its message.
 */
export const deliveryErrorSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("refused"), code: receivedErrorCodeSchema, message: z.string() }),
  z.object({ kind: z.literal("network"), message: z.string() }),
  z.object({ kind: z.literal("http"), status: z.number().int(), message: z.string() }),
  z.object({ kind: z.literal("internal"), message: z.string() }),
]);
export type DeliveryError = z.output<typeof deliveryErrorSchema>;

export const outboxKindSchema = z.enum(["claim", "register-distribution"]);
export const outboxItemViewSchema = z.object({
  id: z.string(),
  kind: outboxKindSchema,
  label: z.string(),
  status: z.enum(["pending", "delivering", "delivered", "failed"]),
  attempts: z.number(),
  nextAttemptAt: z.number(),
  lastError: deliveryErrorSchema.optional(),
  createdAt: z.number(),
});
export type OutboxItemView = z.infer<typeof outboxItemViewSchema>;

/**
 * What happened to a write that goes through the outbox: sent now, kept for later because the
 * backend was unreachable, or refused by the backend (a 4xx, with its reason).
 */
export const outboxOutcomeSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("delivered"), outboxId: z.string(), response: z.unknown() }),
  z.object({ outcome: z.literal("queued"), outboxId: z.string(), reason: z.string() }),
  z.object({ outcome: z.literal("refused"), outboxId: z.string(), error: receivedErrorSchema }),
]);
export type OutboxOutcome = z.infer<typeof outboxOutcomeSchema>;

export const diagnosticReportSchema = z.object({
  /** The overlay feature whose selector stopped matching, e.g. "claim-widget". */
  feature: z.string().min(1).max(80),
  selector: z.string().min(1).max(500),
  /** Where it happened; only x.com/twitter.com pages report. */
  url: z.string().max(2000),
  detail: z.string().max(1000).optional(),
});
export type DiagnosticReport = z.infer<typeof diagnosticReportSchema>;
export const diagnosticEntrySchema = diagnosticReportSchema.extend({
  count: z.number().int(),
  firstSeen: z.number(),
  lastSeen: z.number(),
});
export type DiagnosticEntry = z.infer<typeof diagnosticEntrySchema>;

/** One line of the approval window: what a single instruction does, in words. */
export const instructionSummarySchema = z.object({
  program: z.string(),
  programId: z.string(),
  action: z.string(),
  details: z.array(z.string()),
});
export type InstructionSummary = z.infer<typeof instructionSummarySchema>;

export const approvalViewSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("transaction"),
    id: z.string(),
    origin: z.string(),
    purpose: z.string(),
    signer: publicKeySchema,
    instructions: z.array(instructionSummarySchema),
    feeLamports: decimalStringSchema,
    warnings: z.array(z.string()),
    /** Everything that leaves the wallet, SOL (fee, rent, transfers) and tokens, one line each. */
    leaves: z.array(z.string()),
    /** What comes back, now or later (rent and unused fee budget on close). */
    comesBack: z.array(z.string()),
    /** The page wallet (Phantom, Solflare, …) that signs after this preview; absent for the built-in wallet. */
    wallet: z.string().optional(),
    /** One sentence of what the signer sends in all, when the transaction creates a giveaway. */
    headline: z.string().optional(),
    expiresAt: z.number(),
  }),
  z.object({
    kind: z.literal("message"),
    id: z.string(),
    origin: z.string(),
    purpose: z.string(),
    signer: publicKeySchema,
    message: z.string(),
    expiresAt: z.number(),
  }),
  /**
   * Binding a wallet to the signed-in X account, asked by a content script: the backend pays that
   * account's claims to the wallet, and x.com's page, where any script can pose as Phantom, chose it.
   */
  z.object({
    kind: z.literal("wallet-link"),
    id: z.string(),
    origin: z.string(),
    /** In full: the person compares it with the address their wallet app shows. */
    address: publicKeySchema,
    /** From the worker's own X session, never from the request. */
    xUsername: z.string(),
    expiresAt: z.number(),
  }),
]);
export type ApprovalView = z.infer<typeof approvalViewSchema>;

/** What closing a giveaway returned to the creator, measured on chain. */
export const closeResultSchema = z.object({
  signature: base58SignatureSchema,
  /** For the explorer link. */
  rpcUrl: z.string(),
  returned: z.object({
    mint: publicKeySchema,
    /** Raw units the creator's token account gained. */
    amount: decimalStringSchema,
    decimals: z.number().int().min(0),
    symbol: z.string().optional(),
    /** SOL the creator's wallet gained, before the network fee it paid. */
    lamports: decimalStringSchema,
  }),
});
export type CloseResult = z.infer<typeof closeResultSchema>;
