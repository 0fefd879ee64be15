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

/**
 * The last window seen per (endpoint, token). X counts user-token limits per user and app, so two
 * fans never share a window, while one fan's repeated checks do.
 */
export class RateLimitBook {
  readonly #windows = new Map<string, RateLimitWindow>();

  record(key: string, window: RateLimitWindow): void {
    this.#windows.set(key, window);
  }

  /** The time to wait before calling again, or 0 when the window still has calls or has reset. */
  waitBefore(key: string, now: number): { waitMs: number; window?: RateLimitWindow } {
    const window = this.#windows.get(key);
    if (!window || window.remaining > 0 || window.resetAt <= now) return { waitMs: 0, window };
    return { waitMs: window.resetAt - now, window };
  }
}
