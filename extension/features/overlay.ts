import type { OverlayStore } from "../store/store.ts";
import type { LiveCountsConnection } from "./live-counts.ts";
import type { PostHub } from "./post-scanner.ts";
import type { ReportMiss } from "./selector-health.ts";

/** What every feature shares on one page: the store, the post scanner's hub and the miss reporter. */
export interface Overlay {
  store: OverlayStore;
  hub: PostHub;
  /** Hosts that serve distribution links, from the backend URL setting. */
  linkHosts(): ReadonlySet<string>;
  reportMiss: ReportMiss;
  /** Opens the tab's live-counts port to the service worker (chrome.runtime.connect in the extension). */
  connectLiveCounts(): LiveCountsConnection;
  /** The document the overlay works on (x.com's, or a test's). */
  doc: Document;
}

/**
 * One overlay feature, refined-github style: where it runs, and one init that observes selectors
 * until the signal aborts (navigation to a page it does not run on, or the extension unloading).
 * Its id is its file's name (all-features.ts).
 */
export interface Feature {
  runsOn(url: URL): boolean;
  init(signal: AbortSignal, overlay: Overlay): void | Promise<void>;
}

export const everywhere = () => true;
