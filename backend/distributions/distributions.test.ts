import { TOKEN_2022_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  creationTermsResponseSchema,
  distributionListResponseSchema,
  distributionResponseSchema,
} from "../../shared/api/distributions.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { DISTRIBUTION_PROGRAM_ID } from "../../shared/program/index.ts";
import { type RequirementInput, requirementsHash, requirementsSchema } from "../../shared/requirements.ts";
import { createTestDistribution } from "../claims/testing/chain-fixtures.ts";
import { openDatabase } from "../db/open-database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { startTestBackend, TEST_PUBLIC_URL, type TestBackend } from "../http/testing/test-backend.ts";
import { RECHECK_FLOOR_MS } from "../x/cache.ts";
import { SEED } from "../x-emulator/seed.ts";
import { type DistributionFields, putDistribution, putMint, putTokenAccount } from "./testing/chain-fixtures.ts";

const requirements: RequirementInput[] = [{ type: "follow" }, { type: "like" }, { type: "reply", mustContain: SEED.replyPhrase }];

async function errorOf(response: Response) {
  return errorBodySchema.parse(await response.json()).error;
}

describeEachEngine("distributions", (database) => {
  let backend: TestBackend;
  let creatorSession = "";
  let mint: PublicKey;
  let nextId = 1n;

  beforeAll(async () => {
    backend = await startTestBackend(database());
    creatorSession = (await backend.signIn(SEED.users.creator.username)).sessionToken;
    mint = putMint(requireChain(), 6);
  }, 60_000);
  afterAll(() => backend?.close());

  function requireChain() {
    if (!backend.chain) throw new Error("the test backend runs the embedded chain");
    return backend.chain;
  }

  /** A distribution on chain that matches a registration of `requirements` on the giveaway post, with `overrides`. */
  function onChain(overrides: Partial<DistributionFields> = {}): { address: string; fields: DistributionFields } {
    const nowSeconds = BigInt(Math.floor(Date.now() / 1000));
    const fields: DistributionFields = {
      creator: Keypair.generate().publicKey,
      mint,
      verifier: backend.verifier.publicKey,
      distributionId: nextId++,
      postId: BigInt(SEED.posts.giveaway),
      amountPerClaim: 2_500_000n,
      maxClaims: 100,
      claimedCount: 3,
      startTs: nowSeconds - 60n,
      endTs: nowSeconds + 86_400n,
      feePerClaimLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS,
      feeBudgetLamports: 500_000n,
      requirementsHash: requirementsHash(requirementsSchema.parse(requirements)),
      paused: false,
      ...overrides,
    };
    return { address: putDistribution(requireChain(), fields).toBase58(), fields };
  }

  const register = (body: Record<string, unknown>, token = creatorSession) =>
    backend.request("POST", "/distributions", { token, body });

  it("registers a distribution that matches its account on chain", async () => {
    const { address, fields } = onChain();
    const response = await register({
      address,
      postId: SEED.posts.giveaway,
      requirements,
      // A name and symbol a creator types could pass a worthless mint off as USDC: they are not kept.
      token: { symbol: "USDC", name: "USD Coin", logoUrl: "https://creator.example/usdc.png" },
      mint: mint.toBase58(),
      amountPerClaim: "2500000",
      maxClaims: 100,
      startsAt: Number(fields.startTs),
      endsAt: Number(fields.endTs),
    });
    expect(response.status).toBe(201);
    const { distribution } = distributionResponseSchema.parse(await response.json());
    expect(distribution).toMatchObject({
      address,
      postId: SEED.posts.giveaway,
      creator: fields.creator.toBase58(),
      creatorXUserId: SEED.users.creator.id,
      creatorUsername: SEED.users.creator.username,
      mint: mint.toBase58(),
      token: { decimals: 6 },
      amountPerClaim: 2_500_000n,
      maxClaims: 100,
      claimedCount: 3,
      remaining: 97,
      paused: false,
      closed: false,
      feeBudgetLamports: 500_000n,
      link: `${TEST_PUBLIC_URL}/d/${address}`,
    });
    expect(distribution.requirements.map((requirement) => requirement.type)).toEqual(["follow", "like", "reply"]);
    // A mint without metadata is an unknown token, named by its address, with its decimals from the mint.
    expect(distribution.token).toMatchObject({ mint: mint.toBase58(), decimals: 6, name: null, symbol: null, logoUrl: null });
    const again = await register({ address, postId: SEED.posts.giveaway, requirements });
    expect(again.status).toBe(200);
  });

  it("registers a distribution made by the program's own create_distribution", async () => {
    const created = await createTestDistribution(backend.context.connection, {
      verifier: backend.verifier.publicKey,
      maxClaims: 4,
      nowSeconds: requireChain().unixTimestamp(),
      feePerClaimLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS,
      requirementsHash: requirementsHash(requirementsSchema.parse(requirements)) as Uint8Array<ArrayBuffer>,
      postId: BigInt(SEED.posts.giveaway),
    });
    const response = await register({
      address: created.address.toBase58(),
      postId: SEED.posts.giveaway,
      requirements,
      maxClaims: 4,
    });
    expect(response.status).toBe(201);
    const { distribution } = distributionResponseSchema.parse(await response.json());
    expect(distribution).toMatchObject({
      creator: created.creator.publicKey.toBase58(),
      mint: created.mint.toBase58(),
      maxClaims: 4,
      remaining: 4,
    });
    expect(distribution.token.decimals).toBe(6);
    // The emulator's giveaway post is two hours old; X's created_at is kept for checks older than search's window.
    const postAgeSeconds = Math.floor(Date.now() / 1000) - (distribution.postCreatedAt ?? 0);
    expect(postAgeSeconds).toBeGreaterThan(2 * 3600 - 600);
    expect(postAgeSeconds).toBeLessThan(2 * 3600 + 600);
  });

  it("tells the create dialog which program, verifier and fee a registration must carry", async () => {
    const response = await backend.request("GET", "/creation-terms");
    expect(response.status).toBe(200);
    const terms = creationTermsResponseSchema.parse(await response.json());
    expect(terms).toEqual({
      programId: DISTRIBUTION_PROGRAM_ID,
      verifier: backend.verifier.publicKey.toBase58(),
      feePerClaimLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS,
    });
  });

  it("refuses a registration whose terms differ from the chain, naming every differing field", async () => {
    const stranger = Keypair.generate().publicKey;
    const { address, fields } = onChain({ verifier: stranger, feePerClaimLamports: 1n });
    const response = await register({
      address,
      postId: SEED.posts.oldPost,
      requirements: [{ type: "follow" }],
      mint: stranger.toBase58(),
      amountPerClaim: "1",
      maxClaims: 99,
      startsAt: Number(fields.startTs) + 1,
      endsAt: Number(fields.endTs) + 1,
    });
    expect(response.status).toBe(409);
    const error = await errorOf(response);
    expect(error.code).toBe("registration_mismatch");
    const mismatches = (error.details as { mismatches: { field: string; onChain: string; submitted: string }[] }).mismatches;
    expect(mismatches.map((entry) => entry.field).sort()).toEqual(
      [
        "amountPerClaim",
        "endsAt",
        "feePerClaimLamports",
        "maxClaims",
        "mint",
        "postId",
        "requirementsHash",
        "startsAt",
        "verifier",
      ].sort(),
    );
    expect(mismatches.find((entry) => entry.field === "verifier")).toEqual({
      field: "verifier",
      onChain: stranger.toBase58(),
      submitted: backend.verifier.publicKey.toBase58(),
    });
    expect((await backend.request("GET", `/distributions/${address}`)).status).toBe(404);
  });

  it("refuses a fee budget that cannot pay every payout's fee, and tells the card how many new token accounts it covers", async () => {
    const feePerClaim = backend.context.config.FEE_PER_CLAIM_LAMPORTS;
    // An account the program no longer creates (it refuses FeeBudgetTooSmall): one lamport short.
    const short = onChain({ maxClaims: 10, claimedCount: 0, feeBudgetLamports: feePerClaim * 10n - 1n });
    const refused = await register({ address: short.address, postId: SEED.posts.giveaway, requirements });
    expect(refused.status).toBe(409);
    const error = await errorOf(refused);
    expect(error.code).toBe("fee_budget_too_small");
    expect(error.details).toEqual({
      feeBudgetLamports: (feePerClaim * 10n - 1n).toString(),
      minimumLamports: (feePerClaim * 10n).toString(),
    });
    expect((await backend.request("GET", `/distributions/${short.address}`)).status).toBe(404);

    const feesOnly = onChain({ maxClaims: 10, claimedCount: 0, feeBudgetLamports: feePerClaim * 10n });
    const withRent = onChain({ maxClaims: 10, claimedCount: 0, feeBudgetLamports: feePerClaim * 10n + 2_039_280n * 4n });
    // The same budget opens fewer Token-2022 accounts: theirs carry ImmutableOwner, so more rent.
    const token2022 = onChain({
      mint: putMint(requireChain(), 6, TOKEN_2022_PROGRAM_ID),
      maxClaims: 10,
      claimedCount: 0,
      feeBudgetLamports: feePerClaim * 10n + 2_039_280n * 4n,
    });
    // The budget keeps each unpaid slot's priority fee cap too: 10 × 300,000 lamports leaves room for 2.
    const withCap = onChain({
      maxClaims: 10,
      claimedCount: 0,
      priorityFeeCapLamports: 300_000n,
      feeBudgetLamports: (feePerClaim + 300_000n) * 10n + 2_039_280n * 2n,
    });
    for (const [{ address }, covered] of [
      [feesOnly, 0],
      [withRent, 4],
      [token2022, 3],
      [withCap, 2],
    ] as const) {
      const response = await register({ address, postId: SEED.posts.giveaway, requirements });
      expect(response.status).toBe(201);
      const { distribution } = distributionResponseSchema.parse(await response.json());
      expect(distribution).toMatchObject({ tokenAccountsCovered: covered, verifierChanged: false });
    }

    // A row registered before the cap was kept counts it once its next refresh reads the account.
    await backend.database.query(
      "UPDATE distributions SET priority_fee_cap_lamports = 0, updated_at = now() - interval '1 hour' WHERE address = $1",
      [withCap.address],
    );
    const refreshed = await backend.request("GET", `/distributions/${withCap.address}`);
    expect(distributionResponseSchema.parse(await refreshed.json()).distribution.tokenAccountsCovered).toBe(2);
  });

  it("refuses requirements that hash differently, an address with no account, and a non-author", async () => {
    const { address } = onChain();
    const changed = await register({
      address,
      postId: SEED.posts.giveaway,
      requirements: [{ type: "follow" }, { type: "like" }, { type: "reply", mustContain: "gn" }],
    });
    expect(changed.status).toBe(409);
    expect(
      ((await errorOf(changed)).details as { mismatches: { field: string }[] }).mismatches.map((entry) => entry.field),
    ).toEqual(["requirementsHash"]);

    const nowhere = await register({
      address: Keypair.generate().publicKey.toBase58(),
      postId: SEED.posts.giveaway,
      requirements,
    });
    expect(nowhere.status).toBe(409);
    expect((await errorOf(nowhere)).code).toBe("distribution_not_on_chain");

    const fan = await backend.signIn(SEED.users.superfan.username);
    const notAuthor = await register({ address, postId: SEED.posts.giveaway, requirements }, fan.sessionToken);
    expect(notAuthor.status).toBe(403);
    expect((await errorOf(notAuthor)).code).toBe("not_post_author");

    expect((await register({ address, postId: SEED.posts.giveaway, requirements }, "")).status).toBe(401);
  });

  it("looks up many posts at once with a short cache, and shows one status", async () => {
    const { address } = onChain({ postId: BigInt(SEED.posts.oldPost) });
    expect((await register({ address, postId: SEED.posts.oldPost, requirements })).status).toBe(201);

    const response = await backend.request("GET", `/distributions?postIds=${SEED.posts.oldPost},12345,${SEED.posts.oldPost}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=5");
    const { distributions } = distributionListResponseSchema.parse(await response.json());
    expect(distributions.map((distribution) => distribution.address)).toEqual([address]);

    const none = distributionListResponseSchema.parse(await (await backend.request("GET", "/distributions?postIds=777")).json());
    expect(none.distributions).toEqual([]);

    const tooMany = await backend.request(
      "GET",
      `/distributions?postIds=${Array.from({ length: 101 }, (_, index) => index + 1).join(",")}`,
    );
    expect(tooMany.status).toBe(400);
    expect((await errorOf(tooMany)).message).toMatch(/at most 100 post ids/);
    expect((await backend.request("GET", "/distributions?postIds=abc")).status).toBe(400);
    expect((await backend.request("GET", "/distributions")).status).toBe(400);

    const status = distributionResponseSchema.parse(await (await backend.request("GET", `/distributions/${address}`)).json());
    expect(status.distribution).toMatchObject({ address, claimedCount: 3, remaining: 97 });
    expect((await backend.request("GET", `/distributions/${Keypair.generate().publicKey.toBase58()}`)).status).toBe(404);
    expect((await backend.request("GET", "/distributions/not-an-address")).status).toBe(400);
  });

  it("looks up posts that link nothing by bucket: every distribution in the buckets asked, and clear errors for bad buckets", async () => {
    const { address } = onChain();
    expect((await register({ address, postId: SEED.posts.giveaway, requirements })).status).toBe(201);
    const giveawayBucket = postIdBucket(SEED.posts.giveaway);
    const otherBucket = giveawayBucket === "0000" ? "0001" : "0000";

    const response = await backend.request("GET", `/distributions?buckets=${giveawayBucket},${otherBucket}`);
    expect(response.status).toBe(200);
    const { distributions, overfullBuckets } = distributionListResponseSchema.parse(await response.json());
    expect(distributions.map((distribution) => distribution.address)).toContain(address);
    for (const distribution of distributions) expect([giveawayBucket, otherBucket]).toContain(postIdBucket(distribution.postId));
    expect(overfullBuckets).toBeUndefined();

    // Ids and buckets in one call: each distribution once.
    const both = distributionListResponseSchema.parse(
      await (await backend.request("GET", `/distributions?postIds=${SEED.posts.giveaway}&buckets=${giveawayBucket}`)).json(),
    );
    expect(both.distributions.filter((distribution) => distribution.address === address)).toHaveLength(1);
    const other = distributionListResponseSchema.parse(
      await (await backend.request("GET", `/distributions?buckets=${otherBucket}`)).json(),
    );
    expect(other.distributions.every((distribution) => postIdBucket(distribution.postId) === otherBucket)).toBe(true);

    for (const [query, message] of [
      ["buckets=ABCD", /4 lowercase hex characters/],
      ["buckets=0a1", /4 lowercase hex characters/],
      ["buckets=0a1f0", /4 lowercase hex characters/],
      ["buckets=", /4 lowercase hex characters/],
      [
        `buckets=${Array.from({ length: 101 }, (_, index) => index.toString(16).padStart(4, "0")).join(",")}`,
        /too many post buckets/,
      ],
    ] as const) {
      const refused = await backend.request("GET", `/distributions?${query}`);
      expect(refused.status, query).toBe(400);
      expect((await errorOf(refused)).message, query).toMatch(message);
    }
  });

  it("checks a fan's eligibility with their own X token and their wallet's balance", async () => {
    const holdMint = putMint(requireChain(), 0);
    const fanRequirements: RequirementInput[] = [
      ...requirements,
      { type: "hold_token", mint: holdMint.toBase58(), minAmount: "10" },
    ];
    const { address } = onChain({ requirementsHash: requirementsHash(requirementsSchema.parse(fanRequirements)) });
    expect((await register({ address, postId: SEED.posts.giveaway, requirements: fanRequirements })).status).toBe(201);

    const superfan = await backend.signIn(SEED.users.superfan.username);
    const wallet = Keypair.generate();
    expect((await backend.bindWallet(superfan.sessionToken, wallet)).status).toBe(200);
    putTokenAccount(requireChain(), wallet.publicKey, holdMint, 25n);
    const eligible = await backend.request("GET", `/distributions/${address}/eligibility`, { token: superfan.sessionToken });
    expect(eligible.status).toBe(200);
    const report = (await eligible.json()) as { eligible: boolean; checks: { requirement: { type: string }; met: boolean }[] };
    expect(report.checks.map((check) => [check.requirement.type, check.met])).toEqual([
      ["follow", true],
      ["like", true],
      ["reply", true],
      ["hold_token", true],
    ]);
    expect(report.eligible).toBe(true);

    const newcomer = await backend.signIn(SEED.users.newcomer.username);
    const notYet = (await (
      await backend.request("GET", `/distributions/${address}/eligibility`, { token: newcomer.sessionToken })
    ).json()) as {
      eligible: boolean;
      checks: { met: boolean; detail: string }[];
    };
    expect(notYet.eligible).toBe(false);
    expect(notYet.checks.every((check) => !check.met && check.detail.length > 0)).toBe(true);

    // The newcomer likes the post on X and comes back: a plain read keeps the 30 s unmet answer, a
    // re-check past the 3 s floor asks X again.
    backend.emulator?.store.like(SEED.users.newcomer.id, SEED.posts.giveaway);
    const likeMet = async (query: string) => {
      const response = await backend.request("GET", `/distributions/${address}/eligibility${query}`, {
        token: newcomer.sessionToken,
      });
      expect(response.status).toBe(200);
      const { checks } = (await response.json()) as { checks: { requirement: { type: string }; met: boolean }[] };
      return checks.find((check) => check.requirement.type === "like")?.met;
    };
    expect(await likeMet("")).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, RECHECK_FLOOR_MS));
    expect(await likeMet("?recheck=unmet")).toBe(true);
    expect(
      (await backend.request("GET", `/distributions/${address}/eligibility?recheck=all`, { token: newcomer.sessionToken }))
        .status,
    ).toBe(400);

    const foreignWallet = await backend.request(
      "GET",
      `/distributions/${address}/eligibility?wallet=${wallet.publicKey.toBase58()}`,
      {
        token: newcomer.sessionToken,
      },
    );
    expect(foreignWallet.status).toBe(403);
  });

  it("answers eligibility for a giveaway without requirements without asking X", async () => {
    const { address } = onChain({ requirementsHash: requirementsHash(requirementsSchema.parse([])) });
    expect((await register({ address, postId: SEED.posts.giveaway, requirements: [] })).status).toBe(201);
    const xCalls = async () =>
      (await backend.context.metrics.xApiCalls.get()).values.reduce((sum, value) => sum + value.value, 0);
    const fan = await backend.signIn(SEED.users.newcomer.username);
    // A fan whose X token has lapsed for good is still eligible: there is nothing to ask X.
    await backend.database.query(
      "UPDATE x_accounts SET access_token_expires_at = now() - interval '1 day', refresh_token_encrypted = NULL WHERE username = $1",
      [SEED.users.newcomer.username],
    );
    const before = await xCalls();
    const response = await backend.request("GET", `/distributions/${address}/eligibility`, { token: fan.sessionToken });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ eligible: true, checks: [] });
    expect(await xCalls()).toBe(before);
  });

  it("lists the creator's distributions and serves an escaped public page", async () => {
    const { address } = onChain();
    const registered = await register({
      address,
      postId: SEED.posts.giveaway,
      requirements,
    });
    expect(registered.status).toBe(201);

    const mine = (await (await backend.request("GET", "/creators/me/distributions", { token: creatorSession })).json()) as {
      distributions: { address: string; claimsOverTime: unknown[] }[];
    };
    expect(mine.distributions.map((distribution) => distribution.address)).toContain(address);
    expect(mine.distributions.every((distribution) => Array.isArray(distribution.claimsOverTime))).toBe(true);

    const page = await backend.request("GET", `/d/${address}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    // The token is named by the chain (this mint has no metadata), never by what the creator typed.
    expect(html).toContain("2.5 Unknown token");
    expect(html).toContain(`https://x.com/i/status/${SEED.posts.giveaway}`);
    expect(html).toContain("Reply to the post with “gm memefans”");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>X");
    // X shows the card's title to people: amount and ticker, not a 44-character address.
    expect(html).toMatch(/<meta property="og:title" content="2\.5 Unknown token \([^"]+\) for each fan[^"]*">/);
    expect(html).not.toMatch(new RegExp(`<meta property="og:title" content="[^"]*${address}`));
    expect((await backend.request("GET", "/d/<script>")).status).toBe(404);
  });
});

describe("eligibility when X rate-limits", () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startTestBackend(await openDatabase({}), {}, { emulator: { rateLimits: { "users/:id": 0 } } });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await backend?.database.close();
  });

  it("answers 429 rate_limited with when to retry, not a 5xx", async () => {
    const chain = backend.chain;
    if (!chain) throw new Error("the test backend runs the embedded chain");
    const creator = await backend.signIn(SEED.users.creator.username);
    const followOnly: RequirementInput[] = [{ type: "follow" }];
    const nowSeconds = BigInt(Math.floor(Date.now() / 1000));
    const address = putDistribution(chain, {
      creator: Keypair.generate().publicKey,
      mint: putMint(chain, 0),
      verifier: backend.verifier.publicKey,
      distributionId: 1n,
      postId: BigInt(SEED.posts.giveaway),
      amountPerClaim: 1n,
      maxClaims: 10,
      claimedCount: 0,
      startTs: nowSeconds - 60n,
      endTs: nowSeconds + 3600n,
      feePerClaimLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS,
      feeBudgetLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS * 10n,
      requirementsHash: requirementsHash(requirementsSchema.parse(followOnly)),
      paused: false,
    }).toBase58();
    const registered = await backend.request("POST", "/distributions", {
      token: creator.sessionToken,
      body: { address, postId: SEED.posts.giveaway, requirements: followOnly },
    });
    expect(registered.status).toBe(201);

    const fan = await backend.signIn(SEED.users.superfan.username);
    const response = await backend.request("GET", `/distributions/${address}/eligibility`, { token: fan.sessionToken });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const error = await errorOf(response);
    expect(error.code).toBe("rate_limited");
    expect(error.message).toMatch(/X is rate limiting/);
  });
});
