import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { type ConnectionLimits, createLimitedServer, DEFAULT_CONNECTION_LIMITS } from "../http/connection-limits.ts";
import type { LandedSummary } from "./embedded-chain.ts";
import { RpcErrorCode } from "./rpc-error.ts";

const subscriptionRequestSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.string(), z.number()]),
  method: z.string(),
  params: z.array(z.unknown()).default([]),
});

/** Largest message a client may send; a subscription request is well under 1 KB (`ws` would take 100 MiB). */
export const MAX_SUBSCRIPTION_MESSAGE_BYTES = 16 * 1024;
/** Open subscriptions per socket; confirmTransaction holds one per transaction in flight. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 256;

/** Where transactions are heard landing: the chain itself, or the chain thread's mirror of it. */
export interface LandedFeed {
  on(event: "landed", listener: (landed: LandedSummary) => void): unknown;
  off(event: "landed", listener: (landed: LandedSummary) => void): unknown;
  status(signature: string): LandedSummary | undefined;
}

interface Watcher {
  socket: WebSocket;
  subscription: number;
}

/**
 * The websocket half of the RPC: signatureSubscribe, which Connection.confirmTransaction waits on
 * (it asks getSignatureStatuses only once the subscription is acknowledged). Attach it to the HTTP
 * server that serves /rpc and tell clients the URL with Connection's `wsEndpoint`, or give it a
 * server of its own on port + 1, where Connection looks by default, as with a validator. Messages
 * are capped at MAX_SUBSCRIPTION_MESSAGE_BYTES and each socket at MAX_SUBSCRIPTIONS_PER_SOCKET
 * subscriptions, so one client cannot hold unbounded memory with signatures that never land.
 */
export function serveRpcSubscriptions(chain: LandedFeed, server: Server, options: { path?: string } = {}): { close(): void } {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_SUBSCRIPTION_MESSAGE_BYTES });
  const watchers = new Map<string, Watcher[]>();
  /** Each socket's open subscriptions: subscription id → signature. */
  const subscriptionsOf = new Map<WebSocket, Map<number, string>>();
  let nextSubscription = 1;

  function notify(watcher: Watcher, landed: LandedSummary): void {
    watcher.socket.send(
      JSON.stringify({
        jsonrpc: "2.0",
        method: "signatureNotification",
        params: { result: { context: { slot: landed.slot }, value: { err: landed.err } }, subscription: watcher.subscription },
      }),
    );
  }

  const onLanded = (landed: LandedSummary) => {
    const waiting = watchers.get(landed.signature);
    if (!waiting) return;
    watchers.delete(landed.signature);
    for (const watcher of waiting) {
      subscriptionsOf.get(watcher.socket)?.delete(watcher.subscription);
      notify(watcher, landed);
    }
  };
  chain.on("landed", onLanded);

  function unsubscribe(socket: WebSocket, subscription: number): boolean {
    const signature = subscriptionsOf.get(socket)?.get(subscription);
    if (signature === undefined) return false;
    subscriptionsOf.get(socket)?.delete(subscription);
    const kept = (watchers.get(signature) ?? []).filter((watcher) => watcher.subscription !== subscription);
    if (kept.length) watchers.set(signature, kept);
    else watchers.delete(signature);
    return true;
  }

  sockets.on("connection", (socket) => {
    const open = new Map<number, string>();
    subscriptionsOf.set(socket, open);
    // An oversized frame closes the socket (1009); without a listener `ws` would throw the error.
    socket.on("error", () => socket.terminate());
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
        if (open.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          reply({
            error: {
              code: RpcErrorCode.InvalidRequest,
              message: `Too many subscriptions: at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} per connection`,
            },
          });
          return;
        }
        const signature = parsed.params[0];
        const watcher = { socket, subscription: nextSubscription++ };
        reply({ result: watcher.subscription });
        const landed = chain.status(signature);
        if (landed) {
          notify(watcher, landed);
          return;
        }
        open.set(watcher.subscription, signature);
        watchers.set(signature, [...(watchers.get(signature) ?? []), watcher]);
      } else if (parsed.method === "signatureUnsubscribe" && typeof parsed.params[0] === "number") {
        reply({ result: unsubscribe(socket, parsed.params[0]) });
      } else if (parsed.method === "signatureSubscribe" || parsed.method === "signatureUnsubscribe") {
        reply({ error: { code: RpcErrorCode.InvalidParams, message: "Invalid params" } });
      } else {
        reply({ error: { code: RpcErrorCode.MethodNotFound, message: "Method not found" } });
      }
    });
    socket.on("close", () => {
      for (const subscription of [...open.keys()]) unsubscribe(socket, subscription);
      subscriptionsOf.delete(socket);
    });
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
  chain: LandedFeed,
  port: number,
  host = "127.0.0.1",
  limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
): Promise<{ close(): Promise<void> }> {
  const server = createLimitedServer(limits, {}, (_request, response) => {
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
