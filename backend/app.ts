import type { RequestListener } from "node:http";
import type { Connection, PublicKey } from "@solana/web3.js";
import express, { type RequestHandler, type Router } from "express";
import type { Logger } from "pino";
import { distributionProgramId } from "../shared/program/index.ts";
import { claimPageRouter, summaryReader } from "./claim-page/claim-page-routes.ts";
import { actionsCors, caip2ChainId, isActionPath } from "./claims/blink-routes.ts";
import type { BackendConfig } from "./config.ts";
import type { Database } from "./db/database.ts";
import { type Invalidations, localInvalidations } from "./db/invalidations.ts";
import { type ChainReader, connectionChainReader } from "./distributions/chain-reader.ts";
import { type ClaimActivity, noClaimActivity } from "./distributions/claim-activity.ts";
import { DistributionService } from "./distributions/distribution-service.ts";
import { DistributionStore } from "./distributions/distribution-store.ts";
import { EligibilityChecker } from "./distributions/eligibility.ts";
import { distributionsRouter } from "./distributions/routes.ts";
import { type DirectRoute, directDispatch } from "./http/direct-routes.ts";
import { errorHandler, notFoundHandler } from "./http/errors.ts";
import { healthRouter } from "./http/health.ts";
import { createLogger, requestLogger } from "./http/logging.ts";
import { Metrics } from "./http/metrics.ts";
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
  /** Accepted claims per distribution, so counts and charts include claims not yet on chain. */
  claimActivity?: ClaimActivity;
  /** Work the plugin runs on its own (timers); stopped when the backend closes. */
  services?: { stop(): Promise<void> }[];
}
export type AppPlugin = (context: AppContext) => AppPluginResult;

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
} {
  const { config, database } = dependencies;
  const now = dependencies.now ?? Date.now;
  const logger = dependencies.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = dependencies.metrics ?? new Metrics();
  const programId = dependencies.programId ?? distributionProgramId;
  const openapi = new OpenApiRegistry();
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
  const eligibility = new EligibilityChecker({ database, accounts, xClient: dependencies.xClient, chain, cache, now });
  // Plugins register their claim activity after the service exists; the service reads it at call time.
  let claimActivity: ClaimActivity = noClaimActivity;
  const tokens = new TokenDirectory({
    connection: dependencies.connection,
    publicUrl: config.PUBLIC_URL,
    offchain: { ipfsGateway: config.IPFS_GATEWAY, allowLoopback: dependencies.tokenMetadataFromLoopback ?? false },
    now,
    onError: (mint, error) => logger.debug({ mint, err: error }, "token logo not fetched"),
  });
  const distributions = new DistributionService({
    store: new DistributionStore(database),
    chain,
    tokens,
    accounts,
    xClient: dependencies.xClient,
    claims: {
      acceptedCounts: (addresses) => claimActivity.acceptedCounts(addresses),
      claimsOverTime: (addresses, bucket) => claimActivity.claimsOverTime(addresses, bucket),
      failuresByReason: (addresses) => claimActivity.failuresByReason(addresses),
      botRefusals: (addresses) => claimActivity.botRefusals(addresses),
      claimants: (address, query) => claimActivity.claimants(address, query),
    },
    publicUrl: config.PUBLIC_URL,
    invalidations,
    verifier: dependencies.verifier.toBase58(),
    feePerClaimLamports: config.FEE_PER_CLAIM_LAMPORTS,
    programId,
    now,
  });
  const walletBinding = new WalletBinding(database, {
    publicUrl: config.PUBLIC_URL,
    chainId: `solana:${config.SOLANA_CLUSTER}`,
    now,
  });
  const context: AppContext = {
    config,
    database,
    logger,
    metrics,
    openapi,
    sessions,
    accounts,
    eligibility,
    distributions,
    tokens,
    walletBinding,
    chain,
    connection: dependencies.connection,
    verifier: dependencies.verifier,
    programId,
    now,
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.TRUST_PROXY_HOPS);
  // Amounts are bigints in the services and decimal strings on the wire.
  app.set("json replacer", (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  const everyRequest: RequestHandler[] = [requestLogger(logger), metrics.middleware(), securityHeaders(), corsFor(config)];
  app.use(everyRequest);
  // Before the per-IP limit: the development /rpc counts against a limit of its own.
  for (const router of dependencies.rawRouters ?? []) app.use(router);

  const limits = rateLimits({
    perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE,
    perAccountPerMinute: config.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE,
    accountOf: (response) => sessionOf(response)?.xUserId,
    now,
    // PGlite serves one process; on a PostgreSQL server, several instances may share it.
    ...(database.engine === "postgres" ? { shared: database } : {}),
  });
  // Every route below, /healthz, /metrics and /openapi.json included, counts against the per-IP limit.
  app.use(limits.perIp);

  app.use(healthRouter({ database, connection: dependencies.connection, programId, openapi }));
  app.use(privacyRouter(openapi));
  app.get("/metrics", async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get("/openapi.json", (_request, response) => {
    response.json(openapi.document({ title: "MEMEFANS backend", version: "1", serverUrl: config.PUBLIC_URL }));
  });
  openapi.describe({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics: requests, claim states, batch sizes, X API calls per verified claim",
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
  const everyApiRequest: RequestHandler[] = [
    sessions.middleware(),
    limits.perAccount,
    express.json({ limit: JSON_BODY_LIMIT }),
    rejectNulCharacters,
  ];
  app.use(everyApiRequest);

  const extensionIds = config.EXTENSION_ORIGINS.filter((origin) => origin.startsWith("chrome-extension://")).map((origin) =>
    origin.slice("chrome-extension://".length),
  );
  app.use(
    xLoginRouter({
      database,
      sessions,
      accounts,
      xClient: dependencies.xClient,
      oauth: dependencies.oauth,
      extensionIds,
      openapi,
      now,
    }),
  );
  app.use(
    walletRouter({
      binding: walletBinding,
      accounts,
      openapi,
    }),
  );
  app.use(
    webLoginRouter({
      database,
      sessions,
      accounts,
      xClient: dependencies.xClient,
      oauth: dependencies.oauth,
      publicUrl: config.PUBLIC_URL,
      binding: walletBinding,
      openapi,
      now,
    }),
  );
  app.use(claimPageRouter(context, { openapi, read: summaryReader(context) }));
  app.use(distributionsRouter({ service: distributions, eligibility, database, openapi }));
  app.use(tokensRouter({ directory: tokens, openapi }));
  const directRoutes: DirectRoute[] = [];
  const services: { stop(): Promise<void> }[] = [];
  for (const plugin of dependencies.plugins ?? []) {
    const result = plugin(context);
    for (const router of result.routers ?? []) app.use(router);
    directRoutes.push(...(result.directRoutes ?? []));
    services.push(...(result.services ?? []));
    if (result.claimActivity) claimActivity = result.claimActivity;
  }

  const errors = errorHandler(logger);
  app.use(notFoundHandler);
  app.use(errors);
  const listener = directDispatch(app, {
    middleware: [...everyRequest, limits.perIp, ...everyApiRequest],
    routes: directRoutes,
    errorHandler: errors,
  });
  return { listener, serverClasses: appServerClasses(app), context, services };
}
