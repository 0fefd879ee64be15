import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimListResponseSchema } from "../../shared/api/claims.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { openDatabase } from "../db/open-database.ts";
import { startTestBackend, type TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { claimsPlugin } from "./claims-plugin.ts";
import { type ClaimingFan, claimAs, fanWithWallet, registerDistribution } from "./testing/registered-distribution.ts";

/** A claim whose check X rate-limits is kept and checked again when X's window resets. */
const WINDOW_MS = 12_000;
let backend: TestBackend;
let creatorSession = "";

beforeAll(async () => {
  backend = await startTestBackend(
    await openDatabase({}),
    {},
    { plugins: [claimsPlugin], emulator: { rateLimits: { "tweets/search/recent": 1 }, rateLimitWindowMs: WINDOW_MS } },
  );
  creatorSession = (await backend.signIn(SEED.users.creator.username)).sessionToken;
}, 120_000);
afterAll(() => backend?.close());

const fan = (username: string) => fanWithWallet(backend, username);
const claim = (who: ClaimingFan, distribution: string) => claimAs(backend, who, distribution);

/** Polls `check` until it passes: the deferred checks run on their own timer. */
async function waitUntil(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function deferredStatus(distribution: string) {
  const { rows } = await backend.database.query<{ status: string; outcome: string | null }>(
    "SELECT status, outcome FROM deferred_claims WHERE distribution = $1",
    [distribution],
  );
  return rows;
}

describe("claims X rate-limited", () => {
  it("tell the fan when the check runs again, then make the claim (or refuse it) at that time", async () => {
    const reposted = (await registerDistribution(backend, creatorSession, [{ type: "repost" }], 10)).address.toBase58();
    const quoted = (await registerDistribution(backend, creatorSession, [{ type: "quote" }], 10)).address.toBase58();
    const superfan = await fan(SEED.users.superfan.username);
    expect((await claim(superfan, reposted)).status).toBe(202);

    // The superfan's one search a window is spent: the quote check waits for the window.
    const waiting = await claim(superfan, quoted);
    expect(waiting.status).toBe(429);
    const retryAfter = Number(waiting.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    // X sends the reset in whole seconds, rounded up.
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000 + 1);
    const { error } = errorBodySchema.parse(await waiting.json());
    expect(error).toMatchObject({ code: "rate_limited", details: { queued: true, retryAfterSeconds: retryAfter } });
    expect(error.message).toMatch(/your claim is kept and checked again at/);

    // A fan who never quoted is kept too, and refused when the check runs.
    const casual = await fan(SEED.users.casualFan.username);
    expect((await claim(casual, reposted)).status).toBe(403);
    expect((await claim(casual, quoted)).status).toBe(429);

    await waitUntil(async () => {
      expect(await deferredStatus(quoted)).toHaveLength(2);
      expect((await deferredStatus(quoted)).map((row) => row.status).sort()).toEqual(["done", "refused"]);
    }, 60_000);
    const mine = claimListResponseSchema.parse(
      await (await backend.request("GET", "/me/claims", { token: superfan.sessionToken })).json(),
    );
    expect(mine.claims.map((made) => made.distribution).sort()).toEqual([quoted, reposted].sort());
    expect((await deferredStatus(quoted)).find((row) => row.status === "refused")?.outcome).toMatch(/^requirements_not_met/);
    // The fan's own retry with the same key finds the claim the deferred check made, not a second one.
    const retried = await claim(superfan, quoted);
    expect(retried.status).toBe(202);
  }, 120_000);
});
