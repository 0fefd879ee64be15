import { browser } from "wxt/browser";
import { X_HOST_PERMISSIONS } from "../../listing/store-build.ts";
import { errorCodeSchema } from "../../messaging/contract.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { PAGE_SIGNING_CHANNEL, pageSigningReplySchema } from "../../messaging/wallet-bridge.ts";
import type { PageWalletTabs } from "./page-wallet-signing.ts";

/**
 * Page wallets live in web pages, so the service worker reaches them through an x.com tab's relay:
 * the tab that asked first, else the active x.com tabs, else any other. A tab without our relay
 * (opened before the extension was installed) does not answer and the next one is tried.
 */
export const chromePageWalletTabs: PageWalletTabs = {
  async sign(request, preferredTabId) {
    const tabs = await browser.tabs.query({ url: X_HOST_PERMISSIONS });
    const ordered = [...tabs].sort(
      (a, b) => Number(b.id === preferredTabId) - Number(a.id === preferredTabId) || Number(b.active) - Number(a.active),
    );
    for (const tab of ordered) {
      if (tab.id === undefined) continue;
      const raw = await browser.tabs
        .sendMessage(tab.id, { channel: PAGE_SIGNING_CHANNEL, ...request }, { frameId: 0 })
        .catch(() => undefined);
      const reply = pageSigningReplySchema.safeParse(raw);
      if (!reply.success) continue;
      if (!reply.data.ok) {
        // The page's code is kept when it is one the worker knows; anything else is the page's fault.
        throw new MessagingError(errorCodeSchema.catch("internal").parse(reply.data.error.code), reply.data.error.message);
      }
      return reply.data.transaction;
    }
    throw new MessagingError(
      "no_wallet",
      tabs.length
        ? "no x.com tab answered: reload your x.com tab, then try again"
        : "your wallet signs on x.com: open x.com in a tab, then try again",
    );
  },
};
