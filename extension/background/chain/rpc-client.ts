import type { VersionedTransaction } from "@solana/web3.js";
import bs58 from "bs58";
import { z } from "zod";
import { fromBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "./program-ids.ts";

const rpcReplySchema = z.union([
  z.object({ result: z.unknown() }),
  z.object({ error: z.object({ code: z.number(), message: z.string() }) }),
]);

const accountSchema = z
  .object({ data: z.tuple([z.string(), z.literal("base64")]), owner: z.string(), lamports: z.number() })
  .nullable();

/** The signature of a transaction the cluster has seen, unless it failed on chain: then the chain's error. */
function settled(status: { err?: unknown }, signature: string): string {
  if (status.err) throw new MessagingError("rpc_error", `the transaction failed on chain: ${JSON.stringify(status.err)}`);
  return signature;
}

export interface TokenHolding {
  mint: string;
  amount: bigint;
  /** The program that keeps the account, and so the mint: SPL Token or Token-2022. */
  tokenProgram: "spl-token" | "token-2022";
}

/** The few JSON-RPC calls the wallet makes, against the configured RPC URL (the backend's /rpc by default). */
export class RpcClient {
  private nextId = 1;

  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async call<T>(method: string, params: unknown[], schema: z.ZodType<T>): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params }),
      });
    } catch (error) {
      throw new MessagingError("network_error", `the RPC at ${this.url} is unreachable (${(error as Error).message})`);
    }
    if (!response.ok) throw new MessagingError("rpc_error", `${method}: the RPC answered HTTP ${response.status}`);
    const reply = rpcReplySchema.parse(await response.json());
    if ("error" in reply)
      throw new MessagingError("rpc_error", `${method}: ${reply.error.message}`, { rpcCode: reply.error.code });
    const result = schema.safeParse(reply.result);
    if (!result.success) throw new MessagingError("rpc_error", `${method}: unexpected answer from the RPC`);
    return result.data;
  }

  async getBalance(owner: string): Promise<bigint> {
    const result = await this.call("getBalance", [owner, { commitment: "confirmed" }], z.object({ value: z.number() }));
    return BigInt(result.value);
  }

  /**
   * Token accounts of both token programs, decoded from the base layout they share (mint at 0,
   * amount at 64; Token-2022 extensions come after byte 165).
   */
  async getTokenHoldings(owner: string): Promise<TokenHolding[]> {
    const holdings: TokenHolding[] = [];
    for (const programId of [TOKEN_PROGRAM, TOKEN_2022_PROGRAM]) {
      const result = await this.call(
        "getTokenAccountsByOwner",
        [owner, { programId }, { encoding: "base64", commitment: "confirmed" }],
        z.object({ value: z.array(z.object({ pubkey: z.string(), account: accountSchema.unwrap() })) }),
      );
      for (const { account } of result.value) {
        const data = fromBase64(account.data[0]);
        holdings.push({
          mint: bs58.encode(data.slice(0, 32)),
          amount: new DataView(data.buffer).getBigUint64(64, true),
          tokenProgram: programId === TOKEN_2022_PROGRAM ? "token-2022" : "spl-token",
        });
      }
    }
    return holdings;
  }

  /** Both token programs keep a mint's decimals at byte 44. */
  async getMintDecimals(mint: string): Promise<number | undefined> {
    const result = await this.call("getAccountInfo", [mint, { encoding: "base64" }], z.object({ value: accountSchema }));
    if (!result.value || ![TOKEN_PROGRAM, TOKEN_2022_PROGRAM].includes(result.value.owner)) return undefined;
    return fromBase64(result.value.data[0])[44];
  }

  async getGenesisHash(): Promise<string> {
    return this.call("getGenesisHash", [], z.string());
  }

  async getMinimumBalanceForRentExemption(size: number): Promise<bigint> {
    return BigInt(await this.call("getMinimumBalanceForRentExemption", [size], z.number().int().min(0)));
  }

  async getAccountData(address: string): Promise<{ owner: string; data: Uint8Array } | undefined> {
    // Confirmed, as balances are read: an account made a moment ago is there (finalized lags ~13 s).
    const result = await this.call(
      "getAccountInfo",
      [address, { encoding: "base64", commitment: "confirmed" }],
      z.object({ value: accountSchema }),
    );
    return result.value ? { owner: result.value.owner, data: fromBase64(result.value.data[0]) } : undefined;
  }

  async getLatestBlockhash(): Promise<{ blockhash: string; lastValidBlockHeight: number }> {
    const result = await this.call(
      "getLatestBlockhash",
      [{ commitment: "confirmed" }],
      z.object({ value: z.object({ blockhash: z.string(), lastValidBlockHeight: z.number() }) }),
    );
    return result.value;
  }

  async sendTransaction(serialized: Uint8Array): Promise<string> {
    let binary = "";
    for (const byte of serialized) binary += String.fromCharCode(byte);
    return this.call("sendTransaction", [btoa(binary), { encoding: "base64", preflightCommitment: "confirmed" }], z.string());
  }

  /**
   * Sends a signed transaction so that a failure never leads to paying twice. When the cluster
   * refuses it (a JSON-RPC error), nothing was sent and that error is thrown. Any other failure (the
   * network, an HTTP error) may have come after the cluster took it: its first signature is then
   * looked for during `lookForMs`, and found it is sent; not found, the error says that whether it was
   * sent is unknown, with the signature to look it up, rather than inviting a second send that would
   * pay again.
   */
  async sendOnce(transaction: VersionedTransaction, { lookForMs = 30_000, pollMs = 1_000 } = {}): Promise<string> {
    const [first] = transaction.signatures;
    if (!first) throw new MessagingError("bad_request", "the transaction is missing a signature");
    const signature = bs58.encode(first);
    try {
      return await this.sendTransaction(transaction.serialize());
    } catch (error) {
      const refusedByCluster =
        error instanceof MessagingError &&
        typeof error.details === "object" &&
        error.details !== null &&
        "rpcCode" in error.details;
      if (refusedByCluster) throw error;
    }
    const deadline = Date.now() + lookForMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      // An unanswered look is not an answer: the next one may reach the cluster.
      const status = await this.signatureStatus(signature).catch(() => undefined);
      if (status) return settled(status, signature);
    }
    throw new MessagingError(
      "network_error",
      `sending failed on the way, and the transaction ${signature} has not shown up on chain yet: look it up before sending again, or it may be paid twice`,
      { signature },
    );
  }

  /**
   * Waits until the cluster says the transaction is confirmed; a transaction that failed on chain
   * throws with the chain's error, one not seen within `timeoutMs` throws "timeout".
   */
  async confirmTransaction(signature: string, { timeoutMs = 60_000, pollMs = 500 } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.signatureStatus(signature);
      if (status) settled(status, signature);
      if (status && (status.confirmationStatus === "confirmed" || status.confirmationStatus === "finalized")) return;
      if (Date.now() > deadline) throw new MessagingError("timeout", `the transaction ${signature} was not confirmed in time`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Where the cluster has the transaction, if it has seen it. */
  private async signatureStatus(signature: string) {
    const { value } = await this.call(
      "getSignatureStatuses",
      [[signature]],
      z.object({ value: z.array(z.object({ err: z.unknown(), confirmationStatus: z.string().nullish() }).nullable()) }),
    );
    return value[0] ?? undefined;
  }
}
