import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createAssociatedTokenAccountInstruction,
  createMint,
  getAccount,
  getAssociatedTokenAddressSync,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
  TransactionExpiredBlockheightExceededError,
} from "@solana/web3.js";
import bs58 from "bs58";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { BLOCKHASH_VALIDITY_BLOCKS } from "./chain-clock.ts";
import { EmbeddedChain, LAMPORTS_PER_SIGNATURE } from "./embedded-chain.ts";
import { inProcessConnection, rpcAnswerer } from "./in-process-fetch.ts";
import { MAX_BATCH_REQUESTS } from "./rpc-handler.ts";
import { createRpcRouter } from "./rpc-router.ts";
import {
  listenRpcSubscriptions,
  MAX_SUBSCRIPTION_MESSAGE_BYTES,
  MAX_SUBSCRIPTIONS_PER_SOCKET,
  serveRpcSubscriptions,
} from "./rpc-subscriptions.ts";

const SLOT_MS = 400;
let chain: EmbeddedChain;
let server: Server;
let rpcUrl = "";
let connection: Connection;
let stopSubscriptions: () => void = () => {};
const payer = Keypair.generate();

async function rawRpc(body: unknown): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

function transferTransaction(from: Keypair, to: PublicKey, lamports: number, blockhash: string): Transaction {
  const transaction = new Transaction({ feePayer: from.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }),
  );
  transaction.sign(from);
  return transaction;
}

beforeAll(async () => {
  chain = new EmbeddedChain({ slotMs: SLOT_MS });
  const app = express();
  app.use(createRpcRouter(rpcAnswerer(chain, { allowWarp: true })));
  server = createServer(app);
  stopSubscriptions = serveRpcSubscriptions(chain, server, { path: "/rpc" }).close;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  rpcUrl = `http://127.0.0.1:${port}/rpc`;
  connection = new Connection(rpcUrl, { commitment: "confirmed", wsEndpoint: `ws://127.0.0.1:${port}/rpc` });
  const airdrop = await connection.requestAirdrop(payer.publicKey, 100 * LAMPORTS_PER_SOL);
  const latest = await connection.getLatestBlockhash();
  await connection.confirmTransaction({ signature: airdrop, ...latest });
});

afterAll(async () => {
  stopSubscriptions();
  await new Promise((resolve) => server.close(resolve));
});

describe("embedded chain over JSON-RPC, driven by @solana/web3.js Connection", () => {
  it("answers the cluster questions and moves its slot with time", async () => {
    expect(await connection.getVersion()).toMatchObject({ "solana-core": expect.any(String) });
    expect(await connection.getGenesisHash()).toBe(chain.genesisHash);
    const firstSlot = await connection.getSlot();
    await new Promise((resolve) => setTimeout(resolve, SLOT_MS * 2.5));
    expect(await connection.getSlot()).toBeGreaterThan(firstSlot);
    const height = await connection.getBlockHeight();
    const epoch = await connection.getEpochInfo();
    expect(epoch.blockHeight).toBeGreaterThanOrEqual(height);
    expect(epoch.slotsInEpoch).toBe(432_000);
    expect(await connection.getMinimumBalanceForRentExemption(165)).toBe(2_039_280);
  });

  it("airdrops and sends SOL, with confirmation by subscription and statuses", async () => {
    expect(await connection.getBalance(payer.publicKey)).toBe(100 * LAMPORTS_PER_SOL);
    const recipient = Keypair.generate().publicKey;
    const transaction = new Transaction().add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: LAMPORTS_PER_SOL }),
    );
    const signature = await sendAndConfirmTransaction(connection, transaction, [payer]);
    expect(await connection.getBalance(recipient)).toBe(LAMPORTS_PER_SOL);
    expect(await connection.getBalance(payer.publicKey)).toBe(99 * LAMPORTS_PER_SOL - LAMPORTS_PER_SIGNATURE);
    const { value } = await connection.getSignatureStatuses([signature, "1".repeat(64)]);
    expect(value[0]).toMatchObject({ err: null, confirmationStatus: "finalized" });
    expect(value[1]).toBeNull();
    const fee = await connection.getFeeForMessage(transaction.compileMessage());
    expect(fee.value).toBe(LAMPORTS_PER_SIGNATURE);
  });

  it("creates a mint and token accounts with @solana/spl-token and reads them back in every encoding", async () => {
    const fan = Keypair.generate();
    const mint = await createMint(connection, payer, payer.publicKey, null, 6);
    const fanAccount = await getOrCreateAssociatedTokenAccount(connection, payer, mint, fan.publicKey);
    await mintTo(connection, payer, mint, fanAccount.address, payer, 2_500_000n);

    expect((await getAccount(connection, fanAccount.address)).amount).toBe(2_500_000n);
    expect((await connection.getTokenAccountBalance(fanAccount.address)).value).toEqual({
      amount: "2500000",
      decimals: 6,
      uiAmount: 2.5,
      uiAmountString: "2.5",
    });
    const parsed = await connection.getParsedTokenAccountsByOwner(fan.publicKey, { mint });
    expect(parsed.value).toHaveLength(1);
    expect(parsed.value[0]?.account.data.parsed).toMatchObject({
      type: "account",
      info: { mint: mint.toBase58(), owner: fan.publicKey.toBase58(), state: "initialized", tokenAmount: { amount: "2500000" } },
    });
    const raw = await connection.getTokenAccountsByOwner(fan.publicKey, { programId: TOKEN_PROGRAM_ID });
    expect(raw.value.map((entry) => entry.pubkey.toBase58())).toEqual([fanAccount.address.toBase58()]);
    expect(raw.value[0]?.account.data.length).toBe(165);
    const parsedMint = await connection.getParsedAccountInfo(mint);
    expect(parsedMint.value?.data).toMatchObject({
      program: "spl-token",
      parsed: { type: "mint", info: { decimals: 6, supply: "2500000" } },
    });
    const [mintInfo, missing] = await connection.getMultipleAccountsInfo([mint, Keypair.generate().publicKey]);
    expect(mintInfo?.owner.equals(TOKEN_PROGRAM_ID)).toBe(true);
    expect(missing).toBeNull();
  });

  it("simulates with logs and units, unsigned with a replaced blockhash, and refuses sigVerify with replacement", async () => {
    const { blockhash } = await connection.getLatestBlockhash();
    const overdraw = transferTransaction(payer, Keypair.generate().publicKey, 1_000 * LAMPORTS_PER_SOL, blockhash);
    const simulated = await connection.simulateTransaction(overdraw);
    expect(simulated.value.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(simulated.value.logs?.join("\n")).toMatch(/insufficient lamports/);
    expect(simulated.value.unitsConsumed).toBeGreaterThan(0);

    const fan = Keypair.generate().publicKey;
    const unsigned = new Transaction({ feePayer: payer.publicKey, recentBlockhash: "11111111111111111111111111111111" }).add(
      createAssociatedTokenAccountInstruction(
        payer.publicKey,
        getAssociatedTokenAddressSync(TOKEN_PROGRAM_ID, fan),
        fan,
        TOKEN_PROGRAM_ID,
      ),
    );
    const wire = unsigned.serialize({ requireAllSignatures: false, verifySignatures: false }).toString("base64");
    const replaced = (await rawRpc({
      jsonrpc: "2.0",
      id: 1,
      method: "simulateTransaction",
      params: [wire, { encoding: "base64", replaceRecentBlockhash: true, sigVerify: false }],
    })) as { result: { value: { replacementBlockhash: { blockhash: string } | null; err: unknown } } };
    expect(replaced.result.value.replacementBlockhash?.blockhash).toEqual(expect.any(String));
    // The mint is not a mint, so the ATA program refuses: simulation ran the instruction.
    expect(replaced.result.value.err).not.toBeNull();

    const both = (await rawRpc({
      jsonrpc: "2.0",
      id: 2,
      method: "simulateTransaction",
      params: [wire, { encoding: "base64", replaceRecentBlockhash: true, sigVerify: true }],
    })) as { error: { code: number } };
    expect(both.error.code).toBe(-32602);
  });

  it("refuses a failing send at preflight with the logs, charging nothing", async () => {
    const before = await connection.getBalance(payer.publicKey);
    const { blockhash } = await connection.getLatestBlockhash();
    const overdraw = transferTransaction(payer, Keypair.generate().publicKey, 1_000 * LAMPORTS_PER_SOL, blockhash);
    const error = await connection.sendRawTransaction(overdraw.serialize()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SendTransactionError);
    expect((error as SendTransactionError).message).toMatch(/custom program error: 0x1/);
    expect((await (error as SendTransactionError).getLogs(connection))?.join("\n")).toMatch(/insufficient lamports/);
    expect(await connection.getBalance(payer.publicKey)).toBe(before);

    const landedAnyway = await connection.sendRawTransaction(overdraw.serialize(), { skipPreflight: true });
    const { value } = await connection.getSignatureStatuses([landedAnyway]);
    expect(value[0]?.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(await connection.getBalance(payer.publicKey)).toBe(before - LAMPORTS_PER_SIGNATURE);
  });

  it("expires blockhashes after 150 blocks: preflight refuses, a skipped preflight never lands, confirmation gives up", async () => {
    const latest = await connection.getLatestBlockhash();
    const stale = transferTransaction(payer, Keypair.generate().publicKey, LAMPORTS_PER_SOL, latest.blockhash);
    expect(await connection.isBlockhashValid(latest.blockhash)).toMatchObject({ value: true });
    chain.warp((BLOCKHASH_VALIDITY_BLOCKS + 1) * SLOT_MS);
    expect(await connection.isBlockhashValid(latest.blockhash)).toMatchObject({ value: false });
    await expect(connection.sendRawTransaction(stale.serialize())).rejects.toThrow(/Blockhash not found/);

    const dropped = await connection.sendRawTransaction(stale.serialize(), { skipPreflight: true });
    await expect(connection.confirmTransaction({ signature: dropped, ...latest })).rejects.toBeInstanceOf(
      TransactionExpiredBlockheightExceededError,
    );
    expect((await connection.getSignatureStatuses([dropped])).value[0]).toBeNull();

    const fresh = await connection.getLatestBlockhash();
    const resent = transferTransaction(payer, Keypair.generate().publicKey, LAMPORTS_PER_SOL, fresh.blockhash);
    const signature = await connection.sendRawTransaction(resent.serialize());
    await connection.confirmTransaction({ signature, ...fresh });
  });

  it("moves the clock forward through the dev-only memefans_warp method", async () => {
    const before = chain.unixTimestamp();
    const answer = (await rawRpc({ jsonrpc: "2.0", id: 1, method: "memefans_warp", params: [{ seconds: 3600 }] })) as {
      result: { unixTimestamp: number };
    };
    expect(answer.result.unixTimestamp).toBeGreaterThanOrEqual(before + 3600);
  });

  it("gives JSON-RPC errors for unknown methods, bad params, bad JSON and answers batches", async () => {
    expect(await rawRpc({ jsonrpc: "2.0", id: 1, method: "getEverything" })).toMatchObject({ id: 1, error: { code: -32601 } });
    expect(await rawRpc({ jsonrpc: "2.0", id: 2, method: "getBalance", params: ["not-a-key"] })).toMatchObject({
      id: 2,
      error: { code: -32602, message: expect.stringMatching(/Solana address/) },
    });
    expect(
      await rawRpc({ jsonrpc: "2.0", id: 3, method: "sendTransaction", params: ["AAAA", { encoding: "base64" }] }),
    ).toMatchObject({
      error: { code: -32602 },
    });
    // Longer than any transaction: refused before the base58 decode, which is quadratic in length.
    expect(await rawRpc({ jsonrpc: "2.0", id: 5, method: "sendTransaction", params: ["2".repeat(60_000)] })).toMatchObject({
      id: 5,
      error: { code: -32602, message: "invalid transaction: longer than 1683 base58 characters" },
    });
    expect(await rawRpc({ jsonrpc: "2.0", id: 6, method: "getSignatureStatuses", params: [["2".repeat(60_000)]] })).toMatchObject(
      { id: 6, error: { code: -32602 } },
    );
    const notJson = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(await notJson.json()).toMatchObject({ error: { code: -32700 } });
    const batch = (await rawRpc([
      { jsonrpc: "2.0", id: "a", method: "getHealth" },
      { jsonrpc: "2.0", method: "getHealth" },
      { jsonrpc: "2.0", id: "b", method: "getSlot" },
    ])) as { id: string }[];
    expect(batch.map((entry) => entry.id)).toEqual(["a", "b"]);
    expect(
      await rawRpc({
        jsonrpc: "2.0",
        id: 4,
        method: "getMultipleAccounts",
        params: [[payer.publicKey.toBase58()], { encoding: "base58" }],
      }),
    ).toMatchObject({
      result: { value: [{ data: ["", "base58"], owner: "11111111111111111111111111111111" }] },
    });
  });

  it("confirms for a Connection given only the HTTP URL, through subscriptions on port + 1", async () => {
    // Find a port P with P + 1 free as well: the RPC on P, the subscriptions where Connection looks, P + 1.
    const app = express().use(createRpcRouter(rpcAnswerer(chain)));
    for (let attempt = 0; ; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 40_000);
      const rpc = createServer(app);
      const listening = await new Promise<boolean>((resolve) => {
        rpc.once("error", () => resolve(false));
        rpc.listen(port, "127.0.0.1", () => resolve(true));
      });
      const subscriptions = listening ? await listenRpcSubscriptions(chain, port + 1).catch(() => undefined) : undefined;
      if (!subscriptions) {
        rpc.close();
        if (attempt < 20) continue;
        throw new Error("found no two free neighbouring ports");
      }
      try {
        const plain = new Connection(`http://127.0.0.1:${port}/rpc`, "confirmed");
        const latest = await plain.getLatestBlockhash();
        const transaction = transferTransaction(payer, Keypair.generate().publicKey, LAMPORTS_PER_SOL, latest.blockhash);
        const signature = await plain.sendRawTransaction(transaction.serialize());
        expect((await plain.confirmTransaction({ signature, ...latest })).value.err).toBeNull();
        // Connection still sends one getSignatureStatuses after the notification won; let it finish.
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        await subscriptions.close();
        await new Promise((resolve) => rpc.close(resolve));
      }
      return;
    }
  });

  it("serves the backend's own Connection in process, without a socket", async () => {
    const local = inProcessConnection(chain);
    expect(await local.getBalance(payer.publicKey)).toBe(await connection.getBalance(payer.publicKey));
    const recipient = Keypair.generate().publicKey;
    const { blockhash } = await local.getLatestBlockhash();
    const signature = await local.sendRawTransaction(
      transferTransaction(payer, recipient, LAMPORTS_PER_SOL, blockhash).serialize(),
    );
    expect((await local.getSignatureStatuses([signature])).value[0]).toMatchObject({ err: null });
    expect(await connection.getBalance(recipient)).toBe(LAMPORTS_PER_SOL);
  });
});

/** A websocket to the test server's /rpc, open. */
async function openSocket(): Promise<WebSocket> {
  const socket = new WebSocket(rpcUrl.replace("http://", "ws://"));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Sends one JSON-RPC request over `socket` and waits for the answer with its id. */
function askSocket(socket: WebSocket, request: { id: number; method: string; params: unknown[] }): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number };
      if (message.id !== request.id) return;
      socket.off("message", onMessage);
      resolve(message);
    };
    socket.on("message", onMessage);
    socket.send(JSON.stringify({ jsonrpc: "2.0", ...request }));
  });
}

describe("the development RPC's limits", () => {
  it("reads only application/json, so a cross-origin text/plain POST gets nowhere", async () => {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "requestAirdrop", params: [payer.publicKey.toBase58(), 1] }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: -32600 } });
  });

  it("refuses a batch of more than MAX_BATCH_REQUESTS requests without running any", async () => {
    const recipient = Keypair.generate().publicKey.toBase58();
    const airdrops = Array.from({ length: MAX_BATCH_REQUESTS + 1 }, (_, index) => ({
      jsonrpc: "2.0",
      id: index,
      method: "requestAirdrop",
      params: [recipient, LAMPORTS_PER_SOL],
    }));
    expect(await rawRpc(airdrops)).toMatchObject({ id: null, error: { code: -32600, message: /Batch too large/ } });
    expect(await connection.getBalance(new PublicKey(recipient))).toBe(0);
  });

  it("limits requests per client IP", async () => {
    const limited = createServer(express().use(createRpcRouter(rpcAnswerer(chain), { requestsPerMinute: 2 })));
    await new Promise<void>((resolve) => limited.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(limited.address() as AddressInfo).port}/rpc`;
    try {
      const ask = () =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getSlot" }),
        });
      expect((await ask()).status).toBe(200);
      expect((await ask()).status).toBe(200);
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => limited.close(resolve));
    }
  });

  it("closes a websocket that sends a message over MAX_SUBSCRIPTION_MESSAGE_BYTES", async () => {
    const socket = await openSocket();
    const closed = new Promise<number>((resolve) => socket.once("close", resolve));
    socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "x".repeat(MAX_SUBSCRIPTION_MESSAGE_BYTES) }));
    expect(await closed).toBe(1009);
  });

  it("caps the subscriptions one socket holds to signatures that have not landed", async () => {
    const socket = await openSocket();
    try {
      const unlanded = () => bs58.encode(Keypair.generate().secretKey);
      const subscriptions: unknown[] = [];
      for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_SOCKET; id++) {
        const answer = await askSocket(socket, { id, method: "signatureSubscribe", params: [unlanded()] });
        subscriptions.push((answer as { result?: unknown }).result);
      }
      expect(subscriptions.every((subscription) => typeof subscription === "number")).toBe(true);
      const refused = await askSocket(socket, { id: 0, method: "signatureSubscribe", params: [unlanded()] });
      expect(refused).toMatchObject({ error: { code: -32600, message: /Too many subscriptions/ } });
      // Unsubscribing frees a place.
      expect(await askSocket(socket, { id: -1, method: "signatureUnsubscribe", params: [subscriptions[0]] })).toMatchObject({
        result: true,
      });
      expect(await askSocket(socket, { id: -2, method: "signatureSubscribe", params: [unlanded()] })).toHaveProperty("result");
    } finally {
      socket.close();
    }
  });

  it("forgets the oldest signature statuses past its bound", () => {
    const small = new EmbeddedChain({ rememberedStatuses: 2 });
    const signatures = [1, 2, 3].map(() => small.airdrop(Keypair.generate().publicKey.toBase58(), BigInt(LAMPORTS_PER_SOL)));
    expect(small.status(signatures[0] ?? "")).toBeUndefined();
    expect(small.status(signatures[1] ?? "")).toBeDefined();
    expect(small.status(signatures[2] ?? "")).toBeDefined();
  });
});
