import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SbfBuildError } from "../errors.ts";

/** Debian's rustc-web: rustup's rustc (first on PATH) has no library source for building `core`. */
export const SYSTEM_RUSTC = "/usr/bin/rustc";
export const RUST_LIBRARY_SOURCE = "/usr/lib/rustlib/src/rust/library";
export const TARGET_SPEC_PATH = fileURLToPath(new URL("./sbf-solana-v0.json", import.meta.url));
/** rustc names a JSON target after its file. */
export const TARGET_NAME = "sbf-solana-v0";

export function requireToolchain(rustc = SYSTEM_RUSTC, librarySource = RUST_LIBRARY_SOURCE): void {
  const missing = [
    existsSync(rustc) ? undefined : `${rustc} (Debian package rustc-web)`,
    existsSync(`${librarySource}/core/src/lib.rs`) ? undefined : `${librarySource} (Debian package rust-web-src)`,
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new SbfBuildError(
      `the offline SBF build needs ${missing.join(" and ")}; install them with: apt-get install rustc-web rust-web-src`,
    );
  }
}

export interface RustcRun {
  stdout: string;
  stderr: string;
}

/** Runs Debian's rustc with the tier-3 target unlocked; a failed compile throws with rustc's own output. */
export function runRustc(args: string[], what: string): RustcRun {
  const result = spawnSync(SYSTEM_RUSTC, args, {
    encoding: "utf8",
    env: { ...process.env, RUSTC_BOOTSTRAP: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new SbfBuildError(`${what}: could not run ${SYSTEM_RUSTC}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new SbfBuildError(`${what} failed (rustc exit ${result.status ?? result.signal}):\n${result.stderr}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** The full `rustc -vV` text: release, commit and LLVM version, the first part of every cache key. */
export function rustcVersion(): string {
  return runRustc(["-vV"], "rustc -vV").stdout;
}
