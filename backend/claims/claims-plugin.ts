import { PublicKey } from "@solana/web3.js";
import { claimStatusSchema } from "../../shared/api/claims.ts";
import type { Distribution } from "../../shared/api/distributions.ts";
import type { TokenProgramName } from "../../shared/fee-budget.ts";
import { openedAccount, tokenProgramId } from "../../shared/token-account-opening.ts";
import type { AppContext, AppPlugin, AppPluginResult } from "../app.ts";
import { summaryReader } from "../claim-page/claim-page-routes.ts";
import { LookupCache } from "../distributions/lookup-cache.ts";
import type { Metrics } from "../http/metrics.ts";
import { blinkRouter } from "./blink-routes.ts";
import { BotDefences } from "./bot-defences.ts";
import { claimActivity } from "./claim-activity.ts";
import type { ClaimBatcherHooks } from "./claim-batcher.ts";
import { ClaimIntake } from "./claim-intake.ts";
import { countClaimsByStatus } from "./claim-queries.ts";
import { type ClaimsRouterDependencies, claimsRouter } from "./claims-router.ts";
import { DeferredClaims, startDeferredClaims } from "./deferred-claims.ts";
import { recipientAccount } from "./distribution-chain-state.ts";
import { queueSignalOf } from "./queue-signal.ts";
import { tokenAccountRelayRouter } from "./token-account-relay.ts";

/** The batcher's hooks wired to the app's Prometheus instruments. */
export function batcherMetricsHooks(metrics: Metrics, onError?: (error: unknown) => void): ClaimBatcherHooks {
  return {
    onTransition: (state, count) => metrics.claimTransitions.inc({ state }, count),
    onBatchSent: (size) => metrics.batchSize.observe(size),
    ...(onError ? { onError } : {}),
  };
}

/** Sets the memefans_claims gauge from the table (all instances' claims, not only this one's). */
export async function refreshClaimsGauge(context: Pick<AppContext, "database" | "metrics">): Promise<void> {
  const counts = await countClaimsByStatus(context.database);
  for (const state of claimStatusSchema.options) context.metrics.claimsByState.set({ state }, counts[state] ?? 0);
}

/**
 * How long a claim reuses a distribution's status (itself read again from the chain when older than
 * 2 s). A pause, a close or a change of verifier shows up within these times, with no chain read per
 * claim; until then the batcher, which reads the chain before every batch, keeps or fails the claims.
 */
const TARGET_TTL_MS = 1_000;

/** Mounts the claim routes on the app and tells the distributions module about accepted claims. */
export const claimsPlugin: AppPlugin = { claimActivity, mount: mountClaims };

function mountClaims(context: AppContext): AppPluginResult {
  const { database, metrics } = context;
  const targets = new LookupCache<Promise<Distribution>>(TARGET_TTL_MS, 10_000, context.now);
  const distribution = (address: string): Promise<Distribution> => {
    const cached = targets.read([address]).hits.get(address);
    if (cached) return cached;
    const loading = context.distributions.status(address);
    targets.write(address, loading);
    loading.catch(() => targets.forget(address));
    return loading;
  };
  const intake = new ClaimIntake(database, (count, distributions) => {
    metrics.claimTransitions.inc({ state: "queued" }, count);
    context.liveEvents.claimsChanged(distributions);
    queueSignalOf(database).announce(count);
  });
  const deferred = new DeferredClaims(database, context.now);
  const tokenAccountOf = async (wallet: string, mint: string, tokenProgram: TokenProgramName) => {
    const address = openedAccount({ wallet: new PublicKey(wallet), mint: new PublicKey(mint), tokenProgram });
    const account = await context.connection.getAccountInfo(address, "confirmed");
    return recipientAccount(address, account, tokenProgramId(tokenProgram));
  };
  const claimDependencies: ClaimsRouterDependencies<Distribution> = {
    database,
    intake,
    openapi: context.openapi,
    distribution,
    async verify(xUserId, target, wallet) {
      const report = await context.eligibility.check(xUserId, target, wallet);
      return {
        met: report.met,
        checks: report.checks.map(({ requirement, met, detail }) => ({ requirement, met, detail })),
        xCalls: report.xCalls,
      };
    },
    onVerified: (verdict) => metrics.xApiCallsPerVerifiedClaim.observe(verdict.xCalls ?? 0),
    tokenAccountOf,
    defences: new BotDefences(database, context.now),
    deferred,
    now: context.now,
  };
  const { router, direct, processClaim } = claimsRouter(claimDependencies);
  const blink = blinkRouter({
    context,
    read: summaryReader(context),
    tokenAccountOf,
    submit: (xUserId, body, idempotencyKey) => processClaim({ xUserId, ...body, idempotencyKey }),
    openapi: context.openapi,
  });
  const relay = tokenAccountRelayRouter({
    database,
    connection: context.connection,
    openapi: context.openapi,
    distribution: claimDependencies.distribution,
    tokenAccountOf,
    now: context.now,
  });
  const deferredChecks = startDeferredClaims(deferred, processClaim, (error) =>
    context.logger.error({ err: error }, "deferred claim checks failed; the next round retries them"),
  );
  return {
    routers: [router, blink, relay],
    directRoutes: direct,
    services: [deferredChecks],
  };
}
