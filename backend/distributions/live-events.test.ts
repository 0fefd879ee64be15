import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { errorBodySchema } from "../../shared/api/errors.ts";
import type { TestDistribution } from "../claims/testing/chain-fixtures.ts";
import { startPayingTestBackend } from "../claims/testing/paying-backend.ts";
import { claimAs, fanWithWallet, registeredTestDistribution } from "../claims/testing/registered-distribution.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import type { TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { eventReader } from "./testing/live-event-reader.ts";

describeEachEngine("live counts over server-sent events", (database) => {
  let backend: TestBackend;
  let distribution: TestDistribution;

  beforeAll(async () => {
    backend = await startPayingTestBackend(database(), { MAX_LIVE_STREAMS: "2" });
    distribution = await registeredTestDistribution(backend, { requirements: [], maxClaims: 3 });
  }, 120_000);
  afterAll(() => backend?.close());

  it("sends the numbers when the stream opens and again when a fan's claim is accepted", async () => {
    const address = distribution.address.toBase58();
    const response = await fetch(`${backend.url}/live/distributions?addresses=${address}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = eventReader(response);
    try {
      expect(await events.next()).toEqual({ address, claimedCount: 0, remaining: 3, maxClaims: 3, paused: false, closed: false });
      const fan = await fanWithWallet(backend, SEED.users.superfan.username);
      expect((await claimAs(backend, fan, address)).status).toBe(202);
      expect(await events.next()).toMatchObject({ address, claimedCount: 1, remaining: 2 });
    } finally {
      events.cancel();
    }
  }, 60_000);

  it("refuses malformed address lists, unregistered addresses and more streams than the instance serves", async () => {
    const address = distribution.address.toBase58();
    const malformed = await fetch(`${backend.url}/live/distributions?addresses=not-an-address`);
    expect(malformed.status).toBe(400);
    const unregistered = await fetch(`${backend.url}/live/distributions?addresses=${Keypair.generate().publicKey.toBase58()}`);
    expect(unregistered.status).toBe(404);
    expect(errorBodySchema.parse(await unregistered.json()).error.code).toBe("not_found");
    const open = [
      await fetch(`${backend.url}/live/distributions?addresses=${address}`),
      await fetch(`${backend.url}/live/distributions?addresses=${address}`),
    ];
    try {
      for (const response of open) expect(response.status).toBe(200);
      await expect.poll(() => backend.context.liveEvents.streamCount).toBe(2);
      const third = await fetch(`${backend.url}/live/distributions?addresses=${address}`);
      expect(third.status).toBe(503);
      expect(errorBodySchema.parse(await third.json()).error.code).toBe("rate_limited");
    } finally {
      for (const response of open) await response.body?.cancel();
    }
    // A closed stream frees its place.
    await expect.poll(() => backend.context.liveEvents.streamCount).toBe(0);
  }, 60_000);
});
