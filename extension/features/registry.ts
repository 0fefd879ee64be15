import type { Feature, Overlay } from "./overlay.ts";

/**
 * Starts each feature on the pages it runs on and stops it when X's single-page navigation leaves
 * them. A feature that throws is logged and not retried until it stops matching; the others keep running.
 */
export function startFeatures(
  features: ReadonlyMap<string, Feature>,
  overlay: Overlay,
  signal: AbortSignal,
  watchUrl: (onUrl: (url: URL) => void, signal: AbortSignal) => void,
): ReadonlyMap<string, AbortController> {
  const running = new Map<string, AbortController>();
  const apply = (url: URL) => {
    for (const [id, feature] of features) {
      const shouldRun = feature.runsOn(url);
      const controller = running.get(id);
      if (controller && !shouldRun) {
        controller.abort();
        running.delete(id);
      } else if (!controller && shouldRun) {
        const child = new AbortController();
        running.set(id, child);
        Promise.resolve()
          .then(() => feature.init(child.signal, overlay))
          .catch((error: unknown) => console.error(`[memefans] feature ${id} failed to start`, error));
      }
    }
  };
  watchUrl(apply, signal);
  signal.addEventListener(
    "abort",
    () => {
      for (const controller of running.values()) controller.abort();
      running.clear();
    },
    { once: true },
  );
  return running;
}

/**
 * X navigates with history.pushState from the page's world, which a content script cannot hook;
 * comparing location.href a few times a second is cheap and catches every navigation.
 */
export function watchLocation(onUrl: (url: URL) => void, signal: AbortSignal, win: Window = window, everyMs = 250): void {
  let last = win.location.href;
  onUrl(new URL(last));
  const check = () => {
    if (win.location.href === last) return;
    last = win.location.href;
    onUrl(new URL(last));
  };
  const timer = win.setInterval(check, everyMs);
  win.addEventListener("popstate", check, { signal });
  signal.addEventListener("abort", () => win.clearInterval(timer), { once: true });
}
