import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningXApiEmulator, startXApiEmulator } from "../x-emulator/listen.ts";
import { SEED } from "../x-emulator/seed.ts";
import { createXApiClient, type XApiCall, type XApiClientOptions } from "./client.ts";
import { XForbiddenError, XRateLimitedError, XUnauthorizedError, XUsageCappedError } from "./errors.ts";
import { ManualClock } from "./manual-clock.ts";

const { users, posts } = SEED;
const clock = new ManualClock(Date.parse("2026-11-20T12:00:00Z"));
let emulator: RunningXApiEmulator;
let token = "";

beforeAll(async () => {
  emulator = await startXApiEmulator({
    now: () => clock.now(),
    rateLimits: { "users/:id": 2 },
    rateLimitWindowMs: 60_000,
    clients: [{ clientId: "memefans-local" }, { clientId: "unenrolled-app" }],
    notEnrolledClientIds: ["unenrolled-app"],
  });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  clock.sleeps.length = 0;
  token = emulator.issueUserToken(users.superfan.id).access_token;
});

function client(options: XApiClientOptions = {}) {
  const calls: XApiCall[] = [];
  const instance = createXApiClient({ baseUrl: emulator.url, clock, onCall: (call) => calls.push(call), ...options });
  return { instance, calls };
}

describe("X API client lookups", () => {
  it("reads a user with created_at and public_metrics", async () => {
    const { instance, calls } = client();
    const lookup = await instance.getUser(users.quietFan.id, token);
    expect(lookup.found && lookup.value).toMatchObject({
      id: users.quietFan.id,
      username: users.quietFan.username,
      public_metrics: { followers_count: 2 },
    });
    expect(lookup.found && Date.parse(lookup.value.created_at ?? "")).toBe(clock.now() - 900 * 24 * 60 * 60 * 1000);
    expect(calls).toEqual([{ endpoint: "users/:id", status: 200, durationMs: 0 }]);
  });

  it("turns X's not-found entry into a typed miss instead of an error", async () => {
    const { instance } = client();
    const lookup = await instance.getTweet("1276230436478386177", token);
    expect(lookup).toMatchObject({
      found: false,
      problem: { type: "https://api.twitter.com/2/problems/resource-not-found", resource_type: "tweet" },
    });
    expect((await instance.getUserByUsername("nobodyhere", token)).found).toBe(false);
  });

  it("reads a post's author, conversation and references", async () => {
    const { instance } = client();
    const reply = emulator.store.timeline().find((tweet) => tweet.references[0]?.type === "replied_to");
    const lookup = await instance.getTweet(reply?.id ?? "", token);
    expect(lookup.found && lookup.value).toMatchObject({
      author_id: reply?.authorId,
      conversation_id: posts.giveaway,
      referenced_tweets: [{ type: "replied_to", id: posts.giveaway }],
    });
  });

  it("reads the signed-in user from users/me", async () => {
    const { instance } = client();
    const me = await instance.getMe(token);
    expect(me.found && me.value.username).toBe(users.superfan.username);
  });
});

describe("X API client pagination", () => {
  it("follows meta.next_token through every page of liked_tweets", async () => {
    const { instance, calls } = client();
    const pages = [];
    for await (const page of instance.likedTweets(users.superfan.id, token, { pageSize: 5 })) pages.push(page);
    expect(pages.map((page) => page.items.length)).toEqual([5, 5, 3]);
    expect(pages[0]?.items[0]?.id).toBe(posts.giveaway);
    expect(new Set(pages.flatMap((page) => page.items.map((tweet) => tweet.id))).size).toBe(13);
    expect(calls).toHaveLength(3);
  });

  it("stops at maxPages even when X offers more", async () => {
    const { instance, calls } = client();
    const pages = [];
    for await (const page of instance.likedTweets(users.superfan.id, token, { pageSize: 5, maxPages: 2 })) pages.push(page);
    expect(pages).toHaveLength(2);
    expect(pages[1]?.meta.next_token).toBeDefined();
    expect(calls).toHaveLength(2);
  });

  it("pages search/recent with next_token", async () => {
    const { instance } = client();
    const counts = [];
    for await (const page of instance.searchRecent(`meme from:${users.creator.username}`, token, { pageSize: 10 })) {
      counts.push(page.meta.result_count);
    }
    expect(counts).toEqual([10, 3]);
  });
});

describe("X API client rate limits", () => {
  it("fails fast with the reset time once x-rate-limit-remaining hits 0, without calling X", async () => {
    const { instance, calls } = client({ maxRateLimitWaitMs: 0 });
    await instance.getUser(users.creator.id, token);
    await instance.getUser(users.creator.id, token);
    const error = await instance.getUser(users.creator.id, token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(XRateLimitedError);
    const resetAt = (error as XRateLimitedError).resetAt.getTime();
    expect(resetAt).toBe(Math.ceil((clock.now() + 60_000) / 1000) * 1000);
    expect((error as XRateLimitedError).limit).toBe(2);
    expect(calls.map((call) => call.status)).toEqual([200, 200]);
  });

  it("waits for the window to reset when that is within its allowance", async () => {
    const { instance, calls } = client({ maxRateLimitWaitMs: 120_000 });
    const started = clock.now();
    for (let call = 0; call < 3; call++) await instance.getUser(users.creator.id, token);
    expect(calls.map((call) => call.status)).toEqual([200, 200, 200]);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.now() - started).toBeGreaterThanOrEqual(60_000);
  });

  it("on a 429 it sleeps until x-rate-limit-reset and retries", async () => {
    const other = client();
    await other.instance.getUser(users.creator.id, token);
    await other.instance.getUser(users.creator.id, token);
    // A second client instance does not know the window is used up, so it meets the 429.
    const { instance, calls } = client({ maxRateLimitWaitMs: 120_000 });
    const lookup = await instance.getUser(users.creator.id, token);
    expect(lookup.found).toBe(true);
    expect(calls.map((call) => call.status)).toEqual([429, 200]);
    expect(clock.sleeps[0]).toBeGreaterThan(0);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(61_000);
  });

  it("on a 429 whose reset is too far away it throws XRateLimitedError carrying the reset", async () => {
    const other = client();
    await other.instance.getUser(users.creator.id, token);
    await other.instance.getUser(users.creator.id, token);
    const { instance, calls } = client({ maxRateLimitWaitMs: 1_000 });
    const error = await instance.getUser(users.creator.id, token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(XRateLimitedError);
    expect((error as XRateLimitedError).resetAt.getTime()).toBeGreaterThan(clock.now());
    expect(calls.map((call) => call.status)).toEqual([429]);
  });

  it("backs off exponentially when X answers 503 without a reset time", async () => {
    let answers = 0;
    const flaky = createServer((_request, response) => {
      answers += 1;
      if (answers <= 2) {
        response.writeHead(503).end("Service Unavailable");
        return;
      }
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ data: { id: "1", name: "A", username: "a" } }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      const { instance, calls } = client({
        baseUrl: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`,
        backoffBaseMs: 500,
      });
      expect((await instance.getUser("1", token)).found).toBe(true);
      expect(calls.map((call) => call.status)).toEqual([503, 503, 200]);
      expect(clock.sleeps).toEqual([500, 1000]);
    } finally {
      flaky.close();
    }
  });
});

/** A stand-in for X answering every call with `status`, `headers` and `body`; gives its base URL. */
async function answering(status: number, headers: Record<string, string>, body: string) {
  const server = createServer((_request, response) => response.writeHead(status, headers).end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe("X API client usage cap", () => {
  // As captured from X (xdevplatform/xdk#25): the window has calls left, the body says why.
  const usageCapped = JSON.stringify({
    account_id: "1",
    product_name: "standard-basic",
    title: "UsageCapExceeded",
    period: "Monthly",
    scope: "Product",
    detail: "Usage cap exceeded: Monthly product cap",
    type: "https://api.twitter.com/2/problems/usage-capped",
  });
  const windowWithCallsLeft = {
    "content-type": "application/json; charset=utf-8",
    "x-rate-limit-limit": "40000",
    "x-rate-limit-remaining": "39999",
    "x-rate-limit-reset": String(Math.floor(clock.now() / 1000) + 4),
  };

  it("throws XUsageCappedError at once, without retrying, and tells the operator", async () => {
    const x = await answering(429, windowWithCallsLeft, usageCapped);
    try {
      const capped: XUsageCappedError[] = [];
      const { instance, calls } = client({ baseUrl: x.url, onUsageCapped: (error) => capped.push(error) });
      const error = await instance.getUser(users.creator.id, token).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(XUsageCappedError);
      expect(error).not.toBeInstanceOf(XRateLimitedError);
      expect((error as XUsageCappedError).period).toBe("Monthly");
      expect(calls.map((call) => call.status)).toEqual([429]);
      expect(clock.sleeps).toEqual([]);
      expect(capped).toEqual([error]);
    } finally {
      x.close();
    }
  });

  it("backs off on another 429 whose window still has calls, instead of taking its reset for the wait", async () => {
    // X's "too many connections" 429: a problem body, and 47 of 50 calls left in the window.
    const body = JSON.stringify({
      title: "ConnectionException",
      type: "https://api.twitter.com/2/problems/streaming-connection",
    });
    const x = await answering(
      429,
      { ...windowWithCallsLeft, "x-rate-limit-reset": String(Math.floor(clock.now() / 1000) + 600) },
      body,
    );
    try {
      const { instance, calls } = client({ baseUrl: x.url, backoffBaseMs: 500, maxRateLimitWaitMs: 1_000 });
      const error = await instance.getUser(users.creator.id, token).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(XRateLimitedError);
      expect(calls.map((call) => call.status)).toEqual([429, 429, 429]);
      expect(clock.sleeps).toEqual([500, 1000]);
    } finally {
      x.close();
    }
  });
});

describe("X API client authorization failures", () => {
  it("raises XUnauthorizedError for an expired token and for none", async () => {
    const { instance } = client();
    const shortLived = emulator.issueUserToken(users.superfan.id, { lifetimeSeconds: 60 }).access_token;
    expect((await instance.getMe(shortLived)).found).toBe(true);
    clock.advance(61_000);
    await expect(instance.getMe(shortLived)).rejects.toBeInstanceOf(XUnauthorizedError);
    await expect(instance.getMe("")).rejects.toMatchObject({ status: 401, endpoint: "users/me" });
  });

  it("raises XForbiddenError with reason client-not-enrolled for an app without access", async () => {
    const { instance } = client();
    const unenrolled = emulator.issueUserToken(users.superfan.id, { clientId: "unenrolled-app" }).access_token;
    const error = await instance.getMe(unenrolled).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(XForbiddenError);
    expect((error as XForbiddenError).reason).toBe("client-not-enrolled");
    expect((error as XForbiddenError).problem?.registration_url).toMatch(/^https:/);
    expect((error as XForbiddenError).appRefused).toBe(true);
  });

  it("raises XForbiddenError when a token lacks the scope", async () => {
    const { instance } = client();
    const noLikes = emulator.issueUserToken(users.superfan.id, { scopes: ["tweet.read", "users.read"] }).access_token;
    const error = await instance
      .likedTweets(users.superfan.id, noLikes)
      .next()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(XForbiddenError);
    // The fan's token lacks like.read: signing in again fixes it, not the operator.
    expect((error as XForbiddenError).appRefused).toBe(false);
  });
});

describe("X API client call counting", () => {
  it("reports calls to the client's listener and to a scoped listener", async () => {
    const { instance, calls } = client();
    let scoped = 0;
    const counted = instance.withCallListener(() => {
      scoped += 1;
    });
    await counted.getMe(token);
    await instance.getMe(token);
    expect(scoped).toBe(1);
    expect(calls).toHaveLength(2);
  });
});
