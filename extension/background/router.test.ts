import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { callBackground } from "../messaging/client.ts";
import { MessagingError } from "../messaging/errors.ts";
import { allHandlers } from "./handlers/all-handlers.ts";
import { createRouter } from "./router.ts";
import type { MessageSenderInfo } from "./sender.ts";
import { testServices } from "./testing/test-services.ts";

const EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop";
const popup: MessageSenderInfo = {
  id: EXTENSION_ID,
  url: `chrome-extension://${EXTENSION_ID}/popup.html`,
  origin: `chrome-extension://${EXTENSION_ID}`,
};
const xTab: MessageSenderInfo = {
  id: EXTENSION_ID,
  url: "https://x.com/home",
  origin: "https://x.com",
  tab: { id: 7, url: "https://x.com/home" },
};

let closeDb: (() => void) | undefined;
afterEach(() => closeDb?.());

async function router(name: string) {
  const { services } = await testServices(name);
  closeDb = () => services.db.close();
  return createRouter(EXTENSION_ID, allHandlers(services));
}

const statusRequest = { channel: "memefans", type: "wallet/status", payload: {} };

describe("message router", () => {
  it("answers our popup and our content script on x.com", async () => {
    const route = await router("router-ok");
    const fromPopup = await route(statusRequest, popup);
    expect(fromPopup).toMatchObject({ ok: true, data: { choice: "builtin", builtin: { state: "absent" }, xUser: null } });
    expect(await route(statusRequest, xTab)).toEqual(fromPopup);
    expect(
      (
        await route(statusRequest, {
          ...xTab,
          url: "https://twitter.com/i/status/1",
          origin: "https://twitter.com",
          tab: { url: "https://twitter.com/" },
        })
      ).ok,
    ).toBe(true);
  });

  it.each([
    ["another extension", { ...popup, id: "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" }, /does not come from the MEMEFANS extension/],
    [
      "a web page (externally_connectable)",
      { url: "https://evil.example/", origin: "https://evil.example" },
      /does not come from the MEMEFANS extension/,
    ],
    [
      "our content script on another site",
      { ...xTab, url: "https://evil.example/", origin: "https://evil.example", tab: { url: "https://evil.example/" } },
      /not accepted/,
    ],
    [
      "an x.com frame inside another site's tab",
      { ...xTab, tab: { url: "https://evil.example/" } },
      /only call from x.com or twitter.com/,
    ],
    [
      "plain http x.com",
      { ...xTab, url: "http://x.com/home", origin: "http://x.com", tab: { url: "http://x.com/home" } },
      /not accepted/,
    ],
    [
      "a look-alike host",
      {
        ...xTab,
        url: "https://x.com.evil.example/",
        origin: "https://x.com.evil.example",
        tab: { url: "https://x.com.evil.example/" },
      },
      /not accepted/,
    ],
    ["a content script without a tab", { id: EXTENSION_ID, url: "https://x.com/home" }, /must come from a tab/],
    ["a page whose origin disagrees", { ...popup, origin: "https://evil.example" }, /origin is not the extension's/],
    ["no URL at all", { id: EXTENSION_ID }, /has no URL/],
  ])("refuses %s", async (_label, sender, reason) => {
    const route = await router("router-foreign");
    const answer = await route(statusRequest, sender as MessageSenderInfo);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe("forbidden_sender");
    expect(answer.error.message).toMatch(reason);
  });

  it("keeps wallet management and approvals away from content scripts", async () => {
    const route = await router("router-audience");
    for (const [type, payload] of [
      ["wallet/create", { password: "a long password" }],
      ["wallet/unlock", { password: "a long password" }],
      ["approval/decide", { id: "x", approved: true }],
      ["settings/update", { backendUrl: "https://evil.example" }],
      ["diagnostics/clear", {}],
    ] as const) {
      const answer = await route({ channel: "memefans", type, payload }, xTab);
      expect(answer).toMatchObject({
        ok: false,
        error: { code: "forbidden_sender", message: `refused: ${type} is only answered for page senders` },
      });
    }
    // ...and diagnostics reports are the overlay's to send.
    expect(
      await route({ channel: "memefans", type: "diagnostics/report", payload: { feature: "f", selector: "s", url: "u" } }, popup),
    ).toMatchObject({
      ok: false,
      error: { code: "forbidden_sender" },
    });
  });

  it.each([
    ["not an object", "hello", /not a MEMEFANS message/],
    ["another channel", { channel: "other", type: "wallet/status", payload: {} }, /not a MEMEFANS message/],
    [
      "an unknown type",
      { channel: "memefans", type: "wallet/export-key", payload: {} },
      /unknown message type "wallet\/export-key"/,
    ],
    ["an extra field", { channel: "memefans", type: "wallet/status", payload: { secret: true } }, /wallet\/status: .*secret/],
    [
      "a short password",
      { channel: "memefans", type: "wallet/create", payload: { password: "short" } },
      /password: the password needs at least 8 characters/,
    ],
    [
      "a bad address",
      { channel: "memefans", type: "claims/submit", payload: { distribution: "nope", wallet: "nope" } },
      /distribution: must be a Solana address/,
    ],
    [
      "too many posts",
      {
        channel: "memefans",
        type: "distributions/lookup",
        payload: { postIds: Array.from({ length: 101 }, (_, i) => String(i + 1)) },
      },
      /at most 100 posts/,
    ],
  ])("refuses %s with a clear error", async (_label, message, reason) => {
    const route = await router("router-shapes");
    const answer = await route(message, popup);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe("bad_request");
    expect(answer.error.message).toMatch(reason);
  });

  it("carries handler errors with their codes through the typed client", async () => {
    const route = await router("router-client");
    const transport = (request: unknown) => route(request, popup);
    await expect(callBackground("wallet/unlock", { password: "whatever" }, transport)).rejects.toMatchObject({
      code: "no_wallet",
    });
    const { address } = await callBackground("wallet/create", { password: "a long password" }, transport);
    const status = await callBackground("wallet/status", {}, transport);
    expect(status.builtin).toEqual({ state: "unlocked", address, autoLockMinutes: 15, backup: "pending" });
    // No answer anywhere contains key material: the status shows the address only.
    expect(JSON.stringify(status)).not.toMatch(/secret/i);
    const locked = await callBackground("wallet/lock", {}, transport);
    expect(locked.builtin.state).toBe("locked");
    const error = await callBackground("wallet/unlock", { password: "not it at all" }, transport).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MessagingError);
    expect(error).toMatchObject({ code: "wrong_password" });
  });
});
