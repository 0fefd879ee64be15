import type { IncomingMessage, RequestListener } from "node:http";
import type { Connection, PublicKey } from "@solana/web3.js";
import express, { type Express, type RequestHandler, type Router } from "express";
import type { Logger } from "pino";
import { distributionProgramId } from "../shared/program/index.ts";
import { claimPageRouter, summaryReader } from "./claim-page/claim-page-routes.ts";
import { ACTIONS_PATH, actionsCors, caip2ChainId } from "./claims/blink-routes.ts";
import type { BackendConfig } from "./config.ts";
import type { Database } from "./db/database.ts";
import { type Invalidations, localInvalidations } from "./db/invalidations.ts";
import { type ChainReader, connectionChainReader } from "./distributions/chain-reader.ts";
import { type ClaimActivity, noClaimActivity } from "./distributions/claim-activity.ts";
import { DistributionService } from "./distributions/distribution-service.ts";
import { DistributionStore } from "./distributions/distribution-store.ts";
import { EligibilityChecker } from "./distributions/eligibility.ts";
import { LiveEvents } from "./distributions/live-events.ts";
import { distributionsRouter } from "./distributions/routes.ts";
import { type DirectRoute, directDispatch, mountSteps } from "./http/direct-routes.ts";
import { errorHandler, isActionPath, notFoundHandler, unauthorized } from "./http/errors.ts";
import { healthRouter } from "./http/health.ts";
import { createLogger, requestLogger } from "./http/logging.ts";
import { Metrics, metricsBearerMatches } from "./http/metrics.ts";
import { OpenApiRegistry } from "./http/openapi.ts";
import { privacyRouter } from "./http/privacy.ts";
import { rateLimits } from "./http/rate-limits.ts";
import { extensionCors, securityHeaders } from "./http/security.ts";
import { type AppServerClasses, appServerClasses } from "./http/server-classes.ts";
import { rejectNulCharacters } from "./http/validation.ts";
import { SessionStore, sessionOf } from "./identity/sessions.ts";
import { WalletBinding } from "./identity/wallet-binding.ts";
import { walletRouter } from "./identity/wallet-routes.ts";
import { webLoginRouter } from "./identity/web-login-routes.ts";
import { XAccounts } from "./identity/x-accounts.ts";
import { xLoginRouter } from "./identity/x-login-routes.ts";
import { tokensRouter } from "./tokens/routes.ts";
import { TokenDirectory } from "./tokens/token-directory.ts";
import { RequirementCache, type TokenCipher, type XApiClient, type XOAuthConfig } from "./x/index.ts";

/** Blink clients call the action routes from any origin; everything else answers only the extension's origins. */
function corsFor(config: BackendConfig): RequestHandler {
  const extension = extensionCors(config.EXTENSION_ORIGINS);
  const actions = actionsCors(caip2ChainId(config.SOLANA_CLUSTER));
  return (request, response, next) => (isActionPath(request.path) ? actions : extension)(request, response, next);
}

/** Largest JSON body any route accepts; the biggest legitimate one (a registration) is far below it. */
const JSON_BODY_LIMIT = "64kb";

/**
 * Which bodies are parsed as JSON: application/json, and on Solana Actions paths text/plain too. A blink
 * client that posts `JSON.stringify({ account })` with fetch and no content type sends text/plain, and
 * the spec's clients are many; a CORS preflight is what text/plain spares them.
 */
function jsonBody(request: IncomingMessage): boolean {
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  return mediaType === "application/json" || (mediaType === "text/plain" && (request.url ?? "").startsWith(`${ACTIONS_PATH}/`));
}

export interface AppDependencies {
  config: BackendConfig;
  database: Database;
  xClient: XApiClient;
  oauth: XOAuthConfig;
  tokenCipher: TokenCipher;
  /** Solana over SOLANA_RPC_URL (or the embedded chain in-process). */
  connection: Connection;
  /** This backend's verifier key; a registered distribution must name it. */
  verifier: PublicKey;
  programId?: PublicKey;
  logger?: Logger;
  metrics?: Metrics;
  requirementCache?: RequirementCache;
  /** Cache invalidations shared by the instances on one PostgreSQL; in-process by default. */
  invalidations?: Invalidations;
  /** Routers that read their own bodies and limit their own rate, mounted before the JSON parser and the app's limits, e.g. the development POST /rpc. */
  rawRouters?: Router[];
  /** Modules that mount routes on the app with access to its services, e.g. claims. */
  plugins?: AppPlugin[];
  /**
   * Tokens' metadata and logos may be fetched from loopback hosts over http: only where every token is
   * local (the embedded chain), never against a real cluster.
   */
  tokenMetadataFromLoopback?: boolean;
  /** How often live streams read every followed count again (LiveEventsOptions.sweepMs); tests lengthen it to hear notifications alone. */
  liveSweepMs?: number;
  now?: () => number;
}

/** The services a plugin (the claims module) builds on. */
export interface AppContext {
  config: BackendConfig;
  database: Database;
  logger: Logger;
  metrics: Metrics;
  openapi: OpenApiRegistry;
  sessions: SessionStore;
  accounts: XAccounts;
  eligibility: EligibilityChecker;
  distributions: DistributionService;
  /** Pushes each distribution's numbers to the cards on screen; told when claims change. */
  liveEvents: LiveEvents;
  tokens: TokenDirectory;
  walletBinding: WalletBinding;
  chain: ChainReader;
  connection: Connection;
  verifier: PublicKey;
  programId: PublicKey;
  now: () => number;
}

export interface AppPluginResult {
  routers?: Router[];
  /** Hot routes among `routers`, also served without Express's router (see direct-routes.ts). */
  directRoutes?: DirectRoute[];
  /** Work the plugin runs on its own (timers); stopped when the backend closes. */
  services?: { stop(): Promise<void> }[];
}

/** A module (claims) that adds routes and work to the app, built on the app's services. */
export interface AppPlugin {
  /**
   * Accepted claims per distribution, so counts and charts include claims not yet on chain. Asked
   * for before the services are built: the distributions service is made with it.
   */
  claimActivity?: (database: Database) => ClaimActivity;
  mount: (context: AppContext) => AppPluginResult;
}

/** The one claim activity the plugins provide, or none (a backend without the claims module). */
function claimActivityOf(plugins: readonly AppPlugin[], database: Database): ClaimActivity {
  const providers = plugins.flatMap((plugin) => (plugin.claimActivity ? [plugin.claimActivity] : []));
  if (providers.length > 1) throw new Error("only one plugin may provide the claim activity");
  return providers[0]?.(database) ?? noClaimActivity;
}

/** The services behind the routes, each built once from the dependencies. */
function appContext(dependencies: AppDependencies, claimActivity: ClaimActivity): AppContext {
  const { config, database } = dependencies;
  const now = dependencies.now ?? Date.now;
  const logger = dependencies.logger ?? createLogger(config.LOG_LEVEL);
  const programId = dependencies.programId ?? distributionProgramId;
  const invalidations = dependencies.invalidations ?? localInvalidations();
  const sessions = new SessionStore(database, config.SESSION_TTL_DAYS, now, invalidations);
  const accounts = new XAccounts(database, dependencies.tokenCipher, dependencies.oauth, now);
  const chain = connectionChainReader(dependencies.connection, programId);
  const cache =
    dependencies.requirementCache ??
    new RequirementCache({
      now,
      // PGlite serves one process; on a PostgreSQL server, several instances share what they learned from X.
      ...(database.engine === "postgres"
        ? {
            shared: database,
            onSharedError: (error: unknown) => logger.warn({ err: error }, "sharing a requirement result failed"),
          }
        : {}),
    });
  const tokens = new TokenDirectory({
    connection: dependencies.connection,
    publicUrl: config.PUBLIC_URL,
    offchain: { ipfsGateway: config.IPFS_GATEWAY, allowLoopback: dependencies.tokenMetadataFromLoopback ?? false },
    now,
    onError: (mint, error) => logger.debug({ mint, err: error }, "token identity or logo not read"),
  });
  const distributions = new DistributionService({
    store: new DistributionStore(database),
    chain,
    tokens,
    accounts,
    xClient: dependencies.xClient,
    claims: claimActivity,
    publicUrl: config.PUBLIC_URL,
    invalidations,
    verifier: dependencies.verifier.toBase58(),
    feePerClaimLamports: config.FEE_PER_CLAIM_LAMPORTS,
    programId,
    now,
  });
  const liveEvents = new LiveEvents({
    status: (address) => distributions.status(address),
    acceptedCounts: (addresses) => claimActivity.acceptedCounts(addresses),
    invalidations,
    maxStreams: config.MAX_LIVE_STREAMS,
    ...(dependencies.liveSweepMs ? { sweepMs: dependencies.liveSweepMs } : {}),
    onError: (error) => logger.warn({ err: error }, "a live count update failed; the next sweep sends it"),
  });
  return {
    config,
    database,
    logger,
    metrics: dependencies.metrics ?? new Metrics(),
    openapi: new OpenApiRegistry(),
    sessions,
    accounts,
    eligibility: new EligibilityChecker({ database, accounts, xClient: dependencies.xClient, chain, cache, now }),
    distributions,
    liveEvents,
    tokens,
    walletBinding: new WalletBinding(database, { publicUrl: config.PUBLIC_URL, chainId: `solana:${config.SOLANA_CLUSTER}`, now }),
    chain,
    connection: dependencies.connection,
    verifier: dependencies.verifier,
    programId,
    now,
  };
}

/** GET /metrics and GET /openapi.json. */
function operationsRouter({ metrics, openapi, config }: AppContext): Router {
  const router = express.Router();
  const metricsToken = config.METRICS_TOKEN;
  router.get("/metrics", async (request, response) => {
    if (metricsToken !== undefined && !metricsBearerMatches(request.get("authorization"), metricsToken)) {
      throw unauthorized("/metrics answers the scraper's bearer token (METRICS_TOKEN) only");
    }
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  router.get("/openapi.json", (_request, response) => {
    response.json(openapi.document({ title: "MEMEFANS backend", version: "1", serverUrl: config.PUBLIC_URL }));
  });
  openapi.describe({
    method: "get",
    path: "/metrics",
    summary:
      "Prometheus metrics: requests, claim states, batch sizes, X API calls per verified claim. With METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`",
    request: {},
    responses: { 200: { description: "Prometheus text format", contentType: "text/plain" } },
  });
  openapi.describe({
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    request: {},
    responses: { 200: { description: "OpenAPI 3.1" } },
  });
  return router;
}

/** The API's own routers, after the middleware, in the order Express tries them. */
function apiRouters(context: AppContext, dependencies: AppDependencies): Router[] {
  const { config, database, sessions, accounts, openapi, walletBinding, distributions, now } = context;
  const extensionIds = config.EXTENSION_ORIGINS.filter((origin) => origin.startsWith("chrome-extension://")).map((origin) =>
    origin.slice("chrome-extension://".length),
  );
  const x = { database, sessions, accounts, xClient: dependencies.xClient, oauth: dependencies.oauth, openapi, now };
  return [
    xLoginRouter({ ...x, extensionIds }),
    walletRouter({ binding: walletBinding, accounts, openapi }),
    webLoginRouter({ ...x, publicUrl: config.PUBLIC_URL, binding: walletBinding }),
    claimPageRouter(context, { openapi, read: summaryReader(context) }),
    distributionsRouter({ service: distributions, eligibility: context.eligibility, database, openapi }),
    tokensRouter({ directory: context.tokens, openapi }),
    context.liveEvents.router(openapi),
  ];
}

/**
 * Builds the Express app and the services behind it, and returns the request listener to serve it
 * with (the app plus its direct routes) and the classes the HTTP server makes requests and responses
 * of. Starting servers, the chain and the batcher is main.ts's job.
 */
export function buildApp(dependencies: AppDependencies): {
  listener: RequestListener;
  serverClasses: AppServerClasses;
  context: AppContext;
  /** The plugins' own work, to stop when the backend closes. */
  services: { stop(): Promise<void> }[];
  /** The middleware every request passes before the routes, in order; the direct routes run it too. */
  middleware: readonly RequestHandler[];
  app: Express;
} {
  const plugins = dependencies.plugins ?? [];
  const context = appContext(dependencies, claimActivityOf(plugins, dependencies.database));
  const { config, database, logger, metrics, openapi, sessions, now } = context;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.TRUST_PROXY_HOPS);
  // Amounts are bigints in the services and decimal strings on the wire.
  app.set("json replacer", (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  const limits = rateLimits({
    perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE,
    actionsPerIpPerMinute: config.RATE_LIMIT_ACTIONS_PER_IP_PER_MINUTE,
    perAccountPerMinute: config.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE,
    accountOf: (response) => sessionOf(response)?.xUserId,
    now,
    // PGlite serves one process; on a PostgreSQL server, several instances may share it.
    ...(database.engine === "postgres" ? { shared: database } : {}),
  });
  const middleware = mountSteps(app, [
    { middleware: [requestLogger(logger), metrics.middleware(), securityHeaders(), corsFor(config)] },
    // Before the per-IP limit: the development /rpc counts against a limit of its own.
    { routes: dependencies.rawRouters ?? [] },
    // Every route below, /healthz, /metrics and /openapi.json included, counts against the per-IP limit.
    { middleware: [limits.perIp] },
    {
      routes: [
        healthRouter({ database, connection: context.connection, programId: context.programId, openapi, logger }),
        privacyRouter(openapi),
        operationsRouter(context),
      ],
    },
    {
      middleware: [
        sessions.middleware(),
        limits.perAccount,
        express.json({ limit: JSON_BODY_LIMIT, type: jsonBody }),
        rejectNulCharacters,
      ],
    },
  ]);

  for (const router of apiRouters(context, dependencies)) app.use(router);
  const directRoutes: DirectRoute[] = [];
  const services: { stop(): Promise<void> }[] = [{ stop: async () => context.liveEvents.stop() }];
  for (const plugin of plugins) {
    const result = plugin.mount(context);
    for (const router of result.routers ?? []) app.use(router);
    directRoutes.push(...(result.directRoutes ?? []));
    services.push(...(result.services ?? []));
  }

  const errors = errorHandler(logger);
  app.use(notFoundHandler);
  app.use(errors);
  const listener = directDispatch(app, { middleware, routes: directRoutes, errorHandler: errors });
  return { listener, serverClasses: appServerClasses(app), context, services, middleware, app };
}
