import { Router } from "express";
import { z } from "zod";
import { publicKeySchema } from "../../shared/primitives.ts";
import { HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import type { WalletBinding } from "./wallet-binding.ts";
import { claimOAuthState, signInWithCode, startOAuthLogin, type XLoginDependencies } from "./x-login-routes.ts";

export const WEB_CALLBACK_PATH = "/auth/x/web/callback";

export const webLoginStartQuerySchema = z.object({
  /** The giveaway whose claim page the login returns to: the only place a web login can return to. */
  distribution: publicKeySchema,
  /** Set by a blink: the wallet it will ask to sign the binding message once the fan is signed in. */
  wallet: publicKeySchema.optional(),
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

  router.get("/auth/x/web/start", async (request, response) => {
    const query = webLoginStartQuerySchema.safeParse(request.query);
    if (!query.success)
      throw new HttpError(400, "validation_failed", "distribution (and wallet, if given) must be Solana addresses");
    const { authorizeUrl } = await startOAuthLogin(dependencies, redirectUri, {
      returnDistribution: query.data.distribution,
      bindWallet: query.data.wallet,
    });
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
    const pending = await claimOAuthState(dependencies.database, query.data.state, "web", dependencies.now ?? Date.now);
    const page = pagePath(pending.return_distribution ?? "");
    response.set("Cache-Control", "no-store");
    if (!query.data.code) {
      response.redirect(303, `${page}#login_error=${encodeURIComponent(query.data.error ?? "cancelled")}`);
      return;
    }
    const { sessionToken, xUser } = await signInWithCode(dependencies, pending, query.data.code);
    if (pending.bind_wallet) await dependencies.binding.challenge(xUser.id, xUser.username, pending.bind_wallet);
    const fragment = new URLSearchParams({ session: sessionToken, ...(pending.bind_wallet ? { blink: "1" } : {}) });
    response.redirect(303, `${page}#${fragment}`);
  });
  openapi.describe({
    method: "get",
    path: WEB_CALLBACK_PATH,
    summary: "X's redirect after a web login: opens a session and returns to the giveaway's page with the token in the fragment",
    request: { query: webCallbackQuerySchema },
    responses: { 303: { description: "to /d/<address>#session=<token>" } },
  });

  return router;
}
