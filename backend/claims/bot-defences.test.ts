import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotRefusals, creatorDistributionsResponseSchema, DEFAULT_CLAIM_RULES } from "../../shared/api/distributions.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { openDatabase } from "../db/open-database.ts";
import { startTestBackend, type TestBackend, xApiCallCount } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { claimsPlugin } from "./claims-plugin.ts";
import { type ClaimingFan, claimAs, fanWithWallet, registerDistribution } from "./testing/registered-distribution.ts";

/** The creator's bot defences, each refusing what it should and counted on the creator's dashboard. */
let backend: TestBackend;
let creatorSession = "";
let fanCounter = 0;

beforeAll(async () => {
  backend = await startTestBackend(await openDatabase({}), {}, { plugins: [claimsPlugin] });
  creatorSession = (await backend.signIn(SEED.users.creator.username)).sessionToken;
}, 120_000);
afterAll(() => backend?.close());

/** A new X account (the emulator's), signed in with a bound wallet. */
async function newFan(options: { ageDays?: number; followers?: number; username?: string } = {}) {
  const username = options.username ?? `botcheck${++fanCounter}`;
  if (!options.username) {
    const created = await fetch(`${backend.emulator?.url}/__emulator/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, ageDays: options.ageDays ?? 400, followers: options.followers ?? 100 }),
    });
    expect(created.status).toBe(201);
  }
  return fanWithWallet(backend, username);
}

const claim = (fan: ClaimingFan, distribution: string) => claimAs(backend, fan, distribution);

async function refusalsOf(address: string): Promise<BotRefusals | undefined> {
  const response = await backend.request("GET", "/creators/me/distributions", { token: creatorSession });
  const { distributions } = creatorDistributionsResponseSchema.parse(await response.json());
  return distributions.find((distribution) => distribution.address === address)?.botRefusals;
}

describe("bot defences", () => {
  it("are on by default: a registration without rules gets the default velocity limit", async () => {
    const distribution = (await registerDistribution(backend, creatorSession, [], 10)).address.toBase58();
    const response = await backend.request("GET", `/distributions/${distribution}`);
    expect(((await response.json()) as { distribution: { claimRules: unknown } }).distribution.claimRules).toEqual(
      DEFAULT_CLAIM_RULES,
    );
  });

  it("refuse accounts too new or with too few followers, and count each account once per reason", async () => {
    const defences = [
      { type: "account_age", minDays: 30 },
      { type: "min_followers", minFollowers: 10 },
    ] as const;
    const distribution = (await registerDistribution(backend, creatorSession, [...defences], 10)).address.toBase58();
    const fresh = await newFan({ ageDays: 2, followers: 500 });
    const lonely = await newFan({ ageDays: 900, followers: 1 });
    const farmed = await newFan({ ageDays: 1, followers: 0 });
    const genuine = await newFan({ ageDays: 900, followers: 50 });
    for (const fan of [fresh, lonely, farmed, farmed]) {
      const refused = await claim(fan, distribution);
      expect(refused.status).toBe(403);
      expect(errorBodySchema.parse(await refused.json()).error.code).toBe("requirements_not_met");
    }
    expect((await claim(genuine, distribution)).status).toBe(202);
    expect(await refusalsOf(distribution)).toEqual({ accounts: 3, byReason: { account_age: 2, min_followers: 2 } });
  });

  it("limit claims per minute per distribution, before any X call", async () => {
    const distribution = (
      await registerDistribution(backend, creatorSession, [{ type: "follow" }], 10, {
        claimRules: { oncePerCreator: false, maxClaimsPerMinute: 2 },
      })
    ).address.toBase58();
    for (const username of [SEED.users.superfan.username, SEED.users.casualFan.username]) {
      expect((await claim(await newFan({ username }), distribution)).status).toBe(202);
    }
    const late = await newFan({ username: SEED.users.quietFan.username });
    const calls = await xApiCallCount(backend);
    const refused = await claim(late, distribution);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(errorBodySchema.parse(await refused.json()).error.code).toBe("claims_too_fast");
    expect(await xApiCallCount(backend)).toBe(calls);
    expect(await refusalsOf(distribution)).toEqual({ accounts: 1, byReason: { velocity: 1 } });
  });

  it("allow one claim per account and per wallet across the creator's giveaways, when the creator asks", async () => {
    const open = (await registerDistribution(backend, creatorSession, [], 10)).address.toBase58();
    const strict = (
      await registerDistribution(backend, creatorSession, [], 10, {
        claimRules: { oncePerCreator: true, maxClaimsPerMinute: 120 },
      })
    ).address.toBase58();
    const repeat = await newFan();
    expect((await claim(repeat, open)).status).toBe(202);
    const refused = await claim(repeat, strict);
    expect(refused.status).toBe(409);
    expect(errorBodySchema.parse(await refused.json()).error).toMatchObject({
      code: "claimed_from_creator",
      details: { distribution: open },
    });
    // Without the rule, claiming several of the creator's giveaways is fine.
    const also = (await registerDistribution(backend, creatorSession, [], 10)).address.toBase58();
    expect((await claim(repeat, also)).status).toBe(202);
    const newcomer = await newFan();
    expect((await claim(newcomer, strict)).status).toBe(202);
    expect(await refusalsOf(strict)).toEqual({ accounts: 1, byReason: { once_per_creator: 1 } });
  });
});
