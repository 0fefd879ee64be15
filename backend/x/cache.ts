import { canonicalRequirements, type Requirement, type RequirementType } from "../../shared/requirements.ts";
import type { Database } from "../db/database.ts";
import type { PostTarget, RequirementResult } from "./requirements/context.ts";

/** How long a result stays fresh: a met requirement rarely flips, an unmet one is about to. */
export interface ResultLifetime {
  metMs: number;
  unmetMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** An unmet answer younger than this is reused even when the fan asks for a re-check. */
export const RECHECK_FLOOR_MS = 3_000;
/** How often an instance deletes expired shared results (any instance may; the others find nothing). */
const SHARED_PRUNE_MS = 10 * MINUTE;

/**
 * Defaults. Unmet results expire fast because the fan is usually fixing them right now.
 * Account age only grows, so a met age is good for a month. hold_token is not cached at all:
 * it costs no X call, and a fan can sell between two claims.
 */
export const DEFAULT_RESULT_LIFETIMES: Record<Exclude<RequirementType, "hold_token">, ResultLifetime> = {
  follow: { metMs: HOUR, unmetMs: 30_000 },
  like: { metMs: DAY, unmetMs: 30_000 },
  repost: { metMs: DAY, unmetMs: 30_000 },
  reply: { metMs: DAY, unmetMs: 30_000 },
  quote: { metMs: DAY, unmetMs: 30_000 },
  account_age: { metMs: 30 * DAY, unmetMs: HOUR },
  min_followers: { metMs: HOUR, unmetMs: 5 * MINUTE },
};

export interface RequirementCacheOptions {
  now?: () => number;
  /**
   * PostgreSQL shared by several instances: results are written through to it, and a fan's unexpired
   * results are loaded from it before a check (prefetch). Without it, the cache is this process's.
   */
  shared?: Database;
  /** A write to the shared table that failed (the result stays cached here). */
  onSharedError?: (error: unknown) => void;
  lifetimes?: Partial<Record<Exclude<RequirementType, "hold_token">, ResultLifetime>>;
  /** Oldest entries are dropped beyond this, so memory stays bounded under many fans. */
  maxEntries?: number;
}

/** In-memory cache of requirement results per (fan, requirement, what it is about). */
export class RequirementCache {
  readonly #entries = new Map<string, { result: RequirementResult; expiresAt: number }>();
  readonly #now: () => number;
  readonly #lifetimes: Record<Exclude<RequirementType, "hold_token">, ResultLifetime>;
  readonly #maxEntries: number;
  readonly #shared: Database | undefined;
  readonly #onSharedError: (error: unknown) => void;
  #prunedAt = 0;

  constructor(options: RequirementCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#lifetimes = { ...DEFAULT_RESULT_LIFETIMES, ...options.lifetimes };
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#shared = options.shared;
    this.#onSharedError = options.onSharedError ?? (() => {});
  }

  /** Loads the fan's unexpired results that other instances found; one query, none without a shared database. */
  async prefetch(fanXUserId: string): Promise<void> {
    if (!this.#shared) return;
    const { rows } = await this.#shared.query<{ key: string; met: boolean; detail: string; expires_at: Date }>(
      "SELECT key, met, detail, expires_at FROM requirement_results WHERE fan_x_user_id = $1 AND expires_at > $2",
      [fanXUserId, new Date(this.#now())],
    );
    for (const row of rows) this.#remember(row.key, { met: row.met, detail: row.detail }, row.expires_at.getTime());
  }

  /**
   * The unexpired result, if any. With `recheckUnmet`, an unmet result older than RECHECK_FLOOR_MS is
   * a miss: the fan is back from acting on X. The floor bounds what a fan re-checking in a loop costs in X calls.
   */
  get(
    fanXUserId: string,
    requirement: Requirement,
    post: PostTarget,
    options: { recheckUnmet?: boolean } = {},
  ): RequirementResult | undefined {
    const key = cacheKey(fanXUserId, requirement, post);
    if (key === undefined || requirement.type === "hold_token") return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const now = this.#now();
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    const storedAt = entry.expiresAt - this.#lifetimes[requirement.type].unmetMs;
    if (options.recheckUnmet && !entry.result.met && now - storedAt >= RECHECK_FLOOR_MS) return undefined;
    return entry.result;
  }

  set(fanXUserId: string, requirement: Requirement, post: PostTarget, result: RequirementResult): void {
    const key = cacheKey(fanXUserId, requirement, post);
    if (key === undefined || requirement.type === "hold_token") return;
    const lifetime = this.#lifetimes[requirement.type];
    const expiresAt = this.#now() + (result.met ? lifetime.metMs : lifetime.unmetMs);
    this.#remember(key, result, expiresAt);
    // Not awaited: the answer never waits for the copy other instances will read.
    this.#shared
      ?.query(
        `INSERT INTO requirement_results (key, fan_x_user_id, met, detail, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET met = excluded.met, detail = excluded.detail, expires_at = excluded.expires_at`,
        [key, fanXUserId, result.met, result.detail, new Date(expiresAt)],
      )
      .catch(this.#onSharedError);
    if (this.#shared && this.#now() - this.#prunedAt >= SHARED_PRUNE_MS) {
      this.#prunedAt = this.#now();
      this.#shared
        .query("DELETE FROM requirement_results WHERE expires_at < $1", [new Date(this.#now())])
        .catch(this.#onSharedError);
    }
  }

  #remember(key: string, result: RequirementResult, expiresAt: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { result, expiresAt });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Forget a fan's results, e.g. after they unlink their X account. */
  forgetFan(fanXUserId: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(`${fanXUserId}|`)) this.#entries.delete(key);
  }
}

/**
 * What a result depends on: the post for post actions, the creator for a follow, nothing else for
 * profile checks, so one met account_age serves every distribution the fan claims from.
 */
function cacheKey(fanXUserId: string, requirement: Requirement, post: PostTarget): string | undefined {
  const about =
    requirement.type === "follow"
      ? `creator:${post.creatorXUserId}`
      : requirement.type === "account_age" || requirement.type === "min_followers"
        ? "profile"
        : requirement.type === "hold_token"
          ? undefined
          : `post:${post.id}`;
  return about === undefined ? undefined : `${fanXUserId}|${about}|${canonicalRequirements([requirement])}`;
}
