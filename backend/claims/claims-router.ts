import { Router } from "express";
import { z } from "zod";
import {
  type Claim,
  claimIdParamsSchema,
  claimListResponseSchema,
  claimResponseSchema,
  createClaimBodySchema,
  IDEMPOTENCY_KEY_HEADER,
  idempotencyKeySchema,
} from "../../shared/api/claims.ts";
import type { EligibilityCheck } from "../../shared/api/distributions.ts";
import { claimFailureWords } from "../../shared/claim-failure-words.ts";
import type { TokenProgramName } from "../../shared/fee-budget.ts";
import type { Database } from "../db/database.ts";
import type { DirectRoute } from "../http/direct-routes.ts";
import { conflict, HttpError, notFound, validationFailed } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { answer, sendJson } from "../http/send-json.ts";
import { requireSession, sessionRequired } from "../identity/sessions.ts";
import { failQueuedClaimsOfDistribution } from "./batch-store.ts";
import type { BotDefences, DefendedTarget } from "./bot-defences.ts";
import { type ClaimIntake, claimRequestHash, type IntakeOutcome } from "./claim-intake.ts";
import { claimContextReader, claimProgress, earlierAttemptHash, findClaim, listClaimsOfUser } from "./claim-queries.ts";
import { claimFromRow } from "./claim-rows.ts";
import type { ClaimRequest, DeferredClaims, ProcessClaim } from "./deferred-claims.ts";
import type { RecipientAccount } from "./distribution-chain-state.ts";

/** What the claim route needs to know about a registered distribution. */
export interface ClaimTarget extends DefendedTarget {
  address: string;
  mint: string;
  token: { tokenProgram: TokenProgramName | null };
  /** How many more payouts the fee budget covers that open the fan's token account. */
  tokenAccountsCovered: number;
  maxClaims: number;
  startsAt: number;
  endsAt: number;
  paused: boolean;
  closed: boolean;
  verifierChanged: boolean;
}

export interface RequirementsVerdict {
  met: boolean;
  checks: EligibilityCheck[];
  /** X API requests the verification spent (0 when every answer came from the cache). */
  xCalls?: number;
}

export interface ClaimsRouterDependencies<Target extends ClaimTarget = ClaimTarget> {
  database: Database;
  intake: ClaimIntake;
  openapi: OpenApiRegistry;
  /** The registered distribution; throws a 404 HttpError when there is none. */
  distribution(address: string): Promise<Target>;
  /** Checks the fan against the distribution's requirements (the X side lives behind this). */
  verify(xUserId: string, target: Target, wallet: string): Promise<RequirementsVerdict>;
  onVerified?(verdict: RequirementsVerdict): void;
  /**
   * The wallet's (associated) token account for the mint as the chain has it now: missing, ready for a
   * payout, or refusing one. Read only for a giveaway whose budget opens no more accounts, and for a
   * claim claimed again.
   */
  tokenAccountOf?(wallet: string, mint: string, tokenProgram: TokenProgramName): Promise<RecipientAccount>;
  /** The creator's bot defences; without them every claim that meets the requirements is taken. */
  defences?: BotDefences;
  /** Keeps claims X rate-limited for a later check; without it the fan is told to retry. */
  deferred?: DeferredClaims;
  now?: () => number;
}

/** Refuses a giveaway that can pay no claim any more: closed, moved to another verifier, or ended. */
export function refuseGiveawayOver(target: ClaimTarget, nowSeconds: number): void {
  if (target.closed) throw conflict("closed", "this giveaway was closed by its creator");
  if (target.verifierChanged) {
    throw conflict(
      "verifier_changed",
      "this giveaway's creator moved it to another verifier, so this service can no longer pay its claims",
    );
  }
  if (nowSeconds > target.endsAt) throw conflict("ended", "this giveaway has ended", { endsAt: target.endsAt });
}

function refuseClosedWindow(target: ClaimTarget, nowSeconds: number): void {
  refuseGiveawayOver(target, nowSeconds);
  if (target.paused) throw conflict("paused", "this giveaway is paused; try again when the creator resumes it");
  if (nowSeconds < target.startsAt) {
    throw conflict("not_started", `this giveaway starts at ${new Date(target.startsAt * 1000).toISOString()}`, {
      startsAt: target.startsAt,
    });
  }
}

/**
 * Refuses, before any X call, a wallet the payout could not reach. A giveaway whose fee budget opens no
 * more token accounts pays only wallets that hold one: a claim to any other would take a slot and fail
 * at payout. A claim claimed again would fail again, and spend one of its tries, on an account that
 * still refuses payouts. One chain read, only in those two cases; a failed read lets the claim through
 * to the batcher, which reads again before it pays.
 */
async function refuseUnpayableWallet(
  dependencies: Pick<ClaimsRouterDependencies, "tokenAccountOf">,
  target: ClaimTarget,
  wallet: string,
  claimingAgain: boolean,
): Promise<void> {
  const { tokenProgram } = target.token;
  const opensNoAccount = target.tokenAccountsCovered === 0;
  if (!tokenProgram || !dependencies.tokenAccountOf || !(opensNoAccount || claimingAgain)) return;
  const account = await dependencies.tokenAccountOf(wallet, target.mint, tokenProgram).catch(() => "ready" as const);
  if (account === "missing" && opensNoAccount) {
    throw conflict(
      "needs_token_account",
      "this giveaway's fee budget no longer covers opening a token account, and this wallet has none for its token: open one, paid by the wallet (POST /api/actions/d/<address>/open-account builds the transaction), or claim to a wallet that holds the token",
    );
  }
  if (account !== "missing" && account !== "ready") {
    throw conflict("token_account_refuses", claimFailureWords(account), { reason: account });
  }
}

function answerOf(outcome: IntakeOutcome) {
  switch (outcome.kind) {
    case "created":
    case "replayed":
    case "retried":
      return outcome.claim;
    case "idempotency_conflict":
      throw conflict(
        "idempotency_conflict",
        "this Idempotency-Key was already used with a different body; use a new key for a new claim",
      );
    case "already_claimed":
      throw conflict("already_claimed", "this X account already claimed this giveaway", { claim: outcome.claim });
    case "wallet_taken":
      throw conflict("wallet_bound_elsewhere", "this wallet already receives a claim of this giveaway from another X account");
    case "sold_out":
      throw conflict("sold_out", "every claim of this giveaway is taken");
  }
}

/**
 * Verifies, screens and queues one claim request for a bound wallet of the fan: POST /claims, the
 * deferred checks and the blink all go through here. Answers the claim (a new one, the one this key
 * made before, or the fan's failed claim claimed again under a new key) or throws the HttpError to answer.
 */
export function claimSubmitter<Target extends ClaimTarget>(
  dependencies: ClaimsRouterDependencies<Target>,
): (request: ClaimRequest) => Promise<Claim> {
  const { intake } = dependencies;
  const now = dependencies.now ?? Date.now;
  const readContext = claimContextReader(dependencies.database);
  return async ({ xUserId, distribution, wallet, idempotencyKey }) => {
    const body = { distribution, wallet };
    // A retry must not cost X API calls or fail on a window that closed since: answer it first.
    const { earlier, walletOwner: owner } = await readContext(distribution, xUserId, wallet);
    if (earlier) {
      const earlierClaim = claimFromRow(earlier);
      // This key's request: the claim's latest attempt, or one before the fan claimed it again.
      const sentUnderKey =
        earlier.idempotency_key === idempotencyKey
          ? earlier.request_hash
          : await earlierAttemptHash(dependencies.database, earlier.id, idempotencyKey);
      if (sentUnderKey !== undefined) {
        return answerOf(
          sentUnderKey !== claimRequestHash(body) ? { kind: "idempotency_conflict" } : { kind: "replayed", claim: earlierClaim },
        );
      }
      // A new attempt at a failed claim the fan can mend is checked as a new claim is, then retried.
      if (!earlierClaim.retryable) return answerOf({ kind: "already_claimed", claim: earlierClaim });
    }

    const target = await dependencies.distribution(distribution);
    refuseClosedWindow(target, Math.floor(now() / 1000));
    if (owner === undefined) {
      throw new HttpError(
        403,
        "forbidden",
        "bind this wallet to your X account first (POST /auth/wallet/challenge, then /auth/wallet/verify)",
      );
    }
    if (owner !== xUserId) throw new HttpError(403, "wallet_bound_elsewhere", "this wallet is bound to another X account");
    await refuseUnpayableWallet(dependencies, target, wallet, earlier !== undefined);
    // Before any X call: a claim the creator's rules refuse costs no X API money.
    await dependencies.defences?.screen(xUserId, wallet, target);

    const verdict = await dependencies.verify(xUserId, target, wallet);
    dependencies.onVerified?.(verdict);
    if (!verdict.met) {
      const unmet = verdict.checks.filter((check) => !check.met).map((check) => check.requirement);
      await dependencies.defences?.recordUnmet(target.address, xUserId, unmet);
      throw new HttpError(403, "requirements_not_met", "some requirements of this giveaway are not met yet", {
        checks: verdict.checks,
      });
    }
    const request = { xUserId, distribution, maxClaims: target.maxClaims, wallet, idempotencyKey };
    return answerOf(await (earlier ? intake.retry(earlier.id, request) : intake.submit(request)));
  };
}

/** POST /claims, GET /claims/:id (the fan's own) and GET /me/claims; POST /claims is also served directly (the hot path of a giveaway). */
export function claimsRouter<Target extends ClaimTarget>(
  dependencies: ClaimsRouterDependencies<Target>,
): { router: Router; direct: DirectRoute[]; processClaim: ProcessClaim } {
  const { database, openapi } = dependencies;
  const processClaim = claimSubmitter(dependencies);
  const router = Router();

  /**
   * A claim not yet settled, as its distribution on chain now stands: the fan sees a pause as the
   * reason it waits, and a distribution that left this backend's verifier fails its queued claims.
   */
  async function withChainState(claim: Claim): Promise<Claim> {
    if (claim.status !== "queued") return claim;
    const target = await dependencies.distribution(claim.distribution);
    if (target.verifierChanged) {
      await failQueuedClaimsOfDistribution(database, claim.distribution, "verifier_changed");
      return (await findClaim(database, claim.id)) ?? claim;
    }
    return target.paused ? { ...claim, waitingFor: "paused" } : claim;
  }
  const claimHandlers = openapi.route(
    router,
    {
      method: "post",
      path: "/claims",
      summary: `Claim a giveaway for a bound wallet: verified, given a slot, queued for payment. Send an ${IDEMPOTENCY_KEY_HEADER} header; retries with the same key and body return the same claim`,
      auth: true,
      before: [sessionRequired],
      request: { body: createClaimBodySchema },
      responses: { 202: { description: "accepted and queued (or the claim this key made before)", schema: claimResponseSchema } },
    },
    async ({ body }, request, response) => {
      const { xUserId } = requireSession(response);
      const header = idempotencyKeySchema.safeParse(request.get(IDEMPOTENCY_KEY_HEADER));
      if (!header.success) throw validationFailed(header.error, `headers.${IDEMPOTENCY_KEY_HEADER}`);
      const claimRequest: ClaimRequest = { xUserId, ...body, idempotencyKey: header.data };
      let claim: Claim;
      try {
        claim = await processClaim(claimRequest);
      } catch (error) {
        // X's per-user limit is no reason to lose the claim: it is kept and checked when the window resets.
        throw (await dependencies.deferred?.deferIfRateLimited(error, claimRequest)) ?? error;
      }
      sendJson(response, 202, z.encode(claimResponseSchema, { claim }));
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/claims/:id",
      summary:
        "One of the signed-in fan's claims and where it stands: its status, its real stage (queued, sending, confirming, paid, failed) and, behind a long queue, about how long until it is paid",
      auth: true,
      before: [sessionRequired],
      request: { params: claimIdParamsSchema },
      responses: { 200: { description: "the claim", schema: claimResponseSchema } },
    },
    async ({ params }, _request, response) => {
      const { xUserId } = requireSession(response);
      const claim = await findClaim(database, params.id);
      // Another fan's claim is answered as missing: it names their X account and wallet.
      if (!claim || claim.xUserId !== xUserId) throw notFound("you have no claim with this id");
      response.set("Cache-Control", "no-store");
      const current = await withChainState(claim);
      answer(response, claimResponseSchema, { claim: { ...current, ...(await claimProgress(database, current)) } });
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/me/claims",
      summary: "The signed-in fan's claims, newest first",
      auth: true,
      before: [sessionRequired],
      request: {},
      responses: { 200: { description: "up to 200 claims", schema: claimListResponseSchema } },
    },
    async (_input, _request, response) => {
      const { xUserId } = requireSession(response);
      response.set("Cache-Control", "private, no-store");
      answer(response, claimListResponseSchema, { claims: await listClaimsOfUser(database, xUserId) });
    },
  );

  return { router, direct: [{ method: "POST", path: "/claims", handlers: claimHandlers }], processClaim };
}
