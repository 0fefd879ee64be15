import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import pino from "pino";
import { ClaimBatcher } from "../claims/claim-batcher.ts";
import { batcherMetricsHooks, claimsPlugin } from "../claims/claims-plugin.ts";
import { fund } from "../claims/testing/chain-fixtures.ts";
import { registerDistribution } from "../claims/testing/registered-distribution.ts";
import { openDatabase } from "../db/open-database.ts";
import { createDatabaseOn, startPostgresServer } from "../db/testing/postgres-server.ts";
import { createLogger } from "../http/logging.ts";
import { startTestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import type { BenchCommand, BenchReply, BenchUser } from "./protocol.ts";
import { ALL_REQUIREMENTS, addActiveFans, claimAndBill, heldToken, TYPICAL_REQUIREMENTS, usdPerClaim } from "./x-cost.ts";

/** Fans per measured giveaway in the X cost figures. */
const X_COST_FANS = 20;

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

/**
 * X API cost per verified claim, by the emulator's bill: fans with realistic activity (x-cost.ts)
 * claim a typical giveaway (follow, like, repost), then one with all eight requirements.
 */
async function measureXCost(): Promise<Extract<BenchReply, { type: "x-cost" }>> {
  const emulator = backend.emulator;
  if (!emulator) throw new Error("the benchmark runs against the X API emulator");
  const typical = await registerDistribution(backend, creator.sessionToken, TYPICAL_REQUIREMENTS, 1000);
  const typicalRun = await claimAndBill(backend, typical.address.toBase58(), addActiveFans(emulator, X_COST_FANS, "typ"));
  const token = await heldToken(backend);
  const all = await registerDistribution(backend, creator.sessionToken, ALL_REQUIREMENTS(token.mint.toBase58()), 1000);
  const allRun = await claimAndBill(backend, all.address.toBase58(), addActiveFans(emulator, X_COST_FANS, "all"), token.give);
  return {
    type: "x-cost",
    typicalUsd: usdPerClaim(typicalRun),
    typicalCalls: typicalRun.xCalls / typicalRun.verifiedClaims,
    allEightUsd: usdPerClaim(allRun),
    allEightCalls: allRun.xCalls / allRun.verifiedClaims,
  };
}

process.on("message", async (command: BenchCommand) => {
  try {
    if (command.type === "prepare") {
      // Intake is measured at full speed: no velocity limit.
      const distribution = await registerDistribution(backend, creator.sessionToken, [], command.fans, {
        oncePerCreator: false,
        maxClaimsPerMinute: null,
      });
      reply({
        type: "prepared",
        url: backend.url,
        distribution: distribution.address.toBase58(),
        fans: await makeFans(command.firstFan, command.fans),
        creatorToken: creator.sessionToken,
      });
    } else if (command.type === "settle") {
      reply({ type: "settled", seconds: await settle(command.distribution, command.expected) });
    } else if (command.type === "x-cost") {
      reply(await measureXCost());
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
