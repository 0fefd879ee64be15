import type { DiagnosticReport } from "../messaging/shapes.ts";
import { postSelectors } from "./post-scanner.ts";

/**
 * X changes its markup without notice. When a selector the overlay relies on stops matching, the
 * miss goes to the service worker's diagnostics store (shown on the options page) instead of the
 * overlay silently showing nothing. Each feature/selector pair is sent once per page load.
 *
 * Test URLs: https://x.com/home (a timeline whose cells hold no recognisable post is reported).
 */

export type SelectorMiss = Omit<DiagnosticReport, "url">;
export type ReportMiss = (miss: SelectorMiss) => void;

export function createMissReporter(send: (report: DiagnosticReport) => Promise<unknown>, currentUrl: () => string): ReportMiss {
  const sent = new Set<string>();
  return (miss) => {
    const key = `${miss.feature}\n${miss.selector}`;
    if (sent.has(key)) return;
    sent.add(key);
    send({ ...miss, url: currentUrl() }).catch((error: unknown) => {
      // The worker may be restarting; forget the key so the next miss tries again.
      sent.delete(key);
      console.warn("[memefans] could not record a selector miss", miss, error);
    });
  };
}

/** Timeline cells that hold no post we can recognise, beyond X's few non-post cells (headers, "Who to follow"). */
const STRAY_CELLS_BEFORE_REPORT = 6;

/** Checks that a page showing timeline cells also shows posts our selector finds. */
export function checkTimelineHealth(root: ParentNode, reportMiss: ReportMiss): void {
  const cells = root.querySelectorAll(postSelectors.cell);
  if (cells.length < STRAY_CELLS_BEFORE_REPORT) return;
  if (root.querySelector(postSelectors.post)) return;
  reportMiss({
    feature: "post-scanner",
    selector: postSelectors.post,
    detail: `${cells.length} timeline cells but no post matched`,
  });
}

/** Runs the timeline check every few seconds until `signal` aborts. */
export function watchTimelineHealth(root: ParentNode, reportMiss: ReportMiss, signal: AbortSignal, everyMs = 5000): void {
  const timer = setInterval(() => checkTimelineHealth(root, reportMiss), everyMs);
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
