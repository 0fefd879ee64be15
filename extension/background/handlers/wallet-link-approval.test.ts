import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { callBackground } from "../../messaging/client.ts";
import { createRouter } from "../router.ts";
import type { MessageSenderInfo } from "../sender.ts";
import { currentSession, saveSession } from "../services.ts";
import { testServices } from "../testing/test-services.ts";
import { allHandlers } from "./all-handlers.ts";

const EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop";
const popup: MessageSenderInfo = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/popup.html` };
const approvalWindow: MessageSenderInfo = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/approve.html?id=1` };
const xTab: MessageSenderInfo = { id: EXTENSION_ID, url: "https://x.com/home", tab: { url: "https://x.com/home" } };
/** What a script posing as Phantom on x.com would answer with: its own wallet and its own signature. */
const ATTACKER_WALLET = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const verify = {
  message: "x.com wants you to sign in with your Solana account",
  signature: "5".repeat(88),
  address: ATTACKER_WALLET,
};

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** The worker signed in as @fan, over a backend that binds whatever it is asked to and notes each call. */
async function setup(name: string) {
  const { services, browser } = await testServices(name);
  cleanups.push(() => services.db.close());
  const backendCalls: string[] = [];
  services.fetch = async (input) => {
    backendCalls.push(new URL(String(input)).pathname);
    return Response.json({ address: ATTACKER_WALLET });
  };
  await saveSession(services, { sessionToken: "token-1", xUser: { id: "1001", username: "fan", name: "Fan" }, boundWallets: [] });
  const route = createRouter(EXTENSION_ID, allHandlers(services));
  const as = (sender: MessageSenderInfo) => (request: unknown) => route(request, sender);
  const boundWallets = async () => (await currentSession(services))?.boundWallets;
  return { services, browser, backendCalls, boundWallets, fromX: as(xTab), fromPopup: as(popup), fromWindow: as(approvalWindow) };
}

describe("a wallet link asked by a content script", () => {
  it("reaches the backend only after the person approves the wallet and the X account in our window", async () => {
    const { browser, backendCalls, boundWallets, fromX, fromWindow } = await setup("wallet-link-approved");
    const linking = callBackground("auth/wallet-verify", verify, fromX);
    await expect.poll(() => browser.openedApprovals.length).toBe(1);
    const [id = ""] = browser.openedApprovals;
    expect(backendCalls).toEqual([]);
    expect(await callBackground("approval/get", { id }, fromWindow)).toEqual({
      kind: "wallet-link",
      id,
      origin: "https://x.com",
      address: ATTACKER_WALLET,
      xUsername: "fan",
      expiresAt: expect.any(Number),
    });
    await callBackground("approval/decide", { id, approved: true }, fromWindow);
    expect(await linking).toEqual({ address: ATTACKER_WALLET });
    expect(backendCalls).toEqual(["/auth/wallet/verify"]);
    expect(await boundWallets()).toEqual([ATTACKER_WALLET]);
  });

  it("never reaches the backend when the person rejects it or closes the window", async () => {
    const { services, browser, backendCalls, boundWallets, fromX } = await setup("wallet-link-rejected");
    const rejected = callBackground("auth/wallet-verify", verify, fromX);
    await expect.poll(() => browser.openedApprovals.length).toBe(1);
    services.approvals.decide(browser.openedApprovals[0] ?? "", false);
    await expect(rejected).rejects.toMatchObject({ code: "rejected" });

    const closed = callBackground("auth/wallet-verify", verify, fromX);
    await expect.poll(() => browser.openedApprovals.length).toBe(2);
    // The stand-in numbers windows by how many opened.
    services.approvals.windowClosed(2);
    await expect(closed).rejects.toMatchObject({ code: "rejected", message: "the approval window was closed" });
    expect(backendCalls).toEqual([]);
    expect(await boundWallets()).toEqual([]);
  });

  it("opens no window without an X session: there is no account to link to", async () => {
    const { services, browser, backendCalls, fromX } = await setup("wallet-link-signed-out");
    await saveSession(services, undefined);
    await expect(callBackground("auth/wallet-verify", verify, fromX)).rejects.toMatchObject({ code: "not_signed_in" });
    expect(browser.openedApprovals).toEqual([]);
    expect(backendCalls).toEqual([]);
  });
});

describe("a wallet link asked by one of our own pages", () => {
  it("goes to the backend without a window: the page showed the person what it binds", async () => {
    const { browser, backendCalls, boundWallets, fromPopup } = await setup("wallet-link-from-popup");
    expect(await callBackground("auth/wallet-verify", verify, fromPopup)).toEqual({ address: ATTACKER_WALLET });
    expect(browser.openedApprovals).toEqual([]);
    expect(backendCalls).toEqual(["/auth/wallet/verify"]);
    expect(await boundWallets()).toEqual([ATTACKER_WALLET]);
  });
});
