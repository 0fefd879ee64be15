import cors from "cors";
import type { RequestHandler } from "express";
import helmet from "helmet";

/** Security headers. The API serves JSON and one small HTML page, so the policy allows no scripts at all. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["https:", "data:"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginResourcePolicy: { policy: "cross-origin" },
  });
}

/**
 * CORS for the configured extension origins only. Requests without an Origin (the extension's service
 * worker with host permissions, curl, server-to-server) are not CORS requests and pass untouched; a
 * browser page on any other origin gets no Access-Control-Allow-Origin and cannot read the answer.
 */
export function extensionCors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
    exposedHeaders: ["X-Request-Id", "Retry-After", "RateLimit", "RateLimit-Policy"],
    maxAge: 600,
  });
}
