/**
 * Fixed windows per (endpoint, user and app), as X counts them. Limits are X's per-15-minute
 * user-context numbers unless the emulator is started with smaller ones for tests.
 */
export const DEFAULT_LIMITS = {
  "users/me": 75,
  "users/:id": 900,
  "users/by/username/:username": 900,
  "tweets/:id": 900,
  "tweets/:id/liking_users": 75,
  "tweets/:id/retweeted_by": 75,
  "tweets/:id/quote_tweets": 75,
  "users/:id/liked_tweets": 75,
  "users/:id/following": 300,
  "users/:id/tweets": 900,
  "tweets/search/recent": 300,
} as const;

export type EmulatedEndpoint = keyof typeof DEFAULT_LIMITS;

export interface RateLimitVerdict {
  limit: number;
  remaining: number;
  /** Whole seconds since the epoch, as x-rate-limit-reset carries it. */
  resetSeconds: number;
  allowed: boolean;
}

export class RateLimiter {
  readonly #windows = new Map<string, { startedAt: number; used: number }>();

  constructor(
    readonly limits: Record<EmulatedEndpoint, number>,
    readonly windowMs: number,
    readonly now: () => number,
  ) {}

  take(endpoint: EmulatedEndpoint, caller: string): RateLimitVerdict {
    const key = `${endpoint} ${caller}`;
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || now >= window.startedAt + this.windowMs) {
      window = { startedAt: now, used: 0 };
      this.#windows.set(key, window);
    }
    const limit = this.limits[endpoint];
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    return {
      limit,
      remaining: limit - window.used,
      resetSeconds: Math.ceil((window.startedAt + this.windowMs) / 1000),
      allowed,
    };
  }

  reset(): void {
    this.#windows.clear();
  }
}
