import { useCallback, useEffect, useRef, useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import type { MessageType, RequestOf, ResponseOf } from "../../messaging/contract.ts";

/** Often enough that a claim shows up while the creator watches; rare enough for 10,000 claims. */
export const LIVE_INTERVAL_MS = 5_000;

export interface LiveState<T extends MessageType> {
  data: ResponseOf<T> | undefined;
  /** The last refresh's error; the last good answer stays in `data`. */
  error: string | undefined;
  /** When `data` was last answered (ms since the epoch). */
  updatedAt: number | undefined;
  reload: () => Promise<void>;
}

/**
 * Asks the service worker now and every few seconds while the page is visible; a hidden tab asks
 * nothing, and asks at once when shown again. One request at a time: a slow answer is not stacked on.
 */
export function useLive<T extends MessageType>(type: T, payload: RequestOf<T>, intervalMs = LIVE_INTERVAL_MS): LiveState<T> {
  // Kept with the request it answers, so another filter or giveaway never shows the previous one's answer.
  const [answer, setAnswer] = useState<{ key: string; data: ResponseOf<T> }>();
  const [error, setError] = useState<string>();
  const [updatedAt, setUpdatedAt] = useState<number>();
  /** The request under way, so a slow answer is not asked again, and the request the page wants now. */
  const inFlight = useRef<string>(undefined);
  const wanted = useRef("");
  const key = JSON.stringify([type, payload]);
  wanted.current = key;
  const reload = useCallback(async () => {
    if (inFlight.current === key) return;
    inFlight.current = key;
    try {
      const data = await callBackground(type, (JSON.parse(key) as [T, RequestOf<T>])[1]);
      // The creator moved on (another filter, another giveaway) while this was answered.
      if (wanted.current !== key) return;
      setAnswer({ key, data });
      setError(undefined);
      setUpdatedAt(Date.now());
    } catch (caught) {
      if (wanted.current === key) setError((caught as Error).message);
    } finally {
      if (inFlight.current === key) inFlight.current = undefined;
    }
  }, [type, key]);
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const follow = () => {
      clearInterval(timer);
      timer = undefined;
      if (document.visibilityState !== "visible") return;
      void reload();
      timer = setInterval(() => void reload(), intervalMs);
    };
    follow();
    document.addEventListener("visibilitychange", follow);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", follow);
    };
  }, [reload, intervalMs]);
  return { data: answer?.key === key ? answer.data : undefined, error, updatedAt, reload };
}
