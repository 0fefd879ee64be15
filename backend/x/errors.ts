import { CLIENT_FORBIDDEN_PROBLEM_TYPE, UNSUPPORTED_AUTHENTICATION_PROBLEM_TYPE, type XProblem } from "./schemas.ts";

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

/**
 * 429 with X's usage-capped problem: the X project's quota for the period (`period`, e.g. "Monthly")
 * is used up. X's rate-limit headers still show calls left, and nothing resets within minutes, so it
 * is never retried: only the operator (a higher cap, more credits) can end it.
 */
export class XUsageCappedError extends XApiError {
  get period(): string | undefined {
    return this.problem?.period;
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

  /**
   * The app itself is refused (its project is not enrolled for the endpoint, or it used app-only
   * authentication where a user is needed): the operator's to fix. Otherwise X refused the user's
   * token, which lacks a scope the endpoint needs (X's bare "Forbidden").
   */
  get appRefused(): boolean {
    const type = this.problem?.type;
    return type === CLIENT_FORBIDDEN_PROBLEM_TYPE || type === UNSUPPORTED_AUTHENTICATION_PROBLEM_TYPE;
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
