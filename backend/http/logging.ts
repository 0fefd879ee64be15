import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import pino, { type Logger } from "pino";

/** Field names whose values are secrets wherever a handler logs them, at the top level or one level down. */
const SECRET_FIELDS = [
  "authorization",
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "sessionToken",
  "token",
  "code",
  "codeVerifier",
  "code_verifier",
  "signature",
  "secretKey",
  "password",
];

/** Request and response bodies are never logged; these cover headers and anything a handler logs on purpose. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
];

/** Query parameters whose values are secrets or one-time credentials. */
const SECRET_QUERY_PARAMETERS = /^(code|state|token|access_token|refresh_token|signature|code_verifier|client_secret)$/i;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}

/** The URL as logged: path plus query with secret values replaced. */
export function redactUrl(url: string): string {
  const questionMark = url.indexOf("?");
  if (questionMark < 0) return url;
  const parameters = new URLSearchParams(url.slice(questionMark + 1));
  for (const key of [...parameters.keys()]) {
    if (SECRET_QUERY_PARAMETERS.test(key)) parameters.set(key, "[redacted]");
  }
  return `${url.slice(0, questionMark)}?${parameters.toString()}`;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

declare module "node:http" {
  interface IncomingMessage {
    /** A logger whose lines carry the request id. */
    log: Logger;
  }
}

/** What `request.log` is made from, kept on the request as plain data. */
const requestIdKey = Symbol("requestId");
const baseLoggerKey = Symbol("baseLogger");
const childLoggerKey = Symbol("childLogger");

interface LoggedRequest {
  [requestIdKey]?: string;
  [baseLoggerKey]?: Logger;
  [childLoggerKey]?: Logger;
}

/**
 * Defines `log` once on the prototype of the app's requests. Defined on each request, an accessor
 * with a closure of its own turns the request into a dictionary (V8 cannot share a hidden class
 * between objects whose accessors differ), which slows every later read of its properties.
 */
function defineLogAccessor(prototype: object): void {
  if (Object.hasOwn(prototype, "log")) return;
  Object.defineProperty(prototype, "log", {
    configurable: true,
    get(this: LoggedRequest) {
      const base = this[baseLoggerKey];
      if (base && !this[childLoggerKey]) this[childLoggerKey] = base.child({ reqId: this[requestIdKey] });
      return this[childLoggerKey];
    },
  });
}

/**
 * One log line per request when its response closes, with a request id (the caller's X-Request-Id
 * when well-formed) echoed back in X-Request-Id. `request.log` is made on first use only: a pino
 * child logger runs the serializers and redaction as it is made, which cost more than the rest of a
 * cheap request, and most requests never log anything of their own.
 */
export function requestLogger(logger: Logger): RequestHandler {
  // The line holds only the fields below, with secrets already taken out of the URL: pino's
  // path redaction would cost three times as much as writing the line.
  const requestLines = logger.child({}, { redact: { paths: [] } });
  return (request, response, next) => {
    const incoming = request.headers["x-request-id"];
    const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader("X-Request-Id", id);
    defineLogAccessor(Object.getPrototypeOf(request));
    const logged = request as LoggedRequest;
    logged[requestIdKey] = id;
    logged[baseLoggerKey] = logger;
    const startedAt = performance.now();
    response.once("close", () => {
      const status = response.statusCode;
      const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
      if (!requestLines.isLevelEnabled(level)) return;
      requestLines[level](
        {
          req: { id, method: request.method, url: redactUrl(request.originalUrl), remoteAddress: request.socket.remoteAddress },
          res: { statusCode: status },
          responseTime: Math.round(performance.now() - startedAt),
        },
        response.writableFinished ? "request completed" : "request aborted",
      );
    });
    next();
  };
}
