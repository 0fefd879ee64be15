import type { ListenerMiddlewareInstance } from "@reduxjs/toolkit";
import { backendApi } from "../api/backend-api.ts";
import { distributionSelectors } from "./distributions-slice.ts";
import { postSelectors, postsSeen } from "./posts-slice.ts";
import type { OverlayState } from "./store.ts";

/** The backend's bulk lookup takes at most this many post ids. */
export const LOOKUP_BATCH = 100;

/**
 * Posts arrive one scroll step at a time; waiting a moment after the last one turns a screenful of
 * sightings into one GET /distributions?postIds=… call.
 */
export function startLookupListener(listener: ListenerMiddlewareInstance<OverlayState>, debounceMs: number): void {
  listener.startListening({
    actionCreator: postsSeen,
    effect: async (_action, api) => {
      // A newer sighting restarts the wait, so a burst of them ends in one lookup.
      api.cancelActiveListeners();
      await api.delay(debounceMs);
      const pending = postSelectors.selectAll(api.getState().posts).filter((post) => post.lookup === "pending");
      for (let start = 0; start < pending.length; start += LOOKUP_BATCH) {
        const batch = pending.slice(start, start + LOOKUP_BATCH);
        const postIds = batch.map((post) => post.postId).sort();
        await api.dispatch(
          backendApi.endpoints.distributionsForPosts.initiate(postIds, { subscribe: false, forceRefetch: true }),
        );
        // A post may link to a giveaway registered on another post (a quote of the link, say).
        const known = api.getState().distributions;
        const missing = new Set(
          batch
            .map((post) => post.linkedAddress)
            .filter((address): address is string => address !== undefined && !distributionSelectors.selectById(known, address)),
        );
        for (const address of missing) {
          await api.dispatch(backendApi.endpoints.distribution.initiate(address, { subscribe: false }));
        }
      }
    },
  });
}
