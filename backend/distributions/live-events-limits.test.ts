import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { Keypair } from "@solana/web3.js";
import express from "express";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Distribution } from "../../shared/api/distributions.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { localInvalidations } from "../db/invalidations.ts";
import { errorHandler, notFound } from "../http/errors.ts";
import { OpenApiRegistry } from "../http/openapi.ts";
import { LiveEvents, type LiveEventsOptions } from "./live-events.ts";
import { eventReader } from "./testing/live-event-reader.ts";

const MAX_CLAIMS = 1_000_000_000;

/**
 * The live route on its own, behind one trusted proxy as in production, over distributions held in a
 * map: `claimed` moves a registered distribution's count, an address missing from it is unregistered.
 */
async function startLiveServer(options: Partial<LiveEventsOptions> = {}) {
  const claimed = new Map<string, number>();
  const live = new LiveEvents({
    status: async (address) => {
      const count = claimed.get(address);
      if (count === undefined) throw notFound("no distribution is registered at this address");
      return {
        address,
        claimedCount: count,
        remaining: MAX_CLAIMS - count,
        maxClaims: MAX_CLAIMS,
        paused: false,
        closed: false,
      } as Distribution;
    },
    acceptedCounts: async (addresses) => new Map(addresses.map((address) => [address, claimed.get(address) ?? 0])),
    invalidations: localInvalidations(),
    ...options,
  });
  const app = express();
  app.set("trust proxy", 1);
  app.use(live.router(new OpenApiRegistry()));
  app.use(errorHandler(pino({ level: "silent" })));
  const server: Server = createServer(app);
  // A finished stream's idle socket goes soon after, as the backend's would after its keep-alive time.
  server.keepAliveTimeout = 200;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    live,
    claimed,
    /** A stream request from `client` as the proxy forwards it. */
    open: (addresses: string[], client = "203.0.113.7") =>
      fetch(`${url}/live/distributions?addresses=${addresses.join(",")}`, { headers: { "x-forwarded-for": client } }),
    /** A raw connection that asks for the stream and then reads nothing, as a stalled client would. */
    openUnread: async (addresses: string[]): Promise<Socket> => {
      const socket = connect(port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.on("error", () => {});
      socket.write(`GET /live/distributions?addresses=${addresses.join(",")} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      socket.pause();
      return socket;
    },
    connections: () =>
      new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: () => {
      live.stop();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type LiveServer = Awaited<ReturnType<typeof startLiveServer>>;

const registered = (server: LiveServer, count = 1): string[] =>
  Array.from({ length: count }, () => {
    const address = Keypair.generate().publicKey.toBase58();
    server.claimed.set(address, 0);
    return address;
  });

let running: LiveServer | undefined;
const start = async (options: Partial<LiveEventsOptions> = {}) => {
  running = await startLiveServer(options);
  return running;
};
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("live streams", () => {
  it("holds each client (its IP behind the proxy) to its own number of streams, with a 429, and frees a place when one closes", async () => {
    const server = await start({ maxStreamsPerClient: 2, maxStreams: 10 });
    const [address] = registered(server) as [string];
    const held = [await server.open([address]), await server.open([address])];
    try {
      for (const response of held) expect(response.status).toBe(200);
      const third = await server.open([address]);
      expect(third.status).toBe(429);
      expect(errorBodySchema.parse(await third.json()).error).toMatchObject({
        code: "rate_limited",
        message: expect.stringMatching(/already holds 2 live streams/),
      });
      // Another client behind the same proxy is not held back by the first.
      const other = await server.open([address], "198.51.100.20");
      expect(other.status).toBe(200);
      await other.body?.cancel();
      await held.shift()?.body?.cancel();
      await expect.poll(() => server.live.streamCount).toBe(1);
      const again = await server.open([address]);
      expect(again.status).toBe(200);
      held.push(again);
    } finally {
      for (const response of held) await response.body?.cancel();
    }
  });

  it("refuses, before the stream opens, a list in which no address is a registered distribution, and leaves such addresses out of a list", async () => {
    const server = await start();
    const [address] = registered(server) as [string];
    const unknown = Keypair.generate().publicKey.toBase58();
    const refused = await server.open([unknown]);
    expect(refused.status).toBe(404);
    expect(refused.headers.get("content-type")).toContain("application/json");
    expect(errorBodySchema.parse(await refused.json()).error).toEqual({
      code: "not_found",
      message: "no distribution is registered at any of these addresses",
    });
    expect(server.live.streamCount).toBe(0);
    // The extension follows a card's link before it knows whether anyone registered it: the rest still stream.
    const mixed = await server.open([unknown, address]);
    expect(mixed.status).toBe(200);
    const events = eventReader(mixed);
    try {
      expect(await events.next()).toMatchObject({ address, claimedCount: 0 });
    } finally {
      events.cancel();
    }
  });

  it("ends every stream after maxStreamMs, one whose client reads nothing included", async () => {
    const server = await start({ maxStreamMs: 300, heartbeatMs: 60_000 });
    const [address] = registered(server) as [string];
    const read = await server.open([address]);
    expect(read.status).toBe(200);
    // The body ends (rather than hang): the extension then opens a fresh stream.
    expect(await read.text()).toContain("event: counts");
    const unread = await server.openUnread([address]);
    try {
      await expect.poll(() => server.live.streamCount).toBe(1);
      await expect.poll(() => server.live.streamCount, { timeout: 5_000 }).toBe(0);
      await expect.poll(() => server.connections(), { timeout: 5_000 }).toBe(0);
    } finally {
      unread.destroy();
    }
  });

  it("drops a stream whose client stops reading once what it is sent can no longer leave", async () => {
    const server = await start({ heartbeatMs: 100, coalesceMs: 0 });
    const addresses = registered(server, 50);
    const unread = await server.openUnread(addresses);
    // Every distribution's count moves as fast as the stream sends it, until the socket's buffers are full.
    const busy = setInterval(() => {
      for (const address of addresses) server.claimed.set(address, (server.claimed.get(address) ?? 0) + 1);
      server.live.claimsChanged(addresses);
    }, 1);
    try {
      await expect.poll(() => server.live.streamCount).toBe(1);
      await expect.poll(() => server.live.streamCount, { timeout: 20_000, interval: 100 }).toBe(0);
      await expect.poll(() => server.connections(), { timeout: 5_000 }).toBe(0);
    } finally {
      clearInterval(busy);
      unread.destroy();
    }
  }, 30_000);
});
