import { createServer, type RequestListener, type Server, type ServerOptions } from "node:http";

export interface ConnectionLimits {
  /** Time a client has to send a request's headers. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included. */
  requestTimeoutMs: number;
  /** Open connections one socket address may hold at once; 0: no cap (behind a reverse proxy, see config.ts). */
  maxConnectionsPerAddress: number;
}

/** Limits for servers that name none (the stand-alone chain); the backend reads its own from the configuration. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnectionsPerAddress: 256,
};

/**
 * Options for http.createServer that close connections whose headers or request are still coming
 * after the limits. Node checks the deadlines only every connectionsCheckingInterval (30 s by
 * default), so a slow client could hold a socket that much longer; the check runs every second here.
 */
function timeoutServerOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  };
}

/** What each key (a client's address) holds open: connections here, live streams in live-events.ts. */
export class OpenCounts {
  readonly #open = new Map<string, number>();

  held(key: string): number {
    return this.#open.get(key) ?? 0;
  }

  add(key: string): void {
    this.#open.set(key, this.held(key) + 1);
  }

  release(key: string): void {
    const left = this.held(key) - 1;
    if (left > 0) this.#open.set(key, left);
    else this.#open.delete(key);
  }
}

/**
 * Destroys each new connection from an address that already holds `max` open ones, before it is
 * read, so one host cannot exhaust the server's sockets with idle or half-sent requests. Counted by
 * the socket's remote address: behind a reverse proxy every client shares the proxy's, so there the
 * backend leaves it off (config.ts) and the proxy caps each client.
 */
function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new OpenCounts();
  server.on("connection", (socket) => {
    const address = socket.remoteAddress ?? "unknown";
    if (open.held(address) >= max) {
      socket.destroy();
      return;
    }
    open.add(address);
    socket.once("close", () => open.release(address));
  });
}

/** http.createServer with both limits applied (the per-address cap unless it is 0). */
export function createLimitedServer(limits: ConnectionLimits, options: ServerOptions, listener: RequestListener): Server {
  const server = createServer({ ...options, ...timeoutServerOptions(limits) }, listener);
  if (limits.maxConnectionsPerAddress > 0) capConnectionsPerAddress(server, limits.maxConnectionsPerAddress);
  return server;
}

/** The limits a backend configuration names. */
export function connectionLimitsOf(config: {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  MAX_CONNECTIONS_PER_ADDRESS: number;
}): ConnectionLimits {
  return {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
  };
}
