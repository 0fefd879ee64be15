import { Worker } from "node:worker_threads";

/**
 * A worker thread running the TypeScript module `entry`. The backend runs its TypeScript through tsx,
 * whose loader a worker does not inherit (under tsx or under vitest), so the worker registers it first.
 */
export function typeScriptWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = [
    `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};`,
    "register();",
    `await import(${JSON.stringify(entry.href)});`,
  ].join("\n");
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}
