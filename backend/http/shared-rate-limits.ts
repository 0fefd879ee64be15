import { Coalescer } from "../db/coalescer.ts";
import type { Database } from "../db/database.ts";
import type { RateCounter, RateDecision } from "./rate-limits.ts";

/** A lease is this fraction of the limit: few round trips per key, and little left unused in an idle instance. */
const LEASE_FRACTION = 16;

interface LeaseRequest {
  key: string;
  windowStart: number;
  capacity: number;
  lease: number;
}

interface LeaseGrant {
  grant: number;
  /** Tokens handed out for this key and window over all instances, this grant included. */
  granted: number;
}

interface KeyState {
  windowStart: number;
  /** Tokens this instance holds and has not spent; -1 while the first request's token is on credit. */
  left: number;
  /** The shared window's total as last seen; equal to the capacity once every token is handed out. */
  granted: number;
  pending?: Promise<void>;
}

/** A stable offset in [0, windowMs) per key, so windows of different keys do not all end at once. */
function offsetOf(key: string, windowMs: number): number {
  let hash = 2_166_136_261;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 16_777_619);
  return (hash >>> 0) % windowMs;
}

/**
 * Hits per key counted in PostgreSQL, shared by every instance: each instance leases a slice of a
 * key's window (one upsert for all keys that need one in the same event-loop turn) and admits from
 * it in memory. A key's first request in a window is admitted at once on credit; later ones wait for
 * the database only when their instance has no token left for the key. The limit holds across
 * instances, exceeded by at most one request per instance and window when a key's window was already
 * spent elsewhere as the instance first saw it; tokens an instance leased but did not use before the
 * window ended are lost.
 */
export class SharedRateCounter implements RateCounter {
  readonly #states = new Map<string, KeyState>();
  readonly #leases: Coalescer<LeaseRequest, LeaseGrant>;
  #prunedWindow = 0;

  constructor(
    private readonly database: Database,
    /** Tells this counter's keys from another's in the shared table ("ip", "account"). */
    private readonly namespace: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {
    this.#leases = new Coalescer((requests) => this.#lease(requests), { serial: true });
  }

  take(ownKey: string): RateDecision | Promise<RateDecision> {
    const key = `${this.namespace}:${ownKey}`;
    const now = this.now();
    const offset = offsetOf(key, this.windowMs);
    const windowStart = now - ((now - offset) % this.windowMs);
    const state = this.#states.get(key);
    if (!state || state.windowStart !== windowStart) {
      // A key's first request in a window (every new fan's first claim) does not wait: it spends a
      // token on credit, and the lease taken in the background pays it back.
      const fresh: KeyState = { windowStart, left: -1, granted: 0 };
      this.#forgetEndedWindows(now);
      // Deleted first so that the map stays in the order windows were opened (see #forgetEndedWindows).
      this.#states.delete(key);
      this.#states.set(key, fresh);
      this.#requestLease(key, fresh).catch(() => {});
      return { allowed: true, remaining: this.limit - 1, resetSeconds: Math.ceil((windowStart + this.windowMs - now) / 1000) };
    }
    const decided = this.#decide(state, now);
    if (decided) return decided;
    return this.#requestLease(key, state).then(() => this.#decide(state, this.now()) ?? this.take(ownKey));
  }

  /** One lease request per key at a time; requests of other keys in the same event-loop turn share its upsert. */
  #requestLease(key: string, state: KeyState): Promise<void> {
    state.pending ??= this.#leases
      .load({
        key,
        windowStart: state.windowStart,
        capacity: this.limit,
        lease: Math.max(1, Math.floor(this.limit / LEASE_FRACTION)),
      })
      .then(({ grant, granted }) => {
        state.left += grant;
        state.granted = granted;
      })
      .finally(() => {
        state.pending = undefined;
      });
    return state.pending;
  }

  /** Admits from the lease, refuses when the shared window is spent, or undefined when a lease is needed. */
  #decide(state: KeyState, now: number): RateDecision | undefined {
    const resetSeconds = Math.ceil((state.windowStart + this.windowMs - now) / 1000);
    if (state.left > 0) {
      state.left--;
      return { allowed: true, remaining: this.limit - state.granted + state.left, resetSeconds };
    }
    if (state.granted >= this.limit) return { allowed: false, remaining: 0, resetSeconds };
    return undefined;
  }

  /** Keys whose windows may still be running. */
  get size(): number {
    return this.#states.size;
  }

  /**
   * Drops ended windows from the front of the map, which holds keys in the order their windows were
   * opened, and stops at the first one still running: each state is visited about once, however many
   * keys are live. A window opened at t has ended by t + windowMs, so one still running at the front
   * keeps ended windows behind it for less than a window.
   */
  #forgetEndedWindows(now: number): void {
    for (const [key, state] of this.#states) {
      if (state.windowStart + this.windowMs > now) return;
      this.#states.delete(key);
    }
  }

  async #lease(requests: LeaseRequest[]): Promise<LeaseGrant[]> {
    const now = this.now();
    // Once per window, rows of windows that ended long ago go (any instance may do it).
    const pruneBefore = now - 2 * this.windowMs;
    if (now - this.#prunedWindow >= this.windowMs) {
      this.#prunedWindow = now;
      await this.database.query("DELETE FROM rate_limit_windows WHERE window_start < $1", [pruneBefore]);
    }
    const { rows } = await this.database.query<{ key: string; window_start: string; last_grant: number; granted: number }>(
      `INSERT INTO rate_limit_windows AS r (key, window_start, capacity, granted, last_grant)
       SELECT key, window_start, capacity, LEAST(lease, capacity), LEAST(lease, capacity)
       FROM unnest($1::text[], $2::int8[], $3::int4[], $4::int4[]) AS wanted(key, window_start, capacity, lease)
       ON CONFLICT (key, window_start) DO UPDATE
         SET granted = LEAST(r.capacity, r.granted + excluded.last_grant),
             last_grant = LEAST(r.capacity, r.granted + excluded.last_grant) - r.granted
       RETURNING key, window_start, last_grant, granted`,
      [
        requests.map((request) => request.key),
        requests.map((request) => request.windowStart),
        requests.map((request) => request.capacity),
        requests.map((request) => request.lease),
      ],
    );
    const grants = new Map(
      rows.map((row) => [`${row.key}\0${row.window_start}`, { grant: row.last_grant, granted: row.granted }]),
    );
    return requests.map((request) => {
      const grant = grants.get(`${request.key}\0${request.windowStart}`);
      if (!grant) throw new Error(`no rate-limit lease came back for ${request.key}`);
      return grant;
    });
  }
}
