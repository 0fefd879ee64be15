import "fake-indexeddb/auto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../../backend/config.ts";
import { type RunningBackend, startBackend } from "../../../backend/start-backend.ts";
import { callBackground } from "../../messaging/client.ts";
import { createRouter } from "../router.ts";
import type { MessageSenderInfo } from "../sender.ts";
import { testServices } from "../testing/test-services.ts";
import { allHandlers } from "./all-handlers.ts";

const EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop";
const popup: MessageSenderInfo = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/popup.html` };
const approvalWindow: MessageSenderInfo = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/approve.html?id=1` };

let backend: RunningBackend;
let dataDirectory: string;

beforeAll(async () => {
  dataDirectory = mkdtempSync(join(tmpdir(), "memefans-x-sign-in-"));
  backend = await startBackend(readConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDirectory, LOG_LEVEL: "silent" }));
}, 60_000);

afterAll(async () => {
  await backend?.close();
  rmSync(dataDirectory, { recursive: true, force: true });
});

/**
 * What chrome.identity.launchWebAuthFlow does with the user's help: open X's consent page, let the
 * person pick an account, and hand back the URL X redirects to. Here the X API emulator's consent
 * page is answered with `login_as`; the backend, the emulator and our handlers are all real.
 */
function consentAs(username: string, deny = false) {
  return async (authorizeUrl: string) => {
    const url = new URL(authorizeUrl);
    url.searchParams.set(deny ? "deny" : "login_as", deny ? "1" : username);
    const response = await fetch(url, { redirect: "manual" });
    const location = response.headers.get("location");
    if (!location) throw new Error(`the consent page answered ${response.status} without a redirect`);
    return location;
  };
}

async function setup(name: string, username: string, deny = false) {
  const { services } = await testServices(name);
  services.identity.launchWebAuthFlow = consentAs(username, deny);
  const route = createRouter(EXTENSION_ID, allHandlers(services));
  const send = (request: unknown) => route(request, popup);
  const fromApprovalWindow = (request: unknown) => route(request, approvalWindow);
  await callBackground("settings/update", { backendUrl: backend.url }, send);
  return { services, send, fromApprovalWindow };
}

describe("X sign-in and wallet binding against the real backend", () => {
  it("signs in through the OAuth round trip and keeps the session token in the worker", async () => {
    const { services, send } = await setup("x-sign-in", "superfan");
    const { xUser } = await callBackground("x/connect", {}, send);
    expect(xUser).toMatchObject({ id: "1399000000000000002", username: "superfan" });
    expect(await callBackground("x/session", {}, send)).toEqual({ xUser });
    const status = await callBackground("wallet/status", {}, send);
    expect(status.xUser?.username).toBe("superfan");
    // The token never appears in an answer, only in the worker's own storage.
    expect(JSON.stringify(status)).not.toMatch(/sessionToken/);
    expect(await services.db.get("settings", "x-session")).toMatchObject({ sessionToken: expect.any(String) });
    services.db.close();
  });

  it("signs out on the backend too: the token x/disconnect forgets no longer works anywhere", async () => {
    const { services, send } = await setup("x-sign-out", "superfan");
    await callBackground("x/connect", {}, send);
    const { sessionToken } = (await services.db.get("settings", "x-session")) as { sessionToken: string };
    const me = () => fetch(`${backend.url}/me`, { headers: { authorization: `Bearer ${sessionToken}` } });
    expect((await me()).status).toBe(200);
    expect(await callBackground("x/disconnect", {}, send)).toEqual({ xUser: null });
    expect(await callBackground("x/session", {}, send)).toEqual({ xUser: null });
    expect((await me()).status).toBe(401);
    services.db.close();
  });

  it("reports a refused consent as a rejection", async () => {
    const { services, send } = await setup("x-sign-in-denied", "superfan", true);
    await expect(callBackground("x/connect", {}, send)).rejects.toMatchObject({
      code: "rejected",
      message: /X refused the sign-in: access_denied/,
    });
    expect(await callBackground("x/session", {}, send)).toEqual({ xUser: null });
    services.db.close();
  });

  it("binds the built-in wallet to the X account with a SIWS signature approved in the window", async () => {
    const { services, send, fromApprovalWindow } = await setup("x-bind-wallet", "casualfan");
    await callBackground("x/connect", {}, send);
    const { address } = await callBackground("wallet/create", { password: "a long password" }, send);
    const binding = callBackground("wallet/bind-to-x", {}, send);
    // The approval window shows the backend's sign-in text before anything is signed.
    await expect.poll(() => services.approvals.size).toBe(1);
    const pending = (services.approvals as unknown as { pending: Map<string, unknown> }).pending;
    const [approvalId] = [...pending.keys()];
    // The popup cannot answer for the window.
    await expect(callBackground("approval/decide", { id: approvalId ?? "", approved: true }, send)).rejects.toMatchObject({
      code: "forbidden_sender",
    });
    const view = await callBackground("approval/get", { id: approvalId ?? "" }, fromApprovalWindow);
    expect(view).toMatchObject({ kind: "message", purpose: "link this wallet to @casualfan", signer: address });
    expect(view.kind === "message" && view.message).toContain(`${address}\n`);
    await callBackground("approval/decide", { id: approvalId ?? "", approved: true }, fromApprovalWindow);
    expect(await binding).toEqual({ address });
    const session = (await services.db.get("settings", "x-session")) as { sessionToken: string };
    const me = await fetch(`${backend.url}/me`, { headers: { authorization: `Bearer ${session.sessionToken}` } });
    expect(await me.json()).toMatchObject({ xUser: { username: "casualfan" }, wallets: [address] });
    services.db.close();
  });
});
