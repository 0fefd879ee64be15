import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ipKeyGenerator } from "express-rate-limit";
import type { Database } from "../db/database.ts";
import { HttpError, isActionPath } from "./errors.ts";
import { SharedRateCounter } from "./shared-rate-limits.ts";

export interface RateLimitSettings {
  perIpPerMinute: number;
  /**
   * Per IP on the Solana Actions paths, when they have a limit of their own. Blink clients fetch
   * actions through their maker's proxy (Dialect's api.dial.to and proxy.dial.to), so every fan of a
   * blink arrives from a few addresses, which the per-IP limit of a person would soon refuse.
   */
  actionsPerIpPerMinute?: number;
  perAccountPerMinute: number;
  /** The signed-in X account of a request, when it has one. */
  accountOf: (response: Response) => string | undefined;
  now?: () => number;
  /** PostgreSQL that several instances share: counters live there (see shared-rate-limits.ts). Without it, in memory. */
  shared?: Database;
}

const WINDOW_MS = 60_000;

/** Whether one more request of a key fits its window, as the RateLimit header reports it. */
export interface RateDecision {
  allowed: boolean;
  remaining: number;
  resetSeconds: number;
}

/** Counts a request of `key`; synchronous when the answer is known without asking anyone. */
export interface RateCounter {
  take(key: string): RateDecision | Promise<RateDecision>;
}

/**
 * Hits per key, each key in windows of its own that start at its first hit (so no clock minute resets
 * everyone at once). Expired windows are dropped in bulk: every WINDOW_MS the current map becomes the
 * previous one, and the previous one, whose windows have all ended by then, is let go.
 */
class WindowCounter implements RateCounter {
  #current = new Map<string, { hits: number; endsAt: number }>();
  #previous = new Map<string, { hits: number; endsAt: number }>();
  #rotatesAt: number;

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {
    this.#rotatesAt = now() + WINDOW_MS;
  }

  take(key: string): RateDecision {
    const now = this.now();
    if (now >= this.#rotatesAt) {
      // Windows in `current` began before #rotatesAt, so after one more WINDOW_MS they have all ended too.
      this.#previous = now >= this.#rotatesAt + WINDOW_MS ? new Map() : this.#current;
      this.#current = new Map();
      this.#rotatesAt = now + WINDOW_MS;
    }
    let window = this.#current.get(key);
    if (!window) {
      window = this.#previous.get(key);
      this.#previous.delete(key);
      window ??= { hits: 0, endsAt: now + WINDOW_MS };
      this.#current.set(key, window);
    }
    if (window.endsAt <= now) {
      window.hits = 0;
      window.endsAt = now + WINDOW_MS;
    }
    window.hits++;
    return {
      allowed: window.hits <= this.limit,
      remaining: Math.max(this.limit - window.hits, 0),
      resetSeconds: Math.ceil((window.endsAt - now) / 1000),
    };
  }
}

/**
 * The client a request counts against (per-IP limits, live streams): its IP as trust proxy computes it,
 * an IPv6 address grouped into its subnet as express-rate-limit does, so one host cannot take many keys
 * from its own block.
 */
export function clientKeyOf(request: Request): string {
  return ipKeyGenerator(request.ip ?? "unknown");
}

/**
 * A limit of `limit` requests per key and window. With `headers`, answers carry RateLimit and
 * RateLimit-Policy as IETF draft 7 writes them. Synchronous whenever the counter is: on the claim
 * route, the middleware of a library (a promise per step) cost several times this.
 */
function limiter(
  limit: number,
  keyOf: (request: Request, response: Response) => string | undefined,
  counter: RateCounter,
  headers: boolean,
): RequestHandler {
  const policy = `${limit};w=${WINDOW_MS / 1000}`;
  const answer = (decision: RateDecision, response: Response, next: NextFunction) => {
    if (headers) {
      response.setHeader("RateLimit-Policy", policy);
      response.setHeader("RateLimit", `limit=${limit}, remaining=${decision.remaining}, reset=${decision.resetSeconds}`);
    }
    if (!decision.allowed) {
      return next(
        new HttpError(429, "rate_limited", "too many requests; wait a moment and try again", undefined, {
          "Retry-After": String(decision.resetSeconds),
        }),
      );
    }
    next();
  };
  return (request, response, next) => {
    const key = keyOf(request, response);
    if (key === undefined) return next();
    const decision = counter.take(key);
    if (decision instanceof Promise) {
      decision.then((settled) => answer(settled, response, next), next);
      return;
    }
    answer(decision, response, next);
  };
}

/**
 * Two limits per window: one per client IP (IPv6 grouped by /56 so one host cannot rotate addresses,
 * IPv4-mapped IPv6 read as IPv4, both by express-rate-limit's key generator), and one per signed-in X
 * account, so one account cannot spread its requests across many IPs. With `shared`, counters live in
 * PostgreSQL and the limits hold across every instance on it; otherwise in memory. Mount perIp before sessions are resolved (so random bearer tokens cost no
 * database lookups beyond the limit) and perAccount after.
 */
export function rateLimits(settings: RateLimitSettings): { perIp: RequestHandler; perAccount: RequestHandler } {
  const now = settings.now ?? Date.now;
  const counter = (limit: number, namespace: string): RateCounter =>
    settings.shared ? new SharedRateCounter(settings.shared, namespace, limit, WINDOW_MS, now) : new WindowCounter(limit, now);
  const perIp = limiter(settings.perIpPerMinute, clientKeyOf, counter(settings.perIpPerMinute, "ip"), true);
  const { actionsPerIpPerMinute } = settings;
  const actionsPerIp =
    actionsPerIpPerMinute === undefined
      ? perIp
      : limiter(actionsPerIpPerMinute, clientKeyOf, counter(actionsPerIpPerMinute, "actions-ip"), true);
  return {
    perIp: (request, response, next) => (isActionPath(request.path) ? actionsPerIp : perIp)(request, response, next),
    perAccount: limiter(
      settings.perAccountPerMinute,
      (_request, response) => settings.accountOf(response),
      counter(settings.perAccountPerMinute, "account"),
      false,
    ),
  };
}
