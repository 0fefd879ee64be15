import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { type IdempotentBackend, startIdempotentBackend } from "../background/testing/idempotent-backend.ts";
import { builtExtensionDir, expect, launchWithExtension, test } from "./extension-context.ts";
import { openExtensionPage, sendFromPage, signInAsFan } from "./extension-pages.ts";

const DISTRIBUTION = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const WALLET = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
/** The outbox's first retry waits this long after a network error (base of the backoff). */
const FIRST_RETRY_MS = 5_000;

/** A free port with nothing listening: the backend is "offline" at a known address. */
async function offlineBackendPort(): Promise<number> {
  const probe = await startIdempotentBackend();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  return port;
}

/** Reads the outbox straight from IndexedDB in an extension page, without waking the worker. */
async function outboxInDatabase(page: Page): Promise<{ id: string; status: string }[]> {
  return page.evaluate(
    () =>
      new Promise<{ id: string; status: string }[]>((resolve, reject) => {
        const request = indexedDB.open("memefans");
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const all = db.transaction("outbox").objectStore("outbox").getAll();
          all.onsuccess = () => {
            db.close();
            resolve((all.result as { id: string; status: string }[]).map(({ id, status }) => ({ id, status })));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

async function queueClaimWhileOffline(page: Page, port: number): Promise<string> {
  await signInAsFan(page);
  expect((await sendFromPage(page, "settings/update", { backendUrl: `http://127.0.0.1:${port}` })).ok).toBe(true);
  const submitted = await sendFromPage(page, "claims/submit", { distribution: DISTRIBUTION, wallet: WALLET });
  expect(submitted).toMatchObject({ ok: true, data: { outcome: "queued" } });
  return (submitted as { data: { outboxId: string } }).data.outboxId;
}

async function waitForDelivery(page: Page, outboxId: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await sendFromPage(page, "outbox/flush", {});
        const listed = await sendFromPage(page, "outbox/list", {});
        return (listed as { data: { items: { id: string; status: string }[] } }).data.items.find((item) => item.id === outboxId)
          ?.status;
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe("delivered");
}

let backend: IdempotentBackend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

/**
 * Stops the extension's worker from chrome://serviceworker-internals, as Chrome stops an idle one.
 * (CDP's ServiceWorker.stopAllWorkers from an extension page takes that page's renderer down with
 * the worker in this Chromium, and Playwright never recovers, so extension pages are closed first.)
 */
async function stopServiceWorker(context: BrowserContext): Promise<void> {
  const internals = await context.newPage();
  await internals.goto("chrome://serviceworker-internals/");
  await internals.getByRole("button", { name: "Stop" }).first().click();
  await expect(internals.getByText("Running Status: STOPPED").first()).toBeVisible({ timeout: 10_000 });
  await internals.close();
}

test("a stopped service worker keeps the outbox and delivers it exactly once when the backend is back", async ({ extension }) => {
  const port = await offlineBackendPort();
  const page = await openExtensionPage(extension.context, extension.extensionId, "popup.html");
  const outboxId = await queueClaimWhileOffline(page, port);
  const [worker] = extension.context.serviceWorkers();
  if (!worker) throw new Error("no service worker");
  // Something only the running worker's memory holds, to prove the next one starts empty.
  await worker.evaluate(() => {
    (globalThis as { stopMarker?: number }).stopMarker = 1;
  });
  await page.close();

  await stopServiceWorker(extension.context);
  backend = await startIdempotentBackend(port);
  await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS));

  // Reading IndexedDB from a page does not wake the worker: the item is on disk, still pending.
  const after = await openExtensionPage(extension.context, extension.extensionId, "popup.html");
  expect(await outboxInDatabase(after)).toEqual([{ id: outboxId, status: "pending" }]);
  expect(backend.requests).toBe(0);

  // The next message starts a new worker, which retries what is due.
  await waitForDelivery(after, outboxId);
  const current = extension.context.serviceWorkers().at(-1);
  expect(await current?.evaluate(() => (globalThis as { stopMarker?: number }).stopMarker ?? "fresh")).toBe("fresh");
  expect(backend.requests).toBe(1);
  expect([...backend.effects.keys()]).toEqual([outboxId]);

  const history = await sendFromPage(after, "claims/history", {});
  expect(history).toMatchObject({
    ok: true,
    data: { claims: [{ key: outboxId, distribution: DISTRIBUTION, status: "queued" }] },
  });
});

test("the outbox survives a browser restart and is delivered once afterwards", async () => {
  const profile = mkdtempSync(join(tmpdir(), "memefans-restart-"));
  // Both launches load one private copy, so a rebuild of .output/ meanwhile cannot change what restarts.
  const extensionDir = mkdtempSync(join(tmpdir(), "memefans-restart-extension-"));
  cpSync(builtExtensionDir, extensionDir, { recursive: true });
  try {
    const port = await offlineBackendPort();
    const first = await launchWithExtension([], profile, { extensionDir });
    const outboxId = await queueClaimWhileOffline(await openExtensionPage(first.context, first.extensionId, "popup.html"), port);
    await first.close();

    backend = await startIdempotentBackend(port);
    const second = await launchWithExtension([], profile, { extensionDir });
    try {
      const page = await openExtensionPage(second.context, second.extensionId, "popup.html");
      expect(await outboxInDatabase(page)).toEqual([{ id: outboxId, status: expect.stringMatching(/pending|delivered/) }]);
      await page.waitForTimeout(FIRST_RETRY_MS);
      await waitForDelivery(page, outboxId);
      expect(backend.requests).toBe(1);
      expect([...backend.effects.keys()]).toEqual([outboxId]);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    rmSync(extensionDir, { recursive: true, force: true, maxRetries: 5 });
  }
});
