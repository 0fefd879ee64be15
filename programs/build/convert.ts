// Command line: `npx tsx programs/build/convert.ts <input.a|input.o> <output.so>` turns a BPF object
// or staticlib into a Solana SBPFv0 shared object.
import { readFileSync, writeFileSync } from "node:fs";
import { SbfBuildError } from "./errors.ts";
import { linkSharedObject } from "./link/link.ts";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: npx tsx programs/build/convert.ts <input.a|input.o> <output.so>");
  process.exit(2);
}
try {
  const { sharedObject, statistics } = linkSharedObject(readFileSync(input), input);
  writeFileSync(output, sharedObject);
  console.log(`${output}: ${sharedObject.length} bytes, syscalls: ${statistics.syscalls.join(", ") || "none"}`);
} catch (error) {
  if (!(error instanceof SbfBuildError)) throw error;
  console.error(`error: ${error.message}`);
  process.exit(1);
}
