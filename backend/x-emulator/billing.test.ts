import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../x/manual-clock.ts";
import { DEFAULT_APP_BEARER_TOKEN } from "./app.ts";
import { type RunningXApiEmulator, startXApiEmulator } from "./listen.ts";
import { componentSchema, conformanceErrors, loadOpenApi } from "./openapi-conformance.ts";
import { SEED } from "./seed.ts";

/** The emulator bills as X does: resources returned × price, each resource once per app and UTC day. */
const { users, posts } = SEED;
const openapi = loadOpenApi(
  new URL("../../../shared/fixtures/x-api-v2/openapi/x-api-v2-openapi-2.159.json", import.meta.url).pathname,
);
const clock = new ManualClock(Date.parse("2026-11-20T22:00:00Z"));
let emulator: RunningXApiEmulator;

beforeAll(async () => {
  emulator = await startXApiEmulator({ now: () => clock.now(), rateLimits: { "users/me": 1 } });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

async function get(path: string, userId: string | null = users.superfan.id) {
  const token = userId === null ? DEFAULT_APP_BEARER_TOKEN : emulator.issueUserToken(userId).access_token;
  const response = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as { data?: unknown } };
}

describe("the emulator's bill", () => {
  it("charges a user $0.010 once per UTC day, whoever asks", async () => {
    await get(`/2/users/${users.creator.id}`);
    await get(`/2/users/${users.creator.id}`, users.casualFan.id);
    expect(emulator.billing.totals).toMatchObject({ microUsd: 10_000, charged: { user: 1 }, repeated: { user: 1 } });
    clock.advance(2 * 60 * 60 * 1000);
    await get(`/2/users/${users.creator.id}`);
    expect(emulator.billing.totals.microUsd).toBe(20_000);
  });

  it("charges every like of a page ($0.001 each), a like being who liked what", async () => {
    await get(`/2/users/${users.superfan.id}/liked_tweets?max_results=5`);
    expect(emulator.billing.totals).toMatchObject({ microUsd: 5_000, charged: { like: 5 } });
    // The casual fan's like of the giveaway is another like than the superfan's.
    await get(`/2/users/${users.casualFan.id}/liked_tweets?max_results=5`, users.casualFan.id);
    expect(emulator.billing.totals.charged.like).toBe(6);
  });

  it("charges following entries at $0.010 and posts at $0.005", async () => {
    await get(`/2/users/${users.superfan.id}/following`);
    await get(
      `/2/tweets/search/recent?query=${encodeURIComponent(`retweets_of_tweet_id:${posts.giveaway} from:${users.superfan.id}`)}`,
    );
    expect(emulator.billing.totals).toMatchObject({ microUsd: 15_000, charged: { follow: 1, post: 1 } });
  });

  it("charges nothing for errors, not-found entries and rate-limited calls", async () => {
    expect((await get("/2/users/me")).status).toBe(200);
    expect((await get("/2/users/me")).status).toBe(429);
    await get("/2/users/1399999999999999999");
    expect(emulator.billing.totals).toMatchObject({ microUsd: 10_000, charged: { user: 1 } });
  });

  it("exposes the running cost on /metrics", async () => {
    await get(`/2/tweets/${posts.giveaway}`);
    const metrics = await (await fetch(`${emulator.url}/metrics`)).text();
    expect(metrics).toContain("x_api_cost_usd_total 0.005\n");
    expect(metrics).toContain('x_api_billed_resources_total{resource="post"} 1\n');
  });
});

describe("connection_status", () => {
  it("tells the asking fan whether they follow the account, as X's User schema declares it", async () => {
    const fields = "user.fields=connection_status";
    const follower = await get(`/2/users/${users.creator.id}?${fields}`, users.casualFan.id);
    expect(follower.body.data).toMatchObject({ connection_status: ["following"] });
    expect(conformanceErrors(openapi, componentSchema("User"), follower.body.data)).toEqual([]);
    // X leaves the field out when there is no relationship at all (xdevplatform/twitter-api-typescript-sdk#89).
    const stranger = await get(`/2/users/${users.creator.id}?${fields}`, users.newcomer.id);
    expect(stranger.body.data).not.toHaveProperty("connection_status");
    // An app-only token has no "you" to relate to.
    const app = await get(`/2/users/${users.creator.id}?${fields}`, null);
    expect(app.body.data).not.toHaveProperty("connection_status");
  });
});
