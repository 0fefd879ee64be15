import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram } from "./build-program.ts";
import { BUILD_DIRECTORY } from "./toolchain/paths.ts";

const FIXTURE_CRATE = fileURLToPath(new URL("./fixtures/pipeline_fixture", import.meta.url));
const BUILD_TIMEOUT = 180_000;
const temporaryRoots: string[] = [];

afterAll(() => {
  for (const root of temporaryRoots) rmSync(root, { recursive: true, force: true });
});

/** A copy of the fixture under its own crate name, so editing it never disturbs the real fixture's cache. */
function fixtureCopy(name: string): { crate: string; deploy: string } {
  const root = mkdtempSync(join(tmpdir(), "sbf-build-"));
  temporaryRoots.push(root);
  const crate = join(root, "crate");
  cpSync(FIXTURE_CRATE, crate, { recursive: true });
  const manifest = join(crate, "Cargo.toml");
  writeFileSync(manifest, readFileSync(manifest, "utf8").replace('name = "pipeline_fixture"', `name = "${name}"`));
  const deploy = join(root, "deploy");
  mkdirSync(deploy);
  return { crate, deploy };
}

describe("buildProgram", () => {
  it(
    "rebuilds when a source file changes and keeps the .so when nothing did",
    () => {
      const { crate, deploy } = fixtureCopy("pipeline_fixture_edited");
      const first = buildProgram(crate, deploy);
      expect(first.sharedObjectPath).toBe(join(deploy, "pipeline_fixture_edited.so"));
      expect(buildProgram(crate, deploy).upToDate).toBe(true);

      const source = join(crate, "src/lib.rs");
      writeFileSync(source, readFileSync(source, "utf8").replace('log("fixture: forward")', 'log("fixture: forwards")'));
      const edited = buildProgram(crate, deploy);

      expect(edited.upToDate).toBe(false);
      expect(readFileSync(edited.sharedObjectPath).includes("fixture: forwards")).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it(
    "explains a BPF backend limit, names the function, and keeps rustc's output in compile.log",
    () => {
      const { crate, deploy } = fixtureCopy("pipeline_fixture_wide_multiply");
      const source = join(crate, "src/lib.rs");
      const wideMultiply =
        '\n#[unsafe(no_mangle)]\npub extern "C" fn wide_product(a: u64, b: u64) -> u64 {\n    ((a as u128 * b as u128) >> 64) as u64\n}\n';
      writeFileSync(source, readFileSync(source, "utf8") + wideMultiply);

      expect(() => buildProgram(crate, deploy)).toThrow(/in wide_product: __multi3: a 128-bit multiply/);
      const log = readFileSync(join(BUILD_DIRECTORY, "pipeline_fixture_wide_multiply/compile.log"), "utf8");
      expect(log).toMatch(/^\$ RUSTC_BOOTSTRAP=1 \/usr\/bin\/rustc .*--crate-type staticlib/);
      expect(log).toContain("A call to built-in function '__multi3' is not supported");
      expect(existsSync(join(deploy, "pipeline_fixture_wide_multiply.so"))).toBe(false);
    },
    BUILD_TIMEOUT,
  );
});
