import { createEntityAdapter, createSlice, type PayloadAction } from "@reduxjs/toolkit";
import { backendApi } from "../api/backend-api.ts";
import type { RequestOf } from "../messaging/contract.ts";

/**
 * Posts on screen that link to a distribution, and whether the backend has been asked about them.
 * Only these posts are looked up by id: sending every post id the fan scrolls past would hand the
 * backend their whole timeline. The other posts are looked up by bucket (shared/post-bucket.ts), kept
 * here by bucket alone.
 */
export interface SeenPost {
  postId: string;
  /** The address the post's own link names; absent for a link card of ours, whose title does not name it. */
  linkedAddress?: string;
  lookup: "pending" | "requested" | "done" | "failed";
}

/** A post bucket asked about for posts that link nothing, and when its lookup started. */
export interface AskedBucket {
  lookup: SeenPost["lookup"];
  askedAt?: number;
  /**
   * Asked alone, the backend still held more distributions in this bucket than one answer carries
   * (`overfullBuckets`): the bucket cannot say which of its posts have one, so the claim widget asks
   * for its posts on screen by their own ids.
   */
  overfull?: true;
}

/** A bucket asked in this page's life is asked again only after this long: a giveaway registered since then shows. */
export const BUCKET_REASK_MS = 60_000;

const adapter = createEntityAdapter<SeenPost, string>({ selectId: (post) => post.postId });
const initialState = adapter.getInitialState({ buckets: {} as Record<string, AskedBucket> });

export const postsSlice = createSlice({
  name: "posts",
  initialState,
  reducers: {
    /** Posts that link nothing came on screen: their buckets, never their ids. */
    postBucketsSeen: {
      reducer(state, action: PayloadAction<{ buckets: string[]; seenAt: number }>) {
        const { buckets, seenAt } = action.payload;
        for (const bucket of buckets) {
          const known = state.buckets[bucket];
          const stillFresh =
            known && known.lookup !== "failed" && (known.askedAt === undefined || seenAt - known.askedAt < BUCKET_REASK_MS);
          if (!stillFresh) state.buckets[bucket] = { lookup: "pending" };
        }
      },
      prepare: (buckets: string[]) => ({ payload: { buckets, seenAt: Date.now() } }),
    },
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
    const { matchPending, matchFulfilled, matchRejected } = backendApi.endpoints.distributionsLookup;
    type State = typeof initialState;
    const mark = (
      { postIds = [], buckets = [] }: RequestOf<"distributions/lookup">,
      lookup: SeenPost["lookup"],
      state: State,
      askedAt?: number,
    ) => {
      for (const postId of postIds) {
        const post = state.entities[postId];
        if (post) post.lookup = lookup;
      }
      for (const bucket of buckets) state.buckets[bucket] = { ...state.buckets[bucket], lookup, ...(askedAt ? { askedAt } : {}) };
    };
    builder
      .addMatcher(matchPending, (state, action) =>
        mark(action.meta.arg.originalArgs, "requested", state, action.meta.startedTimeStamp),
      )
      .addMatcher(matchFulfilled, (state, action) => {
        const asked = action.meta.arg.originalArgs;
        mark(asked, "done", state);
        // Cut short among other buckets says nothing yet: the lookup listener asks such a bucket again alone.
        const [alone, ...others] = asked.buckets ?? [];
        if (alone !== undefined && others.length === 0 && action.payload.overfullBuckets?.includes(alone))
          state.buckets[alone] = { ...state.buckets[alone], lookup: "done", overfull: true };
      })
      .addMatcher(matchRejected, (state, action) => mark(action.meta.arg.originalArgs, "failed", state));
  },
});

export const { postsSeen, postBucketsSeen } = postsSlice.actions;
export const postSelectors = adapter.getSelectors();
