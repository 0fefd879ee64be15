import { z } from "zod";
import { publicKeySchema } from "../primitives.ts";

/** Most distributions one live stream follows: every card on a screen of timeline fits easily. */
export const MAX_LIVE_ADDRESSES = 50;

/** `addresses=A,B,C`: the distributions whose numbers the stream sends. */
export const liveEventsQuerySchema = z.object({
  addresses: z
    .string({ error: "addresses is required: comma-separated distribution addresses" })
    .max(MAX_LIVE_ADDRESSES * 45, "too many addresses")
    .transform((text) => [...new Set(text.split(",").map((address) => address.trim()))])
    .pipe(
      z
        .array(publicKeySchema)
        .min(1, "give at least one distribution address")
        .max(MAX_LIVE_ADDRESSES, `at most ${MAX_LIVE_ADDRESSES} addresses per stream`),
    ),
});

/**
 * One server-sent event of GET /live/distributions (event name `counts`): a distribution's numbers as
 * they are now. Sent once per address when the stream opens, then whenever a claim is accepted, paid or
 * fails for it. `claimedCount` counts accepted claims, as GET /distributions/:address does.
 */
export const liveCountsEventSchema = z.object({
  address: publicKeySchema,
  claimedCount: z.number().int().min(0),
  remaining: z.number().int().min(0),
  maxClaims: z.number().int().min(1),
  paused: z.boolean(),
  closed: z.boolean(),
});
export type LiveCountsEvent = z.output<typeof liveCountsEventSchema>;

/** The SSE event name the counts travel under. */
export const LIVE_COUNTS_EVENT = "counts";

/**
 * Reads a GET /live/distributions body: calls `onEvent` with each well-formed `counts` event, skips
 * comments (keep-alives), other fields and events that do not match the schema. Resolves when the
 * stream ends or `signal` aborts (which cancels the body).
 */
export async function readLiveCounts(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: LiveCountsEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const reader = body.getReader();
  signal?.addEventListener("abort", () => reader.cancel().catch(() => undefined), { once: true });
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const lines = buffer.slice(0, end).split("\n");
      buffer = buffer.slice(end + 2);
      if (!lines.includes(`event: ${LIVE_COUNTS_EVENT}`)) continue;
      const data = lines
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        continue;
      }
      const event = liveCountsEventSchema.safeParse(parsed);
      if (event.success) onEvent(event.data);
    }
  }
}
