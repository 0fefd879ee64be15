import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, sendAndConfirmTransaction, Transaction } from "@solana/web3.js";
import express from "express";
import { afterAll, describe, expect, it } from "vitest";
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
      const connection = new Connection(`http://127.0.0.1:${port}/rpc`, {
        commitment: "confirmed",
        wsEndpoint: `ws://127.0.0.1:${port}/rpc`,
      });
      const payer = Keypair.generate();
      await fund(connection, payer.publicKey, 2);
      // confirmTransaction waits on signatureSubscribe, answered from the thread's landed transactions.
      const { blockhash } = await connection.getLatestBlockhash();
      const signature = await sendAndConfirmTransaction(connection, transfer(payer, LAMPORTS_PER_SOL, blockhash), [payer]);
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
