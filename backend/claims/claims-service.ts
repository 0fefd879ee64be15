import type { AppContext } from "../app.ts";
import type { BackgroundService } from "../start-backend.ts";
import { ClaimBatcher, type ClaimBatcherHooks, type ClaimBatcherOptions } from "./claim-batcher.ts";
import { batcherMetricsHooks, refreshClaimsGauge } from "./claims-plugin.ts";

const GAUGE_REFRESH_MS = 5_000;

export type BatcherTuning = Pick<ClaimBatcherOptions, "leaseMs" | "idleMs" | "batchesPerCycle" | "instanceId">;

/**
 * The batcher as a background service of startBackend: signs with the backend's verifier and fee
 * payer, reports to /metrics, and logs failed cycles (the next cycle retries them).
 */
export function claimsBatcherService(tuning: BatcherTuning = {}) {
  return (context: AppContext, keys: ClaimBatcherOptions["signers"]): BackgroundService => {
    const batcher = new ClaimBatcher({
      ...tuning,
      database: context.database,
      connection: context.connection,
      signers: keys,
      programId: context.programId,
      hooks: liveCountHooks(
        context,
        batcherMetricsHooks(context.metrics, (error) => context.logger.error({ err: error }, "claim batcher cycle failed")),
      ),
    });
    batcher.start();
    const gauge = setInterval(() => {
      refreshClaimsGauge(context).catch((error) => context.logger.warn({ err: error }, "claims gauge refresh failed"));
    }, GAUGE_REFRESH_MS);
    gauge.unref();
    return {
      async stop() {
        clearInterval(gauge);
        await batcher.stop();
      },
    };
  };
}

/** A failed payout frees its slot: the cards on screen learn it now rather than at the next sweep. */
function liveCountHooks(context: AppContext, hooks: ClaimBatcherHooks): ClaimBatcherHooks {
  return {
    ...hooks,
    onTransition(state, count) {
      hooks.onTransition?.(state, count);
      if (state === "confirmed" || state === "failed") context.liveEvents.sweepNow();
    },
  };
}
