import { renameSync, rmSync } from "node:fs";
import { SbfBuildError } from "../errors.ts";
import type { ProgramCrate } from "./crate.ts";
import { explainBpfErrors } from "./diagnostics.ts";
import { runRustc, TARGET_SPEC_PATH } from "./rustc.ts";

/**
 * Fat LTO over the program and the bitcode `core`: one ELF object holding only what is reachable.
 * Panic locations name source files; the crate's directory is remapped to its name so the bytes do
 * not depend on where the repository is checked out (the shipped .so is checked against a rebuild).
 */
export function programCompileFlags(crate: ProgramCrate, sysroot: string): string[] {
  return [
    `--remap-path-prefix=${crate.directory}=${crate.name}`,
    "-Z",
    "unstable-options",
    "--target",
    TARGET_SPEC_PATH,
    "--sysroot",
    sysroot,
    "--crate-type",
    "staticlib",
    "--crate-name",
    crate.name,
    "--edition",
    crate.edition,
    "-C",
    "lto=fat",
    "-C",
    "codegen-units=1",
    "-C",
    "opt-level=3",
    "-C",
    "panic=abort",
    "-C",
    "debuginfo=0",
    "-C",
    `overflow-checks=${crate.overflowChecks ? "on" : "off"}`,
  ];
}

/**
 * Compiles the crate into `<workDirectory>/lib<name>.a` and returns its path and rustc's warnings.
 * rustc writes under a per-process name first, so two concurrent builds never clobber each other.
 */
export function compileStaticlib(
  crate: ProgramCrate,
  sysroot: string,
  workDirectory: string,
): { archivePath: string; diagnostics: string } {
  const archivePath = `${workDirectory}/lib${crate.name}.a`;
  const privatePath = `${workDirectory}/lib${crate.name}.${process.pid}.a`;
  try {
    const { stderr } = runRustc(
      [...programCompileFlags(crate, sysroot), crate.root, "-o", privatePath],
      `compiling ${crate.name} for the SBF target`,
    );
    renameSync(privatePath, archivePath);
    return { archivePath, diagnostics: stderr };
  } catch (error) {
    const hints = error instanceof SbfBuildError ? explainBpfErrors(error.message) : [];
    if (hints.length === 0) throw error;
    const advice = hints.map((hint) => `\n- ${hint}`).join("");
    throw new SbfBuildError(`${error instanceof Error ? error.message : ""}\nWhat the BPF backend needs instead:${advice}`);
  } finally {
    rmSync(privatePath, { force: true });
  }
}
