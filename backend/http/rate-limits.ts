import type { RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { HttpError } from "./errors.ts";

export interface RateLimitSettings {
  perIpPerMinute: number;
  perAccountPerMinute: number;
  /** The signed-in X account of a request, when it has one. */
  accountOf: (response: Parameters<RequestHandler>[1]) => string | undefined;
}

const WINDOW_MS = 60_000;

function limited(windowMs: number): RequestHandler {
  return (_request, _response, next) => {
    next(
      new HttpError(429, "rate_limited", "too many requests; wait a moment and try again", undefined, {
        "Retry-After": String(Math.ceil(windowMs / 1000)),
      }),
    );
  };
}

/**
 * Two limits per window: one per client IP (IPv6 grouped by /56 so one host cannot rotate addresses),
 * and one per signed-in X account, so one account cannot spread its requests across many IPs.
 * Counters live in memory: each instance limits on its own. Mount perIp before sessions are resolved
 * (so random bearer tokens cost no database lookups beyond the limit) and perAccount after.
 */
export function rateLimits(settings: RateLimitSettings): { perIp: RequestHandler; perAccount: RequestHandler } {
  const perIp = rateLimit({
    windowMs: WINDOW_MS,
    limit: settings.perIpPerMinute,
    // RateLimit and RateLimit-Policy as IETF draft 7 writes them; draft 8 adds a partition key that
    // costs a sha256 of the client's key on every request.
    standardHeaders: "draft-7",
    legacyHeaders: false,
    keyGenerator: (request) => ipKeyGenerator(request.ip ?? "unknown"),
    handler: limited(WINDOW_MS),
  });
  const perAccount = rateLimit({
    windowMs: WINDOW_MS,
    limit: settings.perAccountPerMinute,
    standardHeaders: false,
    legacyHeaders: false,
    skip: (_request, response) => settings.accountOf(response) === undefined,
    keyGenerator: (_request, response) => `x:${settings.accountOf(response)}`,
    handler: limited(WINDOW_MS),
  });
  return { perIp, perAccount };
}
