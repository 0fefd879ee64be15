import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import pino from "pino";
import { type RequirementInput, requirementsHash, requirementsSchema } from "../../shared/requirements.ts";
import { ClaimBatcher } from "../claims/claim-batcher.ts";
import { batcherMetricsHooks, claimsPlugin } from "../claims/claims-plugin.ts";
import { createTestDistribution, fund, type TestDistribution } from "../claims/testing/chain-fixtures.ts";
import { openDatabase } from "../db/open-database.ts";
import { createDatabaseOn, startPostgresServer } from "../db/testing/postgres-server.ts";
import { createLogger } from "../http/logging.ts";
import { startTestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import type { BenchCommand, BenchReply, BenchUser } from "./protocol.ts";

/**
 * The backend under benchmark, in a process of its own so the load generator does not share its
 * event loop: embedded defaults (PGlite in a file, the in-process chain, the X API emulator, request
 * logs at level info).
 * The driver (api.ts) sends commands over IPC.
 */
const dataDirectory = process.argv[2];
if (!dataDirectory) throw new Error("usage: bench-server.ts <data directory>");
// BENCH_POSTGRES=1 compares with a PostgreSQL server on loopback (started here, thrown away after).
const postgres = process.env.BENCH_POSTGRES === "1" ? await startPostgresServer() : undefined;
const database = postgres
  ? await openDatabase({ databaseUrl: await createDatabaseOn(postgres.adminUrl) })
  : await openDatabase({ dataDirectory });
// At the production default level (info), one line per request, into a file as an operator's would go.
const logger = createLogger("info", pino.destination({ dest: join(dataDirectory, "backend.log"), sync: false }));
// The load generator opens up to 256 connections from loopback, beside the ones setting up.
const backend = await startTestBackend(database, { MAX_CONNECTIONS_PER_ADDRESS: "1024" }, { plugins: [claimsPlugin], logger });
const connection = backend.context.connection;
const chain = backend.chain;
if (!chain) throw new Error("the benchmark runs on the embedded chain");
await fund(connection, backend.feePayer.publicKey, 10_000);
const creator = await backend.signIn(SEED.users.creator.username);

function reply(message: BenchReply): void {
  process.send?.(message);
}

async function registeredDistribution(requirements: RequirementInput[], maxClaims: number): Promise<TestDistribution> {
  const distribution = await createTestDistribution(connection, {
    verifier: backend.verifier.publicKey,
    maxClaims,
    nowSeconds: chain?.unixTimestamp() ?? Math.floor(Date.now() / 1000),
    feePerClaimLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS,
    requirementsHash: requirementsHash(requirementsSchema.parse(requirements)) as Uint8Array<ArrayBuffer>,
    postId: BigInt(SEED.posts.giveaway),
  });
  const response = await backend.request("POST", "/distributions", {
    token: creator.sessionToken,
    body: { address: distribution.address.toBase58(), postId: SEED.posts.giveaway, requirements },
  });
  if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  return distribution;
}

/** Fans signed in and with a bound wallet, made through the services (an OAuth round per fan would dominate setup). */
async function makeFans(first: number, count: number): Promise<BenchUser[]> {
  const fans: BenchUser[] = [];
  for (let index = first; index < first + count; index++) {
    const id = String(9_000_000_000 + index);
    await backend.context.accounts.saveLogin(
      { id, username: `benchfan${index}`, name: `Bench Fan ${index}` },
      {
        accessToken: `bench-${index}`,
        refreshToken: `bench-refresh-${index}`,
        expiresAt: new Date(Date.now() + 86_400_000),
        scopes: ["tweet.read"],
      },
    );
    fans.push({ token: await backend.context.sessions.create(id), wallet: Keypair.generate().publicKey.toBase58() });
  }
  await database.query("INSERT INTO wallets (address, x_user_id) SELECT * FROM unnest($1::text[], $2::text[])", [
    fans.map((fan) => fan.wallet),
    fans.map((_, offset) => String(9_000_000_000 + first + offset)),
  ]);
  return fans;
}

async function settle(distribution: string, expected: number): Promise<number> {
  const startedAt = performance.now();
  const batcher = new ClaimBatcher({
    database,
    connection,
    signers: { verifier: backend.verifier, feePayer: backend.feePayer },
    idleMs: 5,
    hooks: batcherMetricsHooks(backend.context.metrics, (error) => console.error("batcher:", error)),
  });
  batcher.start();
  for (;;) {
    const { rows } = await database.query<{ confirmed: string }>(
      "SELECT count(*) AS confirmed FROM claims WHERE distribution = $1 AND status = 'confirmed'",
      [distribution],
    );
    if (Number(rows[0]?.confirmed) >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await batcher.stop();
  return (performance.now() - startedAt) / 1000;
}

/** X API calls per verified claim: real fans of the emulator's world claim a "like" giveaway with a cold cache. */
async function measureXCalls(): Promise<{ claims: number; calls: number }> {
  const distribution = await registeredDistribution([{ type: "follow" }, { type: "like" }], 200);
  const before = (await backend.context.metrics.xApiCalls.get()).values.reduce((sum, value) => sum + value.value, 0);
  const usernames = [SEED.users.superfan.username, SEED.users.casualFan.username];
  let claims = 0;
  for (const username of usernames) {
    const fan = await backend.signIn(username);
    const wallet = Keypair.generate();
    await backend.bindWallet(fan.sessionToken, wallet);
    const response = await backend.request("POST", "/claims", {
      token: fan.sessionToken,
      headers: { "Idempotency-Key": `xcalls-${username}` },
      body: { distribution: distribution.address.toBase58(), wallet: wallet.publicKey.toBase58() },
    });
    if (response.status === 202) claims++;
  }
  const after = (await backend.context.metrics.xApiCalls.get()).values.reduce((sum, value) => sum + value.value, 0);
  return { claims, calls: after - before };
}

process.on("message", async (command: BenchCommand) => {
  try {
    if (command.type === "prepare") {
      const distribution = await registeredDistribution([], command.fans);
      reply({
        type: "prepared",
        url: backend.url,
        distribution: distribution.address.toBase58(),
        fans: await makeFans(command.firstFan, command.fans),
      });
    } else if (command.type === "settle") {
      reply({ type: "settled", seconds: await settle(command.distribution, command.expected) });
    } else if (command.type === "x-calls") {
      reply({ type: "x-calls", ...(await measureXCalls()) });
    } else {
      await backend.close();
      await database.close();
      postgres?.stop();
      reply({ type: "closed" });
      process.exit(0);
    }
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
});
reply({ type: "started" });
