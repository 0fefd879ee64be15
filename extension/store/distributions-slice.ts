import { createEntityAdapter, createSlice, type PayloadAction } from "@reduxjs/toolkit";
import { type Distribution, distributionResponseSchema } from "../../shared/api/distributions.ts";
import type { LiveCountsEvent } from "../../shared/api/live-events.ts";
import { backendApi } from "../api/backend-api.ts";

/** Every distribution the overlay has heard of, by address, from the bulk lookup or a single read. */
const adapter = createEntityAdapter<Distribution, string>({ selectId: (distribution) => distribution.address });

const initialState = adapter.getInitialState();

export const distributionsSlice = createSlice({
  name: "distributions",
  initialState,
  reducers: {
    /** The backend pushed a distribution's numbers (see features/live-counts.ts). */
    liveCountsReceived(state, action: PayloadAction<LiveCountsEvent>) {
      const { address, claimedCount, remaining, paused, closed } = action.payload;
      if (state.entities[address])
        adapter.updateOne(state, { id: address, changes: { claimedCount, remaining, paused, closed } });
    },
  },
  extraReducers: (builder) => {
    builder
      .addMatcher(backendApi.endpoints.distributionsLookup.matchFulfilled, (state, action) => {
        adapter.upsertMany(state, action.payload.distributions);
      })
      .addMatcher(backendApi.endpoints.distributionsGet.matchFulfilled, (state, action) => {
        adapter.upsertOne(state, action.payload.distribution);
      })
      .addMatcher(backendApi.endpoints.registerDistribution.matchFulfilled, (state, action) => {
        // The creator's own post shows its card (and no second "Create a giveaway") as soon as it is registered.
        const registered =
          action.payload.outcome === "delivered" ? distributionResponseSchema.safeParse(action.payload.response) : undefined;
        if (registered?.success) adapter.upsertOne(state, registered.data.distribution);
      });
  },
});

export const distributionSelectors = adapter.getSelectors();
export const { liveCountsReceived } = distributionsSlice.actions;
