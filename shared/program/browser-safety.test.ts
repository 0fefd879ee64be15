import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { describe, expect, it } from "vitest";

// The extension bundles this client for the browser; "buffer" is the npm package there, as web3.js uses it.
const nodeOnly = new Set(builtinModules.filter((name) => name !== "buffer"));

describe("the program client", () => {
  it("imports no Node-only module outside its tests", () => {
    const directory = new URL(".", import.meta.url);
    const sources = readdirSync(directory).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) {
      const text = readFileSync(new URL(file, directory), "utf8");
      for (const [, specifier = ""] of text.matchAll(/from "([^"]+)"/g)) {
        expect(specifier.startsWith("node:") || nodeOnly.has(specifier), `${file} imports ${specifier}`).toBe(false);
      }
    }
  });
});
