import { z } from "zod";
import { isLoopbackHost } from "../production-settings.ts";
import { startChainServer } from "./chain-server.ts";
import { defaultChainPrograms } from "./default-programs.ts";
import { DEFAULT_RPC_REQUESTS_PER_MINUTE } from "./rpc-router.ts";

/**
 * `npm run chain`: the embedded chain alone, a development tool (anyone who reaches it can airdrop
 * SOL), on loopback. Another CHAIN_HOST needs DEV_CHAIN_RPC=any-host, as the backend's /rpc does.
 * Prints one JSON line with its URLs.
 */
const settings = z
  .object({
    CHAIN_PORT: z.coerce.number().int().min(0).max(65535).default(8899),
    CHAIN_HOST: z.string().min(1).default("127.0.0.1"),
    CHAIN_SLOT_MS: z.coerce.number().int().min(1).max(10_000).default(400),
    CHAIN_ALLOW_WARP: z.enum(["0", "1"]).default("0"),
    CHAIN_RPC_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_RPC_REQUESTS_PER_MINUTE),
    DEV_CHAIN_RPC: z.string().optional(),
  })
  .refine((settings) => isLoopbackHost(settings.CHAIN_HOST) || settings.DEV_CHAIN_RPC === "any-host", {
    message: "CHAIN_HOST is not a loopback address: set DEV_CHAIN_RPC=any-host to serve the development chain there",
  })
  .parse(process.env);

const server = await startChainServer({
  host: settings.CHAIN_HOST,
  port: settings.CHAIN_PORT,
  slotMs: settings.CHAIN_SLOT_MS,
  allowWarp: settings.CHAIN_ALLOW_WARP === "1",
  requestsPerMinute: settings.CHAIN_RPC_PER_MINUTE,
  programs: defaultChainPrograms(),
});
console.log(JSON.stringify({ rpcUrl: server.rpcUrl, wsUrl: server.wsUrl }));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void server.close().then(() => process.exit(0)));
