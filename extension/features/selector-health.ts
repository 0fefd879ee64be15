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

/**
 * Checks that a page whose timeline cells show posts also shows posts our selector finds. A cell shows
 * a post when it holds a post's permalink time: lists of people, trends and notifications fill whole
 * pages of cells with none, and those are no miss.
 */
export function checkTimelineHealth(root: ParentNode, reportMiss: ReportMiss): void {
  const postCells = [...root.querySelectorAll(postSelectors.cell)].filter((cell) =>
    cell.querySelector(postSelectors.permalinkTime),
  );
  if (postCells.length === 0 || root.querySelector(postSelectors.post)) return;
  reportMiss({
    feature: "post-scanner",
    selector: postSelectors.post,
    detail: `${postCells.length} timeline cells show a post's permalink but no post matched`,
  });
}

/** Runs the timeline check every few seconds until `signal` aborts. */
export function watchTimelineHealth(root: ParentNode, reportMiss: ReportMiss, signal: AbortSignal, everyMs = 5000): void {
  const timer = setInterval(() => checkTimelineHealth(root, reportMiss), everyMs);
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
