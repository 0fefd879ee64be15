import { afterAll, beforeAll, expect, it } from "vitest";
import { type ClaimantsPage, claimantsResponseSchema } from "../../shared/api/creator-dashboard.ts";
import { creatorDistributionResponseSchema } from "../../shared/api/distributions.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { decodeDistributionAccount } from "../../shared/program/distribution-account.ts";
import type { TestDistribution } from "../claims/testing/chain-fixtures.ts";
import { startPayingTestBackend } from "../claims/testing/paying-backend.ts";
import { type ClaimingFan, claimAs, fanWithWallet, registerDistribution } from "../claims/testing/registered-distribution.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import type { TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";

/** The creator's dashboard of one giveaway: who claimed it, page by page, and what the chain says is left. */
describeEachEngine("creator dashboard", (database) => {
  let backend: TestBackend;
  let creatorSession = "";
  let distribution: TestDistribution;
  let address = "";
  const fans: ClaimingFan[] = [];
  const usernames = [SEED.users.superfan.username, SEED.users.casualFan.username, SEED.users.newcomer.username];

  beforeAll(async () => {
    backend = await startPayingTestBackend(database());
    creatorSession = (await backend.signIn(SEED.users.creator.username)).sessionToken;
    // No requirement: every fan may claim, and nothing here waits on X.
    distribution = await registerDistribution(backend, creatorSession, [], 10);
    address = distribution.address.toBase58();
    for (const username of usernames) {
      const fan = await fanWithWallet(backend, username);
      expect((await claimAs(backend, fan, address)).status).toBe(202);
      fans.push(fan);
    }
  }, 180_000);
  afterAll(() => backend?.close());

  const claimants = async (query = "", token = creatorSession): Promise<ClaimantsPage> => {
    const response = await backend.request("GET", `/creators/me/distributions/${address}/claims${query}`, { token });
    expect(response.status).toBe(200);
    return claimantsResponseSchema.parse(await response.json());
  };

  it("lists who claimed, newest first, with X handle, wallet, time and the paying transaction", async () => {
    await expect
      .poll(async () => (await claimants()).counts, { timeout: 60_000, interval: 200 })
      .toEqual({
        paid: 3,
        pending: 0,
        failed: 0,
      });
    const page = await claimants();
    expect(page.nextBefore).toBeNull();
    expect(page.claimants.map((claimant) => [claimant.slot, claimant.username, claimant.wallet, claimant.status])).toEqual([
      [2, SEED.users.newcomer.username, fans[2]?.wallet, "confirmed"],
      [1, SEED.users.casualFan.username, fans[1]?.wallet, "confirmed"],
      [0, SEED.users.superfan.username, fans[0]?.wallet, "confirmed"],
    ]);
    for (const claimant of page.claimants) {
      expect(claimant.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
      expect(Date.parse(claimant.claimedAt)).toBeLessThanOrEqual(Date.parse(claimant.updatedAt));
    }
  });

  it("pages by slot and filters by state, with the counts of every state on each page", async () => {
    const first = await claimants("?limit=2");
    expect(first.claimants.map((claimant) => claimant.slot)).toEqual([2, 1]);
    expect(first.nextBefore).toBe(1);
    const second = await claimants(`?limit=2&before=${first.nextBefore}`);
    expect(second.claimants.map((claimant) => claimant.slot)).toEqual([0]);
    expect(second.nextBefore).toBeNull();

    // A claim that failed on chain (the failure paths themselves are the batcher's tests).
    await backend.database.query(
      "UPDATE claims SET status = 'failed', failure_reason = 'needs_token_account' WHERE distribution = $1 AND slot = 1",
      [address],
    );
    const failed = await claimants("?status=failed");
    expect(failed.claimants.map((claimant) => [claimant.slot, claimant.failureReason])).toEqual([[1, "needs_token_account"]]);
    expect(failed.counts).toEqual({ paid: 2, pending: 0, failed: 1 });
    expect((await claimants("?status=paid")).claimants.map((claimant) => claimant.slot)).toEqual([2, 0]);
    expect((await claimants("?status=pending")).claimants).toEqual([]);
  });

  it("shows only the creator: another X account, or nobody, reads neither the claimants nor the dashboard", async () => {
    const other = await backend.signIn(SEED.users.quietFan.username);
    for (const path of [`/creators/me/distributions/${address}/claims`, `/creators/me/distributions/${address}`]) {
      const forbidden = await backend.request("GET", path, { token: other.sessionToken });
      expect(forbidden.status).toBe(403);
      const error = errorBodySchema.parse(await forbidden.json()).error;
      expect(error.code).toBe("forbidden");
      expect(JSON.stringify(error)).not.toContain(fans[0]?.wallet);
      expect((await backend.request("GET", path)).status).toBe(401);
    }
  });

  it("refuses bad input with a message naming it", async () => {
    const cases: [string, number, RegExp][] = [
      ["?limit=0", 400, /limit must be at least 1/],
      ["?limit=501", 400, /limit is at most 500/],
      ["?limit=ten", 400, /limit must be a whole number/],
      ["?before=-1", 400, /before must be a whole number/],
      ["?before=", 400, /before must be a whole number/],
      ["?status=paid&status=failed", 400, /status/],
      ["?status=everyone", 400, /status/],
    ];
    for (const [query, status, message] of cases) {
      const response = await backend.request("GET", `/creators/me/distributions/${address}/claims${query}`, {
        token: creatorSession,
      });
      expect(response.status, query).toBe(status);
      expect(JSON.stringify(await response.json()), query).toMatch(message);
    }
    const notAnAddress = await backend.request("GET", "/creators/me/distributions/nope/claims", { token: creatorSession });
    expect(notAnAddress.status).toBe(400);
    const unknown = await backend.request("GET", `/creators/me/distributions/${fans[0]?.wallet}`, { token: creatorSession });
    expect(unknown.status).toBe(404);
  });

  it("shows the fee budget left on chain, not the starting one, and claims over time in buckets that suit the giveaway", async () => {
    const account = await backend.context.connection.getAccountInfo(distribution.address);
    if (!account) throw new Error("the distribution is not on chain");
    const onChain = decodeDistributionAccount(account.data);
    // The budget paid each payout's fee, so what is left is below what the creator put in.
    expect(onChain.feeBudgetLamports).toBeLessThan(50n * 1_000_000_000n);
    const view = async () => {
      const response = await backend.request("GET", `/creators/me/distributions/${address}`, { token: creatorSession });
      expect(response.status).toBe(200);
      return creatorDistributionResponseSchema.parse(await response.json()).distribution;
    };
    // The stored state is refreshed from the chain once it is a couple of seconds old.
    await expect
      .poll(async () => (await view()).feeBudgetLamports, { timeout: 30_000, interval: 500 })
      .toBe(onChain.feeBudgetLamports);
    const current = await view();
    // The giveaway began a minute ago: claims are counted per minute, the failed one left out.
    expect(current.claimsBucket).toBe("minute");
    expect(current.claimsOverTime.reduce((sum, bucket) => sum + bucket.claims, 0)).toBe(2);
    expect(current.claimsOverTime.every((bucket) => new Date(bucket.bucketStart).getUTCSeconds() === 0)).toBe(true);
    expect(current.failedClaims).toEqual({ needs_token_account: 1 });
  });
});
