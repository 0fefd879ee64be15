import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, Router } from "express";
import type { EmulatorContext } from "../context.ts";
import type { EmulatedClient } from "../tokens.ts";

/** Scopes X's authorize page accepts (the read ones this product could ask for, plus offline.access). */
const KNOWN_SCOPES = new Set([
  "tweet.read",
  "users.read",
  "follows.read",
  "like.read",
  "list.read",
  "bookmark.read",
  "mute.read",
  "block.read",
  "space.read",
  "offline.access",
]);

const AUTHORIZE_PARAMETERS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
] as const;

/**
 * OAuth 2.0 Authorization Code with PKCE, as X runs it: the consent page at /i/oauth2/authorize
 * (x.com in production) and the token endpoint at POST /2/oauth2/token (api.x.com).
 */
export function oauthRouter(context: EmulatorContext): Router {
  const router = Router();

  router.get("/i/oauth2/authorize", (request, response) => {
    const query = Object.fromEntries(AUTHORIZE_PARAMETERS.map((name) => [name, stringParameter(request, name)]));
    const client = context.clients.get(query.client_id ?? "");
    if (!client) return sendAuthorizeError(response, "This app is not registered (unknown client_id).");
    const redirectUri = query.redirect_uri;
    if (!redirectUri || !redirectAllowed(client, redirectUri)) {
      return sendAuthorizeError(response, "The redirect_uri is missing or not registered for this app.");
    }
    if (query.response_type !== "code") return sendAuthorizeError(response, "response_type must be code.");
    if (!query.state) return sendAuthorizeError(response, "state is required.");
    const method = query.code_challenge_method;
    if (!query.code_challenge || (method !== "S256" && method !== "plain")) {
      return sendAuthorizeError(response, "code_challenge and code_challenge_method (S256 or plain) are required.");
    }
    const scopes = (query.scope ?? "").split(" ").filter(Boolean);
    const unknownScope = scopes.find((scope) => !KNOWN_SCOPES.has(scope));
    if (scopes.length === 0 || unknownScope) return sendAuthorizeError(response, `Invalid scope ${unknownScope ?? "(none)"}.`);

    const callback = new URL(redirectUri);
    if (stringParameter(request, "deny") === "1") {
      callback.searchParams.set("error", "access_denied");
      callback.searchParams.set("state", query.state);
      return response.redirect(302, callback.toString());
    }
    const loginAs = stringParameter(request, "login_as");
    if (loginAs === undefined) return sendConsentPage(context, response, client, query, scopes);
    const user = context.store.users.get(loginAs) ?? context.store.userByUsername(loginAs);
    if (!user) return sendAuthorizeError(response, `No account ${loginAs} to log in as.`);
    const code = context.tokens.createCode({
      userId: user.id,
      clientId: client.clientId,
      redirectUri,
      scopes: new Set(scopes),
      codeChallenge: query.code_challenge,
      codeChallengeMethod: method,
    });
    callback.searchParams.set("state", query.state);
    callback.searchParams.set("code", code);
    response.redirect(302, callback.toString());
  });

  router.post("/2/oauth2/token", express.urlencoded({ extended: false, limit: "16kb" }), (request, response) => {
    response.set("cache-control", "no-store");
    const body = (request.body ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : undefined);
    const client = authenticateClient(context, request, field("client_id"));
    if (!client) {
      return response.status(401).json({ error: "unauthorized_client", error_description: "Missing valid authorization header" });
    }

    const grantType = field("grant_type");
    if (grantType === "authorization_code") {
      const missing = ["code", "redirect_uri", "code_verifier"].find((name) => !field(name));
      if (missing) return oauthError(response, "invalid_request", `Missing required parameter [${missing}].`);
      const code = context.tokens.redeemCode(field("code") ?? "");
      const verifier = field("code_verifier") ?? "";
      if (
        !code ||
        code.clientId !== client.clientId ||
        code.redirectUri !== field("redirect_uri") ||
        !verifierMatches(verifier, code.codeChallenge, code.codeChallengeMethod)
      ) {
        return oauthError(response, "invalid_request", "Value passed for the authorization code was invalid.");
      }
      return response.json(context.tokens.issue(code.userId, client.clientId, code.scopes));
    }
    if (grantType === "refresh_token") {
      const grant = context.tokens.redeemRefreshToken(field("refresh_token") ?? "", client.clientId);
      if (!grant) return oauthError(response, "invalid_request", "Value passed for the token was invalid.");
      return response.json(context.tokens.issue(grant.userId, client.clientId, grant.scopes));
    }
    oauthError(response, "unsupported_grant_type", "The grant_type must be authorization_code or refresh_token.");
  });

  return router;
}

function stringParameter(request: Request, name: string): string | undefined {
  const value = request.query[name];
  return typeof value === "string" ? value : undefined;
}

function redirectAllowed(client: EmulatedClient, redirectUri: string): boolean {
  if (client.redirectUris) return client.redirectUris.includes(redirectUri);
  return URL.canParse(redirectUri) && /^https?:$/.test(new URL(redirectUri).protocol);
}

/** Confidential clients must send HTTP Basic credentials; public clients name themselves in client_id. */
function authenticateClient(
  context: EmulatorContext,
  request: Request,
  clientIdField: string | undefined,
): EmulatedClient | undefined {
  const basic = /^Basic (\S+)$/i.exec(request.get("authorization") ?? "")?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent);
    const client = context.clients.get(id ?? "");
    return client?.clientSecret !== undefined && secret !== undefined && sameText(client.clientSecret, secret)
      ? client
      : undefined;
  }
  const client = context.clients.get(clientIdField ?? "");
  return client && client.clientSecret === undefined ? client : undefined;
}

function verifierMatches(verifier: string, challenge: string, method: "S256" | "plain"): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = method === "S256" ? createHash("sha256").update(verifier, "ascii").digest("base64url") : verifier;
  return sameText(computed, challenge);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function oauthError(response: Response, error: string, description: string): void {
  response.status(400).json({ error, error_description: description });
}

function sendAuthorizeError(response: Response, message: string): void {
  response
    .status(400)
    .type("html")
    .send(page("Something went wrong", `<p role="alert">${escapeHtml(message)}</p>`));
}

function sendConsentPage(
  context: EmulatorContext,
  response: Response,
  client: EmulatedClient,
  query: Record<string, string | undefined>,
  scopes: string[],
): void {
  const hidden = AUTHORIZE_PARAMETERS.map(
    (name) => `<input type="hidden" name="${name}" value="${escapeHtml(query[name] ?? "")}">`,
  ).join("");
  const rows = [...context.store.users.values()]
    .map(
      (user) =>
        `<li><form method="get" action="/i/oauth2/authorize">${hidden}` +
        `<input type="hidden" name="login_as" value="${escapeHtml(user.username)}">` +
        `<span>${escapeHtml(user.name)} <b>@${escapeHtml(user.username)}</b></span> ` +
        `<button type="submit" data-username="${escapeHtml(user.username)}">Authorize app</button></form></li>`,
    )
    .join("");
  const deny = `<form method="get" action="/i/oauth2/authorize">${hidden}<input type="hidden" name="deny" value="1"><button type="submit">Cancel</button></form>`;
  const scopeList = scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join("");
  response
    .type("html")
    .send(
      page(
        `${escapeHtml(client.clientId)} wants to access your X account`,
        `<p>It will be able to:</p><ul>${scopeList}</ul><h2>Sign in as</h2><ul class="accounts">${rows}</ul>${deny}`,
      ),
    );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} (X API emulator)</title></head><body><h1>${title}</h1>${body}<p><small>Local X API emulator</small></p></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
