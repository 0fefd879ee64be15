import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import pino, { type Logger } from "pino";
import { pinoHttp } from "pino-http";

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

/** One log line per request with a request id (the caller's X-Request-Id when well-formed), echoed back in X-Request-Id. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(request: IncomingMessage, response: ServerResponse) {
      const incoming = request.headers["x-request-id"];
      const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      response.setHeader("X-Request-Id", id);
      return id;
    },
    customLogLevel(_request, response, error) {
      if (error || response.statusCode >= 500) return "error";
      if (response.statusCode >= 400) return "warn";
      return "info";
    },
    serializers: {
      req: (request: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: request.id,
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.remoteAddress,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  });
}
