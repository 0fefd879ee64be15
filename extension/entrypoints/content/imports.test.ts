import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The content script loads on every x.com page. Solana's libraries are a fifth of it when they get
 * in (a program id imported from a module that also builds a PublicKey did it once: 230 KB → 296 KB
 * gzip); they belong in create-transaction.js, which the create dialog loads when a creator signs.
 */
const KEPT_OUT = ["@solana/web3.js", "@solana/spl-token", "@solana/kit"];

const entry = fileURLToPath(new URL("./index.tsx", import.meta.url));

/** Static imports and re-exports that leave code in the bundle: `import type` and type-only braces do not. */
const importStatement = /^\s*(?:import|export)\s+(?!type\s)(?:([^"';]*?)\s*from\s*)?["']([^"']+)["']/gm;

/** `import.meta.glob([...patterns], …)`: the feature registry imports every feature file this way. */
const globCall = /import\.meta\.glob(?:<[^(]*>)?\(\s*(\[[^\]]*\]|"[^"]*")/g;

/** The files a glob's patterns name (one folder, `*` wildcards, `!` excludes), as Vite expands them. */
function globbed(file: string, patterns: string[]): string[] {
  const matcher = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/^!/, "")
        .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
        .replaceAll("*", "[^/]*")}$`,
    );
  const included = patterns.filter((pattern) => !pattern.startsWith("!")).map(matcher);
  const excluded = patterns.filter((pattern) => pattern.startsWith("!")).map(matcher);
  const folder = dirname(file);
  return readdirSync(folder)
    .map((name) => `./${name}`)
    .filter((path) => included.some((re) => re.test(path)) && !excluded.some((re) => re.test(path)))
    .map((path) => resolve(folder, path));
}

function typeOnly(clause: string | undefined): boolean {
  const braces = clause?.trim().match(/^\{([^}]*)\}$/);
  return Boolean(braces?.[1]?.split(",").every((name) => name.trim() === "" || name.trim().startsWith("type ")));
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/** Every npm package the file imports, directly or through our own modules (globs included), with the module that imports it. */
function packagesReachedFrom(start: string): Map<string, string> {
  const packages = new Map<string, string>();
  const visited = new Set<string>();
  const queue = [start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (visited.has(file)) continue;
    visited.add(file);
    const source = readFileSync(file, "utf8");
    for (const [, patterns = ""] of source.matchAll(globCall)) {
      queue.push(
        ...globbed(
          file,
          [...patterns.matchAll(/"([^"]+)"/g)].map(([, pattern = ""]) => pattern),
        ),
      );
    }
    for (const [, clause, specifier = ""] of source.matchAll(importStatement)) {
      if (typeOnly(clause)) continue;
      if (specifier.startsWith(".")) {
        // Our modules import with their extension; CSS and other assets (style.css?inline) hold no imports.
        if (/\.tsx?$/.test(specifier)) queue.push(resolve(dirname(file), specifier));
      } else if (!packages.has(packageOf(specifier))) {
        packages.set(packageOf(specifier), file);
      }
    }
  }
  return packages;
}

describe("the x.com content script", () => {
  it("imports no Solana library, however deep in our modules", () => {
    const packages = packagesReachedFrom(entry);
    // The walk reaches the card's rendering: it follows our modules, not only the entry's own lines.
    expect(packages.has("react-dom")).toBe(true);
    expect(packages.has("@reduxjs/toolkit")).toBe(true);
    const solana = KEPT_OUT.filter((name) => packages.has(name)).map((name) => `${name} (from ${packages.get(name)})`);
    expect(solana).toEqual([]);
  });

  it("sees a Solana import behind our modules (the check can fail)", () => {
    // ids.ts builds a PublicKey; shared/program/index.ts re-exports it.
    const packages = packagesReachedFrom(fileURLToPath(new URL("../../../shared/program/index.ts", import.meta.url)));
    expect(packages.has("@solana/web3.js")).toBe(true);
  });
});
