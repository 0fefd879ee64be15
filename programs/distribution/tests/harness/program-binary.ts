import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PROGRAM_SO_PATH = fileURLToPath(new URL("../../../../target/deploy/memefans_distribution.so", import.meta.url));
export const IDL_PATH = fileURLToPath(new URL("../../idl/memefans_distribution.json", import.meta.url));

/** The tests run the real build; a missing build is a failure that says how to make it, never a skip. */
export function readProgramBinary(): Uint8Array {
  if (!existsSync(PROGRAM_SO_PATH)) {
    throw new Error(`${PROGRAM_SO_PATH} is missing: run \`npm run build:program\` (npm test builds it first)`);
  }
  return new Uint8Array(readFileSync(PROGRAM_SO_PATH));
}

export function readIdl(): unknown {
  if (!existsSync(IDL_PATH)) throw new Error(`${IDL_PATH} is missing: the program's Anchor IDL must be checked in there`);
  return JSON.parse(readFileSync(IDL_PATH, "utf8"));
}
