import { ed25519 } from "@noble/curves/ed25519.js";
import bs58 from "bs58";
import { isLighthouseAssertion, LIGHTHOUSE_PROGRAM_ID } from "../../shared/wallet-assertions.ts";
import { fromBase64 } from "./base64.ts";
import { MessagingError } from "./errors.ts";
import type { ExternalWalletChoice } from "./shapes.ts";
import {
  BRIDGE_CHANNEL,
  type BridgeMethod,
  type BridgeParams,
  type BridgeResult,
  bridgeMethods,
  bridgeReplySchema,
  bridgeWelcomeSchema,
  type PageSigningReply,
  pageSigningErrorCodeSchema,
  pageSigningRequestSchema,
} from "./wallet-bridge.ts";

const REQUEST_TIMEOUT_MS = 120_000;
const HANDSHAKE_TIMEOUT_MS = 5_000;

interface PendingRequest {
  method: BridgeMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Solana's wire format: a compact-u16 signature count, the signatures, then the message. The relay
 * checks a "signed" transaction against what it asked to sign, so a page script that answers in the
 * bridge's place cannot swap the transaction or hand back a signature that does not verify.
 */
function splitTransaction(bytes: Uint8Array): { signatures: Uint8Array[]; message: Uint8Array } {
  let count = 0;
  let offset = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[offset++];
    if (byte === undefined || shift > 14)
      throw new MessagingError("bad_request", "the transaction's signature count is malformed");
    count |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
  }
  const signatures = Array.from({ length: count }, (_, index) => bytes.slice(offset + index * 64, offset + (index + 1) * 64));
  return { signatures, message: bytes.slice(offset + count * 64) };
}

/** A compact-u16 at `offset`: its value and where the next field starts. */
function compactU16(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  for (let shift = 0, at = offset; at < offset + 3; shift += 7, at++) {
    const byte = bytes[at];
    if (byte === undefined) throw new MessagingError("bad_request", "the transaction's message is cut short");
    value |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, at + 1];
  }
  throw new MessagingError("bad_request", "the transaction's message is malformed");
}

/** A message as the wire lays it out (legacy or v0): its keys with their roles, blockhash and instructions, keys resolved. */
interface ReadMessage {
  requiredSignatures: number;
  keys: string[];
  /** Each key's role, from the header: "signer" or not, "writable" or not. */
  roles: Map<string, string>;
  blockhash: string;
  instructions: { program: string; accounts: string[]; data: Uint8Array }[];
  /** v0 address lookup tables: keys this reading cannot resolve. */
  usesLookupTables: boolean;
}

function readMessage(message: Uint8Array): ReadMessage {
  const versioned = ((message[0] ?? 0) & 0x80) !== 0;
  let offset = versioned ? 1 : 0;
  const requiredSignatures = message[offset] ?? 0;
  const readonlySigned = message[offset + 1] ?? 0;
  const readonlyUnsigned = message[offset + 2] ?? 0;
  offset += 3;
  let count: number;
  [count, offset] = compactU16(message, offset);
  const keys = Array.from({ length: count }, (_, index) =>
    bs58.encode(message.slice(offset + index * 32, offset + (index + 1) * 32)),
  );
  const roles = new Map(
    keys.map((key, index) => {
      const signer = index < requiredSignatures;
      const writable = signer ? index < requiredSignatures - readonlySigned : index < count - readonlyUnsigned;
      return [key, `${signer ? "signer" : "unsigned"} ${writable ? "writable" : "readonly"}`];
    }),
  );
  offset += count * 32;
  const blockhash = bs58.encode(message.slice(offset, offset + 32));
  offset += 32;
  [count, offset] = compactU16(message, offset);
  const instructions: ReadMessage["instructions"] = [];
  for (let index = 0; index < count; index++) {
    const program = keys[message[offset++] ?? -1] ?? "?";
    let accountCount: number;
    [accountCount, offset] = compactU16(message, offset);
    const accounts = Array.from(message.slice(offset, offset + accountCount), (key) => keys[key] ?? `lookup:${key}`);
    offset += accountCount;
    let dataLength: number;
    [dataLength, offset] = compactU16(message, offset);
    instructions.push({ program, accounts, data: message.slice(offset, offset + dataLength) });
    offset += dataLength;
  }
  const usesLookupTables = versioned && compactU16(message, offset)[0] > 0;
  return { requiredSignatures, keys, roles, blockhash, instructions, usesLookupTables };
}

/**
 * Whether `signed` is `requested` with only wallet assertions added (Lighthouse's, which Phantom and
 * Solflare insert as they sign): the same signers in order and blockhash, every requested key in the
 * same role (signer, writable), every added key read-only and unsigned, the same instructions in
 * order, and every other instruction a Lighthouse assertion. Such a transaction does what the
 * approval window showed, or fails.
 */
function addsOnlyWalletAssertions(requested: Uint8Array, signed: Uint8Array): boolean {
  const before = readMessage(requested);
  const after = readMessage(signed);
  if (before.usesLookupTables || after.usesLookupTables) return false;
  if (before.requiredSignatures !== after.requiredSignatures || before.blockhash !== after.blockhash) return false;
  const signers = (message: ReadMessage) => message.keys.slice(0, message.requiredSignatures).join();
  if (signers(before) !== signers(after)) return false;
  if (before.keys.some((key) => !after.roles.has(key))) return false;
  for (const [key, role] of after.roles) {
    if (role !== (before.roles.get(key) ?? "unsigned readonly")) return false;
  }
  // A Lighthouse instruction that is not an assertion (a memory write or close) stays, and so differs.
  const kept = after.instructions.filter(
    (instruction) => instruction.program !== LIGHTHOUSE_PROGRAM_ID || !isLighthouseAssertion(instruction.data),
  );
  const same = (instructions: ReadMessage["instructions"]) =>
    JSON.stringify(instructions.map((instruction) => ({ ...instruction, data: bs58.encode(instruction.data) })));
  return same(kept) === same(before.instructions);
}

/** The account keys a message lists, to find which signature slot belongs to the wallet. */
function signerIndex(message: Uint8Array, address: string): number {
  const { keys, requiredSignatures } = readMessage(message);
  return keys.slice(0, requiredSignatures).indexOf(address);
}

const sameBytes = (left: Uint8Array, right: Uint8Array) =>
  left.length === right.length && left.every((byte, index) => byte === right[index]);

export function verifySignedTransaction(requested: string, signed: string, address: string): void {
  const before = splitTransaction(fromBase64(requested));
  const after = splitTransaction(fromBase64(signed));
  if (!sameBytes(before.message, after.message) && !addsOnlyWalletAssertions(before.message, after.message)) {
    throw new MessagingError("rejected", "the wallet returned a different transaction than the one it was asked to sign");
  }
  const index = signerIndex(after.message, address);
  const signature = after.signatures[index];
  if (index < 0 || !signature || !ed25519.verify(signature, after.message, bs58.decode(address))) {
    throw new MessagingError("rejected", "the wallet's signature does not verify for the connected address");
  }
}

/**
 * The isolated-world end of the wallet bridge. It hands the page-world bridge a private
 * MessagePort once, then sends requests with fresh ids and accepts only replies to ids it is
 * waiting for. Answers are checked against the contract and, for signatures, cryptographically.
 */
export class WalletBridgeClient {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly ready: Promise<MessagePort>;
  private connected: { wallet: ExternalWalletChoice; address: string } | undefined;

  constructor(win: Window) {
    const channel = new MessageChannel();
    const handshakeId = crypto.randomUUID();
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new MessagingError("unsupported", "the wallet bridge did not answer on this page (reload the x.com tab)")),
        HANDSHAKE_TIMEOUT_MS,
      );
      channel.port1.onmessage = (event: MessageEvent) => {
        const welcome = bridgeWelcomeSchema.safeParse(event.data);
        if (welcome.success && welcome.data.id === handshakeId) {
          clearTimeout(timer);
          channel.port1.onmessage = (reply: MessageEvent) => this.onReply(reply.data);
          resolve(channel.port1);
        }
      };
    });
    // Our content scripts run at document_start, before any page script, so this hello is the first the bridge sees.
    win.postMessage({ channel: BRIDGE_CHANNEL, kind: "relay-hello", id: handshakeId }, win.location.origin, [channel.port2]);
    this.ready.catch(() => undefined);
  }

  async request<M extends BridgeMethod>(
    wallet: ExternalWalletChoice,
    method: M,
    params: BridgeParams<M>,
    /** Which wallet of that choice (several wallet-standard wallets can be installed). */
    name?: string,
  ): Promise<BridgeResult<M>> {
    const port = await this.ready;
    const id = crypto.randomUUID();
    const raw = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new MessagingError("timeout", `${method}: the wallet did not answer in time`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { method, resolve, reject, timer });
      port.postMessage({ kind: "request", id, wallet, ...(name ? { name } : {}), method, params });
    });
    const result = bridgeMethods[method].result.safeParse(raw);
    if (!result.success) throw new MessagingError("internal", `${method}: the wallet bridge answered in an unexpected shape`);
    const value = result.data as BridgeResult<M>;
    this.check(wallet, method, params, value);
    return value;
  }

  private check<M extends BridgeMethod>(
    wallet: ExternalWalletChoice,
    method: M,
    params: BridgeParams<M>,
    value: BridgeResult<M>,
  ): void {
    if (method === "connect") this.connected = { wallet, address: (value as BridgeResult<"connect">).address };
    if (method === "disconnect") this.connected = undefined;
    if (method === "signMessage") {
      const { address, signature } = value as BridgeResult<"signMessage">;
      const message = new TextEncoder().encode((params as BridgeParams<"signMessage">).message);
      if (!ed25519.verify(bs58.decode(signature), message, bs58.decode(address))) {
        throw new MessagingError("rejected", "the wallet's message signature does not verify");
      }
    }
    if (method === "signTransaction") {
      if (!this.connected || this.connected.wallet !== wallet)
        throw new MessagingError("no_wallet", "connect the wallet before signing");
      verifySignedTransaction(
        (params as BridgeParams<"signTransaction">).transaction,
        (value as BridgeResult<"signTransaction">).transaction,
        this.connected.address,
      );
    }
  }

  private onReply(data: unknown): void {
    const reply = bridgeReplySchema.safeParse(data);
    if (!reply.success) return;
    const pending = this.pending.get(reply.data.id);
    // Only replies to requests this relay made are taken; anything else is dropped.
    if (!pending) return;
    this.pending.delete(reply.data.id);
    clearTimeout(pending.timer);
    if (reply.data.ok) pending.resolve(reply.data.result);
    else pending.reject(new MessagingError(reply.data.error.code, `${pending.method}: ${reply.data.error.message}`));
  }
}

const CLIENT_KEY = Symbol.for("memefans.walletBridgeClient");

/** Called once by the relay content script at document_start; the overlay shares the isolated world. */
export function startWalletRelay(win: Window = window): WalletBridgeClient {
  const holder = globalThis as { [CLIENT_KEY]?: WalletBridgeClient };
  holder[CLIENT_KEY] ??= new WalletBridgeClient(win);
  return holder[CLIENT_KEY];
}

/** The overlay's way to Phantom, Solflare and wallet-standard wallets on the page. */
export function walletBridge(): WalletBridgeClient {
  return startWalletRelay();
}

/**
 * Answers the service worker's page-signing request (see pageSigningRequestSchema): the wallet must
 * be on the account the extension knows, and its signature is verified before it leaves the tab.
 */
export async function signForServiceWorker(client: WalletBridgeClient, raw: unknown): Promise<PageSigningReply> {
  const request = pageSigningRequestSchema.safeParse(raw);
  if (!request.success) return { ok: false, error: { code: "bad_request", message: "the signing request is malformed" } };
  const { wallet, name, address, transaction } = request.data;
  try {
    const connected = await client.request(wallet, "connect", {}, name);
    if (connected.address !== address) {
      throw new MessagingError(
        "no_wallet",
        `${connected.name} is on account ${connected.address}, but this giveaway is ${address}'s: switch accounts in ${connected.name}`,
      );
    }
    return { ok: true, transaction: (await client.request(wallet, "signTransaction", { transaction }, name)).transaction };
  } catch (error) {
    const code = pageSigningErrorCodeSchema.catch("rejected").parse(error instanceof MessagingError ? error.code : undefined);
    return { ok: false, error: { code, message: (error as Error).message ?? String(error) } };
  }
}
