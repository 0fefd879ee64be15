import { parentPort, workerData } from "node:worker_threads";
import { type BackendChainSettings, startBackendChain } from "./backend-chain.ts";
import type { ChainThreadReply, ChainThreadRequest } from "./chain-thread-protocol.ts";
import { answerRpcText, createRpcHandler } from "./rpc-handler.ts";

/**
 * The chain thread: owns the embedded chain and answers the JSON-RPC the main thread forwards
 * (chain-thread.ts), so LiteSVM's execution of a batch never holds up the HTTP event loop.
 */
const port = parentPort;
if (!port) throw new Error("chain-thread-worker.ts runs as a worker thread");
const reply = (message: ChainThreadReply) => port.postMessage(message);
const explain = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

try {
  const onInternalError = (error: unknown) => reply({ internalError: explain(error) });
  const { chain, stop } = startBackendChain(workerData as BackendChainSettings, onInternalError);
  const handler = createRpcHandler(chain, {}, onInternalError);

  port.on("message", (request: ChainThreadRequest) => {
    switch (request.op) {
      case "rpc":
        try {
          const answer = answerRpcText(handler, request.text);
          reply({ id: request.id, text: answer === undefined ? null : JSON.stringify(answer) });
        } catch (error) {
          reply({ id: request.id, failed: explain(error) });
        }
        return;
      case "watch-landed":
        chain.on("landed", ({ signature, slot, err }) => reply({ landed: { signature, slot, err } }));
        return;
      case "close":
        stop();
        reply({ id: request.id, text: null });
        return;
    }
  });
  reply({ ready: true });
} catch (error) {
  reply({ failedToStart: explain(error) });
}
