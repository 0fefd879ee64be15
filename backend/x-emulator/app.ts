import express, { type Express } from "express";
import { Billing, billingMetrics } from "./billing.ts";
import type { EmulatorContext } from "./context.ts";
import { DEFAULT_LIMITS, type EmulatedEndpoint, RateLimiter } from "./rate-limits.ts";
import { adminRouter } from "./routes/admin.ts";
import { oauthRouter } from "./routes/oauth.ts";
import { tweetsRouter } from "./routes/tweets.ts";
import { usersRouter } from "./routes/users.ts";
import { seedWorld } from "./seed.ts";
import { EmulatorStore } from "./store.ts";
import { type EmulatedClient, type TokenBody, TokenRegistry } from "./tokens.ts";

export const DEFAULT_EMULATOR_CLIENT_ID = "memefans-local";
export const DEFAULT_APP_BEARER_TOKEN = "emulator-app-bearer-token";

export interface XApiEmulatorOptions {
  /** Registered apps; by default one public client, memefans-local, accepting any http(s) callback. */
  clients?: EmulatedClient[];
  /** Apps whose API calls get 403 client-forbidden with reason client-not-enrolled. */
  notEnrolledClientIds?: string[];
  /** App-only bearer tokens → the client they belong to. */
  appBearerTokens?: Record<string, string>;
  /** Per-endpoint calls per window; tests set small numbers to reach the 429 path. */
  rateLimits?: Partial<Record<EmulatedEndpoint, number>>;
  /** Window length; X's is 15 minutes. */
  rateLimitWindowMs?: number;
  accessTokenLifetimeSeconds?: number;
  /** The emulator's clock (ms since epoch); tests pass one they can move. */
  now?: () => number;
  /** Start with the seeded world (default) or empty. */
  seed?: boolean;
}

export interface XApiEmulator {
  app: Express;
  store: EmulatorStore;
  /** What X would have charged so far (GET /metrics shows the same). */
  billing: Billing;
  /** Mints a user access token directly (what the consent page and token endpoint do in two steps). */
  issueUserToken(userId: string, options?: { clientId?: string; scopes?: string[]; lifetimeSeconds?: number }): TokenBody;
  /** Back to the seeded world: relations, tokens, rate-limit windows and the bill are cleared. */
  reset(): void;
}

/**
 * A local stand-in for api.x.com and x.com/i/oauth2: real v2 paths, response shapes, headers and
 * errors, over an in-memory world. It shares no code with backend/x, only the wire format.
 */
export function createXApiEmulator(options: XApiEmulatorOptions = {}): XApiEmulator {
  const now = options.now ?? Date.now;
  const clients = new Map(
    (options.clients ?? [{ clientId: DEFAULT_EMULATOR_CLIENT_ID }]).map((client) => [client.clientId, client]),
  );
  const tokens = new TokenRegistry(now, options.accessTokenLifetimeSeconds ?? 7200);
  const appTokens = options.appBearerTokens ?? {
    [DEFAULT_APP_BEARER_TOKEN]: [...clients.keys()][0] ?? DEFAULT_EMULATOR_CLIENT_ID,
  };
  const context: EmulatorContext = {
    store: new EmulatorStore(now),
    tokens,
    limiter: new RateLimiter({ ...DEFAULT_LIMITS, ...options.rateLimits }, options.rateLimitWindowMs ?? 15 * 60 * 1000, now),
    billing: new Billing(now),
    clients,
    notEnrolledClientIds: new Set(options.notEnrolledClientIds ?? []),
    now,
  };

  const reset = () => {
    context.store.clear();
    if (options.seed !== false) seedWorld(context.store);
    tokens.clear();
    context.limiter.reset();
    context.billing.reset();
  };
  reset();
  for (const [token, clientId] of Object.entries(appTokens)) tokens.addAppToken(token, clientId);

  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(oauthRouter(context));
  app.use(usersRouter(context));
  app.use(tweetsRouter(context));
  app.use(adminRouter(context, reset));
  app.get("/metrics", (_request, response) => {
    response.type("text/plain; version=0.0.4").send(billingMetrics(context.billing.totals));
  });
  // X answers an unknown path with its old-style error list.
  app.use((_request, response) => {
    response.status(404).json({ errors: [{ message: "Sorry, that page does not exist", code: 34 }] });
  });

  return {
    app,
    store: context.store,
    billing: context.billing,
    issueUserToken(userId, tokenOptions = {}) {
      const scopes = new Set(tokenOptions.scopes ?? ["tweet.read", "users.read", "follows.read", "like.read", "offline.access"]);
      return tokens.issue(userId, tokenOptions.clientId ?? [...clients.keys()][0] ?? "", scopes, tokenOptions.lifetimeSeconds);
    },
    reset,
  };
}
