import type { Request, RequestHandler, Response } from "express";
import { ipKeyGenerator } from "express-rate-limit";
import { HttpError } from "./errors.ts";

export interface RateLimitSettings {
  perIpPerMinute: number;
  perAccountPerMinute: number;
  /** The signed-in X account of a request, when it has one. */
  accountOf: (response: Response) => string | undefined;
  now?: () => number;
}

const WINDOW_MS = 60_000;

/**
 * Hits per key, each key in windows of its own that start at its first hit (so no clock minute resets
 * everyone at once). Expired windows are dropped in bulk: every WINDOW_MS the current map becomes the
 * previous one, and the previous one, whose windows have all ended by then, is let go.
 */
class WindowCounter {
  #current = new Map<string, { hits: number; endsAt: number }>();
  #previous = new Map<string, { hits: number; endsAt: number }>();
  #rotatesAt: number;

  constructor(private readonly now: () => number) {
    this.#rotatesAt = now() + WINDOW_MS;
  }

  /** Counts a hit: how many `key` has made in its window, and the seconds until that window ends. */
  hit(key: string): { hits: number; resetSeconds: number } {
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
    return { hits: window.hits, resetSeconds: Math.ceil((window.endsAt - now) / 1000) };
  }
}

/**
 * A limit of `limit` requests per key and window. With `headers`, answers carry RateLimit and
 * RateLimit-Policy as IETF draft 7 writes them. Synchronous: on the claim route, the middleware of a
 * library (a promise per step) cost several times this.
 */
function limiter(
  limit: number,
  keyOf: (request: Request, response: Response) => string | undefined,
  now: () => number,
  headers: boolean,
): RequestHandler {
  const counter = new WindowCounter(now);
  const policy = `${limit};w=${WINDOW_MS / 1000}`;
  return (request, response, next) => {
    const key = keyOf(request, response);
    if (key === undefined) return next();
    const { hits, resetSeconds } = counter.hit(key);
    if (headers) {
      response.setHeader("RateLimit-Policy", policy);
      response.setHeader("RateLimit", `limit=${limit}, remaining=${Math.max(limit - hits, 0)}, reset=${resetSeconds}`);
    }
    if (hits > limit) {
      return next(
        new HttpError(429, "rate_limited", "too many requests; wait a moment and try again", undefined, {
          "Retry-After": String(resetSeconds),
        }),
      );
    }
    next();
  };
}

/**
 * Two limits per window: one per client IP (IPv6 grouped by /56 so one host cannot rotate addresses,
 * IPv4-mapped IPv6 read as IPv4, both by express-rate-limit's key generator), and one per signed-in X
 * account, so one account cannot spread its requests across many IPs. Counters live in memory: each
 * instance limits on its own. Mount perIp before sessions are resolved (so random bearer tokens cost no
 * database lookups beyond the limit) and perAccount after.
 */
export function rateLimits(settings: RateLimitSettings): { perIp: RequestHandler; perAccount: RequestHandler } {
  const now = settings.now ?? Date.now;
  return {
    perIp: limiter(settings.perIpPerMinute, (request) => ipKeyGenerator(request.ip ?? "unknown"), now, true),
    perAccount: limiter(settings.perAccountPerMinute, (_request, response) => settings.accountOf(response), now, false),
  };
}
