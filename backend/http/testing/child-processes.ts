import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** Runs a TypeScript entry point of this repository (e.g. backend/main.ts) as its own process; stdout is piped. */
export function startScript(script: string, environment: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, ...environment },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** The first stdout line that `match` accepts (returns something for); fails when the process exits first. */
export async function lineOf<T>(child: ChildProcess, match: (line: string) => T | undefined): Promise<T> {
  let buffered = "";
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    buffered += chunk.toString();
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const found = match(buffered.slice(0, newline));
      if (found !== undefined) return found;
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
  throw new Error(`process ${child.pid} exited before it was ready`);
}
