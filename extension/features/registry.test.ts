// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { createOverlayStore } from "../store/store.ts";
import { allFeatures, featuresIn } from "./all-features.ts";
import type { Feature, Overlay } from "./overlay.ts";
import { PostHub } from "./post-scanner.ts";
import { startFeatures, watchLocation } from "./registry.ts";
import { liveCountsDouble } from "./testing/live-counts-double.ts";

const controllers: AbortController[] = [];
afterEach(() => {
  for (const controller of controllers.splice(0)) controller.abort();
  history.replaceState({}, "", "/");
});

function overlay(): Overlay {
  return {
    store: createOverlayStore(),
    hub: new PostHub(),
    linkHosts: () => new Set(),
    reportMiss: () => {},
    connectLiveCounts: liveCountsDouble().connect,
    doc: document,
  };
}

describe("the overlay's features", () => {
  it("are every file of features/ that exports a feature, named after the file", () => {
    expect([...allFeatures.keys()]).toEqual([
      "claim-widget",
      "composer-giveaway",
      "create-distribution",
      "follow-x-theme",
      "timeline-watch",
    ]);
  });

  it("refuses a file with two features, and skips files with none", () => {
    const feature: Feature = { runsOn: () => true, init() {} };
    expect([...featuresIn({ "./new-thing.tsx": { feature }, "./helper.ts": { helper: () => 1 } }).keys()]).toEqual(["new-thing"]);
    expect(() => featuresIn({ "./two.ts": { one: feature, other: { ...feature } } })).toThrow(/one feature per file/);
  });
});

describe("feature registry", () => {
  it("starts a feature on the pages it runs on and stops it when SPA navigation leaves them", async () => {
    const log: string[] = [];
    const statusOnly: Feature = {
      runsOn: (url) => /^\/[^/]+\/status\/\d+/.test(url.pathname),
      init(signal) {
        log.push(`start ${location.pathname}`);
        signal.addEventListener("abort", () => log.push(`stop ${location.pathname}`));
      },
    };
    const broken: Feature = {
      runsOn: () => true,
      init() {
        throw new Error("selector exploded");
      },
    };
    const controller = new AbortController();
    controllers.push(controller);
    history.replaceState({}, "", "/home");
    const features = new Map([
      ["broken", broken],
      ["status-only", statusOnly],
    ]);
    const running = startFeatures(features, overlay(), controller.signal, (onUrl, signal) =>
      watchLocation(onUrl, signal, window, 10),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual([]);
    // A feature that throws is logged and not retried on every navigation; the others still run.
    expect([...running.keys()]).toEqual(["broken"]);

    history.pushState({}, "", "/someone/status/1841842569182929401");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(log).toEqual(["start /someone/status/1841842569182929401"]);

    history.pushState({}, "", "/explore");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(log).toEqual(["start /someone/status/1841842569182929401", "stop /explore"]);

    controller.abort();
    expect(running.size).toBe(0);
  });
});
