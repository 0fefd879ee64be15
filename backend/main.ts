import { hostname } from "node:os";
import { claimsPlugin } from "./claims/claims-plugin.ts";
import { claimsBatcherService } from "./claims/claims-service.ts";
import { readConfig } from "./config.ts";
import { createLogger } from "./http/logging.ts";
import { startBackend } from "./start-backend.ts";

const config = readConfig();
const logger = createLogger(config.LOG_LEVEL);
// The lease owner's name in claims and claim_batches: which host and process holds the work.
const instanceId = `${hostname()}:${process.pid}`;
const backend = await startBackend(config, {
  logger,
  plugins: [claimsPlugin],
  background: [claimsBatcherService({ leaseMs: config.CLAIM_LEASE_MS, instanceId })],
});
logger.info(
  {
    url: backend.url,
    publicUrl: config.PUBLIC_URL,
    instanceId,
    database: backend.database.engine,
    chain: backend.chainDescription,
  },
  `memefans backend listening on ${backend.url}`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    backend.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
