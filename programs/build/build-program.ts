// `npm run build:program`: builds programs/distribution into target/deploy/memefans_distribution.so
// with Debian's rustc and our own ELF converter, offline. Also a library for tests that need a fresh .so.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SbfBuildError } from "./errors.ts";
import { type LinkStatistics, linkSharedObject } from "./link/link.ts";
import { compileStaticlib, programCompileFlags } from "./toolchain/compile-program.ts";
import { readCrate } from "./toolchain/crate.ts";
import { hashTree, sha256Hex } from "./toolchain/hash.ts";
import { BUILD_DIRECTORY, DEPLOY_DIRECTORY, REPOSITORY_ROOT } from "./toolchain/paths.ts";
import { requireToolchain } from "./toolchain/rustc.ts";
import { ensureSysroot, sysrootKey } from "./toolchain/sysroot.ts";

export const DISTRIBUTION_CRATE = join(REPOSITORY_ROOT, "programs/distribution");
const CONVERTER_SOURCES = [fileURLToPath(new URL("./elf", import.meta.url)), fileURLToPath(new URL("./link", import.meta.url))];
const COMPILE_FLAGS_SOURCE = fileURLToPath(new URL("./toolchain/compile-program.ts", import.meta.url));

export interface BuildProgramResult {
  sharedObjectPath: string;
  sizeBytes: number;
  /** True when sources, compiler and converter were unchanged and the existing .so was kept. */
  upToDate: boolean;
  sysrootSeconds: number;
  compileSeconds: number;
  linkSeconds: number;
  /** rustc's command and output of the last compile, kept for the crate's author. */
  compileLogPath: string;
  statistics?: LinkStatistics;
}

/** Changes to the program's sources, the compiler, the target or the converter all force a rebuild. */
function fingerprint(crateDirectory: string, root: string): string {
  const converter = CONVERTER_SOURCES.map((directory) => hashTree(directory, (name) => !name.endsWith(".test.ts")));
  return sha256Hex(
    sysrootKey(),
    hashTree(join(crateDirectory, "src")),
    readFileSync(join(crateDirectory, "Cargo.toml")),
    readFileSync(root),
    readFileSync(COMPILE_FLAGS_SOURCE),
    ...converter,
  );
}

export function buildProgram(crateDirectory = DISTRIBUTION_CRATE, deployDirectory = DEPLOY_DIRECTORY): BuildProgramResult {
  requireToolchain();
  const crate = readCrate(resolve(crateDirectory));
  const workDirectory = `${BUILD_DIRECTORY}/${crate.name}`;
  const sharedObjectPath = `${deployDirectory}/${crate.name}.so`;
  const fingerprintPath = `${workDirectory}/fingerprint`;
  const compileLogPath = `${workDirectory}/compile.log`;
  mkdirSync(workDirectory, { recursive: true });
  mkdirSync(deployDirectory, { recursive: true });

  const currentFingerprint = fingerprint(crate.directory, crate.root);
  const previous = existsSync(fingerprintPath) ? readFileSync(fingerprintPath, "utf8") : "";
  if (previous === `${currentFingerprint}\n${sharedObjectPath}\n` && existsSync(sharedObjectPath)) {
    const sizeBytes = readFileSync(sharedObjectPath).length;
    return { sharedObjectPath, sizeBytes, upToDate: true, sysrootSeconds: 0, compileSeconds: 0, linkSeconds: 0, compileLogPath };
  }

  const sysroot = ensureSysroot();
  const compileStarted = performance.now();
  const command = `RUSTC_BOOTSTRAP=1 /usr/bin/rustc ${programCompileFlags(crate, sysroot.path).join(" ")} ${crate.root}`;
  let archivePath: string;
  try {
    const compiled = compileStaticlib(crate, sysroot.path, workDirectory);
    archivePath = compiled.archivePath;
    writeFileSync(compileLogPath, `$ ${command}\n${compiled.diagnostics}`);
  } catch (error) {
    writeFileSync(compileLogPath, `$ ${command}\n${error instanceof Error ? error.message : String(error)}\n`);
    throw error;
  }
  const compileSeconds = (performance.now() - compileStarted) / 1000;

  const linkStarted = performance.now();
  const { sharedObject, statistics } = linkSharedObject(readFileSync(archivePath), relative(REPOSITORY_ROOT, archivePath));
  const privatePath = `${sharedObjectPath}.${process.pid}`;
  writeFileSync(privatePath, sharedObject);
  renameSync(privatePath, sharedObjectPath);
  writeFileSync(fingerprintPath, `${currentFingerprint}\n${sharedObjectPath}\n`);
  return {
    sharedObjectPath,
    sizeBytes: sharedObject.length,
    upToDate: false,
    sysrootSeconds: sysroot.buildSeconds,
    compileSeconds,
    linkSeconds: (performance.now() - linkStarted) / 1000,
    compileLogPath,
    statistics,
  };
}

function main(): void {
  const crateDirectory = process.argv[2] ?? DISTRIBUTION_CRATE;
  const started = performance.now();
  try {
    const result = buildProgram(crateDirectory);
    const path = relative(REPOSITORY_ROOT, result.sharedObjectPath);
    const total = ((performance.now() - started) / 1000).toFixed(2);
    if (result.upToDate) {
      console.log(`${path}: up to date (${result.sizeBytes} bytes, checked in ${total} s)`);
      return;
    }
    const sysroot = result.sysrootSeconds > 0 ? `sysroot ${result.sysrootSeconds.toFixed(1)} s, ` : "";
    console.log(
      `${path}: ${result.sizeBytes} bytes in ${total} s (${sysroot}compile ${result.compileSeconds.toFixed(2)} s, ` +
        `link ${result.linkSeconds.toFixed(3)} s); syscalls: ${result.statistics?.syscalls.join(", ")}`,
    );
  } catch (error) {
    if (!(error instanceof SbfBuildError)) throw error;
    console.error(`build:program: ${error.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
