import { backendApi } from "../api/backend-api.ts";
import { postsSeen } from "../store/posts-slice.ts";
import { mountInShadow, type ShadowMount } from "../ui/shadow-mount.tsx";
import { ClaimCard } from "./claim-card.tsx";
import { everywhere, type Feature } from "./overlay.ts";
import { type PostReading, postSelectors } from "./post-scanner.ts";

/**
 * Puts a claim card under every post whose own text or card links to a distribution: one per post
 * (a quote post's quoted link never adds a second), none on promoted posts, and the card itself shows
 * only when the post is the one the distribution was registered for.
 *
 * Test URLs: https://x.com/home with a post linking <PUBLIC_URL>/d/<address>; that post's
 * https://x.com/<user>/status/<id>; a quote of it.
 */

interface Placed {
  mount: ShadowMount;
  address: string;
  postId: string;
}

/** Under the post's own action bar; a quoted post has none, so the first bar is the post's. */
function anchorFor(article: HTMLElement): Element | null {
  return article.querySelector(postSelectors.actionBar);
}

export const claimWidget: Feature = {
  name: "claim-widget",
  runsOn: everywhere,
  init(signal, overlay) {
    const placed = new Map<HTMLElement, Placed>();
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

    const place = (article: HTMLElement, reading: PostReading) => {
      const { distribution, postId } = reading;
      const current = placed.get(article);
      if (current && current.address === distribution && current.postId === postId && current.mount.host.isConnected) return;
      remove(article);
      if (!distribution || !postId || reading.promoted) return;
      overlay.store.dispatch(postsSeen([{ postId, linkedAddress: distribution }]));
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
        children: <ClaimCard address={distribution} postId={postId} />,
      });
      placed.set(article, { mount, address: distribution, postId });
    };

    overlay.hub.subscribe({ onPost: place, onPostRerendered: place, onPostGone: remove }, signal);
    signal.addEventListener("abort", () => {
      for (const article of [...placed.keys()]) remove(article);
      for (const subscription of subscriptions) subscription.unsubscribe();
    });
  },
};
