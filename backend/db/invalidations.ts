import pg from "pg";
import type { Database } from "./database.ts";

/** The one PostgreSQL channel every instance listens on; payloads name the cache (topic) and the key. */
const CHANNEL = "memefans_cache_invalidations";
const RECONNECT_MS = 1_000;

/**
 * Keeps per-instance caches coherent across instances: a change published by one instance makes
 * every instance (itself included) drop the key, within a network round trip. The caches stay in
 * memory, so reads cost nothing more than before.
 */
export interface Invalidations {
  publish(topic: string, key: string): Promise<void>;
  /** `onKey` for each key published on `topic`; `onGap` when notifications may have been lost (a reconnect): drop everything. */
  subscribe(topic: string, onKey: (key: string) => void, onGap: () => void): void;
  close(): Promise<void>;
}

interface Subscriber {
  topic: string;
  onKey: (key: string) => void;
  onGap: () => void;
}

function dispatch(subscribers: Subscriber[], topic: string, key: string): void {
  for (const subscriber of subscribers) if (subscriber.topic === topic) subscriber.onKey(key);
}

/** One process (PGlite): publishing is calling the subscribers. */
export function localInvalidations(): Invalidations {
  const subscribers: Subscriber[] = [];
  return {
    async publish(topic, key) {
      dispatch(subscribers, topic, key);
    },
    subscribe(topic, onKey, onGap) {
      subscribers.push({ topic, onKey, onGap });
    },
    async close() {},
  };
}

/**
 * Instances on one PostgreSQL server: NOTIFY through `database`, LISTEN on a connection of its own.
 * A lost listening connection drops every subscribed cache (notifications sent meanwhile are gone)
 * and reconnects every RECONNECT_MS until it is back.
 */
export async function postgresInvalidations(
  database: Database,
  connectionString: string,
  onError: (error: unknown) => void,
): Promise<Invalidations> {
  const subscribers: Subscriber[] = [];
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const listen = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const separator = message.payload.indexOf(":");
      if (separator > 0) dispatch(subscribers, message.payload.slice(0, separator), message.payload.slice(separator + 1));
    });
    next.on("error", (error) => {
      onError(error);
      lost(next);
    });
    next.on("end", () => lost(next));
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    client = next;
  };
  const lost = (which: pg.Client) => {
    if (client !== which || closed) return;
    client = undefined;
    for (const subscriber of subscribers) subscriber.onGap();
    which.end().catch(() => {});
    const attempt = () => {
      retry = setTimeout(() => {
        if (closed) return;
        listen().then(
          () => {
            for (const subscriber of subscribers) subscriber.onGap();
          },
          (error: unknown) => {
            onError(error);
            attempt();
          },
        );
      }, RECONNECT_MS);
      retry.unref();
    };
    attempt();
  };

  await listen();
  return {
    async publish(topic, key) {
      await database.query("SELECT pg_notify($1, $2)", [CHANNEL, `${topic}:${key}`]);
    },
    subscribe(topic, onKey, onGap) {
      subscribers.push({ topic, onKey, onGap });
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end();
    },
  };
}
