import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { decodeDistributionAccount } from "../../shared/program/index.ts";
import { defaultChainPrograms } from "../chain/default-programs.ts";
import { EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import type { Database } from "../db/database.ts";
import { openDatabase } from "../db/open-database.ts";
import { TestPostgres } from "../db/testing/engines.ts";
import { ClaimBatcher } from "./claim-batcher.ts";
import { ClaimIntake } from "./claim-intake.ts";
import { createTestDistribution, fund, tokenBalance } from "./testing/chain-fixtures.ts";

// PGlite is one connection in one process, so several instances sharing a database means PostgreSQL.
const postgres = new TestPostgres();
const databases: Database[] = [];

beforeAll(async () => {
  const url = await postgres.createDatabaseUrl();
  databases.push(await openDatabase({ databaseUrl: url }), await openDatabase({ databaseUrl: url }));
}, 120_000);

afterAll(async () => {
  for (const database of databases) await database.close();
  postgres.stop();
});

it("two batchers on one PostgreSQL never batch the same claim, and every wallet is paid exactly once", async () => {
  const [first, second] = databases as [Database, Database];
  const chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  const connection = inProcessConnection(chain);
  const verifier = Keypair.generate();
  await fund(connection, verifier.publicKey, 1000);
  const distribution = await createTestDistribution(connection, {
    verifier: verifier.publicKey,
    maxClaims: 400,
    nowSeconds: chain.unixTimestamp(),
  });
  const wallets = Array.from({ length: 300 }, () => Keypair.generate().publicKey);
  const intake = new ClaimIntake(first);
  await Promise.all(
    wallets.map((wallet, index) =>
      intake.submit({
        xUserId: String(index + 1),
        distribution: distribution.address.toBase58(),
        maxClaims: distribution.maxClaims,
        wallet: wallet.toBase58(),
        idempotencyKey: `claim-${index}-key`,
      }),
    ),
  );

  const sentBy = new Map<string, number>();
  const batchers = [first, second].map(
    (database, index) =>
      new ClaimBatcher({
        database,
        connection,
        signers: { verifier },
        instanceId: `instance-${index}`,
        // Small cycles so the two instances interleave many times.
        batchesPerCycle: 2,
        idleMs: 20,
        hooks: { onBatchSent: (size) => sentBy.set(`instance-${index}`, (sentBy.get(`instance-${index}`) ?? 0) + size) },
      }),
  );
  for (const batcher of batchers) batcher.start();
  for (let waited = 0; waited < 60_000; waited += 100) {
    const { rows } = await first.query<{ open: string }>(
      "SELECT count(*) AS open FROM claims WHERE status IN ('queued', 'sent')",
    );
    if (Number(rows[0]?.open) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await Promise.all(batchers.map((batcher) => batcher.stop()));

  // Both did part of the work, and together they sent each claim exactly once.
  expect(sentBy.get("instance-0")).toBeGreaterThan(0);
  expect(sentBy.get("instance-1")).toBeGreaterThan(0);
  expect((sentBy.get("instance-0") ?? 0) + (sentBy.get("instance-1") ?? 0)).toBe(300);
  const { rows: batches } = await first.query<{ status: string; claims: string }>(
    "SELECT status, sum(claim_count) AS claims FROM claim_batches GROUP BY status",
  );
  expect(batches).toEqual([{ status: "confirmed", claims: "300" }]);
  const { rows: claims } = await first.query<{ status: string; count: string }>(
    "SELECT status, count(*) AS count FROM claims GROUP BY status",
  );
  expect(claims).toEqual([{ status: "confirmed", count: "300" }]);

  const account = await connection.getAccountInfo(distribution.address);
  expect(decodeDistributionAccount(account?.data as Uint8Array).claimedCount).toBe(300);
  const balances = await Promise.all(wallets.map((wallet) => tokenBalance(connection, distribution.mint, wallet)));
  expect(balances.every((balance) => balance === distribution.amountPerClaim)).toBe(true);
}, 120_000);
