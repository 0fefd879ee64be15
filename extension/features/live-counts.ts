import { MAX_LIVE_ADDRESSES } from "../../shared/api/live-events.ts";
import { countsMessageSchema, type FollowMessage, KEEP_ALIVE_MS } from "../messaging/live-counts.ts";
import { liveCountsReceived } from "../store/distributions-slice.ts";
import type { OverlayStore } from "../store/store.ts";

/** The tab's end of the live-counts port (chrome.runtime.Port in the extension). */
export interface LiveCountsConnection {
  postMessage(message: FollowMessage | { keepAlive: true }): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/** Wait before connecting again after the worker went away (it was updated or stopped). */
const RECONNECT_MS = 3_000;

/**
 * Keeps the cards' numbers live: tells the service worker which distributions the tab's cards show
 * (one port and one backend stream for all of them) and puts each pushed count in the store. The
 * port opens with the first card and closes with the last.
 */
export function followLiveCounts(
  store: OverlayStore,
  connect: () => LiveCountsConnection,
  signal: AbortSignal,
): (addresses: Iterable<string>) => void {
  let port: LiveCountsConnection | null = null;
  let following: string[] = [];
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let reconnect: ReturnType<typeof setTimeout> | undefined;

  const close = () => {
    clearInterval(keepAlive);
    clearTimeout(reconnect);
    reconnect = undefined;
    const open = port;
    port = null;
    open?.disconnect();
  };

  const open = () => {
    reconnect = undefined;
    let opened: LiveCountsConnection;
    try {
      opened = connect();
    } catch (error) {
      // The extension was reloaded under this page: the cards keep the numbers they have.
      console.warn("[memefans] live counts unavailable", error);
      return;
    }
    port = opened;
    opened.onMessage.addListener((message) => {
      const parsed = countsMessageSchema.safeParse(message);
      if (parsed.success) store.dispatch(liveCountsReceived(parsed.data.counts));
    });
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      clearInterval(keepAlive);
      port = null;
      if (!signal.aborted && following.length) reconnect = setTimeout(open, RECONNECT_MS);
    });
    opened.postMessage({ follow: following });
    keepAlive = setInterval(() => port?.postMessage({ keepAlive: true }), KEEP_ALIVE_MS);
  };

  signal.addEventListener("abort", close, { once: true });
  return (addresses) => {
    // The stream follows at most MAX_LIVE_ADDRESSES; a screen holds far fewer cards.
    const next = [...new Set(addresses)].sort().slice(0, MAX_LIVE_ADDRESSES);
    if (signal.aborted || next.join() === following.join()) return;
    following = next;
    if (next.length === 0) close();
    else if (port) port.postMessage({ follow: next });
    else if (reconnect === undefined) open();
  };
}
