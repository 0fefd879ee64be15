// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { createOverlayStore } from "../store/store.ts";
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

describe("feature registry", () => {
  it("starts a feature on the pages it runs on and stops it when SPA navigation leaves them", async () => {
    const log: string[] = [];
    const statusOnly: Feature = {
      name: "status-only",
      runsOn: (url) => /^\/[^/]+\/status\/\d+/.test(url.pathname),
      init(signal) {
        log.push(`start ${location.pathname}`);
        signal.addEventListener("abort", () => log.push(`stop ${location.pathname}`));
      },
    };
    const broken: Feature = {
      name: "broken",
      runsOn: () => true,
      init() {
        throw new Error("selector exploded");
      },
    };
    const controller = new AbortController();
    controllers.push(controller);
    history.replaceState({}, "", "/home");
    const running = startFeatures([broken, statusOnly], overlay(), controller.signal, (onUrl, signal) =>
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
