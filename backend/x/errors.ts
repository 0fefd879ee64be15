import type { XProblem } from "./schemas.ts";

/** Base of every failure the X client reports; `status` is the HTTP status X answered with (0 = no answer). */
export class XApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly endpoint: string,
    readonly problem?: XProblem,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The endpoint's window is used up; retry after `resetAt`. Thrown instead of waiting longer than allowed. */
export class XRateLimitedError extends XApiError {
  constructor(
    endpoint: string,
    readonly resetAt: Date,
    readonly limit: number | undefined,
  ) {
    super(`X rate limit reached for ${endpoint}; it resets at ${resetAt.toISOString()}`, 429, endpoint);
  }
}

/** 401: the token is missing, expired or revoked. A user token can be refreshed and the call repeated. */
export class XUnauthorizedError extends XApiError {}

/**
 * 403: the app may not call this endpoint. `reason` is X's problem reason, for example
 * "client-not-enrolled" when the app's project lacks the access level the endpoint needs.
 */
export class XForbiddenError extends XApiError {
  get reason(): string | undefined {
    return this.problem?.reason;
  }
}

/** X answered with something this client does not understand (unexpected status or body shape). */
export class XUnexpectedResponseError extends XApiError {}

/** The OAuth token endpoint refused a grant (RFC 6749 `error`, e.g. invalid_request, invalid_grant). */
export class XOAuthError extends XApiError {
  constructor(
    readonly error: string,
    readonly description: string | undefined,
    status: number,
  ) {
    super(`X OAuth error ${error}${description ? `: ${description}` : ""}`, status, "oauth2/token");
  }
}
