import { createServer, type RequestListener, type Server, type ServerOptions } from "node:http";

export interface ConnectionLimits {
  /** Time a client has to send a request's headers. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included. */
  requestTimeoutMs: number;
  /** Open connections one remote address may hold at once. */
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

/**
 * Destroys each new connection from an address that already holds `max` open ones, before it is
 * read, so one host cannot exhaust the server's sockets with idle or half-sent requests. Counted by
 * the socket's remote address: behind a reverse proxy every client shares the proxy's.
 */
function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/** http.createServer with both limits applied. */
export function createLimitedServer(limits: ConnectionLimits, options: ServerOptions, listener: RequestListener): Server {
  const server = createServer({ ...options, ...timeoutServerOptions(limits) }, listener);
  capConnectionsPerAddress(server, limits.maxConnectionsPerAddress);
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
