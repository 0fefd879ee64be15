import type { NextFunction, Request, Response } from "express";
import type { BilledBody } from "../billing.ts";
import type { EmulatorContext } from "../context.ts";
import type { EmulatedEndpoint } from "../rate-limits.ts";
import type { AccessGrant } from "../tokens.ts";
import {
  sendClientNotEnrolled,
  sendMissingScope,
  sendRateLimited,
  sendUnauthorized,
  sendUnsupportedAuthentication,
} from "../wire.ts";

export interface EndpointRules {
  endpoint: EmulatedEndpoint;
  /** OAuth 2.0 scopes a user token needs (from the OpenAPI security section). */
  scopes: string[];
  /** Refuses app-only bearer tokens, as X does for users/me and likes. */
  userContextOnly?: boolean;
}

/** The checks X makes before an endpoint runs, in X's order: 401, 403, then 429; then the answer is billed. */
export function guard(context: EmulatorContext, rules: EndpointRules) {
  return (request: Request, response: Response, next: NextFunction) => {
    const token = /^Bearer (\S+)$/i.exec(request.get("authorization") ?? "")?.[1];
    const grant = token ? context.tokens.lookup(token) : undefined;
    if (!grant) return sendUnauthorized(response);
    if (context.notEnrolledClientIds.has(grant.clientId)) {
      setRateHeaders(response, context.limiter.take(rules.endpoint, callerOf(grant)));
      return sendClientNotEnrolled(response, grant.clientId);
    }
    if (grant.userId === undefined && rules.userContextOnly) return sendUnsupportedAuthentication(response);
    if (grant.userId !== undefined && !rules.scopes.every((scope) => grant.scopes.has(scope))) return sendMissingScope(response);
    const verdict = context.limiter.take(rules.endpoint, callerOf(grant));
    setRateHeaders(response, verdict);
    if (!verdict.allowed) return sendRateLimited(response);
    response.locals.grant = grant;
    // Every 200 body is billed by what it returns; errors and 429s cost nothing.
    const send = response.json.bind(response);
    response.json = (body: BilledBody) => {
      if (response.statusCode === 200) {
        const parentId = typeof request.params.id === "string" ? request.params.id : undefined;
        context.billing.bill(grant.clientId, rules.endpoint, parentId, body);
      }
      return send(body);
    };
    next();
  };
}

export function grantOf(response: Response): AccessGrant {
  return response.locals.grant as AccessGrant;
}

/** X counts user tokens per user and app, app tokens per app. */
function callerOf(grant: AccessGrant): string {
  return grant.userId === undefined ? `app ${grant.clientId}` : `user ${grant.userId} ${grant.clientId}`;
}

function setRateHeaders(response: Response, verdict: { limit: number; remaining: number; resetSeconds: number }): void {
  response.set({
    "x-rate-limit-limit": String(verdict.limit),
    "x-rate-limit-remaining": String(verdict.remaining),
    "x-rate-limit-reset": String(verdict.resetSeconds),
  });
}
