import { createHash } from "node:crypto";
import type { z } from "zod";
import { type Clock, systemClock } from "./clock.ts";
import {
  XApiError,
  XForbiddenError,
  XRateLimitedError,
  XUnauthorizedError,
  XUnexpectedResponseError,
  XUsageCappedError,
} from "./errors.ts";
import { RateLimitBook, readRateLimitHeaders } from "./rate-limit.ts";
import {
  NOT_FOUND_PROBLEM_TYPE,
  pageResponseSchema,
  singleResponseSchema,
  USAGE_CAPPED_PROBLEM_TYPE,
  type XMeta,
  type XProblem,
  type XTweet,
  type XUser,
  xProblemSchema,
  xTweetSchema,
  xUserSchema,
} from "./schemas.ts";

export const X_API_BASE_URL = "https://api.x.com";

/** The endpoints this backend calls; also the label of each call in metrics. */
export type XEndpoint =
  | "users/me"
  | "users/:id"
  | "users/by/username/:username"
  | "tweets/:id"
  | "tweets/:id/liking_users"
  | "tweets/:id/retweeted_by"
  | "tweets/:id/quote_tweets"
  | "users/:id/liked_tweets"
  | "users/:id/tweets"
  | "tweets/search/recent";

/** One HTTP request made to X (retries are separate calls: X counts them against the window too). */
export interface XApiCall {
  endpoint: XEndpoint;
  /** HTTP status, or 0 when X never answered. */
  status: number;
  durationMs: number;
}
export type XApiCallListener = (call: XApiCall) => void;

export interface XApiClientOptions {
  /** Defaults to https://api.x.com; point it at the emulator in development. */
  baseUrl?: string;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Longest the client waits for a rate-limit window to reset before throwing XRateLimitedError. */
  maxRateLimitWaitMs?: number;
  /** Retries after a 429 or a 5xx before giving up. */
  maxRetries?: number;
  /** First backoff step when X sent no reset time; it doubles per retry. */
  backoffBaseMs?: number;
  requestTimeoutMs?: number;
  onCall?: XApiCallListener;
  /**
   * Told when X refuses a call because the X project's usage cap is reached: every check fails
   * until the operator raises it, so this is the operator's alert, not the fan's error.
   */
  onUsageCapped?: (error: XUsageCappedError) => void;
}

/** A lookup by id: X answers 200 with a resource-not-found entry in `errors` for unknown ids. */
export type XLookup<T> = { found: true; value: T } | { found: false; problem: XProblem };

export interface XPage<T> {
  items: T[];
  /** Partial errors X attached to this page (for example an id it could not find). */
  errors: XProblem[];
  meta: XMeta;
}

export interface XPagingOptions {
  /** Items per page, within the endpoint's range (X rejects values outside it). */
  pageSize?: number;
  /**
   * Items on the first page when it differs: X bills every item returned, so a check that usually
   * finds its answer at the top asks for the endpoint's minimum first, then pages of `pageSize`.
   */
  firstPageSize?: number;
  /** Stop after this many pages even if X offers more: every page is a billed call. */
  maxPages?: number;
}

/**
 * The tweet fields requirement checks read; asking once avoids a second lookup per post. The reply
 * phrase check reads what the fan wrote: display_text_range leaves out the @mentions X puts in front
 * of a reply, note_tweet holds a post longer than 280 characters.
 */
export const TWEET_FIELDS =
  "author_id,conversation_id,created_at,referenced_tweets,in_reply_to_user_id,display_text_range,note_tweet";
/** The user fields identity and requirement checks read. */
export const USER_FIELDS = "created_at,public_metrics,profile_image_url,protected";

type Query = Record<string, string | number | undefined>;

export interface SharedState {
  baseUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  maxRateLimitWaitMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  requestTimeoutMs: number;
  book: RateLimitBook;
  onUsageCapped: (error: XUsageCappedError) => void;
}

/**
 * Builds the X API v2 client. Every method takes the bearer token to use: a fan's user token for
 * the fan-side checks, or the app's bearer token. It honours x-rate-limit-* headers (waits up to
 * maxRateLimitWaitMs, else throws XRateLimitedError), backs off on 429 and 5xx, throws
 * XUsageCappedError at once on X's usage-cap 429, and turns 401/403 into XUnauthorizedError/XForbiddenError.
 */
export function createXApiClient(options: XApiClientOptions = {}): XApiClient {
  const state: SharedState = {
    baseUrl: (options.baseUrl ?? X_API_BASE_URL).replace(/\/+$/, ""),
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? systemClock,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 5_000,
    maxRetries: options.maxRetries ?? 2,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    book: new RateLimitBook(),
    onUsageCapped: options.onUsageCapped ?? (() => {}),
  };
  return new XApiClient(state, options.onCall ? [options.onCall] : []);
}

export class XApiClient {
  /** Use createXApiClient; the constructor is shared with withCallListener. */
  constructor(
    private readonly state: SharedState,
    private readonly listeners: readonly XApiCallListener[],
  ) {}

  /** The same client (same rate-limit book) that also reports its calls to `listener`: counts one verification's calls. */
  withCallListener(listener: XApiCallListener): XApiClient {
    return new XApiClient(this.state, [...this.listeners, listener]);
  }

  getMe(token: string): Promise<XLookup<XUser>> {
    return this.#lookup("users/me", "/2/users/me", { "user.fields": USER_FIELDS }, token, xUserSchema);
  }

  getUser(userId: string, token: string): Promise<XLookup<XUser>> {
    return this.#lookup("users/:id", `/2/users/${segment(userId)}`, { "user.fields": USER_FIELDS }, token, xUserSchema);
  }

  /**
   * The account `userId` as seen by the token's user: its connection_status says whether they follow
   * it. One billed user, the same for every fan who asks that day.
   */
  getUserConnection(userId: string, token: string): Promise<XLookup<XUser>> {
    const path = `/2/users/${segment(userId)}`;
    return this.#lookup("users/:id", path, { "user.fields": "connection_status" }, token, xUserSchema);
  }

  getUserByUsername(username: string, token: string): Promise<XLookup<XUser>> {
    const path = `/2/users/by/username/${segment(username)}`;
    return this.#lookup("users/by/username/:username", path, { "user.fields": USER_FIELDS }, token, xUserSchema);
  }

  getTweet(tweetId: string, token: string): Promise<XLookup<XTweet>> {
    return this.#lookup("tweets/:id", `/2/tweets/${segment(tweetId)}`, { "tweet.fields": TWEET_FIELDS }, token, xTweetSchema);
  }

  /** The users who liked a post, newest first. X returns at most 100 per post in total. */
  likingUsers(tweetId: string, token: string, paging?: XPagingOptions): AsyncGenerator<XPage<XUser>> {
    const path = `/2/tweets/${segment(tweetId)}/liking_users`;
    return this.#pages("tweets/:id/liking_users", path, { "user.fields": USER_FIELDS }, token, xUserSchema, paging, 100);
  }

  /** The users who reposted a post, newest first. X returns at most 100 per post in total. */
  retweetedBy(tweetId: string, token: string, paging?: XPagingOptions): AsyncGenerator<XPage<XUser>> {
    const path = `/2/tweets/${segment(tweetId)}/retweeted_by`;
    return this.#pages("tweets/:id/retweeted_by", path, { "user.fields": USER_FIELDS }, token, xUserSchema, paging, 100);
  }

  quoteTweets(tweetId: string, token: string, paging?: XPagingOptions): AsyncGenerator<XPage<XTweet>> {
    const path = `/2/tweets/${segment(tweetId)}/quote_tweets`;
    return this.#pages("tweets/:id/quote_tweets", path, { "tweet.fields": TWEET_FIELDS }, token, xTweetSchema, paging, 100);
  }

  /** The posts a user liked, most recently liked first. Needs like.read on the user's own token. */
  likedTweets(userId: string, token: string, paging?: XPagingOptions): AsyncGenerator<XPage<XTweet>> {
    const path = `/2/users/${segment(userId)}/liked_tweets`;
    return this.#pages("users/:id/liked_tweets", path, { "tweet.fields": TWEET_FIELDS }, token, xTweetSchema, paging, 100);
  }

  /** A user's own posts (reposts, replies and quotes included), newest first; X keeps the latest 3200. */
  userTweets(userId: string, token: string, paging?: XPagingOptions): AsyncGenerator<XPage<XTweet>> {
    const path = `/2/users/${segment(userId)}/tweets`;
    return this.#pages("users/:id/tweets", path, { "tweet.fields": TWEET_FIELDS }, token, xTweetSchema, paging, 100);
  }

  /** Posts of the last 7 days matching an X search query, newest first. */
  searchRecent(query: string, token: string, paging?: XPagingOptions): AsyncGenerator<XPage<XTweet>> {
    return this.#pages(
      "tweets/search/recent",
      "/2/tweets/search/recent",
      { query, "tweet.fields": TWEET_FIELDS },
      token,
      xTweetSchema,
      paging,
      100,
      "next_token",
    );
  }

  async #lookup<T extends z.ZodType>(
    endpoint: XEndpoint,
    path: string,
    query: Query,
    token: string,
    itemSchema: T,
  ): Promise<XLookup<z.output<T>>> {
    const body = await this.#get(endpoint, path, query, token, singleResponseSchema(itemSchema));
    if (body.data !== undefined) return { found: true, value: body.data as z.output<T> };
    const problem = body.errors?.find((error) => error.type === NOT_FOUND_PROBLEM_TYPE) ?? body.errors?.[0];
    if (problem) return { found: false, problem };
    throw new XUnexpectedResponseError(`X answered ${endpoint} with neither data nor errors`, 200, endpoint);
  }

  async *#pages<T extends z.ZodType>(
    endpoint: XEndpoint,
    path: string,
    query: Query,
    token: string,
    itemSchema: T,
    paging: XPagingOptions | undefined,
    defaultPageSize: number,
    tokenParameter: "pagination_token" | "next_token" = "pagination_token",
  ): AsyncGenerator<XPage<z.output<T>>> {
    const maxPages = paging?.maxPages ?? Number.POSITIVE_INFINITY;
    let nextToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const pageSize = (page === 0 ? paging?.firstPageSize : undefined) ?? paging?.pageSize ?? defaultPageSize;
      const pageQuery = { ...query, max_results: pageSize, [tokenParameter]: nextToken };
      const body = await this.#get(endpoint, path, pageQuery, token, pageResponseSchema(itemSchema));
      const meta = body.meta ?? {};
      yield { items: (body.data ?? []) as z.output<T>[], errors: body.errors ?? [], meta };
      nextToken = meta.next_token;
      if (!nextToken) return;
    }
  }

  async #get<S extends z.ZodType>(
    endpoint: XEndpoint,
    path: string,
    query: Query,
    token: string,
    schema: S,
  ): Promise<z.output<S>> {
    const { clock, book, maxRateLimitWaitMs, maxRetries, backoffBaseMs } = this.state;
    const url = new URL(`${this.state.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const windowKey = `${endpoint} ${fingerprint(token)}`;

    for (let attempt = 0; ; attempt++) {
      const before = book.waitBefore(windowKey, clock.now());
      if (before.waitMs > 0) {
        if (before.waitMs > maxRateLimitWaitMs) {
          throw new XRateLimitedError(endpoint, new Date(clock.now() + before.waitMs), before.window?.limit);
        }
        await clock.sleep(before.waitMs);
      }
      const response = await this.#send(endpoint, url, token);
      const window = readRateLimitHeaders(response.headers);
      if (window) book.record(windowKey, window, clock.now());

      if (response.ok) return parseBody(endpoint, response, schema);
      if (response.status === 429 || response.status >= 500) {
        // A 429 may be X's usage cap rather than the endpoint's window: only its body tells.
        let problem: XProblem | undefined;
        if (response.status === 429) problem = await readProblem(response);
        else await response.body?.cancel();
        if (problem?.type === USAGE_CAPPED_PROBLEM_TYPE) {
          const period = problem.period ? ` (${problem.period})` : "";
          const capped = new XUsageCappedError(
            `X refused ${endpoint}: the X project's usage cap${period} is reached`,
            429,
            endpoint,
            problem,
          );
          this.state.onUsageCapped(capped);
          throw capped;
        }
        const now = clock.now();
        const backoff = backoffBaseMs * 2 ** attempt;
        // X's reset says when the window has calls again only when it is the window that ran out.
        const windowRanOut = response.status === 429 && window?.remaining === 0 && window.resetAt > now;
        const resetAt = windowRanOut ? window.resetAt : now + backoff;
        if (attempt >= maxRetries || resetAt - now > maxRateLimitWaitMs) {
          if (response.status === 429) throw new XRateLimitedError(endpoint, new Date(resetAt), window?.limit);
          throw new XUnexpectedResponseError(`X answered ${endpoint} with ${response.status}`, response.status, endpoint);
        }
        await clock.sleep(resetAt - now);
        continue;
      }
      const problem = await readProblem(response);
      const detail = problem?.detail ?? problem?.title ?? response.statusText;
      if (response.status === 401)
        throw new XUnauthorizedError(`X refused the token for ${endpoint}: ${detail}`, 401, endpoint, problem);
      if (response.status === 403) throw new XForbiddenError(`X forbade ${endpoint}: ${detail}`, 403, endpoint, problem);
      throw new XUnexpectedResponseError(
        `X answered ${endpoint} with ${response.status}: ${detail}`,
        response.status,
        endpoint,
        problem,
      );
    }
  }

  async #send(endpoint: XEndpoint, url: URL, token: string): Promise<Response> {
    const started = this.state.clock.now();
    try {
      const response = await this.state.fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.state.requestTimeoutMs),
      });
      this.#report({ endpoint, status: response.status, durationMs: this.state.clock.now() - started });
      return response;
    } catch (error) {
      this.#report({ endpoint, status: 0, durationMs: this.state.clock.now() - started });
      throw new XApiError(`X did not answer ${endpoint}: ${(error as Error).message}`, 0, endpoint);
    }
  }

  #report(call: XApiCall): void {
    for (const listener of this.listeners) listener(call);
  }
}

async function parseBody<S extends z.ZodType>(endpoint: XEndpoint, response: Response, schema: S): Promise<z.output<S>> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new XUnexpectedResponseError(`X answered ${endpoint} with a body that is not JSON`, response.status, endpoint);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new XUnexpectedResponseError(`X answered ${endpoint} with an unexpected shape (${where})`, response.status, endpoint);
  }
  return parsed.data;
}

/** Problem bodies are JSON on 401/403 and a usage cap's 429; anything else (X sometimes sends text/plain) yields undefined. */
async function readProblem(response: Response): Promise<XProblem | undefined> {
  try {
    const parsed = xProblemSchema.safeParse(JSON.parse(await response.text()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Ids and usernames go into the path; encoding keeps a crafted value from changing the route. */
function segment(value: string): string {
  return encodeURIComponent(value);
}

/** Rate-limit windows are kept per token without keeping the token itself as a map key. */
function fingerprint(token: string): string {
  return createHash("sha256").update(token).digest("base64url").slice(0, 16);
}
