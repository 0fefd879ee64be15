import { z } from "zod";
import { liveCountsEventSchema, MAX_LIVE_ADDRESSES } from "../../shared/api/live-events.ts";
import { publicKeySchema } from "../../shared/primitives.ts";

/**
 * The long-lived port between a tab's content script and the service worker that carries live
 * counts: the tab says which distributions its cards show, the worker holds one stream from the
 * backend for them and forwards every change. One port per tab, however many cards it shows.
 */
export const LIVE_COUNTS_PORT = "memefans-live-counts";

/** Tab → worker: follow these distributions now (an empty list stops the stream). */
export const followMessageSchema = z.strictObject({
  follow: z.array(publicKeySchema).max(MAX_LIVE_ADDRESSES),
});
export type FollowMessage = z.output<typeof followMessageSchema>;

/** Worker → tab: one distribution's numbers as the backend pushed them. */
export const countsMessageSchema = z.strictObject({ counts: liveCountsEventSchema });
export type CountsMessage = z.output<typeof countsMessageSchema>;

/** Tab → worker, every KEEP_ALIVE_MS: a message on the port keeps the worker (and its stream) from being stopped as idle. */
export const keepAliveMessageSchema = z.strictObject({ keepAlive: z.literal(true) });
export const KEEP_ALIVE_MS = 20_000;

export const tabMessageSchema = z.union([followMessageSchema, keepAliveMessageSchema]);
