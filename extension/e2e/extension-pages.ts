import type { BrowserContext, Page } from "@playwright/test";
import type { MessageType, WireResponse } from "../messaging/contract.ts";

/**
 * Helpers for our own extension pages in Playwright. Messages go through chrome.runtime.sendMessage
 * from an extension page, so they pass the service worker's real sender checks as a "page".
 */
export async function openExtensionPage(context: BrowserContext, extensionId: string, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 600 });
  await page.goto(`chrome-extension://${extensionId}/${path}`);
  return page;
}

type ExtensionGlobal = { chrome: { runtime: { sendMessage(message: unknown): Promise<WireResponse> } } };

export async function sendFromPage(page: Page, type: MessageType, payload: unknown): Promise<WireResponse> {
  return page.evaluate(
    ([messageType, messagePayload]) =>
      (globalThis as unknown as ExtensionGlobal).chrome.runtime.sendMessage({
        channel: "memefans",
        type: messageType,
        payload: messagePayload,
      }),
    [type, payload] as const,
  );
}

/**
 * Stands in for a finished X sign-in: writes the session the service worker would have stored
 * after /auth/x/callback. The OAuth round trip itself needs X (or the backend's emulator).
 */
export async function signInAsFan(page: Page): Promise<void> {
  // Any message makes the service worker open (and migrate) the database first; opened here before
  // that, it would be created empty at version 1 and the write below would find no store.
  await sendFromPage(page, "settings/get", {});
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open("memefans");
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          try {
            const transaction = db.transaction("settings", "readwrite");
            transaction
              .objectStore("settings")
              .put({ sessionToken: "e2e-session", xUser: { id: "1001", username: "fan", name: "A Fan" } }, "x-session");
            transaction.oncomplete = () => {
              db.close();
              resolve();
            };
            transaction.onerror = () => reject(transaction.error);
          } catch (error) {
            db.close();
            reject(error);
          }
        };
      }),
  );
}

/**
 * The extension's approval window, once `context` opens it. Chromium can report a new window's page
 * before its first navigation commits, at about:blank: every page opened from now on is followed until
 * one reaches approve.html, rather than judged once by the URL it had when it appeared (which, under
 * load, missed the window and waited out the test).
 */
export function approvalWindowOpened(context: BrowserContext, timeoutMs = 45_000): Promise<Page> {
  return new Promise((resolve, reject) => {
    const settle = (page: Page | undefined) => {
      clearTimeout(timer);
      context.off("page", onPage);
      if (page) resolve(page);
      else reject(new Error(`the approval window did not open within ${timeoutMs} ms`));
    };
    const onPage = (page: Page) => {
      if (page.url().includes("/approve.html")) return settle(page);
      // Another page, or one that closes first, is no approval window.
      page.waitForURL(/\/approve\.html/, { timeout: timeoutMs }).then(
        () => settle(page),
        () => {},
      );
    };
    const timer = setTimeout(() => settle(undefined), timeoutMs);
    context.on("page", onPage);
  });
}
