import { isAnyOf, type ListenerMiddlewareInstance } from "@reduxjs/toolkit";
import { backendApi } from "../api/backend-api.ts";
import { distributionSelectors } from "./distributions-slice.ts";
import { postBucketsSeen, postSelectors, postsSeen } from "./posts-slice.ts";
import type { OverlayState } from "./store.ts";

/** The backend's bulk lookup takes at most this many post ids, and as many post buckets. */
export const LOOKUP_BATCH = 100;

/**
 * Posts arrive one scroll step at a time; waiting a moment after the last one turns a screenful of
 * sightings into one GET /distributions?postIds=…&buckets=… call: the ids of posts that link a
 * giveaway, the buckets of the others (a bucket asked lately is not asked again, see posts-slice.ts).
 */
export function startLookupListener(listener: ListenerMiddlewareInstance<OverlayState>, debounceMs: number): void {
  listener.startListening({
    matcher: isAnyOf(postsSeen, postBucketsSeen),
    effect: async (_action, api) => {
      // A newer sighting restarts the wait, so a burst of them ends in one lookup.
      api.cancelActiveListeners();
      await api.delay(debounceMs);
      const { posts } = api.getState();
      const pending = postSelectors.selectAll(posts).filter((post) => post.lookup === "pending");
      const pendingBuckets = Object.keys(posts.buckets)
        .filter((bucket) => posts.buckets[bucket]?.lookup === "pending")
        .sort();
      for (let start = 0; start < Math.max(pending.length, pendingBuckets.length); start += LOOKUP_BATCH) {
        const batch = pending.slice(start, start + LOOKUP_BATCH);
        const postIds = batch.map((post) => post.postId).sort();
        const buckets = pendingBuckets.slice(start, start + LOOKUP_BATCH);
        const lookup = backendApi.endpoints.distributionsLookup.initiate;
        const once = { subscribe: false, forceRefetch: true };
        const { data } = await api.dispatch(
          lookup({ ...(postIds.length > 0 ? { postIds } : {}), ...(buckets.length > 0 ? { buckets } : {}) }, once),
        );
        // The buckets of one answer share its room (MAX_BUCKET_ANSWERS): one cut short is asked again
        // alone, with the whole room, before anything more precise (a post id) is said about it.
        if (buckets.length > 1) {
          for (const bucket of data?.overfullBuckets ?? []) await api.dispatch(lookup({ buckets: [bucket] }, once));
        }
        // A post may link to a giveaway registered on another post (a quote of the link, say).
        const known = api.getState().distributions;
        const missing = new Set(
          batch
            .map((post) => post.linkedAddress)
            .filter((address): address is string => address !== undefined && !distributionSelectors.selectById(known, address)),
        );
        for (const address of missing) {
          await api.dispatch(backendApi.endpoints.distributionsGet.initiate({ address }, { subscribe: false }));
        }
      }
    },
  });
}
