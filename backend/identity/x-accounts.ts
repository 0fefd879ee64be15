import { setTimeout as sleep } from "node:timers/promises";
import type { XUserProfile } from "../../shared/api/identity.ts";
import type { Database } from "../db/database.ts";
import { HttpError } from "../http/errors.ts";
import type { ProfileOnRecord, XOAuthConfig, XTokenSet, XUser } from "../x/index.ts";
import { refreshAccessToken, type TokenCipher, XOAuthError } from "../x/index.ts";

/** A fresh token is refreshed this long before X would expire it, so a check never starts with a dying token. */
const REFRESH_MARGIN_MS = 60_000;
/**
 * Pauses between looks for the token another instance's refresh stored, after X refused ours: X
 * answers the winner before its UPDATE commits, so the first look can come too early.
 */
const WINNER_LOOK_PAUSES_MS = [100, 200, 400, 800];

interface AccountRow {
  x_user_id: string;
  username: string;
  name: string;
  profile_image_url: string | null;
  access_token_encrypted: string;
  refresh_token_encrypted: string | null;
  access_token_expires_at: Date;
}

export function profileOf(row: Pick<AccountRow, "x_user_id" | "username" | "name" | "profile_image_url">): XUserProfile {
  return {
    id: row.x_user_id,
    username: row.username,
    name: row.name,
    ...(row.profile_image_url ? { profileImageUrl: row.profile_image_url } : {}),
  };
}

/**
 * The X accounts that signed in, with their tokens encrypted at rest. Each ciphertext is bound to its
 * row's user id (the cipher's context), so a token copied onto another row does not decrypt.
 */
export class XAccounts {
  readonly #refreshing = new Map<string, Promise<string>>();

  constructor(
    private readonly database: Database,
    private readonly cipher: TokenCipher,
    private readonly oauth: XOAuthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async saveLogin(user: XUser, tokens: XTokenSet): Promise<XUserProfile> {
    const id = user.id;
    const result = await this.database.query<AccountRow>(
      `INSERT INTO x_accounts (x_user_id, username, name, profile_image_url, x_created_at, followers_count,
         access_token_encrypted, refresh_token_encrypted, access_token_expires_at, scopes, profile_read_at, posts_protected)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (x_user_id) DO UPDATE SET username = EXCLUDED.username, name = EXCLUDED.name,
         profile_image_url = EXCLUDED.profile_image_url, x_created_at = EXCLUDED.x_created_at,
         followers_count = EXCLUDED.followers_count, profile_read_at = EXCLUDED.profile_read_at,
         posts_protected = EXCLUDED.posts_protected,
         access_token_encrypted = EXCLUDED.access_token_encrypted,
         refresh_token_encrypted = EXCLUDED.refresh_token_encrypted,
         access_token_expires_at = EXCLUDED.access_token_expires_at, scopes = EXCLUDED.scopes, updated_at = now()
       RETURNING x_user_id, username, name, profile_image_url`,
      [
        id,
        user.username,
        user.name,
        user.profile_image_url ?? null,
        user.created_at ? new Date(user.created_at) : null,
        user.public_metrics?.followers_count ?? null,
        this.cipher.encrypt(tokens.accessToken, id),
        tokens.refreshToken ? this.cipher.encrypt(tokens.refreshToken, id) : null,
        tokens.expiresAt,
        tokens.scopes.join(" "),
        new Date(this.now()),
        user.protected ?? null,
      ],
    );
    const row = result.rows[0];
    if (!row) throw new Error("saving the X account returned no row");
    return profileOf(row);
  }

  /** What X last said of the account's age and followers, so requirement checks need not ask again. */
  async profileOnRecord(xUserId: string): Promise<ProfileOnRecord | undefined> {
    const result = await this.database.query<{
      x_created_at: Date | null;
      followers_count: number | null;
      profile_read_at: Date | null;
      posts_protected: boolean | null;
    }>("SELECT x_created_at, followers_count, profile_read_at, posts_protected FROM x_accounts WHERE x_user_id = $1", [xUserId]);
    const row = result.rows[0];
    if (!row?.profile_read_at) return undefined;
    return {
      ...(row.x_created_at ? { createdAt: row.x_created_at.getTime() } : {}),
      ...(row.followers_count !== null ? { followersCount: row.followers_count } : {}),
      ...(row.posts_protected !== null ? { postsProtected: row.posts_protected } : {}),
      readAt: row.profile_read_at.getTime(),
    };
  }

  /** Keeps a users/me a check read, for the checks of the rest of its UTC day. */
  async recordProfile(xUserId: string, user: XUser): Promise<void> {
    await this.database.query(
      `UPDATE x_accounts SET x_created_at = coalesce($2, x_created_at), followers_count = coalesce($3, followers_count),
         profile_read_at = $4, posts_protected = coalesce($5, posts_protected) WHERE x_user_id = $1`,
      [
        xUserId,
        user.created_at ? new Date(user.created_at) : null,
        user.public_metrics?.followers_count ?? null,
        new Date(this.now()),
        user.protected ?? null,
      ],
    );
  }

  async profile(xUserId: string): Promise<XUserProfile | undefined> {
    const result = await this.database.query<AccountRow>(
      "SELECT x_user_id, username, name, profile_image_url FROM x_accounts WHERE x_user_id = $1",
      [xUserId],
    );
    const row = result.rows[0];
    return row ? profileOf(row) : undefined;
  }

  /**
   * A usable access token for the account, refreshed when it is about to expire. Concurrent callers in
   * one process share one refresh; across instances, X's rotation makes the loser's refresh fail, and it
   * then takes the token the winner stored, waiting up to 1.5 s for it to land.
   */
  async accessTokenFor(xUserId: string): Promise<string> {
    const row = await this.#load(xUserId);
    if (row.access_token_expires_at.getTime() - REFRESH_MARGIN_MS > this.now()) {
      return this.cipher.decrypt(row.access_token_encrypted, xUserId);
    }
    let pending = this.#refreshing.get(xUserId);
    if (!pending) {
      pending = this.#refresh(row).finally(() => this.#refreshing.delete(xUserId));
      this.#refreshing.set(xUserId, pending);
    }
    return pending;
  }

  async #load(xUserId: string): Promise<AccountRow> {
    const result = await this.database.query<AccountRow>("SELECT * FROM x_accounts WHERE x_user_id = $1", [xUserId]);
    const row = result.rows[0];
    if (!row) throw new HttpError(401, "unauthorized", "this X account has not signed in; sign in with X again");
    return row;
  }

  async #refresh(row: AccountRow): Promise<string> {
    const xUserId = row.x_user_id;
    if (!row.refresh_token_encrypted) throw signInAgain();
    const refreshToken = this.cipher.decrypt(row.refresh_token_encrypted, xUserId);
    let tokens: XTokenSet;
    try {
      tokens = await refreshAccessToken(this.oauth, refreshToken);
    } catch (error) {
      if (!(error instanceof XOAuthError)) throw error;
      for (const pauseMs of [0, ...WINNER_LOOK_PAUSES_MS]) {
        if (pauseMs > 0) await sleep(pauseMs);
        const latest = await this.#load(xUserId);
        if (latest.access_token_expires_at.getTime() - REFRESH_MARGIN_MS > this.now()) {
          return this.cipher.decrypt(latest.access_token_encrypted, xUserId);
        }
      }
      throw signInAgain();
    }
    await this.database.query(
      `UPDATE x_accounts SET access_token_encrypted = $2, refresh_token_encrypted = $3, access_token_expires_at = $4,
         updated_at = now() WHERE x_user_id = $1`,
      [
        xUserId,
        this.cipher.encrypt(tokens.accessToken, xUserId),
        this.cipher.encrypt(tokens.refreshToken ?? refreshToken, xUserId),
        tokens.expiresAt,
      ],
    );
    return tokens.accessToken;
  }
}

function signInAgain(): HttpError {
  return new HttpError(401, "unauthorized", "your X authorization expired; sign in with X again");
}
