import type { AddressInfo } from "node:net";
import express from "express";
import { createLimitedServer, DEFAULT_CONNECTION_LIMITS } from "../http/connection-limits.ts";
import { type ChainProgram, EmbeddedChain } from "./embedded-chain.ts";
import { rpcAnswerer } from "./in-process-fetch.ts";
import { createRpcRouter } from "./rpc-router.ts";
import { serveRpcSubscriptions } from "./rpc-subscriptions.ts";

export interface ChainServerOptions {
  host?: string;
  port?: number;
  slotMs?: number;
  programs: ChainProgram[];
  allowWarp?: boolean;
  /** Requests per client IP per minute to /rpc. */
  requestsPerMinute?: number;
}

export interface RunningChainServer {
  chain: EmbeddedChain;
  /** POST JSON-RPC here; the websocket (signatureSubscribe) answers on the same URL. */
  rpcUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * The embedded chain on its own, as a validator stand-in: HTTP JSON-RPC and websocket subscriptions
 * on one port, with the same limits as the backend's development /rpc (rate, batch size, message size,
 * subscriptions per socket, connections per address). Used when the chain must outlive the backend process (the crash test) and for running
 * the extension or scripts against a local chain.
 */
export async function startChainServer(options: ChainServerOptions): Promise<RunningChainServer> {
  const chain = new EmbeddedChain({ programs: options.programs, ...(options.slotMs ? { slotMs: options.slotMs } : {}) });
  const app = express();
  app.disable("x-powered-by");
  app.use(
    createRpcRouter(
      rpcAnswerer(chain, { allowWarp: options.allowWarp ?? false }),
      options.requestsPerMinute ? { requestsPerMinute: options.requestsPerMinute } : {},
    ),
  );
  const server = createLimitedServer(DEFAULT_CONNECTION_LIMITS, {}, app);
  const subscriptions = serveRpcSubscriptions(chain, server, { path: "/rpc" });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    chain,
    rpcUrl: `http://${address}:${port}/rpc`,
    wsUrl: `ws://${address}:${port}/rpc`,
    async close() {
      subscriptions.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
