import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import { HttpError } from "../http/errors.ts";
import { rateLimits } from "../http/rate-limits.ts";
import type { RpcTextAnswerer } from "./in-process-fetch.ts";
import { RpcErrorCode } from "./rpc-error.ts";

/** Large enough for a full batch of signed transactions; a validator's own limit is 50 KB per request. */
const MAX_RPC_BODY = "256kb";
/** Requests per client IP per minute when the caller names no limit. */
export const DEFAULT_RPC_REQUESTS_PER_MINUTE = 6_000;

export interface RpcRouterOptions {
  /** Requests per client IP per minute (Express's request.ip, so the app's trust proxy applies). */
  requestsPerMinute?: number;
}

/** A refusal before any JSON-RPC was read (rate limit, media type, size), as a JSON-RPC error with the HTTP status. */
const rpcRefusal: ErrorRequestHandler = (error, _request, response, next) => {
  const status = error instanceof HttpError ? error.status : (error as { status?: unknown }).status;
  if (typeof status !== "number" || status < 400 || status >= 500) return next(error);
  if (error instanceof HttpError) response.set(error.headers);
  response
    .status(status)
    .json({ jsonrpc: "2.0", id: null, error: { code: RpcErrorCode.InvalidRequest, message: (error as Error).message } });
};

const jsonOnly: RequestHandler = (request, _response, next) => {
  if (request.is("application/json")) next();
  else next(new HttpError(415, "unsupported_media_type", "JSON-RPC takes Content-Type: application/json"));
};

/**
 * POST /rpc: the embedded chain as Solana JSON-RPC, a development tool. Only application/json is
 * read (as a validator does), so a page on another origin cannot reach it with a "simple" text/plain
 * POST. Every request counts against a per-IP limit. The body is read as text so that a body which
 * is not JSON gets the JSON-RPC parse error (-32700), as from a validator, rather than an HTTP 400.
 */
export function createRpcRouter(answer: RpcTextAnswerer, options: RpcRouterOptions = {}): Router {
  const requestsPerMinute = options.requestsPerMinute ?? DEFAULT_RPC_REQUESTS_PER_MINUTE;
  const { perIp } = rateLimits({
    perIpPerMinute: requestsPerMinute,
    perAccountPerMinute: requestsPerMinute,
    accountOf: () => undefined,
  });
  const router = express.Router();
  router.post(
    "/rpc",
    perIp,
    jsonOnly,
    express.text({ type: "application/json", limit: MAX_RPC_BODY }),
    (async (request, response) => {
      // An app-wide JSON parser may already have parsed the body; answer either form.
      const answered = await answer(typeof request.body === "string" ? request.body : JSON.stringify(request.body));
      if (answered === undefined) response.status(204).end();
      else response.type("application/json").send(answered);
    }) satisfies RequestHandler,
    rpcRefusal,
  );
  return router;
}
