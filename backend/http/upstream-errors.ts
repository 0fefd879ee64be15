import { XApiError, XForbiddenError, XOAuthError, XRateLimitedError, XUnauthorizedError, XUsageCappedError } from "../x/index.ts";
import { HttpError } from "./errors.ts";

/**
 * Turns an X failure into an answer the fan can act on: an expired X authorization, or one missing
 * a permission, means signing in again (401), X's rate limit says when to retry (429 with
 * Retry-After), and what only the operator can fix (the X project's usage cap, an app X does not let
 * call the endpoint) is a 503 without a retry hint. Only X being unreachable or answering nonsense is
 * a 502. Anything that is not an X error is rethrown unchanged.
 */
export function fromXError(error: unknown, now: () => number = Date.now): never {
  if (error instanceof XOAuthError) {
    throw new HttpError(400, "x_login_failed", `X refused the sign-in (${error.error}); start the X login again`);
  }
  if (error instanceof XUnauthorizedError) {
    throw new HttpError(401, "unauthorized", "X no longer accepts your authorization; sign in with X again");
  }
  if (error instanceof XUsageCappedError) throw pausedForOperator("the operator's X API quota is used up", error);
  if (error instanceof XForbiddenError) {
    if (error.appRefused)
      throw pausedForOperator("X does not let the operator's app make them (its access level or setup)", error);
    throw new HttpError(
      401,
      "unauthorized",
      "your X authorization lacks a permission these checks need; sign in with X again and allow everything it asks for",
      { endpoint: error.endpoint },
    );
  }
  if (error instanceof XRateLimitedError) {
    const seconds = Math.max(1, Math.ceil((error.resetAt.getTime() - now()) / 1000));
    throw new HttpError(
      429,
      "rate_limited",
      `X is rate limiting these checks; try again in ${seconds} s`,
      { retryAfterSeconds: seconds },
      {
        "Retry-After": String(seconds),
      },
    );
  }
  if (error instanceof XApiError) {
    throw new HttpError(502, "x_unavailable", "X could not be reached or answered unexpectedly; try again shortly", {
      endpoint: error.endpoint,
      status: error.status,
    });
  }
  throw error;
}

/** What only the operator can fix: a 503 without Retry-After, since retrying cannot help until they do. */
function pausedForOperator(why: string, error: XApiError): HttpError {
  return new HttpError(503, "x_unavailable", `the giveaway's checks are paused: ${why}`, {
    endpoint: error.endpoint,
    status: error.status,
    ...(error.problem ? { problem: error.problem.type } : {}),
  });
}
