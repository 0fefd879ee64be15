import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export function sha256Hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) {
    hash.update(typeof part === "string" ? `${part.length}:${part}` : part);
  }
  return hash.digest("hex");
}

/** Every file under `directory` that `include` accepts, sorted, as "relative path + contents" in one hash. */
export function hashTree(directory: string, include: (name: string) => boolean = () => true): string {
  const hash = createHash("sha256");
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      if (!include(name)) continue;
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${relative(directory, path)}\0`).update(readFileSync(path));
    }
  };
  walk(directory);
  return hash.digest("hex");
}
