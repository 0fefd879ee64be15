import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimsPlugin } from "../../backend/claims/claims-plugin.ts";
import { claimsBatcherService } from "../../backend/claims/claims-service.ts";
import { readConfig } from "../../backend/config.ts";
import { freePort } from "../../backend/http/testing/free-port.ts";
import { type RunningBackend, startBackend } from "../../backend/start-backend.ts";

export interface DemoBackend extends RunningBackend {
  dataDir: string;
  /**
   * Moves the backend's clock forward, as if that much time had passed: the requirement cache keeps
   * an unmet result for 30 s, and a story should not sit through it after a fan fixes one.
   */
  advanceClock(milliseconds: number): void;
}

/**
 * The backend as `npm start` runs it with DEV_CHAIN_RPC=1 (PGlite, the embedded chain with the program served at /rpc, the seeded X API
 * emulator, the claim routes and the batcher), in this process, on a free port, over a throwaway
 * DATA_DIR. In this process so the story can move the embedded chain's clock (chain.warp).
 * The port is chosen first because PUBLIC_URL, the base of every distribution link, names it.
 */
export async function startDemoBackend(options: { logLevel?: string } = {}): Promise<DemoBackend> {
  const dataDir = mkdtempSync(join(tmpdir(), "memefans-demo-"));
  const config = readConfig({
    PORT: String(await freePort()),
    DATA_DIR: dataDir,
    LOG_LEVEL: options.logLevel ?? "warn",
    // The story's wallets are funded and read through the chain's development RPC.
    DEV_CHAIN_RPC: "1",
  });
  let skewMs = 0;
  const backend = await startBackend(config, {
    now: () => Date.now() + skewMs,
    plugins: [claimsPlugin],
    background: [claimsBatcherService({ idleMs: 200 })],
    // The story moves the chain's clock and funds wallets on it directly.
    embeddedChainOn: "main-thread",
  });
  if (!backend.chain) throw new Error("the demo needs the embedded chain");
  const stopBackend = backend.close;
  return Object.assign(backend, {
    dataDir,
    advanceClock: (milliseconds: number) => {
      skewMs += milliseconds;
    },
    close: async () => {
      await stopBackend();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  });
}
