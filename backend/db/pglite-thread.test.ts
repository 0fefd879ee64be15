import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { openPgliteDatabase, PgliteThread } from "./pglite-database.ts";

describe("the PGlite thread", () => {
  it("runs SQL off the calling thread: timers keep firing during a slow statement", async () => {
    const database = await openPgliteDatabase();
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const startedAt = performance.now();
      await database.query("SELECT pg_sleep(0.4)");
      clearInterval(timer);
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(390);
      // On the calling thread the sleep would hold the event loop: no tick at all until it ended.
      expect(ticks).toBeGreaterThanOrEqual(10);
    } finally {
      await database.close();
    }
  });

  it("rejects a waiting call, and every later one, when the thread dies", async () => {
    const dying = new Worker(
      `const { parentPort } = require("node:worker_threads");
       parentPort.postMessage({ ready: true });
       parentPort.on("message", () => process.exit(7));`,
      { eval: true },
    );
    const thread = new PgliteThread(dying);
    await thread.ready;
    await expect(thread.call({ op: "query", sql: "SELECT 1" })).rejects.toThrow("the database thread stopped (exit code 7)");
    await expect(thread.call({ op: "query", sql: "SELECT 1" })).rejects.toThrow("the database thread stopped (exit code 7)");
  });

  it("reports a thread that cannot open the database", async () => {
    const failing = new Worker(
      `require("node:worker_threads").parentPort.postMessage({ failedToOpen: { name: "Error", message: "disk full", fields: { code: "53100" } } });`,
      { eval: true },
    );
    await expect(new PgliteThread(failing).ready).rejects.toMatchObject({ message: "disk full", code: "53100" });
    await failing.terminate();
  });
});
