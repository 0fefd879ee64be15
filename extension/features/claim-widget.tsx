import type { Distribution } from "../../shared/api/distributions.ts";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { backendApi } from "../api/backend-api.ts";
import { distributionSelectors } from "../store/distributions-slice.ts";
import { postBucketsSeen, postsSeen } from "../store/posts-slice.ts";
import { type DistributionPhase, distributionPhase } from "../ui/format.ts";
import { mountInShadow, type ShadowMount } from "../ui/shadow-mount.tsx";
import { ClaimCard, placedRightly } from "./claim-card.tsx";
import { followLiveCounts } from "./live-counts.ts";
import { everywhere, type Feature } from "./overlay.ts";
import { actionBarOf, type PostReading, postSelectors } from "./post-scanner.ts";

/**
 * Puts a claim card under the post each distribution was registered for, once that post is on screen
 * (found by its bucket when it links nothing) or a post on screen links it (the post itself, or the
 * creator's reply carrying the link), and under the creator's own posts
 * that link it: one per post (a quote post's quoted link never adds a second), none on promoted
 * posts, and never under someone else's post that links it. The cards' numbers stay live through
 * one stream for the whole tab (live-counts.ts).
 *
 * Test URLs: https://x.com/home with a post linking <PUBLIC_URL>/d/<address>; that post's
 * https://x.com/<user>/status/<id>; a quote of it.
 */

/**
 * How much a card matters by its giveaway's phase: one that takes claims first (a sold-out one still
 * takes a failed claim again), then the ones over.
 */
const phaseRank: Partial<Record<DistributionPhase, number>> = { live: 0, "not-started": 1, "sold-out": 2 };
const OVER = 3;

/**
 * The giveaway each post shows among those registered for it (the backend refuses no second one for a
 * post): the one that matters most by phaseRank, and among those alike the newest by start, else the
 * first heard of (a bucket's answer lists its newest first).
 */
export function shownPerPost(distributions: readonly Distribution[], nowSeconds: number): Map<string, Distribution> {
  const rank = (distribution: Distribution) => phaseRank[distributionPhase(distribution, nowSeconds)] ?? OVER;
  const shown = new Map<string, Distribution>();
  for (const candidate of distributions) {
    const current = shown.get(candidate.postId);
    const better =
      !current || rank(candidate) < rank(current) || (rank(candidate) === rank(current) && candidate.startsAt > current.startsAt);
    if (better) shown.set(candidate.postId, candidate);
  }
  return shown;
}

interface Placed {
  mount: ShadowMount;
  address: string;
  postId: string;
  authorHandle: string | null;
}

export const claimWidget: Feature = {
  runsOn: everywhere,
  init(signal, overlay) {
    const placed = new Map<HTMLElement, Placed>();
    /** Every post on screen, linking or not: a card may belong under a post whose link is elsewhere. */
    const seen = new Map<HTMLElement, PostReading>();
    /** The bucket of each post on screen that links nothing (what the backend is asked for it). */
    const bucketOfPost = new Map<HTMLElement, string>();
    const overfull = (bucket: string) => overlay.store.getState().posts.buckets[bucket]?.overfull === true;
    // One subscription for every card: the fan's X session and wallet, re-read when the tab regains focus
    // (the fan may have unlocked the wallet in the popup meanwhile).
    const subscriptions = [
      overlay.store.dispatch(
        backendApi.endpoints.xSession.initiate(undefined, { subscriptionOptions: { refetchOnFocus: true } }),
      ),
      overlay.store.dispatch(
        backendApi.endpoints.walletStatus.initiate(undefined, { subscriptionOptions: { refetchOnFocus: true } }),
      ),
    ];

    const remove = (article: HTMLElement) => {
      placed.get(article)?.mount.remove();
      placed.delete(article);
    };

    const followCounts = followLiveCounts(overlay.store, overlay.connectLiveCounts, signal);

    const mountCard = (article: HTMLElement, address: string, postId: string, authorHandle: string | null): Placed => {
      const actionBar = actionBarOf(article);
      if (!actionBar) {
        overlay.reportMiss({
          feature: "claim-widget",
          selector: `${postSelectors.post} ${postSelectors.actionBar}`,
          detail: "no action bar to put the claim card under; it went to the end of the post",
        });
      }
      const mount = mountInShadow({
        anchor: actionBar ?? article,
        placement: actionBar ? "after" : "last",
        feature: "claim-widget",
        store: overlay.store,
        children: <ClaimCard address={address} postId={postId} authorHandle={authorHandle} />,
      });
      // One width in the timeline column, whatever the card holds: the card fills the post's column and
      // its text never widens it (inline-size containment leaves the card out of the column's sizing).
      mount.host.style.width = "100%";
      mount.host.style.contain = "inline-size";
      return { mount, address, postId, authorHandle };
    };

    /**
     * Which post gets which card: a known distribution's card goes under the post it was registered
     * for, wherever its link was seen (the creator's reply to it, say), and under the creator's own
     * posts that link it. A linked address gets nothing until the backend has named it a distribution
     * placed rightly there: anyone can link any public key, and a MEMEFANS box saying it is unknown
     * (or that MEMEFANS is unreachable) has no place under their post.
     */
    const sync = () => {
      const distributions = overlay.store.getState().distributions;
      const registeredFor = shownPerPost(distributionSelectors.selectAll(distributions), Math.floor(Date.now() / 1000));
      for (const [article, reading] of seen) {
        const { postId, distribution: linked, authorHandle } = reading;
        const linkedKnown = linked ? distributionSelectors.selectById(distributions, linked) : undefined;
        const linkShown = linkedKnown && postId && placedRightly(linkedKnown, postId, authorHandle) ? linked : undefined;
        const address = postId && !reading.promoted ? (registeredFor.get(postId)?.address ?? linkShown) : undefined;
        const current = placed.get(article);
        if (current && current.address === address && current.postId === postId && current.mount.host.isConnected) continue;
        remove(article);
        if (address && postId) placed.set(article, mountCard(article, address, postId, authorHandle));
      }
      followCounts([...placed.values()].map((card) => card.address));
      askOverfullPostsById();
    };

    /**
     * A post whose bucket holds more giveaways than the backend answers even asked alone (posts-slice.ts)
     * is asked by its own id: the one case the backend hears the id of a post that links nothing, the
     * price of its card showing at all. Asked once; `see` asks again after a failure.
     */
    const askOverfullPostsById = () => {
      const { posts } = overlay.store.getState();
      const unasked = [...bucketOfPost]
        .filter(([, bucket]) => overfull(bucket))
        .map(([article]) => seen.get(article)?.postId)
        .filter((postId): postId is string => typeof postId === "string" && posts.entities[postId] === undefined);
      if (unasked.length > 0) overlay.store.dispatch(postsSeen(unasked.map((postId) => ({ postId }))));
    };

    /** Buckets of the posts one scan turn brought, handed to the store in one action (one re-sync, not one per post). */
    let bucketsThisTurn: string[] = [];
    const askBucket = (bucket: string) => {
      if (bucketsThisTurn.length === 0) {
        queueMicrotask(() => {
          const buckets = bucketsThisTurn;
          bucketsThisTurn = [];
          if (!signal.aborted) overlay.store.dispatch(postBucketsSeen(buckets));
        });
      }
      bucketsThisTurn.push(bucket);
    };

    const see = (article: HTMLElement, reading: PostReading) => {
      seen.set(article, reading);
      bucketOfPost.delete(article);
      const { distribution, postId } = reading;
      // A post that links a distribution is looked up by its own id (which finds one registered for it);
      // any other post by its bucket alone, so a giveaway post whose link is elsewhere (the creator's
      // reply) still gets its card while the backend never learns which posts the fan read (but for
      // an overfull bucket's, see askOverfullPostsById).
      if (postId && !reading.promoted) {
        const bucket = reading.linksGiveaway ? undefined : postIdBucket(postId);
        if (bucket !== undefined) bucketOfPost.set(article, bucket);
        if (bucket === undefined || overfull(bucket))
          overlay.store.dispatch(postsSeen([{ postId, ...(distribution ? { linkedAddress: distribution } : {}) }]));
        else askBucket(bucket);
      }
      sync();
    };
    const gone = (article: HTMLElement) => {
      seen.delete(article);
      bucketOfPost.delete(article);
      remove(article);
    };

    overlay.hub.subscribe({ onPost: see, onPostRerendered: see, onPostGone: gone }, signal);
    const unsubscribeStore = overlay.store.subscribe(sync);
    signal.addEventListener("abort", () => {
      unsubscribeStore();
      seen.clear();
      bucketOfPost.clear();
      for (const article of [...placed.keys()]) remove(article);
      for (const subscription of subscriptions) subscription.unsubscribe();
    });
  },
};
