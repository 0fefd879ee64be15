import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { claimsPlugin } from "../claims/claims-plugin.ts";
import { claimsBatcherService } from "../claims/claims-service.ts";
import { fund, type TestDistribution } from "../claims/testing/chain-fixtures.ts";
import { claimAs, fanWithWallet, registeredTestDistribution } from "../claims/testing/registered-distribution.ts";
import type { Database } from "../db/database.ts";
import { openDatabase } from "../db/open-database.ts";
import { TestPostgres } from "../db/testing/engines.ts";
import { startTestBackend, type TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { eventReader } from "./testing/live-event-reader.ts";

/**
 * Two backend instances on one PostgreSQL server and one chain (instance A's embedded chain, which B
 * reaches over its development RPC as it would a cluster): a claim taken by A moves the live count on a
 * stream B holds. B's sweep (which reads every followed count from the shared database) is set far
 * beyond the test, so only A's notification through PostgreSQL can tell B.
 */
const postgres = new TestPostgres();
let instanceA: TestBackend | undefined;
let instanceB: TestBackend | undefined;
let distribution: TestDistribution;
const databases: Database[] = [];

beforeAll(async () => {
  const databaseUrl = await postgres.createDatabaseUrl();
  const shared = { DATABASE_URL: databaseUrl, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex") };
  // One connection pool per instance, as two processes would hold.
  const openPool = async () => {
    const database = await openDatabase({ databaseUrl });
    databases.push(database);
    return database;
  };
  const a = await startTestBackend(
    await openPool(),
    { ...shared, DEV_CHAIN_RPC: "1" },
    { plugins: [claimsPlugin], background: [claimsBatcherService({ idleMs: 20 })] },
  );
  instanceA = a;
  await fund(a.context.connection, a.feePayer.publicKey, 100);
  distribution = await registeredTestDistribution(a, { requirements: [], maxClaims: 3 });
  instanceB = await startTestBackend(
    await openPool(),
    { ...shared, SOLANA_RPC_URL: `${a.url}/rpc`, VERIFIER_KEYPAIR: JSON.stringify([...a.verifier.secretKey]) },
    { plugins: [claimsPlugin], liveSweepMs: 3_600_000 },
  );
}, 120_000);

afterAll(async () => {
  await instanceB?.close();
  await instanceA?.close();
  for (const database of databases) await database.close();
  postgres.stop();
});

it("moves the count on instance B's stream when instance A takes a claim, told through PostgreSQL", async () => {
  const [a, b] = [instanceA, instanceB] as [TestBackend, TestBackend];
  const address = distribution.address.toBase58();
  const response = await fetch(`${b.url}/live/distributions?addresses=${address}`);
  expect(response.status).toBe(200);
  const events = eventReader(response);
  try {
    expect(await events.next()).toMatchObject({ address, claimedCount: 0, remaining: 3 });
    const fan = await fanWithWallet(a, SEED.users.superfan.username);
    expect((await claimAs(a, fan, address)).status).toBe(202);
    expect(await events.next()).toMatchObject({ address, claimedCount: 1, remaining: 2 });
    expect(a.context.liveEvents.streamCount).toBe(0);
  } finally {
    events.cancel();
  }
}, 60_000);
