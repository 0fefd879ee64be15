import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SbfBuildError } from "../errors.ts";

export interface ProgramCrate {
  directory: string;
  /** The library's crate name (hyphens become underscores, as cargo does). */
  name: string;
  edition: string;
  root: string;
  overflowChecks: boolean;
}

/** Reads a value `key = "…"` or `key = …` inside one `[table]` of a Cargo.toml. */
function tomlValue(manifest: string, table: string, key: string): string | undefined {
  const section = manifest.split(/^\s*\[/m).find((chunk) => chunk.startsWith(`${table}]`));
  const match = section?.match(new RegExp(`^\\s*${key}\\s*=\\s*"?([^"\\n#]+?)"?\\s*(#.*)?$`, "m"));
  return match?.[1]?.trim();
}

/**
 * The few facts about a zero-dependency crate that plain rustc needs. Only `[package]`, `[lib]` and
 * `[profile.release]` are read; a crate with dependencies is refused because rustc alone cannot fetch them.
 */
export function readCrate(directory: string): ProgramCrate {
  const manifestPath = join(directory, "Cargo.toml");
  if (!existsSync(manifestPath)) throw new SbfBuildError(`no Cargo.toml in ${directory}`);
  const manifest = readFileSync(manifestPath, "utf8");
  const packageName = tomlValue(manifest, "package", "name");
  if (!packageName) throw new SbfBuildError(`${manifestPath}: [package] has no name`);
  const dependencies = manifest.split(/^\s*\[/m).find((chunk) => /^dependencies\]/.test(chunk));
  if (dependencies && /^\s*[A-Za-z0-9_-]+\s*=/m.test(dependencies)) {
    throw new SbfBuildError(`${manifestPath}: the offline SBF build compiles zero-dependency crates only`);
  }
  const root = join(directory, tomlValue(manifest, "lib", "path") ?? "src/lib.rs");
  if (!existsSync(root)) throw new SbfBuildError(`${manifestPath}: library root ${root} does not exist`);
  return {
    directory,
    name: (tomlValue(manifest, "lib", "name") ?? packageName).replaceAll("-", "_"),
    edition: tomlValue(manifest, "package", "edition") ?? "2021",
    root,
    overflowChecks: tomlValue(manifest, "profile.release", "overflow-checks") === "true",
  };
}
