import { z } from "zod";
import { publicKeySchema } from "../../shared/primitives.ts";
import { base58SignatureSchema, base64Schema, externalWalletChoiceSchema } from "./shapes.ts";

/**
 * The contract between the isolated-world relay (our content script) and the page-world bridge
 * that reaches Phantom, Solflare and wallet-standard wallets on x.com.
 *
 * Only the handshake uses window.postMessage: the relay (at document_start, before any page script)
 * posts one hello carrying a MessagePort and an id; the bridge takes the first hello whose source is
 * this window and whose origin is this page's, and welcomes it with the same id over the port. From
 * then on every request and reply travels over that port, each with its own id; the relay accepts
 * only replies to ids it is waiting for and verifies returned signatures itself.
 */
export const BRIDGE_CHANNEL = "memefans-wallet-bridge";

export const relayHelloSchema = z.object({
  channel: z.literal(BRIDGE_CHANNEL),
  kind: z.literal("relay-hello"),
  /** The bridge's welcome repeats it, so the relay knows whom it reached. */
  id: z.string().min(8).max(100),
});
export const bridgeWelcomeSchema = z.object({ channel: z.literal(BRIDGE_CHANNEL), kind: z.literal("welcome"), id: z.string() });

export const bridgeMethods = {
  detect: {
    params: z.object({}),
    result: z.object({
      wallets: z.array(z.object({ choice: externalWalletChoiceSchema, name: z.string(), icon: z.string().optional() })),
    }),
  },
  connect: { params: z.object({}), result: z.object({ address: publicKeySchema, name: z.string() }) },
  disconnect: { params: z.object({}), result: z.object({}) },
  signTransaction: {
    params: z.object({ transaction: base64Schema.min(1) }),
    result: z.object({ transaction: base64Schema.min(1) }),
  },
  signMessage: {
    params: z.object({ message: z.string().min(1).max(4000) }),
    result: z.object({ address: publicKeySchema, signature: base58SignatureSchema }),
  },
} as const;
export type BridgeMethod = keyof typeof bridgeMethods;
export type BridgeParams<M extends BridgeMethod> = z.input<(typeof bridgeMethods)[M]["params"]>;
export type BridgeResult<M extends BridgeMethod> = z.output<(typeof bridgeMethods)[M]["result"]>;

export const bridgeRequestSchema = z.object({
  kind: z.literal("request"),
  id: z.string().min(8).max(100),
  wallet: externalWalletChoiceSchema,
  /** Which wallet of that choice, as it names itself: several wallet-standard wallets can be installed. */
  name: z.string().min(1).max(100).optional(),
  method: z.enum(Object.keys(bridgeMethods) as [BridgeMethod, ...BridgeMethod[]]),
  params: z.unknown(),
});
export type BridgeRequest = z.infer<typeof bridgeRequestSchema>;

/**
 * Why a page wallet call failed, the wallet boundary's closed set: no such wallet on the page, the
 * person declined or the wallet failed (its own words travel in the message), or no answer in time.
 */
export const walletErrorCodeSchema = z.enum(["no_wallet", "rejected", "unsupported", "timeout"]);
export type WalletErrorCode = z.infer<typeof walletErrorCodeSchema>;

export const bridgeReplySchema = z.discriminatedUnion("ok", [
  z.object({ kind: z.literal("reply"), id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    kind: z.literal("reply"),
    id: z.string(),
    ok: z.literal(false),
    error: z.object({ code: walletErrorCodeSchema, message: z.string() }),
  }),
]);
export type BridgeReply = z.infer<typeof bridgeReplySchema>;

/**
 * The service worker's request to an x.com tab: have the chosen page wallet sign this transaction
 * as `address`. The relay connects the wallet (silently when already trusted), refuses if the wallet
 * is on another account, and checks the signature before answering (WalletBridgeClient.check).
 */
export const PAGE_SIGNING_CHANNEL = "memefans-page-signing";
/** The wallet's own refusals, and the relay's checks of the request and of what the wallet returned. */
export const pageSigningErrorCodeSchema = z.enum([...walletErrorCodeSchema.options, "bad_request", "internal"]);
export const pageSigningRequestSchema = z.object({
  channel: z.literal(PAGE_SIGNING_CHANNEL),
  wallet: externalWalletChoiceSchema,
  name: z.string().min(1).max(100),
  address: publicKeySchema,
  transaction: base64Schema.min(1),
});
export type PageSigningRequest = z.infer<typeof pageSigningRequestSchema>;
export const pageSigningReplySchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), transaction: base64Schema.min(1) }),
  z.object({ ok: z.literal(false), error: z.object({ code: pageSigningErrorCodeSchema, message: z.string() }) }),
]);
export type PageSigningReply = z.infer<typeof pageSigningReplySchema>;
