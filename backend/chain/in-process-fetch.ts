import { Connection } from "@solana/web3.js";
import type { EmbeddedChain } from "./embedded-chain.ts";
import { answerRpcText, createRpcHandler } from "./rpc-handler.ts";
import type { RpcMethodOptions } from "./rpc-methods.ts";

/** The URL Connection is given for the embedded chain; no request ever leaves the process. */
export const IN_PROCESS_RPC_URL = "http://embedded.chain.invalid/rpc";

/**
 * Answers JSON-RPC request text with the response text: undefined when the request held only
 * notifications. The one interface to the embedded chain's RPC, on this thread or its own.
 */
export type RpcTextAnswerer = (text: string) => Promise<string | undefined>;

/** The chain's JSON-RPC answered on the calling thread. */
export function rpcAnswerer(
  chain: EmbeddedChain,
  options: RpcMethodOptions = {},
  onInternalError?: (error: unknown) => void,
): RpcTextAnswerer {
  const handler = createRpcHandler(chain, options, onInternalError);
  return async (text) => {
    const answer = answerRpcText(handler, text);
    return answer === undefined ? undefined : JSON.stringify(answer);
  };
}

/** A fetch for Connection that hands JSON-RPC to `answer`: the same code path as POST /rpc without a socket. */
export function answererFetch(answer: RpcTextAnswerer): typeof fetch {
  return async (_input, init) =>
    new Response((await answer(typeof init?.body === "string" ? init.body : "")) ?? "null", {
      status: 200,
      headers: { "content-type": "application/json" },
    });
}

export function answererConnection(answer: RpcTextAnswerer): Connection {
  return new Connection(IN_PROCESS_RPC_URL, {
    commitment: "confirmed",
    fetch: answererFetch(answer),
    disableRetryOnRateLimit: true,
  });
}

/** For the backend's own use of a chain on its thread (tests, the demo), and for clients under test. */
export function inProcessFetch(chain: EmbeddedChain): typeof fetch {
  return answererFetch(rpcAnswerer(chain));
}

export function inProcessConnection(chain: EmbeddedChain): Connection {
  return answererConnection(rpcAnswerer(chain));
}
