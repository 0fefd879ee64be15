import { existsSync } from "node:fs";
import { buildProgram } from "../programs/build/build-program.ts";
import { SbfBuildError } from "../programs/build/errors.ts";
import { DISTRIBUTION_PROGRAM_PATH } from "./chain/default-programs.ts";
import { claimsPlugin } from "./claims/claims-plugin.ts";
import { claimsBatcherService } from "./claims/claims-service.ts";
import { readConfig } from "./config.ts";
import { createLogger } from "./http/logging.ts";
import { startBackend } from "./start-backend.ts";

const config = readConfig();
const logger = createLogger(config.LOG_LEVEL);
if (!config.SOLANA_RPC_URL && !existsSync(DISTRIBUTION_PROGRAM_PATH)) {
  // First `npm start` after `npm install`: the embedded chain needs the program, so build it once here.
  logger.info("building the distribution program for the embedded chain (once; about 15-45 s)");
  try {
    buildProgram();
  } catch (error) {
    if (!(error instanceof SbfBuildError)) throw error;
    logger.warn({ reason: error.message }, "the program could not be built; the embedded chain starts without it");
  }
}
const backend = await startBackend(config, { logger, plugins: [claimsPlugin], background: [claimsBatcherService()] });
logger.info(
  {
    url: backend.url,
    publicUrl: config.PUBLIC_URL,
    database: backend.database.engine,
    chain: backend.chain ? `embedded${config.DEV_CHAIN_RPC === "0" ? "" : ", served at /rpc"}` : config.SOLANA_RPC_URL,
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
