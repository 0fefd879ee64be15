import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The Prometheus registry and the instruments every part of the backend reports to. One instance per
 * app, so tests never share counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: "memefans_http_requests_total",
    help: "HTTP requests by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: "memefans_http_request_duration_seconds",
    help: "HTTP request duration by route pattern",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /** Claims entering each state (queued, sent, confirmed, failed). */
  readonly claimTransitions = new Counter({
    name: "memefans_claim_transitions_total",
    help: "claims that entered each state",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  /** Claims currently in each state; the claims module sets it from the database. */
  readonly claimsByState = new Gauge({
    name: "memefans_claims",
    help: "claims currently in each state",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: "memefans_batch_claims",
    help: "claims packed into each batch_claim transaction",
    buckets: [1, 2, 4, 8, 12, 16, 20, 24, 32],
    registers: [this.registry],
  });

  readonly xApiCalls = new Counter({
    name: "memefans_x_api_calls_total",
    help: "requests made to the X API by endpoint and status",
    labelNames: ["endpoint", "status"] as const,
    registers: [this.registry],
  });

  /** X API requests one claim's requirement verification needed (cache hits make it 0). */
  readonly xApiCallsPerVerifiedClaim = new Histogram({
    name: "memefans_x_api_calls_per_verified_claim",
    help: "X API requests spent verifying one claim's requirements",
    buckets: [0, 1, 2, 3, 4, 6, 8, 12, 16, 24],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "memefans_" });
  }

  /**
   * Counts each finished request under its route pattern, never the raw path, so ids do not explode the
   * label set. The labelled series are looked up once per pattern and status, not hashed per request.
   */
  middleware(): RequestHandler {
    const series = new Map<string, { requests: { inc(): void }; duration: { observe(seconds: number): void } }>();
    return (request, response, next) => {
      const startedAt = performance.now();
      response.once("finish", () => {
        const pattern = request.route?.path;
        const route = typeof pattern === "string" ? `${request.baseUrl}${pattern}` : "unmatched";
        const status = String(response.statusCode);
        const key = `${request.method} ${route} ${status}`;
        let found = series.get(key);
        if (!found) {
          found = {
            requests: this.httpRequests.labels({ method: request.method, route, status }),
            duration: this.httpDuration.labels({ method: request.method, route }),
          };
          series.set(key, found);
        }
        found.requests.inc();
        found.duration.observe((performance.now() - startedAt) / 1000);
      });
      next();
    };
  }
}

/** Whether `authorization` is `Bearer <token>`, compared in constant time (of digests, so lengths may differ). */
export function metricsBearerMatches(authorization: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(authorization ?? ""), digest(`Bearer ${token}`));
}
