import { createHash, randomBytes } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { Coalescer } from "../db/coalescer.ts";
import type { Database } from "../db/database.ts";
import { type Invalidations, localInvalidations } from "../db/invalidations.ts";
import { unauthorized } from "../http/errors.ts";

export interface Session {
  xUserId: string;
}

/** How long a resolved session is trusted from memory before the database is asked again. */
const CACHE_MS = 10_000;
const CACHE_LIMIT = 50_000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Opaque bearer sessions. The token is 32 random bytes shown once to the client; the database keeps
 * only its sha256. Lookups are cached briefly, and one query at a time looks up the misses: those that
 * arrive while it runs share the next one, so a burst of fans claiming for the first time neither
 * queries the database per request nor queues more lookups than it can answer.
 */
/** The invalidation topic of the session cache: keys are token hashes. */
const SESSIONS_TOPIC = "sessions";

export class SessionStore {
  readonly #cache = new Map<string, { session: Session | undefined; until: number }>();
  readonly #lookup: Coalescer<string, Session | undefined>;

  constructor(
    private readonly database: Database,
    private readonly ttlDays: number,
    private readonly now: () => number = Date.now,
    /** Revocations heard from every instance on the same PostgreSQL (in-process by default). */
    private readonly invalidations: Invalidations = localInvalidations(),
  ) {
    invalidations.subscribe(
      SESSIONS_TOPIC,
      (tokenHash) => this.#cache.delete(tokenHash),
      () => this.#cache.clear(),
    );
    this.#lookup = new Coalescer(
      async (tokenHashes) => {
        const { rows } = await this.database.query<{ token_hash: string; x_user_id: string }>(
          "SELECT token_hash, x_user_id FROM sessions WHERE token_hash = ANY($1::text[]) AND expires_at > $2",
          [tokenHashes, new Date(this.now())],
        );
        const found = new Map(rows.map((row) => [row.token_hash, { xUserId: row.x_user_id }]));
        return tokenHashes.map((tokenHash) => found.get(tokenHash));
      },
      { serial: true },
    );
  }

  async create(xUserId: string): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(this.now() + this.ttlDays * 86_400_000);
    await this.database.query("INSERT INTO sessions (token_hash, x_user_id, expires_at) VALUES ($1, $2, $3)", [
      hashToken(token),
      xUserId,
      expiresAt,
    ]);
    return token;
  }

  /**
   * Ends the session of `token` on the server: it stops working here at once, and on the other
   * instances as soon as they hear the invalidation (a PostgreSQL NOTIFY).
   */
  async revoke(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    await this.database.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash]);
    this.#cache.delete(tokenHash);
    await this.invalidations.publish(SESSIONS_TOPIC, tokenHash);
  }

  async resolve(token: string): Promise<Session | undefined> {
    const tokenHash = hashToken(token);
    const cached = this.#cache.get(tokenHash);
    if (cached && cached.until > this.now()) return cached.session;
    const session = await this.#lookup.load(tokenHash);
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(tokenHash, { session, until: this.now() + CACHE_MS });
    return session;
  }

  /** Resolves `Authorization: Bearer <token>` when present; routes that need a session use requireSession. */
  middleware(): RequestHandler {
    return async (request: Request, response: Response, next: NextFunction) => {
      const token = bearerTokenOf(request);
      if (token) {
        const session = await this.resolve(token);
        if (session) response.locals.session = session;
      }
      next();
    };
  }
}

/** The token of `Authorization: Bearer <token>`, when the header has that shape. */
export function bearerTokenOf(request: Request): string | undefined {
  const header = request.headers.authorization;
  return (typeof header === "string" ? /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(header) : null)?.[1];
}

export function sessionOf(response: Response): Session | undefined {
  return response.locals.session as Session | undefined;
}

/** The signed-in X account, or 401 unauthorized. */
export function requireSession(response: Response): Session {
  const session = sessionOf(response);
  if (!session) throw unauthorized("sign in with X first: send Authorization: Bearer <sessionToken>");
  return session;
}

/** Middleware form of requireSession, so unauthenticated requests stop before validation and rate limits by account. */
export const sessionRequired: RequestHandler = (_request, response, next) => {
  requireSession(response);
  next();
};
