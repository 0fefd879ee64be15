import { Connection } from "@solana/web3.js";
import type { EmbeddedChain } from "./embedded-chain.ts";
import { answerRpcText, createRpcHandler } from "./rpc-handler.ts";

/** The URL Connection is given for the in-process chain; no request ever leaves the process. */
export const IN_PROCESS_RPC_URL = "http://embedded.chain.invalid/rpc";

/**
 * A fetch for Connection that answers JSON-RPC straight from the chain's handler: the same code
 * path as POST /rpc without a socket, for the backend's own use of its embedded chain.
 */
export function inProcessFetch(chain: EmbeddedChain): typeof fetch {
  const handler = createRpcHandler(chain);
  return async (_input, init) => {
    const answer = answerRpcText(handler, typeof init?.body === "string" ? init.body : "");
    return new Response(JSON.stringify(answer ?? null), { status: 200, headers: { "content-type": "application/json" } });
  };
}

export function inProcessConnection(chain: EmbeddedChain): Connection {
  return new Connection(IN_PROCESS_RPC_URL, {
    commitment: "confirmed",
    fetch: inProcessFetch(chain),
    disableRetryOnRateLimit: true,
  });
}
