import { authStartResponseSchema, logoutResponseSchema, meResponseSchema } from "../../../shared/api/identity.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, backend, currentXUser, saveSession, xSessionSchema } from "../services.ts";

/**
 * X sign-in: the backend makes the PKCE pair and the authorize URL, chrome.identity shows X's
 * consent page and catches the redirect, and the backend swaps the code for a session. The session
 * token is kept here and never handed to a page.
 */
async function connectX(services: BackgroundServices) {
  const redirectUri = services.identity.redirectUrl("x");
  const start = authStartResponseSchema.parse(
    await backend(services, { path: `/auth/x/start?redirect_uri=${encodeURIComponent(redirectUri)}` }),
  );
  let finalUrl: string;
  try {
    finalUrl = await services.identity.launchWebAuthFlow(start.authorizeUrl);
  } catch (error) {
    throw new MessagingError("rejected", `X sign-in did not finish: ${(error as Error).message}`);
  }
  const redirect = new URL(finalUrl);
  const denied = redirect.searchParams.get("error");
  if (denied)
    throw new MessagingError("rejected", `X refused the sign-in: ${redirect.searchParams.get("error_description") ?? denied}`);
  const code = redirect.searchParams.get("code");
  const state = redirect.searchParams.get("state");
  if (!code || state !== start.state)
    throw new MessagingError("rejected", "X's answer does not belong to this sign-in (state mismatch)");
  const session = xSessionSchema.parse(await backend(services, { path: "/auth/x/callback", body: { code, state } }));
  await saveSession(services, session);
  // An X account may already have wallets bound from another browser; the card skips binding for those.
  const me = meResponseSchema.parse(await backend(services, { path: "/me" }));
  await saveSession(services, { ...session, boundWallets: me.wallets });
  return { xUser: session.xUser };
}

export function xHandlers(services: BackgroundServices): Pick<Handlers, "x/connect" | "x/session" | "x/disconnect"> {
  return {
    "x/connect": () => connectX(services),
    "x/session": async () => ({ xUser: await currentXUser(services) }),
    "x/disconnect": async () => {
      // The backend revokes the token first, so a copy of it (a backup, another profile) stops working too.
      // Forgotten here even when the backend cannot be reached: then the token is simply never used again.
      try {
        if (await currentXUser(services))
          logoutResponseSchema.parse(await backend(services, { path: "/auth/logout", method: "POST" }));
      } finally {
        await saveSession(services, undefined);
      }
      return { xUser: null };
    },
  };
}
