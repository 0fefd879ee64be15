import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { callBackground } from "../../messaging/client.ts";
import { createRouter } from "../router.ts";
import type { MessageSenderInfo } from "../sender.ts";
import { saveSession } from "../services.ts";
import { type IdempotentBackend, startIdempotentBackend } from "../testing/idempotent-backend.ts";
import { testServices } from "../testing/test-services.ts";
import { allHandlers } from "./all-handlers.ts";

const EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop";
const popup: MessageSenderInfo = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/popup.html` };
const xTab: MessageSenderInfo = { id: EXTENSION_ID, url: "https://x.com/home", tab: { url: "https://x.com/home" } };
const DISTRIBUTION = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const WALLET = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function setup(name: string) {
  const { services, clock } = await testServices(name);
  cleanups.push(() => services.db.close());
  const route = createRouter(EXTENSION_ID, allHandlers(services));
  const as = (sender: MessageSenderInfo) => (request: unknown) => route(request, sender);
  return { services, clock, fromPopup: as(popup), fromX: as(xTab) };
}

async function backend(): Promise<IdempotentBackend> {
  const started = await startIdempotentBackend();
  cleanups.push(() => started.close());
  return started;
}

describe("claims through the outbox", () => {
  it("asks for an X sign-in before queueing anything", async () => {
    const { fromX, services } = await setup("claims-signed-out");
    await expect(callBackground("claims/submit", { distribution: DISTRIBUTION, wallet: WALLET }, fromX)).rejects.toMatchObject({
      code: "not_signed_in",
    });
    expect(await services.db.count("outbox")).toBe(0);
  });

  it("records the claim in the history, sends it with the session, and takes the backend's status", async () => {
    const server = await backend();
    const { fromX, fromPopup, services } = await setup("claims-online");
    await saveSession(services, {
      sessionToken: "token-1",
      xUser: { id: "1001", username: "fan", name: "Fan" },
      boundWallets: [],
    });
    await callBackground("settings/update", { backendUrl: server.url }, fromPopup);
    const outcome = await callBackground("claims/submit", { distribution: DISTRIBUTION, wallet: WALLET }, fromX);
    expect(outcome.outcome).toBe("delivered");
    const { claims } = await callBackground("claims/history", {}, fromPopup);
    expect(claims).toEqual([
      expect.objectContaining({
        key: outcome.outboxId,
        distribution: DISTRIBUTION,
        wallet: WALLET,
        status: "queued",
        claimId: expect.any(String),
      }),
    ]);
    expect(await callBackground("outbox/list", {}, fromPopup)).toMatchObject({
      items: [{ id: outcome.outboxId, status: "delivered", attempts: 1 }],
    });
  });

  it("marks a refused claim with the backend's reason", async () => {
    const server = await backend();
    server.mode = "refuse";
    const { fromX, fromPopup, services } = await setup("claims-refused");
    await saveSession(services, {
      sessionToken: "token-1",
      xUser: { id: "1001", username: "fan", name: "Fan" },
      boundWallets: [],
    });
    await callBackground("settings/update", { backendUrl: server.url }, fromPopup);
    const outcome = await callBackground("claims/submit", { distribution: DISTRIBUTION, wallet: WALLET }, fromX);
    expect(outcome).toMatchObject({ outcome: "refused", error: { code: "requirements_not_met" } });
    const { claims } = await callBackground("claims/history", {}, fromPopup);
    expect(claims[0]).toMatchObject({ status: "refused", reason: "follow the creator first" });
  });

  it("refuses a registration whose requirements the backend would refuse, before queueing it", async () => {
    const { fromX, services } = await setup("register-invalid");
    await saveSession(services, {
      sessionToken: "token-1",
      xUser: { id: "1001", username: "fan", name: "Fan" },
      boundWallets: [],
    });
    await expect(
      callBackground(
        "distributions/register",
        { address: DISTRIBUTION, postId: "123", requirements: [{ type: "subscribe" }] },
        fromX,
      ),
    ).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/unknown requirement type/) });
    expect(await services.db.count("outbox")).toBe(0);
  });
});

describe("diagnostics", () => {
  it("counts repeated selector misses from the overlay and lists them for the options page", async () => {
    const { fromX, fromPopup, clock } = await setup("diagnostics");
    const miss = { feature: "claim-widget", selector: 'article[data-testid="tweet"]', url: "https://x.com/home" };
    await callBackground("diagnostics/report", miss, fromX);
    clock.now += 1_000;
    await callBackground("diagnostics/report", { ...miss, detail: "0 of 12 cells matched" }, fromX);
    await callBackground(
      "diagnostics/report",
      { feature: "composer", selector: "[data-testid=tweetTextarea_0]", url: "https://x.com/compose/post" },
      fromX,
    );
    const { entries } = await callBackground("diagnostics/list", {}, fromPopup);
    expect(entries).toHaveLength(2);
    expect(entries.find((entry) => entry.feature === "claim-widget")).toMatchObject({
      count: 2,
      detail: "0 of 12 cells matched",
    });
    expect(await callBackground("diagnostics/clear", {}, fromPopup)).toEqual({ cleared: 2 });
    expect((await callBackground("diagnostics/list", {}, fromPopup)).entries).toEqual([]);
  });
});

describe("X sign-in", () => {
  it("explains an unreachable backend instead of failing silently", async () => {
    const { fromX, fromPopup } = await setup("x-connect-offline");
    await callBackground("settings/update", { backendUrl: "http://127.0.0.1:9" }, fromPopup);
    await expect(callBackground("x/connect", {}, fromX)).rejects.toMatchObject({ code: "network_error" });
  });
});
