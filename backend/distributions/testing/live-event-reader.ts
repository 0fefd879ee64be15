import { type LiveCountsEvent, readLiveCounts } from "../../../shared/api/live-events.ts";

/** The stream's `counts` events, one at a time, as readLiveCounts (what the extension runs) parses them. */
export function eventReader(response: Response) {
  const body = response.body;
  if (!body) throw new Error("the stream has no body");
  const received: LiveCountsEvent[] = [];
  const waiting: ((event: LiveCountsEvent) => void)[] = [];
  const closing = new AbortController();
  readLiveCounts(
    body,
    (event) => {
      const wake = waiting.shift();
      if (wake) wake(event);
      else received.push(event);
    },
    closing.signal,
  ).catch(() => undefined);
  return {
    next: () => {
      const first = received.shift();
      return first ? Promise.resolve(first) : new Promise<LiveCountsEvent>((resolve) => waiting.push(resolve));
    },
    cancel: () => closing.abort(),
  };
}
