import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import pino from "pino";
import type { AppPlugin } from "../app.ts";
import { ClaimBatcher } from "../claims/claim-batcher.ts";
import { batcherMetricsHooks, claimsPlugin } from "../claims/claims-plugin.ts";
import { queueSignalOf } from "../claims/queue-signal.ts";
import { fund } from "../claims/testing/chain-fixtures.ts";
import { registerDistribution } from "../claims/testing/registered-distribution.ts";
import { createLogger } from "../http/logging.ts";
import { sendJson } from "../http/send-json.ts";
import { lineOf, startScript } from "../http/testing/child-processes.ts";
import { startTestBackend } from "../http/testing/test-backend.ts";
import { sessionRequired } from "../identity/sessions.ts";
import { SEED } from "../x-emulator/seed.ts";
import { openBenchDatabase } from "./bench-database.ts";
import {
  type BatcherProfile,
  type BenchCommand,
  type BenchReply,
  type BenchUser,
  cpuReply,
  SHARED_PATH,
  YARDSTICK_ANSWER,
} from "./protocol.ts";
import { ALL_REQUIREMENTS, addActiveFans, claimAndBill, heldToken, TYPICAL_REQUIREMENTS, usdPerClaim } from "./x-cost.ts";

/** Fans per measured giveaway in the X cost figures. */
const X_COST_FANS = 20;

/**
 * The backend under benchmark, in a process of its own so the load generator does not share its
 * event loop: embedded defaults, as `npm start` runs them (PGlite in a file, the embedded chain on its
 * own thread, the X API emulator, request logs at level info). BENCH_CHAIN=process runs the embedded
 * chain in a process of its own instead (`npm run chain`), reached over JSON-RPC through SOLANA_RPC_URL
 * as a deployed backend reaches its cluster: the code path of devnet and mainnet. BENCH_CHAIN=main-thread
 * runs it on the backend's main thread, as tests do, to compare.
 * The driver (api.ts) sends commands over IPC.
 */
const dataDirectory = process.argv[2];
if (!dataDirectory) throw new Error("usage: bench-server.ts <data directory>");
// BENCH_POSTGRES=1 compares with a PostgreSQL server on loopback.
const { database, postgres } = await openBenchDatabase(dataDirectory);
const chainProcess =
  process.env.BENCH_CHAIN === "process"
    ? startScript("backend/chain/chain-main.ts", { CHAIN_PORT: "0", CHAIN_RPC_PER_MINUTE: String(1_000_000_000) })
    : undefined;
const chainEnvironment: Record<string, string> = chainProcess
  ? {
      SOLANA_RPC_URL: await lineOf(chainProcess, (line) => (JSON.parse(line) as { rpcUrl?: string }).rpcUrl),
      VERIFIER_KEYPAIR: JSON.stringify([...Keypair.generate().secretKey]),
    }
  : {};
chainProcess?.stdout?.resume();
// At the production default level (info), one line per request, into a file as an operator's would go.
// Buffered up to 4 KB a write, as a log shipper's file is: unbuffered, the async destination rescanned
// its pending text on every line, the largest source of garbage per claim.
const logger = createLogger("info", pino.destination({ dest: join(dataDirectory, "backend.log"), sync: false, minLength: 4096 }));
/**
 * POST SHARED_PATH: the request log, metrics, security headers, CORS, both rate limits, the session, the
 * JSON body and the signed-in check, as POST /claims has them (a direct route), then the yardstick's answer.
 */
const sharedPathPlugin: AppPlugin = {
  mount: () => ({
    directRoutes: [
      {
        method: "POST",
        path: SHARED_PATH,
        handlers: [sessionRequired, (_request, response) => sendJson(response, 202, YARDSTICK_ANSWER)],
      },
    ],
  }),
};
// The load generator opens up to 256 connections from loopback, beside the ones setting up.
const backend = await startTestBackend(
  database,
  { MAX_CONNECTIONS_PER_ADDRESS: "1024", ...chainEnvironment },
  {
    plugins: [claimsPlugin, sharedPathPlugin],
    logger,
    embeddedChainOn: process.env.BENCH_CHAIN === "main-thread" ? "main-thread" : "own-thread",
  },
);
const connection = backend.context.connection;
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

interface RunningBatcher {
  batcher: ClaimBatcher;
  profile: BatcherProfile;
  /** Claims this batcher confirmed so far. */
  confirmed(): number;
  stop(): Promise<BatcherProfile>;
}

/** The batcher as claimsBatcherService runs it (woken by the intake's signal), its phases added up. */
function startBatcher(): RunningBatcher {
  const profile: BatcherProfile = { phasesMs: {}, batches: 0, claims: 0 };
  let confirmed = 0;
  const metrics = batcherMetricsHooks(backend.context.metrics, (error) => console.error("batcher:", error));
  const batcher = new ClaimBatcher({
    database,
    connection,
    signers: { verifier: backend.verifier, feePayer: backend.feePayer },
    hooks: {
      ...metrics,
      onTransition(state, count) {
        metrics.onTransition?.(state, count);
        if (state === "confirmed") confirmed += count;
      },
      onBatchSent(size) {
        metrics.onBatchSent?.(size);
        profile.batches++;
        profile.claims += size;
      },
      onPhase(phase, milliseconds) {
        profile.phasesMs[phase] = (profile.phasesMs[phase] ?? 0) + milliseconds;
      },
    },
  });
  const onQueued = (count: number) => batcher.notifyQueued(count);
  queueSignalOf(database).on("queued", onQueued);
  batcher.start();
  return {
    batcher,
    profile,
    confirmed: () => confirmed,
    async stop() {
      queueSignalOf(database).off("queued", onQueued);
      await batcher.stop();
      profile.phasesMs = Object.fromEntries(Object.entries(profile.phasesMs).map(([phase, ms]) => [phase, Math.round(ms)]));
      return profile;
    },
  };
}

/**
 * Returns once `expected` claims of the distribution are confirmed. The batcher's own count is watched
 * until it is reached (counting in the database every few milliseconds would take a share of the very
 * thread being measured), then the database must show them.
 */
async function waitPaid(distribution: string, expected: number, batcher: RunningBatcher | undefined): Promise<void> {
  for (;;) {
    if (!batcher || batcher.confirmed() >= expected) {
      const { rows } = await database.query<{ confirmed: string }>(
        "SELECT count(*) AS confirmed FROM claims WHERE distribution = $1 AND status = 'confirmed'",
        [distribution],
      );
      if (Number(rows[0]?.confirmed) >= expected) return;
    }
    await new Promise((resolve) => setTimeout(resolve, batcher && batcher.confirmed() < expected ? 2 : 20));
  }
}

async function settle(distribution: string, expected: number): Promise<{ seconds: number; profile: BatcherProfile }> {
  const startedAt = performance.now();
  const running = startBatcher();
  await waitPaid(distribution, expected, running);
  const seconds = (performance.now() - startedAt) / 1000;
  return { seconds, profile: await running.stop() };
}

let running: RunningBatcher | undefined;

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
        claimRules: { oncePerCreator: false, maxClaimsPerMinute: null },
      });
      reply({
        type: "prepared",
        url: backend.url,
        distribution: distribution.address.toBase58(),
        fans: await makeFans(command.firstFan, command.fans),
        creatorToken: creator.sessionToken,
      });
    } else if (command.type === "settle") {
      reply({ type: "settled", ...(await settle(command.distribution, command.expected)) });
    } else if (command.type === "batcher-start") {
      running = startBatcher();
      reply({ type: "batcher-started" });
    } else if (command.type === "wait-paid") {
      await waitPaid(command.distribution, command.expected, running);
      reply({ type: "paid" });
    } else if (command.type === "batcher-stop") {
      const profile = (await running?.stop()) ?? { phasesMs: {}, batches: 0, claims: 0 };
      running = undefined;
      reply({ type: "batcher-stopped", profile });
    } else if (command.type === "x-cost") {
      // On a loaded machine the emulator may time out: the other figures are not lost for it.
      reply(
        await measureXCost().catch((error: unknown) => {
          console.error("x-cost not measured:", error instanceof Error ? error.message : error);
          return { type: "x-cost", typicalUsd: null, typicalCalls: null, allEightUsd: null, allEightCalls: null } as const;
        }),
      );
    } else if (command.type === "cpu") {
      reply(cpuReply());
    } else {
      await backend.close();
      await database.close();
      postgres?.stop();
      chainProcess?.kill();
      reply({ type: "closed" });
      process.exit(0);
    }
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
});
reply({ type: "started" });
