import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import bs58 from "bs58";
import express from "express";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { decodeDistributionAccount } from "../../shared/program/index.ts";
import { DISTRIBUTION_PROGRAM_ID } from "../../shared/program/program-id.ts";
import { createTestDistribution, fund } from "../claims/testing/chain-fixtures.ts";
import { ChainThread } from "./chain-thread.ts";
import { defaultChainPrograms } from "./default-programs.ts";
import type { LandedSummary } from "./embedded-chain.ts";
import { createRpcRouter } from "./rpc-router.ts";
import { serveRpcSubscriptions } from "./rpc-subscriptions.ts";

const directory = mkdtempSync(join(tmpdir(), "memefans-chain-thread-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Starts a chain thread, collecting what it reports as internal errors. */
async function startThread(settings: Partial<Parameters<typeof ChainThread.start>[0]> = {}) {
  const internalErrors: string[] = [];
  const thread = await ChainThread.start({ programs: defaultChainPrograms(), autosaveMs: 60_000, ...settings }, (message) =>
    internalErrors.push(message),
  );
  return { thread, internalErrors };
}

function transfer(from: Keypair, lamports: number, blockhash: string): Transaction {
  const transaction = new Transaction({ feePayer: from.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: Keypair.generate().publicKey, lamports }),
  );
  transaction.sign(from);
  return transaction;
}

/** A websocket subscribed to `signature` (the subscription acknowledged), and its first notification. */
async function subscribe(port: number, signature: string): Promise<{ socket: WebSocket; notified: Promise<unknown> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/rpc`);
  await once(socket, "open");
  let acknowledge = () => {};
  const acknowledged = new Promise<void>((resolve) => {
    acknowledge = resolve;
  });
  const notified = new Promise<unknown>((resolve) =>
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; method?: string };
      if (message.id === 1) acknowledge();
      if (message.method === "signatureNotification") resolve(message);
    }),
  );
  socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "signatureSubscribe", params: [signature] }));
  await acknowledged;
  return { socket, notified };
}

describe("the embedded chain on its own thread", () => {
  it("funds the fee payer at start and runs our program's transactions through Connection", async () => {
    const feePayer = Keypair.generate();
    const { thread, internalErrors } = await startThread({
      funded: { address: feePayer.publicKey.toBase58(), lamports: 7n * BigInt(LAMPORTS_PER_SOL) },
    });
    try {
      const connection = thread.connection();
      expect(await connection.getBalance(feePayer.publicKey)).toBe(7 * LAMPORTS_PER_SOL);
      const distribution = await createTestDistribution(connection, {
        verifier: feePayer.publicKey,
        maxClaims: 5,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      const account = await connection.getAccountInfo(distribution.address);
      expect(decodeDistributionAccount(account?.data as Uint8Array).maxClaims).toBe(5);
      // A JSON-RPC error comes back as the chain's answer, not as a failed call.
      await expect(connection.getBalance(Keypair.generate().publicKey, { minContextSlot: 1e12 })).rejects.toThrow(
        /Minimum context slot has not been reached/,
      );
      expect(internalErrors).toEqual([]);
    } finally {
      await thread.close();
    }
  });

  it("tells the websocket subscriptions of every transaction that lands, and of those that landed before", async () => {
    const { thread } = await startThread();
    const app = express().use(createRpcRouter(thread.answer));
    const server = createServer(app);
    const landed = thread.landed();
    const heard: LandedSummary[] = [];
    landed.on("landed", (summary) => heard.push(summary));
    const subscriptions = serveRpcSubscriptions(landed, server, { path: "/rpc" });
    try {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      const connection = new Connection(`http://127.0.0.1:${port}/rpc`, "confirmed");
      const payer = Keypair.generate();
      await fund(connection, payer.publicKey, 2);
      const { blockhash } = await connection.getLatestBlockhash();
      const payment = transfer(payer, LAMPORTS_PER_SOL, blockhash);
      const signature = bs58.encode(payment.signature as Buffer);

      // Subscribed before it is sent: told when it lands. Subscribed after: told at once.
      const before = await subscribe(port, signature);
      await connection.sendRawTransaction(payment.serialize());
      expect(await before.notified).toMatchObject({ params: { result: { value: { err: null } } } });
      const after = await subscribe(port, signature);
      expect(await after.notified).toMatchObject({ params: { result: { value: { err: null } } } });
      for (const socket of [before.socket, after.socket]) socket.close();

      expect(heard.map((summary) => summary.signature)).toContain(signature);
      expect(landed.status(signature)).toMatchObject({ signature, err: null });
      expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL - 5000);
      const notJson = await fetch(`http://127.0.0.1:${port}/rpc`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      });
      expect(await notJson.json()).toMatchObject({ error: { code: -32700 } });
    } finally {
      subscriptions.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await thread.close();
    }
  });

  it("keeps its state across a restart in its snapshot, and funds the fee payer only when it runs low", async () => {
    const snapshotPath = join(directory, "chain.bin");
    const feePayer = Keypair.generate();
    const funded = { address: feePayer.publicKey.toBase58(), lamports: 4n * BigInt(LAMPORTS_PER_SOL) };
    const first = await startThread({ snapshotPath, funded });
    const payer = Keypair.generate();
    await fund(first.thread.connection(), payer.publicKey, 3);
    // Saved when it closes: nothing is lost to the autosave's interval.
    await first.thread.close();

    const second = await startThread({ snapshotPath, funded });
    try {
      const connection = second.thread.connection();
      expect(await connection.getBalance(payer.publicKey)).toBe(3 * LAMPORTS_PER_SOL);
      expect(await connection.getBalance(feePayer.publicKey)).toBe(4 * LAMPORTS_PER_SOL);
      expect(second.internalErrors).toEqual([]);
    } finally {
      await second.thread.close();
    }
  });

  it("fails to start with the chain's own reason, and refuses calls once closed", async () => {
    const missing = { programId: DISTRIBUTION_PROGRAM_ID, path: join(directory, "missing.so") };
    await expect(startThread({ programs: [missing] })).rejects.toThrow(/the embedded chain failed to start/);
    const { thread } = await startThread();
    await thread.close();
    await expect(thread.connection().getSlot()).rejects.toThrow(/the chain thread stopped/);
  });
});
