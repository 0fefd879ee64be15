import { XApiError, XOAuthError, XRateLimitedError, XUnauthorizedError } from "../x/index.ts";
import { HttpError } from "./errors.ts";

/**
 * Turns an X failure into an answer the fan can act on: an expired X authorization means signing in
 * again (401), X's rate limit says when to retry (429 with Retry-After), and only X being unreachable
 * or answering nonsense is a 502. Anything that is not an X error is rethrown unchanged.
 */
export function fromXError(error: unknown, now: () => number = Date.now): never {
  if (error instanceof XOAuthError) {
    throw new HttpError(400, "x_login_failed", `X refused the sign-in (${error.error}); start the X login again`);
  }
  if (error instanceof XUnauthorizedError) {
    throw new HttpError(401, "unauthorized", "X no longer accepts your authorization; sign in with X again");
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
