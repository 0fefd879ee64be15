import { receivedErrorOf } from "../../shared/api/errors.ts";
import { readLiveCounts } from "../../shared/api/live-events.ts";
import { type CountsMessage, LIVE_COUNTS_PORT, tabMessageSchema } from "../messaging/live-counts.ts";
import { classifySender, type MessageSenderInfo } from "./sender.ts";

/** What the worker needs from a chrome.runtime.Port. */
export interface LiveCountsPort {
  name: string;
  sender?: MessageSenderInfo;
  postMessage(message: CountsMessage): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface LiveCountsDependencies {
  extensionId: string;
  backendUrl(): Promise<string>;
  fetch: typeof fetch;
  /** Wait before opening the stream again after it ended or failed; doubled after each refusal or failure in a row. */
  retryMs?: number;
}

/** The backend's own answer that none of the followed addresses is a registered giveaway. */
async function namesNoGiveaway(response: Response): Promise<boolean> {
  if (response.status !== 404) return false;
  const body: unknown = await response.json().catch(() => undefined);
  return receivedErrorOf(body)?.code === "not_found";
}

/** The longest wait between tries while the backend refuses or cannot be reached. */
const MAX_RETRY_MS = 60_000;

/**
 * Serves one tab's live-counts port: one GET /live/distributions stream for the distributions the
 * tab follows, opened again (after `retryMs`) when it drops, replaced when the tab follows others,
 * and closed with the port. Only our content scripts on X may connect; every message is checked.
 */
export function serveLiveCounts(port: LiveCountsPort, dependencies: LiveCountsDependencies): void {
  if (port.name !== LIVE_COUNTS_PORT) return;
  const verdict = classifySender(port.sender ?? {}, dependencies.extensionId);
  if (!("audience" in verdict) || verdict.audience !== "content") {
    port.disconnect();
    return;
  }
  let current: AbortController | null = null;
  let following: string[] = [];

  /**
   * Follows `addresses` until aborted. A stream that ran and ended (the backend closes each after a
   * while) is opened again at once after `retryMs`; a refusal (too many streams from this address) or
   * an unreachable backend waits twice as long each time, so a crowd of tabs does not hammer it. The
   * backend's not_found says none of the addresses is a registered giveaway: asking again cannot change
   * that (a proxy's 404, during a rollout say, is a failure like any other).
   */
  const open = async (addresses: string[], signal: AbortSignal): Promise<void> => {
    const retryMs = dependencies.retryMs ?? 5_000;
    let wait = retryMs;
    while (!signal.aborted) {
      try {
        const base = (await dependencies.backendUrl()).replace(/\/$/, "");
        const response = await dependencies.fetch(`${base}/live/distributions?addresses=${addresses.join(",")}`, {
          headers: { accept: "text/event-stream" },
          signal,
        });
        if (await namesNoGiveaway(response)) return;
        if (response.ok && response.body) {
          wait = retryMs;
          await readLiveCounts(response.body, (counts) => port.postMessage({ counts }), signal);
        } else {
          if (!response.bodyUsed) await response.body?.cancel();
          wait = Math.min(wait * 2, MAX_RETRY_MS);
        }
      } catch {
        // Unreachable or dropped: the cards keep their last numbers until the stream is back.
        wait = Math.min(wait * 2, MAX_RETRY_MS);
      }
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };

  port.onMessage.addListener((message) => {
    const parsed = tabMessageSchema.safeParse(message);
    if (!parsed.success || !("follow" in parsed.data)) return;
    const next = [...new Set(parsed.data.follow)].sort();
    if (next.join() === following.join()) return;
    following = next;
    current?.abort();
    current = null;
    if (next.length === 0) return;
    const controller = new AbortController();
    current = controller;
    void open(next, controller.signal);
  });
  port.onDisconnect.addListener(() => current?.abort());
}
