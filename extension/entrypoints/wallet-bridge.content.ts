import { startPageWalletBridge } from "../messaging/page-wallet-bridge.ts";
import { pageWalletDirectory } from "../messaging/page-wallet-directory.ts";

/** Runs in the page's own JavaScript world, where Phantom, Solflare and wallet-standard wallets live. */
export default defineContentScript({
  matches: ["https://x.com/*", "https://twitter.com/*"],
  world: "MAIN",
  runAt: "document_start",
  main() {
    startPageWalletBridge(window, pageWalletDirectory());
  },
});
