import { type Request, type Response, Router } from "express";
import type { Distribution } from "../../shared/api/distributions.ts";
import {
  LIVE_COUNTS_EVENT,
  type LiveCountsEvent,
  liveCountsEventSchema,
  liveEventsQuerySchema,
} from "../../shared/api/live-events.ts";
import type { Invalidations } from "../db/invalidations.ts";
import { OpenCounts } from "../http/connection-limits.ts";
import { HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { clientKeyOf } from "../http/rate-limits.ts";

/**
 * Server push of each giveaway's numbers ("12 of 100 left") to the cards on screen: one
 * server-sent-event stream per browser tab (the extension's service worker holds it for every card
 * of the tab), following up to MAX_LIVE_ADDRESSES distributions.
 *
 * A claim accepted here, or paid or failed by a batcher of any instance, is published on the
 * `live-claims` invalidation topic (PostgreSQL NOTIFY between instances); each instance then reads
 * the distribution once and writes it to every stream following it. A sweep every few seconds reads
 * the accepted counts of every followed distribution in one query, so a lost notification costs
 * seconds, not a stale card. Streams are bounded in number, in all and per client; each counts once
 * against the per-IP rate limit when it opens. No stream lives for good: one whose client stops reading
 * is dropped, and every stream ends after a while (the client opens a fresh one).
 */

const TOPIC = "live-claims";

/**
 * Streams one client holds at once. The extension opens one per x.com tab showing a card (one port per
 * tab, extension/background/live-counts-port.ts): room for a few tabs each of a few people behind one
 * NAT, while one host cannot take MAX_LIVE_STREAMS alone.
 */
const DEFAULT_MAX_STREAMS_PER_CLIENT = 16;

export interface LiveEventsOptions {
  status(address: string): Promise<Distribution>;
  acceptedCounts(addresses: readonly string[]): Promise<Map<string, number>>;
  invalidations: Invalidations;
  /** Open streams this instance serves at once; more are refused with 503 until one closes. */
  maxStreams?: number;
  /** Open streams one client holds on this instance (its IP as the per-IP rate limit counts it); more are refused with 429. */
  maxStreamsPerClient?: number;
  /** How often every followed distribution's accepted count is read again. */
  sweepMs?: number;
  /** Notifications for one distribution within this window are read once. */
  coalesceMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream; a client that takes none of three is dropped. */
  heartbeatMs?: number;
  /**
   * A stream ends after this long, and its client opens another (the extension after 5 s): a client that
   * vanished without closing, or does not read, gives its place back even while its buffers have room.
   */
  maxStreamMs?: number;
  onError?(error: unknown): void;
}

interface Stream {
  addresses: ReadonlySet<string>;
  /** What this stream was last sent per distribution: unchanged numbers are not sent again. */
  sent: Map<string, string>;
  write(text: string): void;
}

function deliver(stream: Stream, event: LiveCountsEvent): void {
  const data = JSON.stringify(event);
  if (stream.sent.get(event.address) === data) return;
  stream.sent.set(event.address, data);
  stream.write(`event: ${LIVE_COUNTS_EVENT}\ndata: ${data}\n\n`);
}

export class LiveEvents {
  readonly #streams = new Set<Stream>();
  /** Requests admitted and not closed yet, per client: their streams, and those still reading their first numbers. */
  readonly #clients = new OpenCounts();
  #admitted = 0;
  /** The accepted count last read per followed distribution, for the sweep to spot changes. */
  readonly #accepted = new Map<string, number>();
  readonly #pending = new Set<string>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(private readonly options: LiveEventsOptions) {
    options.invalidations.subscribe(
      TOPIC,
      (address) => this.#schedule(address),
      () => {
        for (const address of this.#followed()) this.#schedule(address);
      },
    );
  }

  get streamCount(): number {
    return this.#streams.size;
  }

  /** Claims of `addresses` were accepted, paid or failed: every instance's streams learn the new numbers. */
  claimsChanged(addresses: Iterable<string>): void {
    for (const address of new Set(addresses)) {
      this.options.invalidations.publish(TOPIC, address).catch((error: unknown) => this.options.onError?.(error));
    }
  }

  /** A batch settled somewhere: read every followed distribution's count now rather than at the next sweep. */
  sweepNow(): void {
    this.#sweep().catch((error: unknown) => this.options.onError?.(error));
  }

  router(openapi: OpenApiRegistry): Router {
    const router = Router();
    openapi.route(
      router,
      {
        method: "get",
        path: "/live/distributions",
        summary: `Server-sent events (event "${LIVE_COUNTS_EVENT}") with each listed distribution's claimed and remaining slots, now and on every change; addresses nobody registered are left out (404 when that is all of them)`,
        request: { query: liveEventsQuerySchema },
        responses: {
          200: {
            description: "a text/event-stream of counts events",
            schema: liveCountsEventSchema,
            contentType: "text/event-stream",
          },
        },
      },
      ({ query }, request, response) => this.#serve(query.addresses, request, response),
    );
    return router;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#flushTimer);
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#streams.clear();
  }

  async #serve(addresses: readonly string[], request: Request, response: Response): Promise<void> {
    const client = clientKeyOf(request);
    const perClient = this.options.maxStreamsPerClient ?? DEFAULT_MAX_STREAMS_PER_CLIENT;
    if (this.#clients.held(client) >= perClient) {
      throw new HttpError(
        429,
        "rate_limited",
        `this IP address already holds ${perClient} live streams, the most one client may; the card keeps its last numbers until one closes`,
      );
    }
    if (this.#stopped || this.#admitted >= (this.options.maxStreams ?? 2_000)) {
      throw new HttpError(503, "rate_limited", "too many live streams are open right now; the card keeps its last numbers");
    }
    // Counted from here, while the first numbers are read, so a burst cannot pass the limits together.
    this.#clients.add(client);
    this.#admitted++;
    let stream: Stream | undefined;
    let closed = false;
    // Once for every outcome: a refusal answered, the client gone while reading, the stream's end.
    response.once("close", () => {
      closed = true;
      this.#clients.release(client);
      this.#admitted--;
      if (stream) this.#streams.delete(stream);
      for (const address of addresses) if (!this.#isFollowed(address)) this.#accepted.delete(address);
      if (this.#streams.size === 0) {
        clearInterval(this.#sweepTimer);
        this.#sweepTimer = undefined;
      }
    });
    // The first numbers, read before the stream opens: the card may have read its own a while ago, and
    // an address nobody registered is not followed. The extension follows every card's link, a card for
    // an unknown link included, so one such link does not cost the tab's other cards their numbers.
    const events = (await Promise.all(addresses.map((address) => this.#read(address)))).filter((event) => event !== undefined);
    if (closed) return;
    if (events.length === 0) throw new HttpError(404, "not_found", "no distribution is registered at any of these addresses");
    stream = this.#open(new Set(events.map((event) => event.address)), response);
    for (const event of events) deliver(stream, event);
  }

  #open(addresses: ReadonlySet<string>, response: Response): Stream {
    const heartbeatMs = this.options.heartbeatMs ?? 20_000;
    // Every heartbeat that leaves resets the socket's idle timer; none leaving for three means the
    // client's buffers are full and it is not reading: its socket goes.
    response.setTimeout(3 * heartbeatMs, () => response.destroy());
    response.status(200).set({
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    });
    response.flushHeaders();
    // After a dropped connection, EventSource-style clients wait this long before reconnecting.
    response.write("retry: 5000\n\n");
    const stream: Stream = { addresses, sent: new Map(), write: (text) => response.write(text) };
    this.#streams.add(stream);
    this.#startSweeping();
    const heartbeat = setInterval(() => response.write(": keep-alive\n\n"), heartbeatMs);
    // An end that cannot be sent (a client not reading) is left to the idle timer above.
    const expiry = setTimeout(() => response.end(), this.options.maxStreamMs ?? 10 * 60_000);
    response.once("close", () => {
      clearInterval(heartbeat);
      clearTimeout(expiry);
    });
    return stream;
  }

  #followed(): Set<string> {
    const addresses = new Set<string>();
    for (const stream of this.#streams) for (const address of stream.addresses) addresses.add(address);
    return addresses;
  }

  #isFollowed(address: string): boolean {
    for (const stream of this.#streams) if (stream.addresses.has(address)) return true;
    return false;
  }

  #startSweeping(): void {
    if (this.#sweepTimer) return;
    this.#sweepTimer = setInterval(() => this.sweepNow(), this.options.sweepMs ?? 5_000);
    this.#sweepTimer.unref?.();
  }

  async #sweep(): Promise<void> {
    const followed = [...this.#followed()];
    if (followed.length === 0) return;
    const counts = await this.options.acceptedCounts(followed);
    for (const address of followed) {
      const known = this.#accepted.get(address);
      if (known !== undefined && known !== (counts.get(address) ?? 0)) this.#schedule(address);
    }
  }

  #schedule(address: string): void {
    if (this.#stopped || !this.#isFollowed(address)) return;
    this.#pending.add(address);
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      const addresses = [...this.#pending];
      this.#pending.clear();
      for (const pending of addresses) this.#broadcast(pending).catch((error: unknown) => this.options.onError?.(error));
    }, this.options.coalesceMs ?? 150);
  }

  async #broadcast(address: string): Promise<void> {
    const event = await this.#read(address);
    if (!event) return;
    for (const stream of this.#streams) if (stream.addresses.has(address)) deliver(stream, event);
  }

  /** The distribution's numbers now; undefined for an address nobody registered. */
  async #read(address: string): Promise<LiveCountsEvent | undefined> {
    const [distribution, counts] = await Promise.all([
      this.options.status(address).catch((error: unknown) => {
        if (error instanceof HttpError && error.status === 404) return undefined;
        throw error;
      }),
      this.options.acceptedCounts([address]),
    ]);
    if (!distribution) return undefined;
    this.#accepted.set(address, counts.get(address) ?? 0);
    return {
      address,
      claimedCount: distribution.claimedCount,
      remaining: distribution.remaining,
      maxClaims: distribution.maxClaims,
      paused: distribution.paused,
      closed: distribution.closed,
    };
  }
}
