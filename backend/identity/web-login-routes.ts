import { createHash, timingSafeEqual } from "node:crypto";
import { type CookieOptions, type Request, Router } from "express";
import { z } from "zod";
import { blinkFlowSchema, webHandoffResponseSchema } from "../../shared/api/identity.ts";
import { publicKeySchema } from "../../shared/primitives.ts";
import { HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { answer } from "../http/send-json.ts";
import { oauthStatesMatch } from "../x/index.ts";
import { bearerTokenOf, sessionRequired } from "./sessions.ts";
import type { WalletBinding } from "./wallet-binding.ts";
import {
  claimOAuthState,
  OAUTH_STATE_TTL_MS,
  signInWithCode,
  startOAuthLogin,
  type XLoginDependencies,
} from "./x-login-routes.ts";

const WEB_LOGIN_PATH = "/auth/x/web";
export const WEB_CALLBACK_PATH = `${WEB_LOGIN_PATH}/callback`;
/** Holds the state of the login this browser started; the callback finishes only that login. */
const LOGIN_STATE_COOKIE = "memefans_web_login";
/**
 * Holds a digest of the session the callback handed this browser in the page's fragment. The page keeps
 * a fragment's session only once POST /auth/x/web/handoff finds this cookie for it: a link carrying
 * someone else's session (theirs, to make a visitor bind a wallet to their account) is refused.
 */
const HANDOFF_COOKIE = "memefans_web_handoff";
const HANDOFF_TTL_MS = 10 * 60_000;
const sessionDigest = (sessionToken: string) => createHash("sha256").update(sessionToken).digest();

export const webLoginStartQuerySchema = z
  .object({
    /** The giveaway whose claim page the login returns to: the only place a web login can return to. */
    distribution: publicKeySchema,
    /** Set by a blink: the wallet it will ask to sign the binding message once the fan is signed in. */
    wallet: publicKeySchema.optional(),
    /** Set by a blink with `wallet`: its sign-in flow, which the binding challenge will carry. */
    flow: blinkFlowSchema.optional(),
  })
  .refine((query) => (query.wallet === undefined) === (query.flow === undefined), {
    message: "a blink names both its wallet and its flow",
    path: ["flow"],
  });

const webCallbackQuerySchema = z.object({
  state: z.string().min(1).max(256),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(256).optional(),
});

export interface WebLoginDependencies extends Omit<XLoginDependencies, "extensionIds" | "openapi"> {
  publicUrl: string;
  binding: WalletBinding;
  openapi: OpenApiRegistry;
}

/**
 * "Sign in with X" for the claim page and the blink: the same OAuth 2.0 PKCE login as the extension's,
 * with X redirecting back to this backend's own callback at PUBLIC_URL. The callback hands the session
 * token to the giveaway's page in the URL fragment, which never reaches a server or a Referer header;
 * it can only return to /d/<address> of this origin, so it cannot be turned into an open redirect.
 */
export function webLoginRouter(dependencies: WebLoginDependencies): Router {
  const { publicUrl, openapi } = dependencies;
  const redirectUri = `${publicUrl}${WEB_CALLBACK_PATH}`;
  const router = Router();
  const pagePath = (distribution: string) => `/d/${distribution}`;
  // Lax: X's redirect back to the callback is a top-level navigation from x.com, which Lax lets the cookie ride.
  const loginStateCookie: CookieOptions = {
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(publicUrl).protocol === "https:",
    path: WEB_LOGIN_PATH,
  };

  router.get("/auth/x/web/start", async (request, response) => {
    const query = webLoginStartQuerySchema.safeParse(request.query);
    if (!query.success)
      throw new HttpError(
        400,
        "validation_failed",
        "distribution (and wallet, if given) must be Solana addresses, and a wallet comes with its blink's flow",
      );
    const { wallet, flow } = query.data;
    const { authorizeUrl, state } = await startOAuthLogin(dependencies, redirectUri, {
      returnDistribution: query.data.distribution,
      blink: wallet && flow ? { wallet, flow } : undefined,
    });
    response.cookie(LOGIN_STATE_COOKIE, state, { ...loginStateCookie, maxAge: OAUTH_STATE_TTL_MS });
    response.set("Cache-Control", "no-store");
    response.redirect(302, authorizeUrl);
  });
  openapi.describe({
    method: "get",
    path: "/auth/x/web/start",
    summary: "Start an X login from the claim page or a blink: redirects to X's consent page (PKCE S256)",
    request: { query: webLoginStartQuerySchema },
    responses: { 302: { description: "to X's authorize URL" } },
  });

  router.get(WEB_CALLBACK_PATH, async (request, response) => {
    const query = webCallbackQuerySchema.safeParse(request.query);
    if (!query.success) throw new HttpError(400, "validation_failed", "X's answer lacks its state; start the X login again");
    // The state alone does not say who started the login: without the cookie, anyone could send a
    // callback URL of their own login and sign whoever opens it in as them (login CSRF).
    const startedHere = cookieOf(request, LOGIN_STATE_COOKIE);
    response.clearCookie(LOGIN_STATE_COOKIE, loginStateCookie);
    if (!startedHere || !oauthStatesMatch(startedHere, query.data.state)) {
      throw new HttpError(400, "oauth_state_invalid", "this login was not started in this browser; start the X login again");
    }
    const pending = await claimOAuthState(dependencies.database, query.data.state, "web", dependencies.now ?? Date.now);
    const page = pagePath(pending.return_distribution ?? "");
    response.set("Cache-Control", "no-store");
    if (!query.data.code) {
      response.redirect(303, `${page}#login_error=${encodeURIComponent(query.data.error ?? "cancelled")}`);
      return;
    }
    const { sessionToken, xUser } = await signInWithCode(dependencies, pending, query.data.code);
    // The start link named the wallet, and anyone can write such a link: the challenge waits for the
    // account's holder to confirm the wallet on the page (WalletBinding.answerBlinkLink).
    if (pending.bind_wallet && pending.blink_flow) {
      await dependencies.binding.challenge(xUser.id, xUser.username, pending.bind_wallet, pending.blink_flow);
    }
    response.cookie(HANDOFF_COOKIE, sessionDigest(sessionToken).toString("hex"), { ...loginStateCookie, maxAge: HANDOFF_TTL_MS });
    const fragment = new URLSearchParams({ session: sessionToken, ...(pending.blink_flow ? { blink: pending.blink_flow } : {}) });
    response.redirect(303, `${page}#${fragment}`);
  });
  openapi.describe({
    method: "get",
    path: WEB_CALLBACK_PATH,
    summary: "X's redirect after a web login: opens a session and returns to the giveaway's page with the token in the fragment",
    request: { query: webCallbackQuerySchema },
    responses: { 303: { description: "to /d/<address>#session=<token>" } },
  });

  openapi.route(
    router,
    {
      method: "post",
      path: `${WEB_LOGIN_PATH}/handoff`,
      summary: "The claim page keeps the session of its URL's fragment only if this browser's own login put it there",
      auth: true,
      before: [sessionRequired],
      request: {},
      responses: { 200: { description: "the session is this browser's", schema: webHandoffResponseSchema } },
    },
    (_input, request, response) => {
      const handedOff = Buffer.from(cookieOf(request, HANDOFF_COOKIE) ?? "", "hex");
      const expected = sessionDigest(bearerTokenOf(request) ?? "");
      response.clearCookie(HANDOFF_COOKIE, loginStateCookie);
      if (handedOff.length !== expected.length || !timingSafeEqual(handedOff, expected)) {
        throw new HttpError(
          403,
          "oauth_state_invalid",
          "this sign-in link did not come from a sign-in in this browser; sign in with X here",
        );
      }
      answer(response, webHandoffResponseSchema, { handedOff: true });
    },
  );

  return router;
}

/** A cookie of the web login's, from the Cookie header (the app has no cookie parser: these are its only cookies). */
function cookieOf(request: Request, name: string): string | undefined {
  for (const pair of (request.get("cookie") ?? "").split(";")) {
    const separator = pair.indexOf("=");
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
