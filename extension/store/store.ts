import { combineReducers, configureStore, createListenerMiddleware, isPlain } from "@reduxjs/toolkit";
import { backendApi } from "../api/backend-api.ts";
import { type ClaimExtra, claimFlowSlice } from "./claim-flow-slice.ts";
import { distributionsSlice } from "./distributions-slice.ts";
import { startLookupListener } from "./lookup-listener.ts";
import { postsSlice } from "./posts-slice.ts";
import { themeSlice } from "./theme-slice.ts";

const reducer = combineReducers({
  [backendApi.reducerPath]: backendApi.reducer,
  posts: postsSlice.reducer,
  distributions: distributionsSlice.reducer,
  claimFlow: claimFlowSlice.reducer,
  theme: themeSlice.reducer,
});

export type OverlayState = ReturnType<typeof reducer>;

export interface OverlayStoreOptions {
  extra?: ClaimExtra;
  /** How long the bulk lookup waits for more posts to arrive. */
  lookupDebounceMs?: number;
}

/** One store per page: every widget on x.com shares it, so one lookup serves them all. */
export function createOverlayStore({ extra = {}, lookupDebounceMs = 150 }: OverlayStoreOptions = {}) {
  const listener = createListenerMiddleware<OverlayState>({ extra });
  startLookupListener(listener, lookupDebounceMs);
  return configureStore({
    reducer,
    middleware: (getDefault) =>
      getDefault({
        thunk: { extraArgument: extra },
        // Decoded backend answers hold u64 amounts as bigints (shared/api): exact, and structured-clonable.
        serializableCheck: { isSerializable: (value: unknown) => typeof value === "bigint" || isPlain(value) },
      })
        .prepend(listener.middleware)
        .concat(backendApi.middleware),
  });
}

export type OverlayStore = ReturnType<typeof createOverlayStore>;
export type OverlayDispatch = OverlayStore["dispatch"];
