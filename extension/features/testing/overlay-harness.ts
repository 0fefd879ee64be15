import { createOverlayStore } from "../../store/store.ts";
import { featureId } from "../all-features.ts";
import { linkHostsFrom } from "../distribution-links.ts";
import type { Feature, Overlay } from "../overlay.ts";
import { PostHub } from "../post-scanner.ts";
import { startFeatures } from "../registry.ts";
import type { SelectorMiss } from "../selector-health.ts";
import { liveCountsDouble } from "./live-counts-double.ts";
import type { WorkerDouble } from "./worker-double.ts";

export const TEST_LINK_HOSTS = ["https://memefans.app"];

/** Starts `features` on the current document the way the content script does, on a fixed x.com URL. */
export function startOverlay(features: readonly Feature[], worker: WorkerDouble, url = "https://x.com/home") {
  const misses: SelectorMiss[] = [];
  const hosts = linkHostsFrom(TEST_LINK_HOSTS);
  const liveCounts = liveCountsDouble();
  const overlay: Overlay = {
    store: createOverlayStore({ extra: { transport: worker.transport }, lookupDebounceMs: 20 }),
    hub: new PostHub(),
    linkHosts: () => hosts,
    reportMiss: (miss) => misses.push(miss),
    connectLiveCounts: liveCounts.connect,
    doc: document,
  };
  const controller = new AbortController();
  startFeatures(new Map(features.map((feature) => [featureId(feature), feature])), overlay, controller.signal, (onUrl) =>
    onUrl(new URL(url)),
  );
  return { overlay, misses, liveCounts, stop: () => controller.abort() };
}

/** Waits until `check` passes (React renders and the debounced lookup run on timers). */
export async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export function widgetsOf(feature: string, root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(`memefans-widget[data-memefans-feature="${feature}"]`)];
}

/** The text a widget renders inside its shadow root. */
export function shadowText(host: HTMLElement): string {
  return host.shadowRoot?.textContent ?? "";
}
