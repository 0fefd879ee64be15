import { browser } from "wxt/browser";
import type { WireResponse } from "../messaging/contract.ts";
import { dashboardPath } from "../ui/dashboard-link.ts";
import { ApprovalQueue } from "./approvals/approval-queue.ts";
import { allHandlers } from "./handlers/all-handlers.ts";
import { applyOutboxOutcome } from "./history/claim-history.ts";
import { serveLiveCounts } from "./live-counts-port.ts";
import { OUTBOX_ALARM, Outbox } from "./outbox/outbox.ts";
import { createRouter } from "./router.ts";
import { type BackgroundServices, backend } from "./services.ts";
import { openMemefansDatabase } from "./storage/database.ts";
import { readSettings } from "./storage/settings-store.ts";
import { AUTO_LOCK_ALARM, type UnlockedKeyStore, Vault } from "./vault/vault.ts";
import { chromePageWalletTabs } from "./wallets/page-wallet-tabs.ts";

const UNLOCKED_KEY = "unlocked-key";
/** Chrome does not fire alarms sooner than 30 s after they are set. */
const MIN_ALARM_DELAY_MS = 30_000;

const unlockedKeys: UnlockedKeyStore = {
  async read() {
    const stored = await browser.storage.session.get(UNLOCKED_KEY);
    return stored[UNLOCKED_KEY] as { secretKey: string; lockAt: number } | undefined;
  },
  write: (value) => browser.storage.session.set({ [UNLOCKED_KEY]: value }),
  clear: () => browser.storage.session.remove(UNLOCKED_KEY),
};

async function buildServices(): Promise<BackgroundServices> {
  // Session storage is for trusted extension contexts only: content scripts can never read the unlocked key.
  await browser.storage.session.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
  const db = await openMemefansDatabase();
  const approvals = new ApprovalQueue({
    async open(id) {
      const created = await browser.windows.create({
        url: browser.runtime.getURL(`/approve.html?id=${encodeURIComponent(id)}`),
        type: "popup",
        width: 420,
        height: 640,
        focused: true,
      });
      return created?.id;
    },
    close: (windowId) => browser.windows.remove(windowId),
  });
  const services: BackgroundServices = {
    db,
    approvals,
    pageWallets: chromePageWalletTabs,
    openUnlockWindow: async () => {
      await browser.windows.create({ url: browser.runtime.getURL("/popup.html"), type: "popup", width: 400, height: 640 });
    },
    fetch: (input, init) => fetch(input, init),
    now: Date.now,
    identity: {
      redirectUrl: (path) => browser.identity.getRedirectURL(path),
      launchWebAuthFlow: async (url) => {
        const final = await browser.identity.launchWebAuthFlow({ url, interactive: true });
        if (!final) throw new Error("the sign-in window was closed");
        return final;
      },
    },
    vault: new Vault({
      db,
      unlockedKeys,
      alarms: { create: (name, info) => browser.alarms.create(name, info), clear: (name) => browser.alarms.clear(name) },
      autoLockMinutes: async () => (await readSettings(db)).autoLockMinutes,
    }),
    outbox: new Outbox({
      db,
      send: (item) => backend(services, { path: item.path, body: item.body, idempotencyKey: item.id }),
      onSettled: (item) => applyOutboxOutcome(db, item, Date.now()),
    }),
    // x.com cannot link to an extension page itself (Chrome blocks it unless the page is web-accessible,
    // which would let any site frame it), so the worker opens the tab. dashboardPath builds
    // "/options.html#/d/<address>" from a checked address; WXT types getURL's argument by its pages.
    openDashboard: async (address) => {
      if (!address) return browser.runtime.openOptionsPage();
      await browser.tabs.create({ url: browser.runtime.getURL(dashboardPath(address) as "/options.html") });
    },
    scheduleOutbox: async () => {
      const due = await services.outbox.nextDueAt();
      if (due === undefined) await browser.alarms.clear(OUTBOX_ALARM);
      else await browser.alarms.create(OUTBOX_ALARM, { when: Math.max(due, Date.now() + MIN_ALARM_DELAY_MS) });
    },
  };
  return services;
}

/**
 * Registers every listener synchronously (Chrome only wakes a worker for listeners added in its
 * first turn), then opens IndexedDB once and lets each event wait for it.
 */
export function startBackground(): void {
  const ready = buildServices();
  const route = ready.then((services) => createRouter(browser.runtime.id, allHandlers(services)));

  const deliver = async () => {
    const services = await ready;
    await services.outbox.deliverDue();
    await services.scheduleOutbox();
  };

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    route
      .then((handle) => handle(message, sender))
      .catch((error: unknown): WireResponse => ({ ok: false, error: { code: "internal", message: (error as Error).message } }))
      .then(sendResponse);
    return true;
  });

  // One live-counts stream per tab that shows claim cards (see live-counts-port.ts).
  browser.runtime.onConnect.addListener((port) =>
    serveLiveCounts(port, {
      extensionId: browser.runtime.id,
      backendUrl: async () => (await readSettings((await ready).db)).backendUrl,
      fetch: (input, init) => fetch(input, init),
    }),
  );

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === AUTO_LOCK_ALARM) void ready.then((services) => services.vault.lockIfIdle());
    if (alarm.name === OUTBOX_ALARM) void deliver();
  });

  browser.windows.onRemoved.addListener((windowId) => {
    void ready.then((services) => services.approvals.windowClosed(windowId));
  });

  // The first run explains itself: installing opens the welcome page (updates do not).
  browser.runtime.onInstalled.addListener((details) => {
    if (details.reason === "install") void browser.tabs.create({ url: browser.runtime.getURL("/welcome.html") });
  });

  // A browser restart always starts locked; session storage is already empty, this also clears the alarm.
  browser.runtime.onStartup.addListener(() => {
    void ready.then((services) => services.vault.lock());
  });

  globalThis.addEventListener("online", () => void deliver());

  // Every wake-up: lock if the idle deadline passed while the worker slept, and retry what waits.
  void ready.then((services) => services.vault.lockIfIdle().catch(() => undefined));
  void deliver().catch(() => undefined);
}
