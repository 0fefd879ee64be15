import { backendApi } from "../api/backend-api.ts";
import { distributionSelectors } from "../store/distributions-slice.ts";
import { postsSeen } from "../store/posts-slice.ts";
import { mountInShadow, type ShadowMount } from "../ui/shadow-mount.tsx";
import { ClaimCard, placedRightly } from "./claim-card.tsx";
import { followLiveCounts } from "./live-counts.ts";
import { everywhere, type Feature } from "./overlay.ts";
import { type PostReading, postSelectors } from "./post-scanner.ts";

/**
 * Puts a claim card under the post each distribution was registered for, once a post on screen links
 * it (the post itself, or the creator's reply carrying the link), and under the creator's own posts
 * that link it: one per post (a quote post's quoted link never adds a second), none on promoted
 * posts, and never under someone else's post that links it. The cards' numbers stay live through
 * one stream for the whole tab (live-counts.ts).
 *
 * Test URLs: https://x.com/home with a post linking <PUBLIC_URL>/d/<address>; that post's
 * https://x.com/<user>/status/<id>; a quote of it.
 */

interface Placed {
  mount: ShadowMount;
  address: string;
  postId: string;
  authorHandle: string | null;
}

/** Under the post's own action bar; a quoted post has none, so the first bar is the post's. */
function anchorFor(article: HTMLElement): Element | null {
  return article.querySelector(postSelectors.actionBar);
}

export const claimWidget: Feature = {
  runsOn: everywhere,
  init(signal, overlay) {
    const placed = new Map<HTMLElement, Placed>();
    /** Every post on screen, linking or not: a card may belong under a post whose link is elsewhere. */
    const seen = new Map<HTMLElement, PostReading>();
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
      const actionBar = anchorFor(article);
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
     * posts that link it; a linked distribution not known yet shows its loading (or unavailable) card
     * under the linking post until it is (ClaimCard then hides it under someone else's post).
     */
    const sync = () => {
      const distributions = overlay.store.getState().distributions;
      const registeredFor = new Map(distributionSelectors.selectAll(distributions).map((known) => [known.postId, known.address]));
      for (const [article, reading] of seen) {
        const { postId, distribution: linked, authorHandle } = reading;
        const linkedKnown = linked ? distributionSelectors.selectById(distributions, linked) : undefined;
        const linkShown =
          linked && (!linkedKnown || (postId && placedRightly(linkedKnown, postId, authorHandle))) ? linked : undefined;
        const address = postId && !reading.promoted ? (registeredFor.get(postId) ?? linkShown) : undefined;
        const current = placed.get(article);
        if (current && current.address === address && current.postId === postId && current.mount.host.isConnected) continue;
        remove(article);
        if (address && postId) placed.set(article, mountCard(article, address, postId, authorHandle));
      }
      followCounts([...placed.values()].map((card) => card.address));
    };

    const see = (article: HTMLElement, reading: PostReading) => {
      seen.set(article, reading);
      const { distribution, postId } = reading;
      // Only posts that link a distribution are looked up (with their own id, which finds one registered for them).
      if (reading.linksGiveaway && postId && !reading.promoted)
        overlay.store.dispatch(postsSeen([{ postId, ...(distribution ? { linkedAddress: distribution } : {}) }]));
      sync();
    };
    const gone = (article: HTMLElement) => {
      seen.delete(article);
      remove(article);
    };

    overlay.hub.subscribe({ onPost: see, onPostRerendered: see, onPostGone: gone }, signal);
    const unsubscribeStore = overlay.store.subscribe(sync);
    signal.addEventListener("abort", () => {
      unsubscribeStore();
      seen.clear();
      for (const article of [...placed.keys()]) remove(article);
      for (const subscription of subscriptions) subscription.unsubscribe();
    });
  },
};
