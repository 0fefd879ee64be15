import { randomUUID } from "node:crypto";
import type {
  Action,
  ActionGetResponse,
  ActionPostResponse,
  ActionsJson,
  CompletedAction,
  InlineNextActionLink,
  LinkedAction,
  NextAction,
} from "@solana/actions-spec";
import { PublicKey } from "@solana/web3.js";
import { type RequestHandler, Router } from "express";
import { z } from "zod";
import type { Claim, CreateClaimBody } from "../../shared/api/claims.ts";
import { blinkFlowSchema, signatureSchema } from "../../shared/api/identity.ts";
import { claimFailureWords } from "../../shared/claim-failure-words.ts";
import type { TokenProgramName } from "../../shared/fee-budget.ts";
import { publicKeySchema } from "../../shared/primitives.ts";
import { openingRentText } from "../../shared/token-account-opening.ts";
import { shortAddress } from "../../shared/tokens/token-label.ts";
import type { AppContext } from "../app.ts";
import type { SummaryReader } from "../claim-page/claim-page-routes.ts";
import { type GiveawaySummary, stateWords } from "../claim-page/giveaway-summary.ts";
import { HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { newBlinkFlow, walletOwner } from "../identity/wallet-binding.ts";
import type { RecipientAccount } from "./distribution-chain-state.ts";
import { openingFor, refuseNothingToOpen, tokenAccountOpeningTransaction } from "./token-account-opening.ts";

/** The Solana Actions spec version these routes follow, and the chains they act on (CAIP-2). */
export const ACTION_VERSION = "2.4";
const CAIP2_CHAIN_IDS: Record<string, string> = {
  mainnet: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
  devnet: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
  testnet: "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z",
};
export const ACTIONS_PATH = "/api/actions/d";

/** The spec's CORS: any origin may GET and POST an action (blink clients run on x.com, dial.to, wallets). */
export function actionsCors(chainId: string): RequestHandler {
  return (request, response, next) => {
    response.set({
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET,POST,PUT,OPTIONS",
      "Access-Control-Allow-Headers":
        "Content-Type, Authorization, Content-Encoding, Accept-Encoding, X-Accept-Action-Version, X-Accept-Blockchain-Ids",
      "Access-Control-Expose-Headers": "X-Action-Version, X-Blockchain-Ids",
      "X-Action-Version": ACTION_VERSION,
      "X-Blockchain-Ids": chainId,
    });
    if (request.method === "OPTIONS") {
      response.status(204).end();
      return;
    }
    next();
  };
}

export function caip2ChainId(cluster: string): string {
  return CAIP2_CHAIN_IDS[cluster] ?? `solana:${cluster}`;
}

const actionParamsSchema = z.object({ address: publicKeySchema });
/**
 * The wallet a blink client acts for: a key on the curve, whose holder can sign. An address off the
 * curve (a program's) could never sign the binding or pay for its account.
 */
const walletAccountSchema = publicKeySchema.refine((address) => PublicKey.isOnCurve(new PublicKey(address)), {
  message: "account must be a wallet address: this one is a program's, which nobody can sign for",
});
const actionPostBodySchema = z.object({ account: walletAccountSchema });
const ACCOUNT_REQUIRED = "account must be a Solana address";
const bindBodySchema = z.object({
  account: walletAccountSchema,
  signature: signatureSchema,
  /** The message the wallet signed, echoed back by the blink client. */
  data: z.string().min(1).max(2000),
});
/**
 * A blink step's POST body, or a 400 in the spec's words: a check's own message when one says what is
 * wrong (a program's address), else `otherwise`.
 */
function bodyOf<Schema extends z.ZodType>(schema: Schema, body: unknown, otherwise: string): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const explained = parsed.error.issues.find((issue) => issue.code === "custom");
  throw new HttpError(400, "validation_failed", explained?.message ?? otherwise);
}

/** The blink's sign-in flow, carried in the URLs of the steps after its "Sign in with X" link. */
const blinkFlowQuerySchema = z.object({ flow: blinkFlowSchema.optional() });

export interface BlinkDependencies {
  context: AppContext;
  read: SummaryReader;
  submit(xUserId: string, body: CreateClaimBody, idempotencyKey: string): Promise<Claim>;
  /** The wallet's token account for the mint as the chain has it now (claims-router.ts). */
  tokenAccountOf(wallet: string, mint: string, tokenProgram: TokenProgramName): Promise<RecipientAccount>;
  openapi: OpenApiRegistry;
}

/**
 * A Solana Action (blink) per giveaway. The chain of requests a blink client makes:
 * 1. GET  /api/actions/d/<address>: icon, title, description and one "Claim" button.
 * 2. POST /api/actions/d/<address>[?flow=<id>] {account}:
 *    - the wallet is bound to an X account, or a fan signed in with X from this blink's flow for this
 *      wallet (a binding challenge of that flow waits): the answer is the binding message to sign, then
 *      POST …/bind — the POST alone proves nothing about who holds the wallet;
 *    - otherwise: a new flow, and an external link to "Sign in with X" for it (the web login, which
 *      returns to the claim page), then POST …/signed-in?flow=<id>, which offers the button again.
 *    Only the blink and the browser it sent to X know the flow, so nobody else can make it offer a
 *    challenge they created for this wallet (which would bind the wallet to their account).
 * 3. POST /api/actions/d/<address>/bind {account, signature, data}: binds the wallet and queues the claim.
 *    When the giveaway's budget opens no more token accounts and the wallet has none, it offers instead
 *    the transaction that opens one, paid by the fan (POST …/open-account), then Claim again.
 * Every POST step refuses a giveaway that takes no claims, before any wallet is bound for it (a sold-out
 * one takes a failed claim claimed again: its button then says so).
 * The claim page asks …/open-account too, and has the fan's signed transaction sent by POST
 * /claims/token-account-openings (token-account-relay.ts).
 */
export function blinkRouter(dependencies: BlinkDependencies): Router {
  const { context, openapi } = dependencies;
  const { publicUrl } = { publicUrl: context.config.PUBLIC_URL };
  const router = Router();
  const actionPath = (address: string) => `${ACTIONS_PATH}/${address}`;

  async function claimAction(summary: GiveawaySummary, message?: string): Promise<ActionGetResponse> {
    const open = summary.state === "open";
    const soldOut = summary.state === "sold_out";
    const creator = summary.creator ? ` from @${summary.creator.username}` : "";
    const claimButton: LinkedAction = {
      type: "post",
      href: actionPath(summary.address),
      label: soldOut ? "Claim again (a failed claim only)" : `Claim ${summary.amountText}`,
    };
    return {
      type: "action",
      icon: `${publicUrl}/d/${summary.address}/card.png`,
      title: `${summary.amountText} for each fan${creator}`,
      description: open
        ? `${summary.remaining} of ${summary.maxClaims} left. Sign in with X, meet the post's requirements, and the tokens are sent to your wallet.`
        : soldOut
          ? `All ${summary.maxClaims} claims are taken. A fan whose claim failed for a reason they have mended can claim it again, on its own slot.`
          : stateWords(summary.state),
      label: open ? `Claim ${summary.amountText}` : stateWords(summary.state),
      disabled: !(open || soldOut),
      links: { actions: [claimButton] },
      ...(message ? { error: { message } } : {}),
    };
  }

  function completed(summary: GiveawaySummary, claim: Claim): CompletedAction {
    return {
      type: "completed",
      icon: `${publicUrl}/d/${summary.address}/card.png`,
      title: `Claimed ${summary.amountText}`,
      description: `Queued for ${shortAddress(claim.wallet)}. Follow it until it is paid on ${publicUrl}/d/${summary.address}`,
      label: "Claimed",
    };
  }

  /** The challenge the web login issued for this blink flow and wallet, once the fan signed in from it. */
  async function flowChallenge(wallet: string, flow: string | undefined) {
    return flow ? context.walletBinding.blinkChallenge(wallet, flow) : undefined;
  }

  /**
   * Offers the transaction that opens the fan's token account, and Claim beside it: a fan whose opening
   * landed while the blink lost track of it claims from here.
   */
  async function openAccountAction(summary: GiveawaySummary, tokenProgram: TokenProgramName): Promise<Action<"action">> {
    const action = await claimAction(summary);
    return {
      ...action,
      type: "action",
      description: `This giveaway's fee budget no longer opens token accounts, and your wallet has no account for ${summary.tokenLabel}. Open one (${openingRentText(tokenProgram)} of rent, yours, returned if you close it), then claim.`,
      links: {
        actions: [
          { type: "transaction", href: `${actionPath(summary.address)}/open-account`, label: "Open my token account" },
          ...(action.links?.actions ?? []),
        ],
      },
    };
  }

  /** Claims for the bound wallet, turning the claim route's refusals into the blink's words. */
  async function claimFor(
    xUserId: string,
    { summary, distribution }: Awaited<ReturnType<SummaryReader>>,
    wallet: string,
  ): Promise<NextAction> {
    try {
      return completed(
        summary,
        // Each press is a new attempt: a press after a failure the fan mended claims again, and a press
        // after any other claim is answered as already claimed.
        await dependencies.submit(xUserId, { distribution: summary.address, wallet }, `blink:${randomUUID()}`),
      );
    } catch (error) {
      if (error instanceof HttpError && error.code === "already_claimed") {
        const { claim } = error.details as { claim: Claim };
        if (claim.status === "failed") {
          const why = claimFailureWords(claim.failureReason ?? "");
          throw new HttpError(409, error.code, `Your claim of this giveaway was not paid and cannot be tried again. ${why}`);
        }
        return { ...completed(summary, claim), title: "Already claimed" };
      }
      if (error instanceof HttpError && error.code === "needs_token_account" && distribution.token.tokenProgram) {
        return openAccountAction(summary, distribution.token.tokenProgram);
      }
      if (error instanceof HttpError && error.code === "requirements_not_met") {
        const checks = (error.details as { checks: { met: boolean; detail: string }[] }).checks;
        const unmet = checks.filter((check) => !check.met).map((check) => check.detail);
        throw new HttpError(403, error.code, `Not yet: ${unmet.join("; ")}. Then press Claim again.`);
      }
      throw error;
    }
  }

  const withParams = async (request: Parameters<RequestHandler>[0]) => {
    const params = actionParamsSchema.safeParse(request.params);
    if (!params.success) throw new HttpError(404, "not_found", "no giveaway at this address");
    return dependencies.read(params.data.address);
  };

  /**
   * The POST steps act on a giveaway that takes claims: nobody signs in or binds a wallet for a claim
   * that would be refused. A sold-out one takes a failed claim claimed again, which keeps its slot.
   */
  const takingClaims = async (request: Parameters<RequestHandler>[0]) => {
    const read = await withParams(request);
    if (read.summary.state !== "open" && read.summary.state !== "sold_out") {
      throw new HttpError(409, "conflict", `This giveaway takes no claims: ${stateWords(read.summary.state)}.`);
    }
    return read;
  };

  /** The blink flow a step's URL names: a malformed one is refused, not taken for "no flow". */
  const flowOf = (request: Parameters<RequestHandler>[0]) => {
    const query = blinkFlowQuerySchema.safeParse(request.query);
    if (!query.success) throw new HttpError(400, "validation_failed", "this blink step's link is damaged; press Claim again");
    return query.data.flow;
  };

  /** Runs a blink handler; its errors reach the app's error handler, which answers action paths as the spec's `{ message }`. */
  const handle =
    (handler: (request: Parameters<RequestHandler>[0]) => Promise<unknown>): RequestHandler =>
    async (request, response) => {
      response.json(await handler(request));
    };

  router.get("/actions.json", (_request, response) => {
    const rules: ActionsJson = {
      rules: [
        { pathPattern: "/d/*", apiPath: `${ACTIONS_PATH}/*` },
        { pathPattern: "/api/actions/**", apiPath: "/api/actions/**" },
      ],
    };
    response.json(rules);
  });

  router.get(
    `${ACTIONS_PATH}/:address`,
    handle(async (request) => claimAction((await withParams(request)).summary)),
  );

  router.post(
    `${ACTIONS_PATH}/:address`,
    handle(async (request): Promise<ActionPostResponse> => {
      const { summary } = await takingClaims(request);
      const wallet = bodyOf(actionPostBodySchema, request.body, ACCOUNT_REQUIRED).account;
      // A POST names a wallet without proving it: even a bound wallet signs first, so nobody claims
      // for someone else's wallet. Signing the binding message again binds nothing new.
      const owner = await walletOwner(context.database, wallet);
      const challenge = owner
        ? await context.walletBinding.boundWalletChallenge(owner, wallet)
        : await flowChallenge(wallet, flowOf(request));
      if (challenge) {
        return {
          type: "message",
          data: challenge.message,
          state: challenge.nonce,
          links: { next: { type: "post", href: `${actionPath(summary.address)}/bind` } },
        };
      }
      const flow = newBlinkFlow();
      const signIn = new URL("/auth/x/web/start", publicUrl);
      signIn.search = new URLSearchParams({ distribution: summary.address, wallet, flow }).toString();
      return {
        type: "external-link",
        externalLink: signIn.toString(),
        message: "Sign in with X in the page that opens, then come back here.",
        links: { next: { type: "post", href: `${actionPath(summary.address)}/signed-in?flow=${flow}` } },
      };
    }),
  );

  router.post(
    `${ACTIONS_PATH}/:address/signed-in`,
    handle(async (request): Promise<NextAction> => {
      const { summary } = await takingClaims(request);
      const { account } = bodyOf(actionPostBodySchema, request.body, ACCOUNT_REQUIRED);
      const flow = flowOf(request);
      const ready = (await walletOwner(context.database, account)) ?? (await flowChallenge(account, flow));
      const action = await claimAction(summary, ready ? undefined : "Sign in with X did not finish; press Claim to try again.");
      // Both buttons keep the flow, so that they offer this flow's challenge. A blink client may ask
      // this step as soon as it opens the sign-in page, before the fan has signed in: pressing Claim
      // then still finds the challenge of that sign-in, or starts a new flow if there is none.
      const inFlow = flow ? `${actionPath(summary.address)}?flow=${flow}` : actionPath(summary.address);
      const next: LinkedAction = ready
        ? { type: "message", href: inFlow, label: "Sign with your wallet and claim" }
        : { type: "post", href: inFlow, label: `Claim ${summary.amountText}` };
      return { ...action, type: "action", links: { actions: [next] } };
    }),
  );

  router.post(
    `${ACTIONS_PATH}/:address/bind`,
    handle(async (request): Promise<NextAction> => {
      const giveaway = await takingClaims(request);
      const body = bodyOf(bindBodySchema, request.body, "account, signature and the signed message are required");
      const xUserId = await context.walletBinding.blinkChallengeOwner(body.data, body.account);
      if (!xUserId) throw new HttpError(400, "bad_request", "this message was not issued here; press Claim again");
      await context.walletBinding.verify(xUserId, { message: body.data, signature: body.signature, address: body.account });
      return claimFor(xUserId, giveaway, body.account);
    }),
  );

  router.post(
    `${ACTIONS_PATH}/:address/open-account`,
    handle(async (request): Promise<ActionPostResponse> => {
      const { account } = bodyOf(actionPostBodySchema, request.body, ACCOUNT_REQUIRED);
      const { summary, distribution } = await takingClaims(request);
      const opening = openingFor(distribution, account);
      await refuseNothingToOpen(dependencies.tokenAccountOf, opening);
      const transaction = tokenAccountOpeningTransaction(opening, await context.connection.getLatestBlockhash("confirmed"));
      const next: InlineNextActionLink = { type: "inline", action: { ...(await claimAction(summary)), type: "action" } };
      return {
        type: "transaction",
        transaction: transaction.serialize({ requireAllSignatures: false }).toString("base64"),
        message: `Opens your account for ${summary.tokenLabel} (${openingRentText(opening.tokenProgram)} of rent, yours). Then press Claim.`,
        links: { next },
      };
    }),
  );

  for (const [method, path, summary, query] of [
    [
      "get",
      `${ACTIONS_PATH}/:address`,
      "The giveaway's Solana Action (blink): icon, title, description and the Claim button",
      undefined,
    ],
    [
      "post",
      `${ACTIONS_PATH}/:address`,
      "Blink claim: queues the claim for a bound wallet, else asks to sign in with X or to sign the binding",
      blinkFlowQuerySchema,
    ],
    [
      "post",
      `${ACTIONS_PATH}/:address/signed-in`,
      "Blink step after the X sign-in link: offers signing the binding message",
      blinkFlowQuerySchema,
    ],
    ["post", `${ACTIONS_PATH}/:address/bind`, "Blink step: binds the wallet with its signature and queues the claim", undefined],
  ] as const) {
    openapi.describe({
      method,
      path,
      summary,
      request: { params: actionParamsSchema, ...(query ? { query } : {}) },
      responses: { 200: { description: "Solana Actions JSON" } },
    });
  }
  openapi.describe({
    method: "get",
    path: "/actions.json",
    summary: "Solana Actions rules: which page paths have blinks",
    request: {},
    responses: { 200: { description: "ActionsJson" } },
  });
  return router;
}
