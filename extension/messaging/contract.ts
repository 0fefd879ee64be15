import { z } from "zod";
import { claimRulesSchema } from "../../shared/api/distributions.ts";
import { publicKeySchema, xIdSchema } from "../../shared/primitives.ts";
import { backendReads } from "./backend-reads.ts";
import {
  approvalViewSchema,
  balancesSchema,
  base58SignatureSchema,
  base64Schema,
  claimHistoryRowSchema,
  closeResultSchema,
  decimalStringSchema,
  diagnosticEntrySchema,
  diagnosticReportSchema,
  externalWalletChoiceSchema,
  outboxItemViewSchema,
  outboxOutcomeSchema,
  settingsPatchSchema,
  settingsSchema,
  walletChoiceSchema,
  walletStatusSchema,
  xUserSchema,
} from "./shapes.ts";

/**
 * Who may send a message: "content" is our content script on x.com/twitter.com; "page" is one of
 * our own extension pages (popup, options, approval window). The router refuses anyone else.
 */
export type Audience = "content" | "page";

interface MessageDefinition<Request extends z.ZodType, Response extends z.ZodType> {
  request: Request;
  response: Response;
  audience: readonly Audience[];
}

function message<Request extends z.ZodType, Response extends z.ZodType>(
  request: Request,
  response: Response,
  audience: readonly Audience[],
): MessageDefinition<Request, Response> {
  return { request, response, audience };
}

const both = ["content", "page"] as const;
const pagesOnly = ["page"] as const;
const contentOnly = ["content"] as const;
const empty = z.strictObject({});
const passwordSchema = z.string().min(8, "the password needs at least 8 characters").max(1024);

/**
 * Every message between our callers and the service worker. Keys are the wire `type`; each
 * entry says what the payload looks like, what comes back, and who may ask.
 */
export const messages = {
  // The wallet. The secret key and the phrase appear only in the password-gated answers to our own pages below.
  "wallet/status": message(empty, walletStatusSchema, both),
  "wallet/create": message(z.strictObject({ password: passwordSchema }), z.object({ address: publicKeySchema }), pagesOnly),
  "wallet/import": message(
    z.strictObject({
      secret: z.string().min(1, "paste a base58 secret key or a 64-number JSON array").max(2000),
      password: passwordSchema,
    }),
    z.object({ address: publicKeySchema }),
    pagesOnly,
  ),
  /** A wallet from a BIP-39 phrase (ours, Phantom's or Solflare's): the same address at m/44'/501'/0'/0'. */
  "wallet/restore": message(
    z.strictObject({
      phrase: z.string().min(1, "type the 12 or 24 words of the recovery phrase").max(1000),
      password: passwordSchema,
    }),
    z.object({ address: publicKeySchema }),
    pagesOnly,
  ),
  /**
   * The one-time backup screen: the phrase, decrypted with the password, for our own popup only,
   * and only until the backup is confirmed.
   */
  "wallet/recovery-phrase": message(
    z.strictObject({ password: z.string().min(1).max(1024) }),
    z.object({ words: z.array(z.string()).min(12).max(24) }),
    pagesOnly,
  ),
  "wallet/confirm-backup": message(
    z.strictObject({
      password: z.string().min(1).max(1024),
      answers: z
        .array(z.strictObject({ position: z.number().int().min(1).max(24), word: z.string().min(1).max(20) }))
        .min(1)
        .max(24),
    }),
    walletStatusSchema,
    pagesOnly,
  ),
  /** The secret key in base58, behind the password, for importing the wallet into another app. */
  "wallet/export-secret": message(
    z.strictObject({ password: z.string().min(1).max(1024) }),
    z.object({ secretKey: z.string().min(1) }),
    pagesOnly,
  ),
  /** Before Send: the fee, the recipient's token-account rent when it has none, and "Max" in raw units. */
  "wallet/send-quote": message(
    z.strictObject({ to: publicKeySchema, mint: publicKeySchema.optional() }),
    z.object({
      decimals: z.number().int().min(0).max(255),
      maxAmount: decimalStringSchema,
      feeLamports: decimalStringSchema,
      recipientAccountRentLamports: decimalStringSchema,
    }),
    pagesOnly,
  ),
  /** SOL (no mint) or a token, `amount` in the token's units as typed ("1.5"); shown in the approval window first. */
  "wallet/send": message(
    z.strictObject({
      to: publicKeySchema,
      mint: publicKeySchema.optional(),
      amount: z.string().min(1).max(40),
      /** Only for the approval window's purpose line; the decoded instructions are what is approved. */
      symbol: z.string().min(1).max(20).optional(),
    }),
    z.object({ signature: base58SignatureSchema, rpcUrl: z.string() }),
    pagesOnly,
  ),
  "wallet/unlock": message(z.strictObject({ password: z.string().min(1).max(1024) }), walletStatusSchema, pagesOnly),
  "wallet/lock": message(empty, walletStatusSchema, both),
  /** Opens the popup in its own window so the built-in wallet is unlocked there: a password is never typed into x.com. */
  "wallet/open-unlock": message(empty, z.object({ opened: z.literal(true) }), both),
  "wallet/choose": message(z.strictObject({ choice: walletChoiceSchema }), walletStatusSchema, both),
  /** The overlay connected Phantom, Solflare or a wallet-standard wallet through the page bridge. */
  "wallet/external-connected": message(
    z.strictObject({ choice: externalWalletChoiceSchema, address: publicKeySchema, name: z.string().min(1).max(100) }),
    walletStatusSchema,
    contentOnly,
  ),
  "wallet/balances": message(z.strictObject({ owner: publicKeySchema.optional() }), balancesSchema, both),
  /**
   * Built-in wallet: opens the approval window with a decoded summary, then signs and sends.
   * `transaction` is a serialized (legacy or v0) transaction, base64; its blockhash is refreshed
   * when the built-in wallet is its only signer.
   */
  "wallet/sign-and-send": message(
    z.strictObject({ transaction: base64Schema.min(1), purpose: z.string().min(1).max(200) }),
    z.object({ signature: base58SignatureSchema }),
    both,
  ),
  /** Built-in wallet: signs UTF-8 text (SIWS) after the approval window shows it. */
  "wallet/sign-message": message(
    z.strictObject({ message: z.string().min(1).max(4000), purpose: z.string().min(1).max(200) }),
    z.object({ address: publicKeySchema, signature: base58SignatureSchema }),
    both,
  ),
  /** Built-in wallet: challenge → approval → signature → verify, binding it to the signed-in X account. */
  "wallet/bind-to-x": message(empty, z.object({ address: publicKeySchema }), both),

  // X sign-in: the service worker runs chrome.identity.launchWebAuthFlow; the session token stays there.
  "x/connect": message(empty, z.object({ xUser: xUserSchema }), both),
  "x/session": message(empty, z.object({ xUser: xUserSchema.nullable() }), both),
  "x/disconnect": message(empty, z.object({ xUser: z.null() }), pagesOnly),

  // Backend reads, answered through the service worker (which holds the session and the cache): one table.
  ...backendReads,
  /**
   * A token's logo as a data: URL, fetched by the service worker from the backend's own origin: x.com's
   * CSP would block the image there, and no fan's browser ever contacts a host a token's author chose.
   */
  "tokens/logo": message(z.strictObject({ mint: publicKeySchema }), z.object({ dataUrl: z.string().nullable() }), both),
  /** Which cluster the configured RPC is, by its genesis hash: the popup's network badge. */
  "chain/network": message(empty, z.object({ network: z.enum(["mainnet", "devnet", "testnet", "localnet"]) }), pagesOnly),
  "chain/latest-blockhash": message(empty, z.object({ blockhash: z.string(), lastValidBlockHeight: z.number() }), both),
  /** Sends a transaction an external wallet (Phantom, Solflare…) already signed on the page, through the configured RPC. */
  "chain/send-transaction": message(
    z.strictObject({ transaction: base64Schema.min(1).max(2000) }),
    z.object({ signature: base58SignatureSchema }),
    contentOnly,
  ),

  // Writes go through the outbox: delivered now, or queued and delivered exactly once later.
  "claims/submit": message(z.strictObject({ distribution: publicKeySchema, wallet: publicKeySchema }), outboxOutcomeSchema, both),
  "distributions/register": message(
    z.strictObject({
      address: publicKeySchema,
      postId: xIdSchema,
      requirements: z.array(z.unknown()),
      creationSignature: base58SignatureSchema.optional(),
      /** The creator's bot defences beyond the requirements; the backend's defaults when left out. */
      claimRules: claimRulesSchema.optional(),
    }),
    outboxOutcomeSchema,
    both,
  ),
  /**
   * Opens the fan's own token account for a giveaway's token (its budget opens no more), paid and signed
   * by the chosen wallet after the approval window; no signature when the account was already there.
   */
  "claims/open-token-account": message(
    z.strictObject({ distribution: publicKeySchema, wallet: publicKeySchema }),
    z.object({ account: publicKeySchema, signature: base58SignatureSchema.optional() }),
    both,
  ),
  "claims/history": message(
    z.strictObject({ refresh: z.boolean().optional() }),
    z.object({ claims: z.array(claimHistoryRowSchema), refreshError: z.string().optional() }),
    both,
  ),
  "outbox/list": message(empty, z.object({ items: z.array(outboxItemViewSchema) }), both),
  "outbox/flush": message(empty, z.object({ delivered: z.number(), pending: z.number(), failed: z.number() }), both),

  /**
   * Creator clawback after the end: builds close_distribution, signs it with the chosen wallet after
   * the approval window, and answers what actually came back (the creator's balances before and after).
   */
  "distributions/close": message(z.strictObject({ address: publicKeySchema }), closeResultSchema, both),
  /** Pause or resume payouts; signed like the clawback. */
  "distributions/set-paused": message(
    z.strictObject({ address: publicKeySchema, paused: z.boolean() }),
    z.object({ signature: base58SignatureSchema }),
    both,
  ),

  "settings/get": message(empty, settingsSchema, both),
  /**
   * The creator's card under their own giveaway opens its dashboard (options.html#/d/<address>); without
   * an address, the list of the creator's giveaways.
   */
  "dashboard/open": message(
    z.strictObject({ address: publicKeySchema.optional() }),
    z.object({ opened: z.literal(true) }),
    contentOnly,
  ),
  "settings/update": message(settingsPatchSchema.strict(), settingsSchema, pagesOnly),

  "diagnostics/report": message(diagnosticReportSchema.strict(), z.object({ recorded: z.literal(true) }), contentOnly),
  "diagnostics/list": message(empty, z.object({ entries: z.array(diagnosticEntrySchema) }), pagesOnly),
  "diagnostics/clear": message(empty, z.object({ cleared: z.number() }), pagesOnly),

  // The approval window (approve.html) reads what it shows and answers.
  "approval/get": message(z.strictObject({ id: z.string().min(1).max(100) }), approvalViewSchema, pagesOnly),
  "approval/decide": message(
    z.strictObject({ id: z.string().min(1).max(100), approved: z.boolean() }),
    z.object({ decided: z.literal(true) }),
    pagesOnly,
  ),
} as const;

export type Messages = typeof messages;
export type MessageType = keyof Messages;
export type RequestOf<T extends MessageType> = z.input<Messages[T]["request"]>;
export type ParsedRequestOf<T extends MessageType> = z.output<Messages[T]["request"]>;
/** What a handler returns and a caller receives: decoded (u64 amounts as bigints); chrome.runtime carries its JSON side. */
export type ResponseOf<T extends MessageType> = z.output<Messages[T]["response"]>;

export const messageTypes = Object.keys(messages) as MessageType[];

/** What goes over chrome.runtime.sendMessage. The channel tag keeps other extensions' traffic apart. */
export const wireRequestSchema = z.object({
  channel: z.literal("memefans"),
  type: z.enum(messageTypes as [MessageType, ...MessageType[]], {
    error: (issue) => `unknown message type ${JSON.stringify(issue.input)}`,
  }),
  payload: z.unknown(),
});
export type WireRequest = z.infer<typeof wireRequestSchema>;

export const errorCodes = [
  "bad_request",
  "forbidden_sender",
  "locked",
  "no_wallet",
  "wrong_password",
  "rejected",
  /** Enough requests from the same site already wait for the person: this one is refused, not queued. */
  "busy",
  "timeout",
  "not_signed_in",
  "backend_error",
  "network_error",
  "rpc_error",
  "unsupported",
  /** A page wallet is connected to another account than the one that must sign. */
  "wrong_account",
  /** The wallet holds too little SOL for what it was asked to pay. */
  "insufficient_funds",
  "internal",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorCodeSchema = z.enum(errorCodes);

export const wireErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export const wireResponseSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);
export type WireResponse = z.infer<typeof wireResponseSchema>;
