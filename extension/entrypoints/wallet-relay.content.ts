import { browser } from "wxt/browser";
import { PAGE_SIGNING_CHANNEL } from "../messaging/wallet-bridge.ts";
import { signForServiceWorker, startWalletRelay } from "../messaging/wallet-bridge-relay.ts";

/**
 * The isolated-world side of the wallet bridge, started at document_start so its hello reaches the
 * page bridge before any page script can post one; the overlay then uses walletBridge(). It also
 * signs for the service worker when a giveaway is created or steered with Phantom, Solflare or
 * another page wallet from a page that has none (the options page).
 */
export default defineContentScript({
  matches: ["https://x.com/*", "https://twitter.com/*"],
  runAt: "document_start",
  main() {
    const client = startWalletRelay(window);
    browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
      // Only our service worker (our id, no tab) asks; anything else on this channel is ignored.
      const fromWorker = sender.id === browser.runtime.id && !sender.tab;
      if (!fromWorker || (message as { channel?: unknown })?.channel !== PAGE_SIGNING_CHANNEL) return;
      void signForServiceWorker(client, message).then(sendResponse);
      return true;
    });
  },
});
