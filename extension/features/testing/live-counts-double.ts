import type { LiveCountsEvent } from "../../../shared/api/live-events.ts";
import { tabMessageSchema } from "../../messaging/live-counts.ts";
import type { LiveCountsConnection } from "../live-counts.ts";

/**
 * Stands where chrome.runtime.connect would reach the service worker's live-counts port: it records
 * what the tab follows (checked against the port's message schema) and lets a test push counts.
 */
export function liveCountsDouble() {
  const followed: string[][] = [];
  const listeners = new Set<(message: unknown) => void>();
  let connections = 0;
  const connect = (): LiveCountsConnection => {
    connections += 1;
    return {
      postMessage(message) {
        const parsed = tabMessageSchema.parse(message);
        if ("follow" in parsed) followed.push(parsed.follow);
      },
      disconnect: () => listeners.clear(),
      onMessage: { addListener: (listener) => listeners.add(listener) },
      onDisconnect: { addListener: () => undefined },
    };
  };
  return {
    connect,
    followed,
    connections: () => connections,
    push: (counts: LiveCountsEvent) => {
      for (const listener of listeners) listener({ counts });
    },
  };
}
