import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import type { EmbeddedChain, LandedTransaction } from "./embedded-chain.ts";
import { RpcErrorCode } from "./rpc-error.ts";

const subscriptionRequestSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.string(), z.number()]),
  method: z.string(),
  params: z.array(z.unknown()).default([]),
});

interface Watcher {
  socket: WebSocket;
  subscription: number;
}

/**
 * The websocket half of the RPC: signatureSubscribe, which Connection.confirmTransaction waits on
 * (it asks getSignatureStatuses only once the subscription is acknowledged). Attach it to the HTTP
 * server that serves /rpc and tell clients the URL with Connection's `wsEndpoint`, or give it a
 * server of its own on port + 1, where Connection looks by default, as with a validator.
 */
export function serveRpcSubscriptions(chain: EmbeddedChain, server: Server, options: { path?: string } = {}): { close(): void } {
  const sockets = new WebSocketServer({ noServer: true });
  const watchers = new Map<string, Watcher[]>();
  let nextSubscription = 1;

  function notify(watcher: Watcher, landed: Pick<LandedTransaction, "slot" | "err">): void {
    watcher.socket.send(
      JSON.stringify({
        jsonrpc: "2.0",
        method: "signatureNotification",
        params: { result: { context: { slot: landed.slot }, value: { err: landed.err } }, subscription: watcher.subscription },
      }),
    );
  }

  const onLanded = (landed: LandedTransaction) => {
    const waiting = watchers.get(landed.signature);
    if (!waiting) return;
    watchers.delete(landed.signature);
    for (const watcher of waiting) notify(watcher, landed);
  };
  chain.on("landed", onLanded);

  function unsubscribe(socket: WebSocket, subscription?: number): boolean {
    let removed = false;
    for (const [signature, waiting] of watchers) {
      const kept = waiting.filter(
        (watcher) => !(watcher.socket === socket && (subscription === undefined || watcher.subscription === subscription)),
      );
      removed ||= kept.length !== waiting.length;
      if (kept.length) watchers.set(signature, kept);
      else watchers.delete(signature);
    }
    return removed;
  }

  sockets.on("connection", (socket) => {
    socket.on("message", (data) => {
      let parsed: z.infer<typeof subscriptionRequestSchema>;
      try {
        const result = subscriptionRequestSchema.safeParse(JSON.parse(data.toString()));
        // Messages without an id are notifications, such as Connection's keep-alive "ping".
        if (!result.success) return;
        parsed = result.data;
      } catch {
        socket.send(
          JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: RpcErrorCode.ParseError, message: "Parse error" } }),
        );
        return;
      }
      const reply = (body: object) => socket.send(JSON.stringify({ jsonrpc: "2.0", id: parsed.id, ...body }));
      if (parsed.method === "signatureSubscribe" && typeof parsed.params[0] === "string") {
        const signature = parsed.params[0];
        const watcher = { socket, subscription: nextSubscription++ };
        reply({ result: watcher.subscription });
        const landed = chain.status(signature);
        if (landed) notify(watcher, landed);
        else watchers.set(signature, [...(watchers.get(signature) ?? []), watcher]);
      } else if (parsed.method === "signatureUnsubscribe" && typeof parsed.params[0] === "number") {
        reply({ result: unsubscribe(socket, parsed.params[0]) });
      } else if (parsed.method === "signatureSubscribe" || parsed.method === "signatureUnsubscribe") {
        reply({ error: { code: RpcErrorCode.InvalidParams, message: "Invalid params" } });
      } else {
        reply({ error: { code: RpcErrorCode.MethodNotFound, message: "Method not found" } });
      }
    });
    socket.on("close", () => unsubscribe(socket));
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (options.path !== undefined && path !== options.path) return;
    sockets.handleUpgrade(request, socket, head, (client) => sockets.emit("connection", client, request));
  };
  server.on("upgrade", onUpgrade);

  return {
    close() {
      server.off("upgrade", onUpgrade);
      chain.off("landed", onLanded);
      for (const client of sockets.clients) client.terminate();
      sockets.close();
    },
  };
}

/**
 * The subscriptions on a port of their own: Connection, given only the HTTP URL, looks for the
 * websocket on the HTTP port + 1 (a validator's convention), so this makes confirmTransaction work
 * for clients that set no `wsEndpoint`.
 */
export async function listenRpcSubscriptions(
  chain: EmbeddedChain,
  port: number,
  host = "127.0.0.1",
): Promise<{ close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(426, { "content-type": "text/plain" }).end("this port serves Solana RPC subscriptions over websocket");
  });
  const subscriptions = serveRpcSubscriptions(chain, server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    async close() {
      subscriptions.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
