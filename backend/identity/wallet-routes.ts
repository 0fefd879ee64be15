import { Router } from "express";
import {
  walletChallengeBodySchema,
  walletChallengeResponseSchema,
  walletVerifyBodySchema,
  walletVerifyResponseSchema,
} from "../../shared/api/identity.ts";
import { HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { answer } from "../http/send-json.ts";
import { requireSession, sessionRequired } from "./sessions.ts";
import type { WalletBinding } from "./wallet-binding.ts";
import type { XAccounts } from "./x-accounts.ts";

export function walletRouter(dependencies: { binding: WalletBinding; accounts: XAccounts; openapi: OpenApiRegistry }): Router {
  const { binding, accounts, openapi } = dependencies;
  const router = Router();

  openapi.route(
    router,
    {
      method: "post",
      path: "/auth/wallet/challenge",
      summary: "A sign-in message for the wallet to sign (single-use nonce, 10 minute expiry)",
      auth: true,
      before: [sessionRequired],
      request: { body: walletChallengeBodySchema },
      responses: { 200: { description: "the message to sign", schema: walletChallengeResponseSchema } },
    },
    async ({ body }, _request, response) => {
      const { xUserId } = requireSession(response);
      const profile = await accounts.profile(xUserId);
      if (!profile) throw new HttpError(401, "unauthorized", "this X account is no longer known; sign in with X again");
      answer(response, walletChallengeResponseSchema, await binding.challenge(xUserId, profile.username, body.address));
    },
  );

  openapi.route(
    router,
    {
      method: "post",
      path: "/auth/wallet/verify",
      summary: "Bind the wallet that signed the challenge to the signed-in X account",
      auth: true,
      before: [sessionRequired],
      request: { body: walletVerifyBodySchema },
      responses: { 200: { description: "the wallet is bound", schema: walletVerifyResponseSchema } },
    },
    async ({ body }, _request, response) => {
      const { xUserId } = requireSession(response);
      answer(response, walletVerifyResponseSchema, await binding.verify(xUserId, body));
    },
  );

  return router;
}
