import cors from "cors";
import type { RequestHandler } from "express";
import helmet, { type HelmetOptions } from "helmet";
import { IDEMPOTENCY_KEY_HEADER } from "../../shared/api/claims.ts";

/** The API serves JSON and one small HTML page, so the policy allows no scripts at all. */
export const securityPolicy: HelmetOptions = {
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
};

/**
 * helmet's headers for securityPolicy. They do not depend on the request, so they are worked out once
 * and set from a list: helmet's chain of a dozen middleware per request cost more than the claim
 * handler. (X-Powered-By, which helmet would remove, is never set: the app disables it.)
 */
export function securityHeaders(): RequestHandler {
  const headers: [name: string, value: string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => {},
  };
  let done = false;
  helmet(securityPolicy)({} as Parameters<RequestHandler>[0], recorder as unknown as Parameters<RequestHandler>[1], () => {
    done = true;
  });
  if (!done || !headers.length) throw new Error("helmet did not answer synchronously; security headers would be missing");
  return (_request, response, next) => {
    for (const [name, value] of headers) response.setHeader(name, value);
    next();
  };
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
    allowedHeaders: ["Authorization", "Content-Type", IDEMPOTENCY_KEY_HEADER, "X-Request-Id"],
    exposedHeaders: ["X-Request-Id", "Retry-After", "RateLimit", "RateLimit-Policy"],
    maxAge: 600,
  });
}
