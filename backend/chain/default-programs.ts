import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SHIPPED_PROGRAM_PATH } from "../../programs/build/shipped-program.ts";
import { DISTRIBUTION_PROGRAM_ID } from "../../shared/program/program-id.ts";
import type { ChainProgram } from "./embedded-chain.ts";

/** Where `npm run build:program` writes the distribution program. */
export const BUILT_PROGRAM_PATH = fileURLToPath(new URL("../../target/deploy/memefans_distribution.so", import.meta.url));

/**
 * The distribution program the embedded chain runs: this checkout's own build when there is one,
 * else the shipped .so, which CI keeps byte-identical to a rebuild of the committed sources
 * (`npm run check:program`), so a machine without a Rust toolchain runs the same program.
 */
export function distributionProgramPath(): string {
  return existsSync(BUILT_PROGRAM_PATH) ? BUILT_PROGRAM_PATH : SHIPPED_PROGRAM_PATH;
}

/** The programs the embedded chain deploys: ours, at `programId` (SPL Token and ATA come with LiteSVM). */
export function defaultChainPrograms(programId = DISTRIBUTION_PROGRAM_ID, path = distributionProgramPath()): ChainProgram[] {
  if (!existsSync(path)) {
    throw new Error(`the distribution program is missing (${path}): run \`npm run build:program\``);
  }
  return [{ programId, path }];
}
