import { Router } from "express";
import {
  authCallbackBodySchema,
  authCallbackResponseSchema,
  authStartQuerySchema,
  authStartResponseSchema,
  logoutResponseSchema,
  meResponseSchema,
  type XUserProfile,
} from "../../shared/api/identity.ts";
import type { Database } from "../db/database.ts";
import { HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { answer } from "../http/send-json.ts";
import { fromXError } from "../http/upstream-errors.ts";
import {
  buildAuthorizeUrl,
  codeChallengeS256,
  exchangeAuthorizationCode,
  generateCodeVerifier,
  generateOAuthState,
  type XApiClient,
  type XOAuthConfig,
} from "../x/index.ts";
import { bearerTokenOf, requireSession, type SessionStore, sessionRequired } from "./sessions.ts";
import type { XAccounts } from "./x-accounts.ts";

/** A login must finish within this time after it started. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export interface XLoginDependencies {
  database: Database;
  sessions: SessionStore;
  accounts: XAccounts;
  xClient: XApiClient;
  oauth: XOAuthConfig;
  /** Extension ids whose chromiumapp.org redirect URIs may start a login; empty allows any extension id. */
  extensionIds: readonly string[];
  openapi: OpenApiRegistry;
  now?: () => number;
}

export interface PendingLogin {
  code_verifier: string;
  redirect_uri: string;
  return_distribution: string | null;
  bind_wallet: string | null;
  blink_flow: string | null;
}

/**
 * Takes the login's state out of the table: deleting the row is what makes it single-use, even when two
 * callbacks race. A state started by the extension finishes only at the extension's callback, and a web
 * one only at the web callback.
 */
export async function claimOAuthState(
  database: Database,
  state: string,
  flow: "extension" | "web",
  now: () => number,
): Promise<PendingLogin> {
  const claimed = await database.query<PendingLogin & { expires_at: Date }>(
    `DELETE FROM oauth_states WHERE state = $1 AND (return_distribution IS NULL) = $2
     RETURNING code_verifier, redirect_uri, return_distribution, bind_wallet, blink_flow, expires_at`,
    [state, flow === "extension"],
  );
  const pending = claimed.rows[0];
  if (!pending) {
    throw new HttpError(
      400,
      "oauth_state_invalid",
      "this login was not started here or was already used; start the X login again",
    );
  }
  if (pending.expires_at.getTime() <= now()) {
    throw new HttpError(400, "oauth_state_invalid", "this login took longer than 10 minutes; start the X login again");
  }
  return pending;
}

/** Stores a new login state with its PKCE verifier and answers X's authorize URL for it. */
export async function startOAuthLogin(
  dependencies: Pick<XLoginDependencies, "database" | "oauth" | "now">,
  redirectUri: string,
  web?: { returnDistribution: string; blink?: { wallet: string; flow: string } | undefined },
): Promise<{ authorizeUrl: string; state: string }> {
  const { database } = dependencies;
  const now = dependencies.now ?? Date.now;
  const state = generateOAuthState();
  const codeVerifier = generateCodeVerifier();
  await database.query("DELETE FROM oauth_states WHERE expires_at < $1", [new Date(now())]);
  await database.query(
    `INSERT INTO oauth_states (state, code_verifier, redirect_uri, expires_at, return_distribution, bind_wallet, blink_flow)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      state,
      codeVerifier,
      redirectUri,
      new Date(now() + OAUTH_STATE_TTL_MS),
      web?.returnDistribution ?? null,
      web?.blink?.wallet ?? null,
      web?.blink?.flow ?? null,
    ],
  );
  const authorizeUrl = buildAuthorizeUrl(dependencies.oauth, {
    redirectUri,
    state,
    codeChallenge: codeChallengeS256(codeVerifier),
  });
  return { authorizeUrl, state };
}

/** Exchanges X's code for tokens, saves the account and opens a session. */
export async function signInWithCode(
  dependencies: Pick<XLoginDependencies, "oauth" | "xClient" | "accounts" | "sessions" | "now">,
  pending: PendingLogin,
  code: string,
): Promise<{ sessionToken: string; xUser: XUserProfile }> {
  try {
    const tokens = await exchangeAuthorizationCode(dependencies.oauth, {
      code,
      codeVerifier: pending.code_verifier,
      redirectUri: pending.redirect_uri,
    });
    const me = await dependencies.xClient.getMe(tokens.accessToken);
    if (!me.found) throw new HttpError(502, "x_unavailable", "X did not return the signed-in account; try again");
    const xUser = await dependencies.accounts.saveLogin(me.value, tokens);
    const sessionToken = await dependencies.sessions.create(xUser.id);
    return { sessionToken, xUser };
  } catch (error) {
    return fromXError(error, dependencies.now ?? Date.now);
  }
}

/** X login (OAuth 2.0 Authorization Code with PKCE): start → X's consent page → callback → session token; and GET /me. */
export function xLoginRouter(dependencies: XLoginDependencies): Router {
  const { database, openapi } = dependencies;
  const now = dependencies.now ?? Date.now;
  const router = Router();

  openapi.route(
    router,
    {
      method: "get",
      path: "/auth/x/start",
      summary: "Start an X login: returns X's authorize URL (PKCE S256) and the single-use state",
      request: { query: authStartQuerySchema },
      responses: {
        200: { description: "open authorizeUrl with chrome.identity.launchWebAuthFlow", schema: authStartResponseSchema },
      },
    },
    async ({ query }, _request, response) => {
      const redirectUri = query.redirect_uri;
      const extensionId = new URL(redirectUri).hostname.split(".")[0] ?? "";
      if (dependencies.extensionIds.length > 0 && !dependencies.extensionIds.includes(extensionId)) {
        throw new HttpError(400, "validation_failed", "redirect_uri belongs to an extension this backend does not serve", {
          issues: [{ path: "query.redirect_uri", message: "unknown extension id" }],
        });
      }
      answer(response, authStartResponseSchema, await startOAuthLogin(dependencies, redirectUri));
    },
  );

  openapi.route(
    router,
    {
      method: "post",
      path: "/auth/x/callback",
      summary: "Finish an X login with the code and state X returned; answers a session token",
      request: { body: authCallbackBodySchema },
      responses: { 200: { description: "signed in", schema: authCallbackResponseSchema } },
    },
    async ({ body }, _request, response) => {
      const pending = await claimOAuthState(database, body.state, "extension", now);
      answer(response, authCallbackResponseSchema, await signInWithCode(dependencies, pending, body.code));
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/me",
      summary: "The signed-in X account and the wallets bound to it",
      auth: true,
      before: [sessionRequired],
      request: {},
      responses: { 200: { description: "the account", schema: meResponseSchema } },
    },
    async (_input, _request, response) => {
      const { xUserId } = requireSession(response);
      const xUser = await dependencies.accounts.profile(xUserId);
      if (!xUser) throw new HttpError(401, "unauthorized", "this X account is no longer known; sign in with X again");
      const wallets = await database.query<{ address: string }>(
        "SELECT address FROM wallets WHERE x_user_id = $1 ORDER BY bound_at",
        [xUserId],
      );
      answer(response, meResponseSchema, { xUser, wallets: wallets.rows.map((row) => row.address) });
    },
  );

  openapi.route(
    router,
    {
      method: "post",
      path: "/auth/logout",
      summary: "Sign out: the session token stops working on the server",
      auth: true,
      before: [sessionRequired],
      request: {},
      responses: { 200: { description: "signed out", schema: logoutResponseSchema } },
    },
    async (_input, request, response) => {
      const token = bearerTokenOf(request);
      if (token) await dependencies.sessions.revoke(token);
      answer(response, logoutResponseSchema, { signedOut: true });
    },
  );

  return router;
}
