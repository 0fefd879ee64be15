import { afterAll, beforeAll, expect, it } from "vitest";
import { claimsPlugin } from "../../backend/claims/claims-plugin.ts";
import { claimAs, fanWithWallet, registeredTestDistribution } from "../../backend/claims/testing/registered-distribution.ts";
import { describeEachEngine } from "../../backend/db/testing/engines.ts";
import { startTestBackend, type TestBackend } from "../../backend/http/testing/test-backend.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { type CountsMessage, LIVE_COUNTS_PORT } from "../messaging/live-counts.ts";
import { type LiveCountsPort, serveLiveCounts } from "./live-counts-port.ts";

const EXTENSION_ID = "a".repeat(32);
const fromX = { id: EXTENSION_ID, url: "https://x.com/home", origin: "https://x.com", tab: { id: 7, url: "https://x.com/home" } };

/** chrome.runtime.Port as the worker sees it: the tab's messages go in, the worker's come out. */
function portFrom(sender: LiveCountsPort["sender"]) {
  const received: CountsMessage[] = [];
  const onMessage: ((message: unknown) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  let disconnected = false;
  const port: LiveCountsPort = {
    name: LIVE_COUNTS_PORT,
    ...(sender ? { sender } : {}),
    postMessage: (message) => received.push(message),
    disconnect: () => {
      disconnected = true;
    },
    onMessage: { addListener: (listener) => onMessage.push(listener) },
    onDisconnect: { addListener: (listener) => onDisconnect.push(listener) },
  };
  return {
    port,
    received,
    disconnected: () => disconnected,
    fromTab: (message: unknown) => {
      for (const listener of onMessage) listener(message);
    },
    tabClosed: () => {
      for (const listener of onDisconnect) listener();
    },
  };
}

describeEachEngine("the service worker's live-counts port", (database) => {
  let backend: TestBackend;
  let address: string;

  beforeAll(async () => {
    backend = await startTestBackend(database(), {}, { plugins: [claimsPlugin] });
    address = (await registeredTestDistribution(backend, { requirements: [], maxClaims: 5 })).address.toBase58();
  }, 120_000);
  afterAll(() => backend?.close());

  const dependencies = () => ({ extensionId: EXTENSION_ID, backendUrl: async () => backend.url, fetch, retryMs: 50 });

  it("holds one backend stream for what the tab follows, forwards each count, and closes it with the port", async () => {
    const tab = portFrom(fromX);
    serveLiveCounts(tab.port, dependencies());
    tab.fromTab({ follow: [address] });
    // Not the tab's business: anything but a follow list or a keep-alive is ignored.
    tab.fromTab({ follow: ["not an address"] });
    await expect.poll(() => tab.received.at(-1)?.counts).toMatchObject({ address, claimedCount: 0, remaining: 5 });
    const fan = await fanWithWallet(backend, SEED.users.superfan.username);
    expect((await claimAs(backend, fan, address)).status).toBe(202);
    await expect.poll(() => tab.received.at(-1)?.counts).toMatchObject({ address, claimedCount: 1, remaining: 4 });
    expect(backend.context.liveEvents.streamCount).toBe(1);
    tab.tabClosed();
    await expect.poll(() => backend.context.liveEvents.streamCount).toBe(0);
  }, 60_000);

  it("asks no more for addresses none of which is a giveaway, and waits twice as long after each refusal", async () => {
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    const unknown = portFrom(fromX);
    serveLiveCounts(unknown.port, { ...dependencies(), fetch: counting });
    unknown.fromTab({ follow: ["So11111111111111111111111111111111111111112"] });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(calls).toHaveLength(1);
    unknown.tabClosed();

    // A 404 that is not the backend's answer (a proxy's page during a rollout) is tried again.
    let proxied = 0;
    const proxy404: typeof fetch = async () => {
      proxied++;
      return new Response("<html>Not Found</html>", { status: 404, headers: { "content-type": "text/html" } });
    };
    const rollout = portFrom(fromX);
    serveLiveCounts(rollout.port, { ...dependencies(), fetch: proxy404 });
    rollout.fromTab({ follow: [address] });
    await expect.poll(() => proxied, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    rollout.tabClosed();

    // Too many streams from this address (the backend's 429): 50, 100, 200, 400 ms apart, not every 50.
    const refusedAt: number[] = [];
    const refusing: typeof fetch = async () => {
      refusedAt.push(performance.now());
      return new Response(JSON.stringify({ error: { code: "rate_limited", message: "too many" } }), { status: 429 });
    };
    const crowded = portFrom(fromX);
    serveLiveCounts(crowded.port, { ...dependencies(), fetch: refusing });
    crowded.fromTab({ follow: [address] });
    await expect.poll(() => refusedAt.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
    crowded.tabClosed();
    const gaps = refusedAt.slice(1, 4).map((at, index) => at - (refusedAt[index] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
  });

  it("refuses a port from anywhere but our content script on X", async () => {
    for (const sender of [
      { ...fromX, id: "b".repeat(32) },
      { ...fromX, url: "https://evil.example/", origin: "https://evil.example", tab: { id: 7, url: "https://evil.example/" } },
      undefined,
    ]) {
      const tab = portFrom(sender);
      serveLiveCounts(tab.port, dependencies());
      expect(tab.disconnected()).toBe(true);
      tab.fromTab({ follow: [address] });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(backend.context.liveEvents.streamCount).toBe(0);
  });
});
