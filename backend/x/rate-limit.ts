/** What X's x-rate-limit-* headers said about one endpoint's window for one token. */
export interface RateLimitWindow {
  limit: number | undefined;
  remaining: number;
  /** Milliseconds since the epoch; X sends whole seconds. */
  resetAt: number;
}

/** Reads x-rate-limit-limit/-remaining/-reset; undefined when X sent no window (401s carry none). */
export function readRateLimitHeaders(headers: Headers): RateLimitWindow | undefined {
  const remaining = wholeNumber(headers.get("x-rate-limit-remaining"));
  const resetSeconds = wholeNumber(headers.get("x-rate-limit-reset"));
  if (remaining === undefined || resetSeconds === undefined) return undefined;
  return { limit: wholeNumber(headers.get("x-rate-limit-limit")), remaining, resetAt: resetSeconds * 1000 };
}

function wholeNumber(text: string | null): number | undefined {
  if (text === null || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** Exhausted windows kept at most; past this the one recorded longest ago is dropped (X's 429 still stops us). */
const MAX_EXHAUSTED_WINDOWS = 50_000;

/**
 * The exhausted windows per (endpoint, token): the only ones that make a caller wait. X counts
 * user-token limits per user and app, so two fans never share a window, while one fan's repeated
 * checks do. A window with calls left, or one that has reset, says nothing, so it is not kept: the
 * book holds only windows still running out, and at most MAX_EXHAUSTED_WINDOWS of them, however many
 * fans have come by.
 */
export class RateLimitBook {
  readonly #exhausted = new Map<string, RateLimitWindow>();
  #nextSweepAt = 0;

  constructor(private readonly maxWindows = MAX_EXHAUSTED_WINDOWS) {}

  record(key: string, window: RateLimitWindow, now: number): void {
    this.#exhausted.delete(key);
    if (window.remaining > 0 || window.resetAt <= now) return;
    this.#exhausted.set(key, window);
    if (now >= this.#nextSweepAt) this.#dropReset(now);
    if (this.#exhausted.size > this.maxWindows) {
      const oldest = this.#exhausted.keys().next().value;
      if (oldest !== undefined) this.#exhausted.delete(oldest);
    }
  }

  /** The time to wait before calling again, or 0 when the window still has calls or has reset. */
  waitBefore(key: string, now: number): { waitMs: number; window?: RateLimitWindow } {
    const window = this.#exhausted.get(key);
    if (!window) return { waitMs: 0 };
    if (window.resetAt <= now) {
      this.#exhausted.delete(key);
      return { waitMs: 0, window };
    }
    return { waitMs: window.resetAt - now, window };
  }

  /** Windows kept now. */
  get size(): number {
    return this.#exhausted.size;
  }

  /** Drops every window that has reset; run at most once a minute, so its cost is spread over the records between. */
  #dropReset(now: number): void {
    this.#nextSweepAt = now + 60_000;
    for (const [key, window] of this.#exhausted) if (window.resetAt <= now) this.#exhausted.delete(key);
  }
}
