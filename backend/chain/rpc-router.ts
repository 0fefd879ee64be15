import express, { type Router } from "express";
import type { EmbeddedChain } from "./embedded-chain.ts";
import { answerRpcText, createRpcHandler } from "./rpc-handler.ts";
import type { RpcMethodOptions } from "./rpc-methods.ts";

/** Large enough for a batch of signed transactions; a validator's own limit is 50 KB per request. */
const MAX_RPC_BODY = "1mb";

/**
 * POST /rpc: the embedded chain as Solana JSON-RPC. The body is read as text so that a body which is
 * not JSON gets the JSON-RPC parse error (-32700), as from a validator, rather than an HTTP 400.
 */
export function createRpcRouter(
  chain: EmbeddedChain,
  options: RpcMethodOptions & { onInternalError?: (error: unknown) => void } = {},
): Router {
  const handler = createRpcHandler(chain, options, options.onInternalError);
  const router = express.Router();
  router.post("/rpc", express.text({ type: () => true, limit: MAX_RPC_BODY }), (request, response) => {
    // An app-wide JSON parser may already have parsed the body; answer either form.
    const answer = typeof request.body === "string" ? answerRpcText(handler, request.body) : handler(request.body);
    if (answer === undefined) response.status(204).end();
    else response.json(answer);
  });
  return router;
}
