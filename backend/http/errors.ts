import type { ActionError } from "@solana/actions-spec";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import type { ErrorBody, ErrorCode, FieldIssue } from "../../shared/api/errors.ts";

/** An error meant for the client: thrown anywhere in a handler, answered as `{ error: { code, message, details } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const unauthorized = (message = "sign in with X first") => new HttpError(401, "unauthorized", message);
export const notFound = (message: string) => new HttpError(404, "not_found", message);
export const conflict = (code: ErrorCode, message: string, details?: unknown) => new HttpError(409, code, message, details);

function fieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

export function validationFailed(error: z.ZodError, where?: string): HttpError {
  const issues = fieldIssues(error, where);
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
  return new HttpError(400, "validation_failed", `invalid request: ${summary}`, { issues });
}

function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The Solana Actions paths (/actions.json and /api/actions/…), which blink clients on any origin call.
 * Express matches routes regardless of case and of a trailing slash, so this does too: a path that
 * reaches an action route gets the Actions headers and error shape.
 */
export function isActionPath(path: string): boolean {
  return /^\/actions\.json\/?$/i.test(path) || /^\/api\/actions\//i.test(path);
}

/** Blink clients show an error's top-level `message` (the Actions spec's ActionError); `error` stays for everyone else. */
function actionErrorBody(code: ErrorCode, message: string, details?: unknown): ActionError & ErrorBody {
  return { message, ...errorBody(code, message, details) };
}

/** Errors raised by express.json()/body-parser carry a `type`; each is the client's mistake. */
const bodyParserErrors: Record<string, { status: number; code: ErrorCode; message: string }> = {
  "entity.parse.failed": { status: 400, code: "malformed_json", message: "the request body is not valid JSON" },
  "entity.too.large": { status: 413, code: "payload_too_large", message: "the request body is too large" },
  "entity.verify.failed": { status: 400, code: "bad_request", message: "the request body was refused" },
  "encoding.unsupported": {
    status: 415,
    code: "unsupported_media_type",
    message: "the body's content encoding is not supported",
  },
  "charset.unsupported": {
    status: 415,
    code: "unsupported_media_type",
    message: "the body's charset is not supported; send UTF-8",
  },
  "request.aborted": { status: 400, code: "bad_request", message: "the request was aborted before its body arrived" },
  "request.size.invalid": {
    status: 400,
    code: "bad_request",
    message: "the request body is shorter or longer than Content-Length",
  },
  "stream.encoding.set": { status: 400, code: "bad_request", message: "the request body could not be read" },
  "parameters.too.many": { status: 413, code: "payload_too_large", message: "the request has too many parameters" },
};

/**
 * PostgreSQL's class 22 "data exception" (a NUL character in text, a number out of range, text that is
 * not valid for its type) is raised by a value that came from the request, so it is the client's 400.
 */
function isDataException(code: unknown): boolean {
  return typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code);
}

function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  // A ZodError that reaches here was not the request's (those become validationFailed where they
  // are checked): a stored row or an answer that fails its schema is our fault, a 500.
  if (typeof error !== "object" || error === null) return undefined;
  const { type, status, code } = error as { type?: unknown; status?: unknown; code?: unknown };
  if (isDataException(code))
    return new HttpError(400, "bad_request", "a value in the request cannot be stored (for example, text with a NUL character)");
  if (typeof type === "string" && type in bodyParserErrors) {
    const known = bodyParserErrors[type];
    if (known) return new HttpError(known.status, known.code, known.message);
  }
  // Any other error that says it is the client's (a 4xx status), e.g. Express failing to decode a path parameter.
  if (typeof status === "number" && Number.isInteger(status) && status >= 400 && status < 500) {
    return new HttpError(status, status === 404 ? "not_found" : "bad_request", String((error as Error).message));
  }
  return undefined;
}

/**
 * The last middleware: every error leaves as the one shape (with the Actions spec's `message` on action
 * paths); only a genuine server fault is a 5xx, and it is logged.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const known = toHttpError(error);
    if (response.headersSent) {
      request.socket.destroy();
      return;
    }
    const body = isActionPath(request.path) ? actionErrorBody : errorBody;
    if (known) {
      response.set(known.headers);
      response.status(known.status).json(body(known.code, known.message, known.details));
      return;
    }
    const log = (request as { log?: Logger }).log ?? logger;
    log.error({ err: error }, "unhandled error");
    response.status(500).json(body("internal_error", "something went wrong on our side; try again shortly"));
  };
}

/** Unknown paths answer in the same shape as everything else. */
export const notFoundHandler: RequestHandler = (request, _response, next) => {
  next(new HttpError(404, "not_found", `no route for ${request.method} ${request.path}`));
};
