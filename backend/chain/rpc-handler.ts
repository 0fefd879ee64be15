import { z } from "zod";
import type { EmbeddedChain } from "./embedded-chain.ts";
import { RpcError, RpcErrorCode } from "./rpc-error.ts";
import { type RpcMethodOptions, rpcMethods } from "./rpc-methods.ts";

const requestSchema = z.object({
  jsonrpc: z.literal("2.0"),
  method: z.string(),
  params: z.unknown().optional(),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
});

/**
 * Requests one batch may carry. Each runs synchronously on the event loop, so a batch of thousands
 * (airdrops, say) would stall every other request for seconds; @solana/web3.js batches far fewer.
 */
export const MAX_BATCH_REQUESTS = 100;

type RpcId = string | number | null;
export type RpcResponse =
  | { jsonrpc: "2.0"; id: RpcId; result: unknown }
  | { jsonrpc: "2.0"; id: RpcId; error: { code: number; message: string; data?: unknown } };

export type RpcHandler = (body: unknown) => RpcResponse | RpcResponse[] | undefined;

function failure(id: RpcId, error: RpcError): RpcResponse {
  return {
    jsonrpc: "2.0",
    id,
    error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) },
  };
}

/**
 * Answers JSON-RPC 2.0 bodies (one request or a batch) against the chain. Notifications (no id)
 * get no answer; every failure is a JSON-RPC error object, never an exception.
 */
export function createRpcHandler(
  chain: EmbeddedChain,
  options: RpcMethodOptions = {},
  onInternalError?: (error: unknown) => void,
): RpcHandler {
  const methods = rpcMethods(options);

  function answer(raw: unknown): RpcResponse | undefined {
    const request = requestSchema.safeParse(raw);
    if (!request.success) return failure(null, new RpcError(RpcErrorCode.InvalidRequest, "Invalid request"));
    const { method, params, id } = request.data;
    const entry = Object.hasOwn(methods, method) ? methods[method] : undefined;
    let response: RpcResponse;
    if (!entry) {
      response = failure(id ?? null, new RpcError(RpcErrorCode.MethodNotFound, "Method not found"));
    } else {
      const parsed = entry.schema.safeParse(params ?? []);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "params"}: ${issue.message}`).join("; ");
        response = failure(id ?? null, new RpcError(RpcErrorCode.InvalidParams, `Invalid params: ${detail}`));
      } else {
        try {
          response = { jsonrpc: "2.0", id: id ?? null, result: entry.handle(chain, parsed.data) };
        } catch (error) {
          if (!(error instanceof RpcError)) onInternalError?.(error);
          response = failure(
            id ?? null,
            error instanceof RpcError ? error : new RpcError(RpcErrorCode.InternalError, "Internal error"),
          );
        }
      }
    }
    return id === undefined ? undefined : response;
  }

  return (body) => {
    if (!Array.isArray(body)) return answer(body);
    if (body.length === 0) return failure(null, new RpcError(RpcErrorCode.InvalidRequest, "Invalid request"));
    if (body.length > MAX_BATCH_REQUESTS) {
      return failure(null, new RpcError(RpcErrorCode.InvalidRequest, `Batch too large: at most ${MAX_BATCH_REQUESTS} requests`));
    }
    const answers = body.map(answer).filter((response): response is RpcResponse => response !== undefined);
    return answers.length ? answers : undefined;
  };
}

/** Parses raw request text; a body that is not JSON gets the JSON-RPC parse error. */
export function answerRpcText(handler: RpcHandler, text: string): RpcResponse | RpcResponse[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return failure(null, new RpcError(RpcErrorCode.ParseError, "Parse error"));
  }
  return handler(body);
}
