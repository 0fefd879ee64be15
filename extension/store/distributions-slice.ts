import { createEntityAdapter, createSlice } from "@reduxjs/toolkit";
import type { Distribution } from "../../shared/api/distributions.ts";
import { backendApi } from "../api/backend-api.ts";

/** Every distribution the overlay has heard of, by address, from the bulk lookup or a single read. */
const adapter = createEntityAdapter<Distribution, string>({ selectId: (distribution) => distribution.address });

/** Why a linked distribution could not be read (not registered, or the backend unreachable), by address. */
const initialState = adapter.getInitialState({ unavailable: {} as Record<string, string> });

export const distributionsSlice = createSlice({
  name: "distributions",
  initialState,
  reducers: {},
  extraReducers: (builder) => {
    builder
      .addMatcher(backendApi.endpoints.distributionsForPosts.matchFulfilled, (state, action) => {
        adapter.upsertMany(state, action.payload.distributions);
      })
      .addMatcher(backendApi.endpoints.distribution.matchFulfilled, (state, action) => {
        adapter.upsertOne(state, action.payload.distribution);
        delete state.unavailable[action.payload.distribution.address];
      })
      .addMatcher(backendApi.endpoints.distribution.matchRejected, (state, action) => {
        const error = action.payload as { message?: string } | undefined;
        state.unavailable[action.meta.arg.originalArgs] = error?.message ?? action.error.message ?? "the backend did not answer";
      });
  },
});

export const distributionSelectors = adapter.getSelectors();
