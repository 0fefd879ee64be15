import { createEntityAdapter, createSlice, type PayloadAction } from "@reduxjs/toolkit";
import { backendApi } from "../api/backend-api.ts";

/**
 * Posts on screen that link to a distribution, and whether the backend has been asked about them.
 * Only these posts are looked up: sending every post id the fan scrolls past would hand the
 * backend their whole timeline.
 */
export interface SeenPost {
  postId: string;
  /** The address the post's own link names; absent for a link card of ours, whose title does not name it. */
  linkedAddress?: string;
  lookup: "pending" | "requested" | "done" | "failed";
}

const adapter = createEntityAdapter<SeenPost, string>({ selectId: (post) => post.postId });

export const postsSlice = createSlice({
  name: "posts",
  initialState: adapter.getInitialState(),
  reducers: {
    postsSeen(state, action: PayloadAction<{ postId: string; linkedAddress?: string }[]>) {
      for (const { postId, linkedAddress } of action.payload) {
        const known = state.entities[postId];
        // A failed lookup (backend unreachable) is asked again the next time the post shows up.
        if (known && known.linkedAddress === linkedAddress && known.lookup !== "failed") continue;
        adapter.upsertOne(state, { postId, ...(linkedAddress ? { linkedAddress } : {}), lookup: "pending" });
      }
    },
  },
  extraReducers: (builder) => {
    const { matchPending, matchFulfilled, matchRejected } = backendApi.endpoints.distributionsForPosts;
    const mark = (postIds: string[], lookup: SeenPost["lookup"], state: ReturnType<typeof adapter.getInitialState>) => {
      for (const postId of postIds) {
        const post = state.entities[postId];
        if (post) post.lookup = lookup;
      }
    };
    builder
      .addMatcher(matchPending, (state, action) => mark(action.meta.arg.originalArgs, "requested", state))
      .addMatcher(matchFulfilled, (state, action) => mark(action.meta.arg.originalArgs, "done", state))
      .addMatcher(matchRejected, (state, action) => mark(action.meta.arg.originalArgs, "failed", state));
  },
});

export const { postsSeen } = postsSlice.actions;
export const postSelectors = adapter.getSelectors();
