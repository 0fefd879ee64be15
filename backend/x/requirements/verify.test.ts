import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Requirement, requirementSchema } from "../../../shared/requirements.ts";
import { type RunningXApiEmulator, startXApiEmulator } from "../../x-emulator/listen.ts";
import { SEED } from "../../x-emulator/seed.ts";
import { RECHECK_FLOOR_MS, RequirementCache } from "../cache.ts";
import { createXApiClient } from "../client.ts";
import { XUnauthorizedError } from "../errors.ts";
import { ManualClock } from "../manual-clock.ts";
import { verifyRequirements } from "./verify.ts";

const { users, posts } = SEED;
const MINT = "So11111111111111111111111111111111111111112";
const WALLET = "11111111111111111111111111111111";
const clock = new ManualClock(Date.parse("2026-11-20T12:00:00Z"));
const post = { id: posts.giveaway, creatorXUserId: users.creator.id };
let emulator: RunningXApiEmulator;

beforeAll(async () => {
  emulator = await startXApiEmulator({ now: () => clock.now() });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const requirement = (input: unknown): Requirement => requirementSchema.parse(input);
const balances = new Map<string, bigint>([[`${WALLET}:${MINT}`, 500n]]);

function verifier(options: { cache?: RequirementCache } = {}) {
  const client = createXApiClient({ baseUrl: emulator.url, clock });
  return (fan: keyof typeof users, requirements: Requirement[], wallet?: string) =>
    verifyRequirements(
      {
        client,
        cache: options.cache,
        now: () => clock.now(),
        tokenBalanceOf: async (owner, mint) => balances.get(`${owner}:${mint}`) ?? 0n,
      },
      {
        fan: { xUserId: users[fan].id, accessToken: emulator.issueUserToken(users[fan].id).access_token, wallet },
        post,
        requirements,
      },
    );
}

/** Each requirement type: who meets it, who does not, and what one check costs in X calls. */
const cases: { name: string; requirement: Requirement; met: keyof typeof users; unmet: keyof typeof users; calls: number }[] = [
  { name: "follow", requirement: requirement({ type: "follow" }), met: "casualFan", unmet: "newcomer", calls: 1 },
  { name: "like", requirement: requirement({ type: "like" }), met: "superfan", unmet: "quietFan", calls: 1 },
  { name: "repost", requirement: requirement({ type: "repost" }), met: "superfan", unmet: "casualFan", calls: 1 },
  { name: "reply", requirement: requirement({ type: "reply" }), met: "quietFan", unmet: "casualFan", calls: 1 },
  {
    name: "reply containing a phrase",
    requirement: requirement({ type: "reply", mustContain: "GM MemeFans" }),
    met: "superfan",
    unmet: "quietFan",
    calls: 1,
  },
  { name: "quote", requirement: requirement({ type: "quote" }), met: "superfan", unmet: "casualFan", calls: 1 },
  {
    name: "account_age",
    requirement: requirement({ type: "account_age", minDays: 30 }),
    met: "quietFan",
    unmet: "newcomer",
    calls: 1,
  },
  {
    name: "min_followers",
    requirement: requirement({ type: "min_followers", minFollowers: 10 }),
    met: "casualFan",
    unmet: "quietFan",
    calls: 1,
  },
];

describe("verifyRequirements against the emulator", () => {
  for (const { name, requirement: wanted, met, unmet, calls } of cases) {
    it(`${name}: met by ${met}, not by ${unmet}, ${calls} X call each`, async () => {
      const verify = verifier();
      const yes = await verify(met, [wanted]);
      expect(yes.checks[0]).toMatchObject({ met: true, cached: false });
      expect(yes.met).toBe(true);
      expect(yes.xCalls).toBe(calls);
      const no = await verify(unmet, [wanted]);
      expect(no.checks[0]?.met).toBe(false);
      expect(no.checks[0]?.detail).toMatch(/\w/);
      expect(no.met).toBe(false);
      expect(no.xCalls).toBe(calls);
    });
  }

  it("hold_token reads the injected balance and makes no X call", async () => {
    const verify = verifier();
    const enough = await verify("superfan", [requirement({ type: "hold_token", mint: MINT, minAmount: "500" })], WALLET);
    expect(enough).toMatchObject({ met: true, xCalls: 0 });
    const tooLittle = await verify("superfan", [requirement({ type: "hold_token", mint: MINT, minAmount: "501" })], WALLET);
    expect(tooLittle.met).toBe(false);
    const noWallet = await verify("superfan", [requirement({ type: "hold_token", mint: MINT, minAmount: "1" })]);
    expect(noWallet.checks[0]?.detail).toMatch(/wallet/);
  });

  it("a full set costs one call per X requirement, sharing the profile between age and followers", async () => {
    const all = [
      requirement({ type: "follow" }),
      requirement({ type: "like" }),
      requirement({ type: "repost" }),
      requirement({ type: "reply", mustContain: "gm memefans" }),
      requirement({ type: "quote" }),
      requirement({ type: "account_age", minDays: 365 }),
      requirement({ type: "min_followers", minFollowers: 100 }),
      requirement({ type: "hold_token", mint: MINT, minAmount: "1" }),
    ];
    const report = await verifier()("superfan", all, WALLET);
    expect(report.checks.map((check) => [check.requirement.type, check.met])).toEqual(all.map((one) => [one.type, true]));
    expect(report.xCalls).toBe(6);
  });

  it("finds a like that is several pages deep, and gives up after the configured pages", async () => {
    for (let index = 0; index < 150; index++) {
      const other = emulator.store.post({ authorId: users.creator.id, text: `later meme ${index}` });
      emulator.store.like(users.superfan.id, other.id, clock.now() + index + 1);
    }
    // X's smallest page of 5 first (most fans just liked it), then pages of 100.
    const deep = await verifier()("superfan", [requirement({ type: "like" })]);
    expect(deep).toMatchObject({ met: true, xCalls: 3 });
    const client = createXApiClient({ baseUrl: emulator.url, clock });
    const shallow = await verifyRequirements(
      { client, tokenBalanceOf: async () => 0n, paging: { likedTweetsPages: 1 } },
      {
        fan: { xUserId: users.superfan.id, accessToken: emulator.issueUserToken(users.superfan.id).access_token },
        post,
        requirements: [requirement({ type: "like" })],
      },
    );
    expect(shallow).toMatchObject({ met: false, xCalls: 1 });
  });

  it("a fan who meets a missing requirement passes on the next check", async () => {
    const verify = verifier();
    expect((await verify("newcomer", [requirement({ type: "like" })])).met).toBe(false);
    emulator.store.like(users.newcomer.id, posts.giveaway);
    expect((await verify("newcomer", [requirement({ type: "like" })])).met).toBe(true);
  });

  it("does not count a repost or reply of another post", async () => {
    emulator.store.reply({ authorId: users.casualFan.id, tweetId: posts.oldPost, text: "gm memefans" });
    emulator.store.repost({ authorId: users.casualFan.id, tweetId: posts.oldPost });
    const report = await verifier()("casualFan", [requirement({ type: "reply" }), requirement({ type: "repost" })]);
    expect(report.checks.map((check) => check.met)).toEqual([false, false]);
  });

  it("does not take the fan's plain repost of someone else's quote for the fan quoting the post", async () => {
    const superfansQuote = [...emulator.store.tweets.values()].find(
      (tweet) => tweet.authorId === users.superfan.id && tweet.references.some((reference) => reference.type === "quoted"),
    );
    if (!superfansQuote) throw new Error("the seed has no quote by the superfan");
    const repost = emulator.store.repost({ authorId: users.casualFan.id, tweetId: superfansQuote.id });
    // As on X, the repost carries the quote's `quoted` reference and quotes_of_tweet_id: finds it.
    expect(repost.references).toEqual([
      { type: "retweeted", id: superfansQuote.id },
      { type: "quoted", id: posts.giveaway },
    ]);
    const quote = requirement({ type: "quote" });
    expect(await verifier()("casualFan", [quote])).toMatchObject({ met: false, xCalls: 1 });
    emulator.store.quote({ authorId: users.casualFan.id, tweetId: posts.giveaway, text: "mine too" });
    expect(await verifier()("casualFan", [quote])).toMatchObject({ met: true, xCalls: 1 });
  });

  it("counts a direct reply to a giveaway post that is itself a reply, and only a direct one", async () => {
    const thread = emulator.store.post({ authorId: users.quietFan.id, text: "who is giving away memes today?" });
    const giveaway = emulator.store.reply({ authorId: users.creator.id, tweetId: thread.id, text: "me: reply to claim" });
    // conversation_id names the thread's first post, not the giveaway.
    expect(giveaway.conversationId).toBe(thread.id);
    const reply = requirement({ type: "reply" });
    const client = createXApiClient({ baseUrl: emulator.url, clock });
    const check = (fan: keyof typeof users) =>
      verifyRequirements(
        { client, now: () => clock.now(), tokenBalanceOf: async () => 0n },
        {
          fan: { xUserId: users[fan].id, accessToken: emulator.issueUserToken(users[fan].id).access_token },
          post: { id: giveaway.id, creatorXUserId: users.creator.id },
          requirements: [reply],
        },
      );
    emulator.store.reply({ authorId: users.casualFan.id, tweetId: giveaway.id, text: "count me in" });
    expect(await check("casualFan")).toMatchObject({ met: true, xCalls: 1 });
    // A reply to the thread's first post, or to another fan's reply, is not a reply to the giveaway.
    emulator.store.reply({ authorId: users.newcomer.id, tweetId: thread.id, text: "me!" });
    const othersReply = emulator.store.reply({ authorId: users.superfan.id, tweetId: giveaway.id, text: "gm" });
    emulator.store.reply({ authorId: users.newcomer.id, tweetId: othersReply.id, text: "gm to you" });
    expect(await check("newcomer")).toMatchObject({ met: false });
  });

  it("reads the fan's timeline for a post older than search/recent's 7 days", async () => {
    const client = createXApiClient({ baseUrl: emulator.url, clock });
    const oldPost = emulator.store.tweets.get(posts.oldPost);
    const check = (fan: keyof typeof users, target: { id: string; creatorXUserId: string; createdAt?: number }) =>
      verifyRequirements(
        { client, now: () => clock.now(), tokenBalanceOf: async () => 0n },
        {
          fan: { xUserId: users[fan].id, accessToken: emulator.issueUserToken(users[fan].id).access_token },
          post: target,
          requirements: [requirement({ type: "reply", mustContain: "gm memefans" })],
        },
      );
    const withDate = { id: posts.oldPost, creatorXUserId: users.creator.id, createdAt: oldPost?.createdAt };
    expect(await check("superfan", withDate)).toMatchObject({ met: true, xCalls: 2 });
    expect(await check("casualFan", withDate)).toMatchObject({ met: false, xCalls: 2 });
    // Without the post's date only search/recent is asked, and the 9-day-old reply is out of its reach.
    expect(await check("superfan", { id: posts.oldPost, creatorXUserId: users.creator.id })).toMatchObject({
      met: false,
      xCalls: 1,
    });
  });

  it("finds a protected fan's reply in their own timeline, which search never returns", async () => {
    const client = createXApiClient({ baseUrl: emulator.url, clock });
    const locked = emulator.store.addUser({ username: "lockedfan", name: "Locked Fan", protected: true });
    emulator.store.reply({ authorId: locked.id, tweetId: posts.giveaway, text: "gm memefans" });
    const check = (profileOnRecord?: { postsProtected: boolean; readAt: number }) =>
      verifyRequirements(
        { client, now: () => clock.now(), tokenBalanceOf: async () => 0n },
        {
          fan: {
            xUserId: locked.id,
            accessToken: emulator.issueUserToken(locked.id).access_token,
            ...(profileOnRecord ? { profileOnRecord } : {}),
          },
          post: { ...post, createdAt: emulator.store.tweets.get(posts.giveaway)?.createdAt },
          requirements: [requirement({ type: "reply" })],
        },
      );
    // Search alone cannot see it, as on X.
    expect(await check()).toMatchObject({ met: false, xCalls: 1 });
    // Known to be protected (users/me said so): one read of the fan's timeline instead of a search.
    expect(await check({ postsProtected: true, readAt: clock.now() })).toMatchObject({ met: true, xCalls: 1 });
  });

  it("lets an expired fan token surface as XUnauthorizedError", async () => {
    const client = createXApiClient({ baseUrl: emulator.url, clock });
    const token = emulator.issueUserToken(users.superfan.id, { lifetimeSeconds: 1 }).access_token;
    clock.advance(2_000);
    await expect(
      verifyRequirements(
        { client, tokenBalanceOf: async () => 0n },
        { fan: { xUserId: users.superfan.id, accessToken: token }, post, requirements: [requirement({ type: "follow" })] },
      ),
    ).rejects.toBeInstanceOf(XUnauthorizedError);
  });
});

describe("the cheapest correct reads", () => {
  const check = (options: { fetch?: typeof fetch; onProfileRead?: (id: string) => void }, fan: object, wanted: Requirement[]) => {
    const calls: string[] = [];
    const client = createXApiClient({
      baseUrl: emulator.url,
      clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onCall: (call) => calls.push(call.endpoint),
    });
    return verifyRequirements(
      { client, now: () => clock.now(), tokenBalanceOf: async () => 0n, onProfileRead: options.onProfileRead },
      {
        fan: { xUserId: users.casualFan.id, accessToken: emulator.issueUserToken(users.casualFan.id).access_token, ...fan },
        post,
        requirements: wanted,
      },
    ).then((report) => ({ report, calls }));
  };

  it("checks a follow with the creator's connection_status, not the fan's follow list", async () => {
    const { report, calls } = await check({}, {}, [requirement({ type: "follow" })]);
    expect(report.met).toBe(true);
    expect(calls).toEqual(["users/:id"]);
    emulator.store.unfollow(users.casualFan.id, users.creator.id);
    expect((await check({}, {}, [requirement({ type: "follow" })])).report.met).toBe(false);
  });

  it("takes a missing connection_status for no follow, as X leaves it out for unrelated accounts, and pages nothing", async () => {
    emulator.store.unfollow(users.casualFan.id, users.creator.id);
    const { report, calls } = await check({}, {}, [requirement({ type: "follow" })]);
    expect(report.checks[0]).toMatchObject({ met: false, detail: "you do not follow the creator yet" });
    expect(calls).toEqual(["users/:id"]);
  });

  it("finds a suspended or deleted creator unfollowable with the one lookup", async () => {
    const calls: string[] = [];
    const client = createXApiClient({ baseUrl: emulator.url, clock, onCall: (call) => calls.push(call.endpoint) });
    const report = await verifyRequirements(
      { client, now: () => clock.now(), tokenBalanceOf: async () => 0n },
      {
        fan: { xUserId: users.casualFan.id, accessToken: emulator.issueUserToken(users.casualFan.id).access_token },
        post: { id: posts.giveaway, creatorXUserId: "1399000000000000999" },
        requirements: [requirement({ type: "follow" })],
      },
    );
    expect(report.checks[0]).toMatchObject({ met: false, detail: expect.stringMatching(/suspended or gone/) });
    expect(calls).toEqual(["users/:id"]);
  });

  it("takes account age from the sign-in for good, and followers from it on the same UTC day only", async () => {
    const age = requirement({ type: "account_age", minDays: 30 });
    const followers = requirement({ type: "min_followers", minFollowers: 10 });
    const today = { profileOnRecord: { createdAt: clock.now() - 1100 * 86_400_000, followersCount: 40, readAt: clock.now() } };
    const fresh = await check({}, today, [age, followers]);
    expect(fresh.report.met).toBe(true);
    expect(fresh.calls).toEqual([]);

    const read: string[] = [];
    const yesterday = { profileOnRecord: { ...today.profileOnRecord, followersCount: 3, readAt: clock.now() - 86_400_000 } };
    const stale = await check({ onProfileRead: (id) => read.push(id) }, yesterday, [age, followers]);
    // Yesterday's 3 followers are not trusted; users/me says 40 today, and the caller keeps it.
    expect(stale.report.met).toBe(true);
    expect(stale.calls).toEqual(["users/me"]);
    expect(read).toEqual([users.casualFan.id]);
  });
});

describe("the reply phrase", () => {
  const replyWith = async (text: string, mustContain: string) => {
    emulator.store.reply({ authorId: users.newcomer.id, tweetId: posts.giveaway, text });
    return (await verifier()("newcomer", [requirement({ type: "reply", mustContain })])).met;
  };

  it("matches text X sends HTML-escaped", async () => {
    expect(await replyWith("gm & wagmi <3", "GM & WAGMI <3")).toBe(true);
  });

  it("does not count the @mention X puts in front of a reply as the fan's words", async () => {
    // The reply's text is "@memecreator " and nothing the fan wrote.
    expect(await replyWith("", users.creator.username)).toBe(false);
    expect(await replyWith(`tagging @${users.creator.username}`, `@${users.creator.username}`)).toBe(true);
  });

  it("reads the whole of a post longer than 280 characters", async () => {
    expect(await replyWith(`${"to the moon ".repeat(30)}gm memefans`, "gm memefans")).toBe(true);
  });

  it("folds full-width and compatibility forms", async () => {
    expect(await replyWith("ＧＭ ＭＥＭＥＦＡＮＳ", "gm memefans")).toBe(true);
  });
});

describe("the requirement cache", () => {
  it("serves a met result without calling X until it expires", async () => {
    const cache = new RequirementCache({ now: () => clock.now(), lifetimes: { like: { metMs: 60_000, unmetMs: 5_000 } } });
    const verify = verifier({ cache });
    const like = requirement({ type: "like" });
    expect((await verify("superfan", [like])).xCalls).toBe(1);
    const hit = await verify("superfan", [like]);
    expect(hit).toMatchObject({ met: true, xCalls: 0 });
    expect(hit.checks[0]?.cached).toBe(true);
    clock.advance(60_001);
    expect((await verify("superfan", [like])).xCalls).toBe(1);
  });

  it("keeps an unmet result only briefly, so a fan who fixes it is seen soon", async () => {
    const cache = new RequirementCache({ now: () => clock.now(), lifetimes: { like: { metMs: 60_000, unmetMs: 5_000 } } });
    const verify = verifier({ cache });
    const like = requirement({ type: "like" });
    expect((await verify("newcomer", [like])).met).toBe(false);
    emulator.store.like(users.newcomer.id, posts.giveaway);
    expect(await verify("newcomer", [like])).toMatchObject({ met: false, xCalls: 0 });
    clock.advance(5_001);
    expect(await verify("newcomer", [like])).toMatchObject({ met: true, xCalls: 1 });
  });

  it("asks X again about an unmet result when the fan re-checks, but not within the re-check floor, and keeps met results", async () => {
    const cache = new RequirementCache({ now: () => clock.now() });
    const client = createXApiClient({ baseUrl: emulator.url, clock });
    const dependencies = { client, cache, now: () => clock.now(), tokenBalanceOf: async () => 0n };
    const fan = { xUserId: users.newcomer.id, accessToken: emulator.issueUserToken(users.newcomer.id).access_token };
    const like = requirement({ type: "like" });
    const recheck = () => verifyRequirements(dependencies, { fan, post, requirements: [like], recheckUnmet: true });
    expect((await verifyRequirements(dependencies, { fan, post, requirements: [like] })).met).toBe(false);
    emulator.store.like(users.newcomer.id, posts.giveaway);
    // Right after the first answer, a re-check reuses it: a fan clicking in a loop costs no X calls.
    expect(await recheck()).toMatchObject({ met: false, xCalls: 0 });
    clock.advance(RECHECK_FLOOR_MS);
    expect(await recheck()).toMatchObject({ met: true, xCalls: 1 });
    // A met answer is kept for its whole lifetime, re-check or not.
    expect(await recheck()).toMatchObject({ met: true, xCalls: 0 });
  });

  it("shares profile results across posts but keeps post actions per post", async () => {
    const cache = new RequirementCache({ now: () => clock.now() });
    const age = requirement({ type: "account_age", minDays: 30 });
    const like = requirement({ type: "like" });
    const otherPost = { id: posts.oldPost, creatorXUserId: users.creator.id };
    const fan = { xUserId: users.superfan.id, accessToken: emulator.issueUserToken(users.superfan.id).access_token };
    const client = createXApiClient({ baseUrl: emulator.url, clock });
    const dependencies = { client, cache, now: () => clock.now(), tokenBalanceOf: async () => 0n };
    await verifyRequirements(dependencies, { fan, post, requirements: [age, like] });
    const second = await verifyRequirements(dependencies, { fan, post: otherPost, requirements: [age, like] });
    expect(second.checks.map((check) => check.cached)).toEqual([true, false]);
    // Only the like is asked again: 5 recent likes, then the rest of the superfan's 13.
    expect(second.xCalls).toBe(2);
  });

  it("never caches hold_token and drops the oldest entries beyond its size", async () => {
    const cache = new RequirementCache({ now: () => clock.now(), maxEntries: 1 });
    const verify = verifier({ cache });
    const hold = requirement({ type: "hold_token", mint: MINT, minAmount: "1" });
    await verify("superfan", [hold], WALLET);
    expect((await verify("superfan", [hold], WALLET)).checks[0]?.cached).toBe(false);
    await verify("superfan", [requirement({ type: "like" })]);
    await verify("superfan", [requirement({ type: "follow" })]);
    expect((await verify("superfan", [requirement({ type: "like" })])).xCalls).toBe(1);
  });
});
