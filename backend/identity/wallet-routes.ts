import { Router } from "express";
import {
  blinkLinkAnswerBodySchema,
  blinkLinkAnswerResponseSchema,
  blinkLinkParamsSchema,
  blinkLinkResponseSchema,
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

  openapi.route(
    router,
    {
      method: "get",
      path: "/auth/wallet/blink-links/:flow",
      summary: "The wallet a blink's sign-in asks to bind to the signed-in X account, waiting for the holder's answer",
      auth: true,
      before: [sessionRequired],
      request: { params: blinkLinkParamsSchema },
      responses: { 200: { description: "the wallet and until when the request stands", schema: blinkLinkResponseSchema } },
    },
    async ({ params }, _request, response) => {
      const { xUserId } = requireSession(response);
      const pending = await binding.pendingBlinkLink(xUserId, params.flow);
      if (!pending)
        throw new HttpError(404, "not_found", "this blink sign-in asks for no wallet any more: press Claim in the blink again");
      answer(response, blinkLinkResponseSchema, pending);
    },
  );

  openapi.route(
    router,
    {
      method: "post",
      path: "/auth/wallet/blink-links/:flow",
      summary:
        "The X account's holder confirms (or declines) the wallet a blink's sign-in asks to bind; only a confirmed one is offered the binding",
      auth: true,
      before: [sessionRequired],
      request: { params: blinkLinkParamsSchema, body: blinkLinkAnswerBodySchema },
      responses: { 200: { description: "the answer was recorded", schema: blinkLinkAnswerResponseSchema } },
    },
    async ({ params, body }, _request, response) => {
      const { xUserId } = requireSession(response);
      const { wallet } = await binding.answerBlinkLink(xUserId, params.flow, body.wallet, body.confirmed);
      answer(response, blinkLinkAnswerResponseSchema, { wallet, confirmed: body.confirmed });
    },
  );

  return router;
}
