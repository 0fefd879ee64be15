import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCrate } from "./crate.ts";

function crateWith(manifest: string, libraryPath = "src/lib.rs"): string {
  const directory = mkdtempSync(join(tmpdir(), "sbf-crate-"));
  writeFileSync(join(directory, "Cargo.toml"), manifest);
  mkdirSync(join(directory, libraryPath, ".."), { recursive: true });
  writeFileSync(join(directory, libraryPath), "#![no_std]\n");
  return directory;
}

describe("readCrate", () => {
  it("takes the crate name, edition and release overflow checks from Cargo.toml", () => {
    const directory = crateWith(
      '[package]\nname = "memefans-distribution" # the program\nedition = "2024"\n\n[dependencies]\n\n[profile.release]\noverflow-checks = true\n',
    );
    expect(readCrate(directory)).toEqual({
      directory,
      name: "memefans_distribution",
      edition: "2024",
      root: join(directory, "src/lib.rs"),
      overflowChecks: true,
    });
  });

  it("honours [lib] name and path, and defaults to edition 2021 without overflow checks", () => {
    const directory = crateWith(
      '[package]\nname = "outer"\n\n[lib]\nname = "inner"\npath = "program/main.rs"\n',
      "program/main.rs",
    );
    expect(readCrate(directory)).toMatchObject({
      name: "inner",
      edition: "2021",
      root: join(directory, "program/main.rs"),
      overflowChecks: false,
    });
  });

  it("refuses crates with dependencies, which plain rustc cannot fetch", () => {
    const directory = crateWith('[package]\nname = "needy"\n\n[dependencies]\nsolana-program = "2"\n');
    expect(() => readCrate(directory)).toThrow("the offline SBF build compiles zero-dependency crates only");
  });

  it("says what is missing", () => {
    expect(() => readCrate(mkdtempSync(join(tmpdir(), "sbf-empty-")))).toThrow(/no Cargo\.toml in/);
    const noLibrary = crateWith('[package]\nname = "x"\n', "src/main.rs");
    expect(() => readCrate(noLibrary)).toThrow(/library root .*src\/lib\.rs does not exist/);
  });
});
