import { z } from "zod";
import { registerDistributionBodySchema } from "../../../shared/api/distributions.ts";
import { claimSchema } from "../../messaging/shapes.ts";
import { shortAddress } from "../../ui/format.ts";
import { listClaimHistory, mergeBackendClaims, recordQueuedClaim } from "../history/claim-history.ts";
import { historyRows } from "../history/history-rows.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, backend, currentSession, requireSession } from "../services.ts";
import { readSettings, rpcUrlOf } from "../storage/settings-store.ts";

export function outboxHandlers(
  services: BackgroundServices,
): Pick<Handlers, "claims/submit" | "distributions/register" | "claims/history" | "outbox/list" | "outbox/flush"> {
  return {
    "claims/submit": async ({ distribution, wallet }) => {
      await requireSession(services);
      // The history line is written before the first attempt, so even a worker killed mid-send leaves it.
      const record = await services.outbox.enqueue({
        kind: "claim",
        path: "/claims",
        body: { distribution, wallet },
        label: `claim from ${shortAddress(distribution)} to ${shortAddress(wallet)}`,
      });
      await recordQueuedClaim(services.db, record.id, distribution, wallet, services.now());
      const outcome = await services.outbox.attemptNow(record.id);
      await services.scheduleOutbox();
      return outcome;
    },
    "distributions/register": async (registration) => {
      await requireSession(services);
      // The backend's own schema checks the body now, so a bad one is refused here, not after a queue.
      registerDistributionBodySchema.parse(registration);
      const outcome = await services.outbox.submit({
        kind: "register-distribution",
        path: "/distributions",
        // The original JSON goes out: parsing turns amounts into bigints, which JSON cannot carry.
        body: registration,
        label: `register distribution ${shortAddress(registration.address)}`,
      });
      await services.scheduleOutbox();
      return outcome;
    },
    "claims/history": async ({ refresh }) => {
      let refreshError: string | undefined;
      if (refresh && (await currentSession(services))) {
        try {
          const { claims } = z.object({ claims: z.array(claimSchema) }).parse(await backend(services, { path: "/me/claims" }));
          await mergeBackendClaims(services.db, claims, services.now());
        } catch (error) {
          refreshError = (error as Error).message;
        }
      }
      const rpcUrl = rpcUrlOf(await readSettings(services.db));
      const claims = await historyRows(services.db, await listClaimHistory(services.db), rpcUrl);
      return { claims, ...(refreshError ? { refreshError } : {}) };
    },
    "outbox/list": async () => ({ items: await services.outbox.list() }),
    "outbox/flush": async () => {
      const counts = await services.outbox.deliverDue();
      await services.scheduleOutbox();
      return counts;
    },
  };
}
