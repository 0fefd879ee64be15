import { setupListeners } from "@reduxjs/toolkit/query";
import { BUILT_IN_BACKEND_URL } from "../../build-settings.ts";
import { allFeatures } from "../../features/all-features.ts";
import { linkHostsFrom } from "../../features/distribution-links.ts";
import type { Overlay } from "../../features/overlay.ts";
import { PostHub } from "../../features/post-scanner.ts";
import { startFeatures, watchLocation } from "../../features/registry.ts";
import { createMissReporter } from "../../features/selector-health.ts";
import { callBackground } from "../../messaging/client.ts";
import { LIVE_COUNTS_PORT } from "../../messaging/live-counts.ts";
import { walletBridge } from "../../messaging/wallet-bridge-relay.ts";
import type { ExternalWallets } from "../../store/claim-flow-slice.ts";
import { createOverlayStore } from "../../store/store.ts";
import { installOverlayCss } from "../../ui/overlay-styles.ts";
import overlayCss from "./style.css?inline";

export default defineContentScript({
  matches: ["https://x.com/*", "https://twitter.com/*"],
  // The CSS is adopted by our shadow roots only; nothing is injected into X's page.
  cssInjectionMode: "ui",
  runAt: "document_idle",
  async main(ctx) {
    installOverlayCss(overlayCss);
    const settings = await callBackground("settings/get", {}).catch((error: unknown) => {
      console.warn("[memefans] settings unavailable, using the default backend", error);
      return null;
    });
    // Distribution links are <PUBLIC_URL>/d/<address>; the backend serves those pages itself.
    const hosts = linkHostsFrom([settings?.backendUrl ?? BUILT_IN_BACKEND_URL, import.meta.env.WXT_PUBLIC_URL ?? ""]);
    // Phantom and Solflare answer through the page bridge, whose relay content script shares this world.
    const externalWallets: ExternalWallets = {
      detect: async () => (await walletBridge().request("standard", "detect", {})).wallets,
      connect: (choice, name) => walletBridge().request(choice, "connect", {}, name),
      signMessage: (choice, message) => walletBridge().request(choice, "signMessage", { message }),
    };
    const store = createOverlayStore({ extra: { externalWallets } });
    // Lets RTK Query re-read the session and wallet when the fan comes back to the tab.
    setupListeners(store.dispatch);
    const overlay: Overlay = {
      store,
      hub: new PostHub(),
      linkHosts: () => hosts,
      reportMiss: createMissReporter(
        (report) => callBackground("diagnostics/report", report),
        () => location.href,
      ),
      connectLiveCounts: () => browser.runtime.connect({ name: LIVE_COUNTS_PORT }),
      doc: document,
    };
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    startFeatures(allFeatures, overlay, controller.signal, (onUrl, signal) => watchLocation(onUrl, signal));
  },
});
