import type { Handlers } from "../router.ts";
import type { BackgroundServices } from "../services.ts";
import { approvalHandlers } from "./approval-handlers.ts";
import { backendReadHandlers } from "./backend-read-handlers.ts";
import { closeDistributionHandler } from "./close-distribution-handler.ts";
import { diagnosticsHandlers } from "./diagnostics-handlers.ts";
import { networkHandler } from "./network-handler.ts";
import { openTokenAccountHandler } from "./open-token-account-handler.ts";
import { outboxHandlers } from "./outbox-handlers.ts";
import { pauseDistributionHandler } from "./pause-distribution-handler.ts";
import { sendHandlers } from "./send-handlers.ts";
import { settingsHandlers } from "./settings-handlers.ts";
import { tokenLogoHandler } from "./token-logo-handler.ts";
import { walletHandlers } from "./wallet-handlers.ts";
import { xHandlers } from "./x-handlers.ts";

/** Every message type has exactly one handler; the Handlers type makes a missing one a compile error. */
export function allHandlers(services: BackgroundServices): Handlers {
  return {
    ...walletHandlers(services),
    ...sendHandlers(services),
    ...networkHandler(services),
    ...xHandlers(services),
    ...backendReadHandlers(services),
    ...outboxHandlers(services),
    ...closeDistributionHandler(services),
    ...pauseDistributionHandler(services),
    ...openTokenAccountHandler(services),
    ...settingsHandlers(services),
    ...diagnosticsHandlers(services),
    ...approvalHandlers(services),
    ...tokenLogoHandler(services),
  };
}
