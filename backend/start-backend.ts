import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { Connection, type Keypair, PublicKey } from "@solana/web3.js";
import type { Express, RequestHandler } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { type AppContext, type AppPlugin, buildApp } from "./app.ts";
import { type BackendChainSettings, startBackendChain } from "./chain/backend-chain.ts";
import { ChainThread } from "./chain/chain-thread.ts";
import { defaultChainPrograms } from "./chain/default-programs.ts";
import type { EmbeddedChain } from "./chain/embedded-chain.ts";
import { answererConnection, type RpcTextAnswerer, rpcAnswerer } from "./chain/in-process-fetch.ts";
import { createRpcRouter } from "./chain/rpc-router.ts";
import { type LandedFeed, listenRpcSubscriptions, serveRpcSubscriptions } from "./chain/rpc-subscriptions.ts";
import type { BackendConfig } from "./config.ts";
import type { Database } from "./db/database.ts";
import { localInvalidations, postgresInvalidations } from "./db/invalidations.ts";
import { openDatabase } from "./db/open-database.ts";
import { loadSecrets } from "./embedded-secrets.ts";
import { connectionLimitsOf, createLimitedServer } from "./http/connection-limits.ts";
import { createLogger } from "./http/logging.ts";
import { Metrics } from "./http/metrics.ts";
import { createTokenCipher, createXApiClient, X_API_BASE_URL, X_AUTHORIZE_URL, type XOAuthConfig } from "./x/index.ts";
import { DEFAULT_EMULATOR_CLIENT_ID } from "./x-emulator/app.ts";
import { type RunningXApiEmulator, startXApiEmulator } from "./x-emulator/listen.ts";

/** SOL the embedded chain gives the fee payer at start, so the batcher can pay fees and create token accounts. */
const EMBEDDED_FEE_PAYER_LAMPORTS = 1_000n * 1_000_000_000n;
/** How often the embedded chain's snapshot is saved when something happened. */
const SNAPSHOT_AUTOSAVE_MS = 1_000;

/** A long-running part started next to the HTTP server (the claims batcher). */
export interface BackgroundService {
  stop(): Promise<void>;
}

export interface BackendOptions {
  /** An already open, migrated database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR. */
  database?: Database;
  logger?: Logger;
  /** Routes mounted with the app's services (claims). */
  plugins?: AppPlugin[];
  /** Background services to start once the app exists (the batcher), given the app's services and the signing keys. */
  background?: ((context: AppContext, keys: { verifier: Keypair; feePayer: Keypair }) => BackgroundService)[];
  /** Options for the emulator when X_API_BASE_URL is unset (tests shorten rate-limit windows). */
  emulator?: Parameters<typeof startXApiEmulator>[0];
  /**
   * Where the embedded chain runs when SOLANA_RPC_URL is unset: on a thread of its own (`npm start`),
   * or on the main thread, for callers that drive it directly through RunningBackend.chain (tests,
   * the demo: warp, airdrop, the clock).
   */
  embeddedChainOn?: "own-thread" | "main-thread";
  /** See AppDependencies.liveSweepMs. */
  liveSweepMs?: number;
  now?: () => number;
}

export interface RunningBackend {
  url: string;
  server: Server;
  context: AppContext;
  /** The Express app and the middleware its direct routes run (direct-routes.test.ts compares them). */
  http: { app: Express; middleware: readonly RequestHandler[] };
  database: Database;
  /** The embedded chain, when it runs on the main thread (embeddedChainOn). */
  chain?: EmbeddedChain;
  /** Which chain the backend pays on: the embedded one (on which thread) or a cluster's RPC. */
  chainDescription: string;
  /** The X API emulator, when X_API_BASE_URL is unset. */
  emulator?: RunningXApiEmulator;
  verifier: Keypair;
  feePayer: Keypair;
  close(): Promise<void>;
}

/**
 * Starts everything `npm start` runs: the database (migrated), the embedded chain with the program
 * deployed (unless SOLANA_RPC_URL), the X API emulator on loopback (unless X_API_BASE_URL), the HTTP
 * app, and the background services. Each part that was started is stopped by close(), in reverse order.
 */
export async function startBackend(config: BackendConfig, options: BackendOptions = {}): Promise<RunningBackend> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const secrets = loadSecrets(config);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((error) => logger.error({ err: error }, "stopping failed"));
  };
  try {
    const database =
      options.database ?? (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDirectory: config.DATA_DIR }));
    if (!options.database) stops.push(() => database.close());

    if (config.X_API_BASE_URL && !config.X_CLIENT_ID) {
      throw new Error("X_CLIENT_ID is required with X_API_BASE_URL: it is the OAuth 2.0 client id of your X app");
    }
    let emulator: RunningXApiEmulator | undefined;
    if (!config.X_API_BASE_URL) {
      emulator = await startXApiEmulator(options.emulator);
      stops.push(() => emulator?.close() ?? Promise.resolve());
      logger.info({ url: emulator.url }, "X API emulator on loopback (set X_API_BASE_URL for the real X API)");
    }
    const xApiBaseUrl = config.X_API_BASE_URL ?? emulator?.url ?? X_API_BASE_URL;
    const oauth: XOAuthConfig = {
      clientId: config.X_CLIENT_ID ?? DEFAULT_EMULATOR_CLIENT_ID,
      ...(config.X_CLIENT_SECRET ? { clientSecret: config.X_CLIENT_SECRET } : {}),
      authorizeUrl: config.X_AUTHORIZE_URL ?? (emulator ? `${emulator.url}/i/oauth2/authorize` : X_AUTHORIZE_URL),
      apiBaseUrl: xApiBaseUrl,
      ...(options.now ? { now: options.now } : {}),
    };

    let chain: EmbeddedChain | undefined;
    /** The embedded chain's JSON-RPC and landed transactions, for the development /rpc. */
    let embeddedRpc: { answer: RpcTextAnswerer; landed(): LandedFeed } | undefined;
    let connection: Connection;
    let chainDescription: string;
    if (config.SOLANA_RPC_URL) {
      connection = new Connection(config.SOLANA_RPC_URL, "confirmed");
      // Only the host: providers put API keys in the URL's path or query.
      chainDescription = `the RPC at ${new URL(config.SOLANA_RPC_URL).host}`;
    } else {
      // With a database that outlives the process, the chain must too, or every queued claim would
      // point at a distribution the restarted chain no longer has.
      const snapshotPath = options.database ? undefined : join(config.DATA_DIR, "chain", "litesvm.snapshot");
      if (snapshotPath) mkdirSync(dirname(snapshotPath), { recursive: true });
      const onInternalError = (error: unknown) => logger.error({ err: error }, "embedded chain failed");
      const chainSettings: BackendChainSettings = {
        programs: defaultChainPrograms(config.DISTRIBUTION_PROGRAM_ID),
        ...(snapshotPath ? { snapshotPath } : {}),
        autosaveMs: SNAPSHOT_AUTOSAVE_MS,
        funded: { address: secrets.feePayer.publicKey.toBase58(), lamports: EMBEDDED_FEE_PAYER_LAMPORTS },
      };
      if (options.embeddedChainOn === "main-thread") {
        const embedded = startBackendChain(chainSettings, onInternalError);
        chain = embedded.chain;
        stops.push(async () => embedded.stop());
        const answer = rpcAnswerer(embedded.chain, {}, onInternalError);
        connection = answererConnection(answer);
        embeddedRpc = { answer, landed: () => embedded.chain };
        chainDescription = "embedded, on the main thread";
      } else {
        const thread = await ChainThread.start(chainSettings, onInternalError);
        stops.push(() => thread.close());
        connection = thread.connection();
        embeddedRpc = { answer: thread.answer, landed: () => thread.landed() };
        chainDescription = "embedded, on its own thread";
      }
    }

    // The chain's own RPC is a development tool (airdrops for anyone): served only when asked for.
    // Its subscriptions hear of transactions from here on.
    const devRpc =
      config.DEV_CHAIN_RPC !== "0" && embeddedRpc ? { answer: embeddedRpc.answer, landed: embeddedRpc.landed() } : undefined;
    if (devRpc) logger.warn({ host: config.HOST }, "DEV_CHAIN_RPC: the embedded chain's JSON-RPC is served at /rpc");
    // Several instances may share a PostgreSQL server: their caches hear each other's changes through it.
    const invalidations =
      config.DATABASE_URL && database.engine === "postgres"
        ? await postgresInvalidations(database, config.DATABASE_URL, (error) =>
            logger.warn({ err: error }, "cache invalidation listener lost its connection; reconnecting"),
          )
        : localInvalidations();
    stops.push(() => invalidations.close());

    const metrics = new Metrics({ defaultMetrics: true });
    const xClient = createXApiClient({
      baseUrl: xApiBaseUrl,
      onCall: (call) => metrics.xApiCalls.inc({ endpoint: call.endpoint, status: String(call.status) }),
      // Every requirement check fails until the operator raises the X project's cap: say so loudly.
      onUsageCapped: (error) =>
        logger.error(
          { endpoint: error.endpoint, period: error.period },
          "X API usage cap reached; requirement checks are paused",
        ),
    });
    const { listener, serverClasses, context, services, app, middleware } = buildApp({
      config,
      database,
      logger,
      metrics,
      xClient,
      oauth,
      tokenCipher: createTokenCipher({ id: "k1", key: secrets.tokenEncryptionKey }),
      connection,
      verifier: secrets.verifier.publicKey,
      programId: new PublicKey(config.DISTRIBUTION_PROGRAM_ID),
      invalidations,
      // On the embedded chain every token is local, and so is its metadata.
      tokenMetadataFromLoopback: embeddedRpc !== undefined,
      rawRouters: devRpc ? [createRpcRouter(devRpc.answer, { requestsPerMinute: config.DEV_CHAIN_RPC_PER_MINUTE })] : [],
      ...(options.plugins ? { plugins: options.plugins } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.liveSweepMs ? { liveSweepMs: options.liveSweepMs } : {}),
    });

    if (devRpc) {
      context.openapi.describe({
        method: "post",
        path: "/rpc",
        summary: "Solana JSON-RPC of the embedded chain (the methods @solana/web3.js Connection uses)",
        request: { body: z.unknown() },
        responses: { 200: { description: "a JSON-RPC 2.0 response or batch of responses" } },
      });
    }
    for (const service of services) stops.push(() => service.stop());
    for (const start of options.background ?? []) {
      const service = start(context, { verifier: secrets.verifier, feePayer: secrets.feePayer });
      stops.push(() => service.stop());
    }

    const limits = connectionLimitsOf(config);
    const server = createLimitedServer(limits, serverClasses, listener).listen(config.PORT, config.HOST);
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const { port } = server.address() as AddressInfo;
    if (devRpc) {
      // confirmTransaction waits on signatureSubscribe: served on /rpc for clients that name a
      // wsEndpoint, and on port + 1, where Connection looks by default (a validator's convention).
      const subscriptions = serveRpcSubscriptions(devRpc.landed, server, { path: "/rpc" });
      stops.push(async () => subscriptions.close());
      // Only on a fixed port: beside a random one (tests), port + 1 belongs to nobody in particular.
      const conventional =
        config.PORT === 0
          ? undefined
          : await listenRpcSubscriptions(devRpc.landed, port + 1, config.HOST, limits).catch((error: unknown) => {
              logger.warn(
                { err: error, port: port + 1 },
                "RPC subscriptions on port + 1 unavailable; clients must set wsEndpoint",
              );
              return undefined;
            });
      if (conventional) stops.push(() => conventional.close());
    }
    return {
      url: `http://${config.HOST}:${port}`,
      server,
      context,
      http: { app, middleware },
      database,
      ...(chain ? { chain } : {}),
      chainDescription: `${chainDescription}${devRpc ? ", served at /rpc" : ""}`,
      ...(emulator ? { emulator } : {}),
      verifier: secrets.verifier,
      feePayer: secrets.feePayer,
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
