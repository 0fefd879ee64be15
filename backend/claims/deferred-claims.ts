import type { Claim } from "../../shared/api/claims.ts";
import type { Database } from "../db/database.ts";
import { HttpError } from "../http/errors.ts";

/** One claim request, as POST /claims received it. */
export interface ClaimRequest {
  xUserId: string;
  distribution: string;
  wallet: string;
  idempotencyKey: string;
}

export type ProcessClaim = (request: ClaimRequest) => Promise<Claim>;

interface DeferredRow {
  x_user_id: string;
  idempotency_key: string;
  distribution: string;
  wallet: string;
  attempts: number;
}

/** A row being checked is leased this long, so another instance does not check it at the same time. */
const LEASE_MS = 60_000;
/** When the check failed for another reason (X or the chain unreachable): wait, doubling per attempt, up to an hour. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 60 * 60 * 1000;
/** A check that keeps failing is given up after this many attempts (about a day at the longest wait). */
const MAX_ATTEMPTS = 30;
const BATCH = 50;

/**
 * Claims whose check X rate-limited (the fan's own per-user window, e.g. liked_tweets' 75 per 15
 * minutes). The fan is told when the check runs again; the request is kept in the database and
 * run through the same claim pipeline at that time, so it is neither lost nor made twice: a retry
 * from the fan with the same Idempotency-Key finds the claim the deferred check made.
 */
export class DeferredClaims {
  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * When `error` is X's rate limit, keeps the request for when X's window resets and answers the
   * 429 that says so; anything else is returned as it was.
   */
  async deferIfRateLimited(error: unknown, request: ClaimRequest): Promise<unknown> {
    const retryAfterSeconds = rateLimitedFor(error);
    if (retryAfterSeconds === undefined) return error;
    const checksAt = new Date(this.now() + retryAfterSeconds * 1000);
    await this.database.query(
      `INSERT INTO deferred_claims (x_user_id, idempotency_key, distribution, wallet, run_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (x_user_id, idempotency_key)
       DO UPDATE SET status = 'waiting', run_at = EXCLUDED.run_at, outcome = NULL, updated_at = now()
         WHERE deferred_claims.distribution = EXCLUDED.distribution AND deferred_claims.wallet = EXCLUDED.wallet`,
      [request.xUserId, request.idempotencyKey, request.distribution, request.wallet, checksAt],
    );
    return new HttpError(
      429,
      "rate_limited",
      `X is rate limiting your checks; your claim is kept and checked again at ${checksAt.toISOString()} (in ${retryAfterSeconds} s)`,
      { retryAfterSeconds, queued: true, checksAt: checksAt.toISOString() },
      { "Retry-After": String(retryAfterSeconds) },
    );
  }

  /** Checks every request that is due; answers how many were taken. */
  async runDue(process: ProcessClaim): Promise<number> {
    const now = this.now();
    const { rows } = await this.database.query<DeferredRow>(
      `UPDATE deferred_claims SET run_at = $2, attempts = attempts + 1, updated_at = now()
        WHERE (x_user_id, idempotency_key) IN (
          SELECT x_user_id, idempotency_key FROM deferred_claims
           WHERE status = 'waiting' AND run_at <= $1 ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING x_user_id, idempotency_key, distribution, wallet, attempts`,
      [new Date(now), new Date(now + LEASE_MS), BATCH],
    );
    for (const row of rows) await this.#run(row, process);
    return rows.length;
  }

  async #run(row: DeferredRow, process: ProcessClaim): Promise<void> {
    const request = {
      xUserId: row.x_user_id,
      idempotencyKey: row.idempotency_key,
      distribution: row.distribution,
      wallet: row.wallet,
    };
    try {
      await process(request);
      await this.#settle(row, "done", null);
    } catch (error) {
      const retryAfterSeconds = rateLimitedFor(error);
      if (retryAfterSeconds !== undefined) return this.#later(row, retryAfterSeconds * 1000);
      if (error instanceof HttpError && error.status < 500)
        return this.#settle(row, "refused", `${error.code}: ${error.message}`);
      if (row.attempts >= MAX_ATTEMPTS) return this.#settle(row, "refused", `gave up: ${(error as Error).message}`);
      return this.#later(row, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (row.attempts - 1)));
    }
  }

  async #later(row: DeferredRow, delayMs: number): Promise<void> {
    await this.database.query(
      "UPDATE deferred_claims SET run_at = $3, updated_at = now() WHERE x_user_id = $1 AND idempotency_key = $2",
      [row.x_user_id, row.idempotency_key, new Date(this.now() + delayMs)],
    );
  }

  async #settle(row: DeferredRow, status: "done" | "refused", outcome: string | null): Promise<void> {
    await this.database.query(
      "UPDATE deferred_claims SET status = $3, outcome = $4, updated_at = now() WHERE x_user_id = $1 AND idempotency_key = $2",
      [row.x_user_id, row.idempotency_key, status, outcome],
    );
  }
}

/** Seconds until X's window resets, when `error` is the 429 fromXError made of XRateLimitedError. */
function rateLimitedFor(error: unknown): number | undefined {
  if (!(error instanceof HttpError) || error.code !== "rate_limited") return undefined;
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === "number" && seconds > 0 ? seconds : undefined;
}

/** Runs due deferred claims every `everyMs` until stopped; a failed round is logged and the next one retries. */
export function startDeferredClaims(
  deferred: DeferredClaims,
  process: ProcessClaim,
  onError: (error: unknown) => void,
  everyMs = 5_000,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => deferred.runDue(process)).catch(onError);
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
