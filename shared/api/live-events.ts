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
