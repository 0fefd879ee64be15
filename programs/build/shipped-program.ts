// `npm run check:program`: rebuilds the program from source and checks that the shipped .so (the one
// `npm start` runs and `npm run deploy:program` deploys) is byte-identical. `npm run ship:program`
// replaces the shipped .so with a fresh build after the program's sources change.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProgram } from "./build-program.ts";
import { SbfBuildError } from "./errors.ts";
import { sha256Hex } from "./toolchain/hash.ts";
import { REPOSITORY_ROOT } from "./toolchain/paths.ts";
import { rustcVersion } from "./toolchain/rustc.ts";

/** The committed build of programs/distribution: what runs when nobody has a Rust toolchain. */
export const SHIPPED_PROGRAM_PATH = `${REPOSITORY_ROOT}programs/distribution/deploy/memefans_distribution.so`;
/** Beside it: the .so's SHA-256 and the compiler that built it, to explain a mismatch. */
export const SHIPPED_PROGRAM_MANIFEST_PATH = `${REPOSITORY_ROOT}programs/distribution/deploy/memefans_distribution.json`;

export interface ShippedProgramManifest {
  so_sha256: string;
  rustc: string;
}

/** A plain SHA-256 of bytes, as `sha256sum` prints it (sha256Hex length-prefixes its string parts). */
export function fileSha256(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

/** Compiler release and LLVM version: the two lines of `rustc -vV` that decide the output bytes. */
function compilerIdentity(): string {
  return rustcVersion()
    .split("\n")
    .filter((line) => line.startsWith("rustc ") || line.startsWith("LLVM version"))
    .join("; ");
}

export interface RebuildComparison {
  matches: boolean;
  rebuiltSha256: string;
  rebuiltPath: string;
}

/** Builds the program from the checked-out sources (reusing an up-to-date build) and compares it with `expected`. */
export function rebuildAndCompare(expected: Uint8Array): RebuildComparison {
  const built = buildProgram();
  const rebuilt = readFileSync(built.sharedObjectPath);
  return {
    matches: Buffer.compare(rebuilt, expected) === 0,
    rebuiltSha256: fileSha256(rebuilt),
    rebuiltPath: built.sharedObjectPath,
  };
}

function checkShipped(): void {
  if (!existsSync(SHIPPED_PROGRAM_PATH))
    throw new SbfBuildError(`${SHIPPED_PROGRAM_PATH} is missing: run \`npm run ship:program\``);
  const shipped = readFileSync(SHIPPED_PROGRAM_PATH);
  const comparison = rebuildAndCompare(shipped);
  const shippedPath = relative(REPOSITORY_ROOT, SHIPPED_PROGRAM_PATH);
  if (comparison.matches) {
    console.log(`${shippedPath}: identical to a rebuild from source (sha256 ${comparison.rebuiltSha256})`);
    return;
  }
  const manifest = JSON.parse(readFileSync(SHIPPED_PROGRAM_MANIFEST_PATH, "utf8")) as ShippedProgramManifest;
  const compiler = compilerIdentity();
  const cause =
    manifest.rustc === compiler
      ? "the program's sources (or the build) changed since it was shipped"
      : `it was built with ${manifest.rustc}, this machine has ${compiler}`;
  throw new SbfBuildError(
    `${shippedPath} (sha256 ${fileSha256(shipped)}) differs from a rebuild (sha256 ${comparison.rebuiltSha256}): ${cause}.\n` +
      "If the change is intended, run `npm run ship:program` and commit both files in programs/distribution/deploy.",
  );
}

function ship(): void {
  const built = buildProgram();
  copyFileSync(built.sharedObjectPath, SHIPPED_PROGRAM_PATH);
  const manifest: ShippedProgramManifest = {
    so_sha256: fileSha256(readFileSync(SHIPPED_PROGRAM_PATH)),
    rustc: compilerIdentity(),
  };
  writeFileSync(SHIPPED_PROGRAM_MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${relative(REPOSITORY_ROOT, SHIPPED_PROGRAM_PATH)}: shipped (sha256 ${manifest.so_sha256}); commit it`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes("--update")) ship();
    else checkShipped();
  } catch (error) {
    if (!(error instanceof SbfBuildError)) throw error;
    console.error(`check:program: ${error.message}`);
    process.exit(1);
  }
}
