import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Connection, Keypair, type PublicKey } from "@solana/web3.js";
import bs58 from "bs58";
import { afterAll, beforeAll, expect, it } from "vitest";
import { decodeDistributionAccount, findVaultAddress, isSlotClaimed } from "../../shared/program/index.ts";
import type { Database } from "../db/database.ts";
import { openDatabase } from "../db/open-database.ts";
import { TestPostgres } from "../db/testing/engines.ts";
import { lineOf, startScript } from "../http/testing/child-processes.ts";
import { ClaimIntake } from "./claim-intake.ts";
import { createTestDistribution, fund } from "./testing/chain-fixtures.ts";

/**
 * The crash test. The chain runs in a process of its own, because it stands for a cluster that a
 * crashing backend does not take down; in embedded mode the chain lives inside the backend, and a
 * kill loses both together, so there is nothing to reconcile. The backend (a batcher process on
 * PostgreSQL) is SIGKILLed at random moments while it batches, 20 times, while new claims keep
 * arriving; then it runs to the end. The chain must show every accepted claim paid exactly once.
 */
const KILLS = 20;
const CLAIMS_PER_ROUND = 15;
const CLAIMS = KILLS * CLAIMS_PER_ROUND;
/** 20 ms slots: a blockhash expires after 3 s, so recovery of unsent batches happens within the test. */
const SLOT_MS = "20";

const postgres = new TestPostgres();
const children: ChildProcess[] = [];
let database: Database;
let databaseUrl = "";
let rpcUrl = "";

function start(script: string, environment: Record<string, string>): ChildProcess {
  const child = startScript(script, environment);
  children.push(child);
  return child;
}

const firstLine = (child: ChildProcess) => lineOf(child, (line) => line);

beforeAll(async () => {
  databaseUrl = await postgres.createDatabaseUrl();
  database = await openDatabase({ databaseUrl });
  const chainProcess = start("backend/chain/chain-main.ts", { CHAIN_PORT: "0", CHAIN_SLOT_MS: SLOT_MS });
  rpcUrl = (JSON.parse(await firstLine(chainProcess)) as { rpcUrl: string }).rpcUrl;
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await database?.close();
  postgres.stop();
});

it(`every accepted claim ends confirmed exactly once across ${KILLS} SIGKILLs of the batching backend`, async () => {
  const connection = new Connection(rpcUrl, "confirmed");
  const verifier = Keypair.generate();
  await fund(connection, verifier.publicKey, 1000);
  // The embedded chain's clock follows the wall clock.
  const nowSeconds = Math.floor(Date.now() / 1000);
  const distribution = await createTestDistribution(connection, {
    verifier: verifier.publicKey,
    maxClaims: CLAIMS + 50,
    nowSeconds,
  });
  const intake = new ClaimIntake(database);
  const wallets: PublicKey[] = [];
  const accept = async () => {
    const fresh = Array.from({ length: CLAIMS_PER_ROUND }, () => Keypair.generate().publicKey);
    const outcomes = await Promise.all(
      fresh.map((wallet, index) =>
        intake.submit({
          xUserId: String(wallets.length + index + 1),
          distribution: distribution.address.toBase58(),
          maxClaims: distribution.maxClaims,
          wallet: wallet.toBase58(),
          idempotencyKey: `crash-${wallets.length + index}`,
        }),
      ),
    );
    expect(outcomes.every((outcome) => outcome.kind === "created")).toBe(true);
    wallets.push(...fresh);
  };
  const environment = {
    DATABASE_URL: databaseUrl,
    SOLANA_RPC_URL: rpcUrl,
    VERIFIER_SECRET_KEY: bs58.encode(verifier.secretKey),
    LEASE_MS: "500",
  };

  const killedWhile: Record<string, number> = {};
  for (let round = 0; round < KILLS; round++) {
    await accept();
    const backend = start("backend/claims/testing/batcher-main.ts", environment);
    expect(await firstLine(backend)).toBe("batching");
    const statuses = async () =>
      (await database.query<{ status: string; count: string }>("SELECT status, count(*) AS count FROM claims GROUP BY status"))
        .rows;
    // Every other kill waits (up to 2 s) for a batch in flight, so some kills surely land between a
    // batch's send and its confirmation however fast the chain confirms; the rest land at random.
    let rows = await statuses();
    if (round % 2 === 1) {
      for (let waited = 0; waited < 2_000 && !rows.some((row) => row.status === "sent"); waited += 5) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        rows = await statuses();
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400));
      rows = await statuses();
    }
    for (const row of rows) if (row.status !== "confirmed") killedWhile[row.status] = (killedWhile[row.status] ?? 0) + 1;
    backend.kill("SIGKILL");
    await once(backend, "exit");
  }
  // The kills landed while claims were still queued and in flight, not only between batches.
  expect(killedWhile.sent ?? 0).toBeGreaterThan(0);

  const last = start("backend/claims/testing/batcher-main.ts", environment);
  expect(await firstLine(last)).toBe("batching");
  for (let waited = 0; waited < 30_000; waited += 100) {
    const { rows } = await database.query<{ open: string }>("SELECT count(*) AS open FROM claims WHERE status <> 'confirmed'");
    if (Number(rows[0]?.open) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  last.kill("SIGTERM");
  await once(last, "exit");

  const { rows: states } = await database.query<{ status: string; count: string }>(
    "SELECT status, count(*) AS count FROM claims GROUP BY status",
  );
  expect(states).toEqual([{ status: "confirmed", count: String(CLAIMS) }]);

  // The chain's word, read through /rpc: each wallet holds exactly one claim's amount.
  const accounts: (Buffer | undefined)[] = [];
  for (let start = 0; start < wallets.length; start += 100) {
    const chunk = wallets.slice(start, start + 100).map((wallet) => getAssociatedTokenAddressSync(distribution.mint, wallet));
    accounts.push(...(await connection.getMultipleAccountsInfo(chunk)).map((account) => account?.data));
  }
  const balances = accounts.map((data) => (data ? data.readBigUInt64LE(64) : 0n));
  expect(balances.filter((balance) => balance !== distribution.amountPerClaim)).toEqual([]);
  const state = decodeDistributionAccount((await connection.getAccountInfo(distribution.address))?.data as Uint8Array);
  expect(state.claimedCount).toBe(CLAIMS);
  expect(Array.from({ length: CLAIMS }, (_, slot) => isSlotClaimed(state.claimedBitmap, slot)).every(Boolean)).toBe(true);
  const vault = await connection.getTokenAccountBalance(findVaultAddress(distribution.address).address);
  expect(BigInt(vault.value.amount)).toBe(distribution.amountPerClaim * BigInt(distribution.maxClaims - CLAIMS));
}, 180_000);
