import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DISTRIBUTION_PROGRAM_ID } from "../../shared/program/ids.ts";
import type { ChainProgram } from "./embedded-chain.ts";

/** Where `npm run build:program` writes the distribution program. */
export const DISTRIBUTION_PROGRAM_PATH = fileURLToPath(new URL("../../target/deploy/memefans_distribution.so", import.meta.url));

/** The programs the embedded chain deploys: ours (SPL Token and ATA come with LiteSVM). */
export function defaultChainPrograms(path = DISTRIBUTION_PROGRAM_PATH): ChainProgram[] {
  if (!existsSync(path)) {
    throw new Error(`the distribution program is not built (${path} is missing): run \`npm run build:program\` first`);
  }
  return [{ programId: DISTRIBUTION_PROGRAM_ID, path }];
}
