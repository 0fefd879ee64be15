import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "./hash.ts";
import { SYSROOT_CACHE } from "./paths.ts";
import { RUST_LIBRARY_SOURCE, runRustc, rustcVersion, TARGET_NAME, TARGET_SPEC_PATH } from "./rustc.ts";

const COMPILER_BUILTINS_STAND_IN = fileURLToPath(new URL("./compiler_builtins.rs", import.meta.url));
const COMPLETE_MARKER = "complete";

/**
 * `core` is kept as LLVM bitcode (linker-plugin-lto) so the program's fat LTO pulls in only what
 * it reaches; `force-unstable-if-unmarked` is how the standard library itself is built.
 */
const SYSROOT_CRATE_FLAGS = [
  "-Z",
  "unstable-options",
  "-Z",
  "force-unstable-if-unmarked",
  "-C",
  "linker-plugin-lto",
  "-C",
  "opt-level=3",
  "-C",
  "panic=abort",
  "-C",
  "codegen-units=1",
  "--edition",
  "2024",
  "--crate-type",
  "rlib",
  "--target",
  TARGET_SPEC_PATH,
];

export interface Sysroot {
  path: string;
  key: string;
  /** Seconds spent building it; 0 when the cached one was reused. */
  buildSeconds: number;
}

export function sysrootKey(): string {
  return sha256Hex(
    rustcVersion(),
    readFileSync(TARGET_SPEC_PATH),
    readFileSync(COMPILER_BUILTINS_STAND_IN),
    SYSROOT_CRATE_FLAGS.join(" "),
  ).slice(0, 16);
}

/**
 * Builds `core` and the compiler_builtins stand-in for the SBF target once per rustc version and
 * target spec, into target/sbf-sysroot/<key>. Built in a private directory and renamed into place,
 * so concurrent builds never see half a sysroot.
 */
export function ensureSysroot(): Sysroot {
  const key = sysrootKey();
  const path = `${SYSROOT_CACHE}/${key}`;
  if (existsSync(`${path}/${COMPLETE_MARKER}`)) return { path, key, buildSeconds: 0 };

  const started = performance.now();
  const staging = `${SYSROOT_CACHE}/.staging-${process.pid}-${Date.now()}`;
  const libraries = `${staging}/lib/rustlib/${TARGET_NAME}/lib`;
  mkdirSync(libraries, { recursive: true });
  try {
    runRustc(
      [...SYSROOT_CRATE_FLAGS, "--crate-name", "core", `${RUST_LIBRARY_SOURCE}/core/src/lib.rs`, "--out-dir", libraries],
      "building core for the SBF target",
    );
    runRustc(
      [
        ...SYSROOT_CRATE_FLAGS,
        "--sysroot",
        staging,
        "--crate-name",
        "compiler_builtins",
        COMPILER_BUILTINS_STAND_IN,
        "--out-dir",
        libraries,
      ],
      "building the compiler_builtins stand-in",
    );
    writeFileSync(`${staging}/${COMPLETE_MARKER}`, `${new Date().toISOString()}\n`);
    if (!existsSync(`${path}/${COMPLETE_MARKER}`)) {
      rmSync(path, { recursive: true, force: true });
      try {
        renameSync(staging, path);
      } catch (error) {
        // Another build finished the same sysroot first; theirs is as good as ours.
        if (!existsSync(`${path}/${COMPLETE_MARKER}`)) throw error;
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  removeStaleSysroots(key);
  return { path, key, buildSeconds: (performance.now() - started) / 1000 };
}

/** Sysroots of older compilers or target specs are 40 MB each and never used again. */
function removeStaleSysroots(currentKey: string): void {
  for (const name of readdirSync(SYSROOT_CACHE)) {
    if (name !== currentKey && !name.startsWith(".staging-"))
      rmSync(`${SYSROOT_CACHE}/${name}`, { recursive: true, force: true });
  }
}
