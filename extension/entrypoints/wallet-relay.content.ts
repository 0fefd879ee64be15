import { startWalletRelay } from "../messaging/wallet-bridge-relay.ts";

/**
 * The isolated-world side of the wallet bridge, started at document_start so its hello reaches the
 * page bridge before any page script can post one; the overlay then uses walletBridge().
 */
export default defineContentScript({
  matches: ["https://x.com/*", "https://twitter.com/*"],
  runAt: "document_start",
  main() {
    startWalletRelay(window);
  },
});
