import { backendApi } from "../api/backend-api.ts";
import { distributionSelectors } from "../store/distributions-slice.ts";
import { postsSeen } from "../store/posts-slice.ts";
import { PillButton } from "../ui/pill-button.tsx";
import { mountInShadow, type ShadowMount } from "../ui/shadow-mount.tsx";
import { replyWithText } from "./composer-text.ts";
import { CreateDistributionDialog } from "./create-dialog.tsx";
import { everywhere, type Feature, type Overlay } from "./overlay.ts";
import { actionBarOf, type PostReading } from "./post-scanner.ts";

/**
 * Offers "Create a giveaway" on the signed-in creator's own posts that carry none yet
 * (composer-giveaway.tsx does the same in the reply composer). The dialog builds, signs and registers
 * the distribution, then types its link into a reply. The creator's own posts are looked up (they are
 * theirs to ask about), so a registered one shows its card instead of the button.
 *
 * Test URLs: https://x.com/<me>, https://x.com/home (own posts).
 */

const profileLink = 'a[data-testid="AppTabBar_Profile_Link"]';

/** The handle of the account signed in to x.com, from X's side navigation, else from our X sign-in. */
export function signedInHandle(overlay: Overlay): string | null {
  const href = overlay.doc.querySelector(profileLink)?.getAttribute("href");
  const fromNav = href && /^\/([A-Za-z0-9_]{1,15})$/.exec(href)?.[1];
  if (fromNav) return fromNav.toLowerCase();
  const session = backendApi.endpoints.xSession.select()(overlay.store.getState());
  return session.data?.xUser?.username.toLowerCase() ?? null;
}

export function isOwnPost(reading: PostReading, handle: string | null): boolean {
  return Boolean(handle && reading.postId && !reading.promoted && reading.authorHandle?.toLowerCase() === handle);
}

/** Opens the create dialog over the page; it closes itself, or goes when the feature that opened it stops. */
export function openDialog(
  overlay: Overlay,
  postId: string,
  insertLink: (link: string) => Promise<boolean>,
  signal: AbortSignal,
): void {
  if (signal.aborted) return;
  let mount: ShadowMount | null = null;
  const close = () => {
    signal.removeEventListener("abort", close);
    mount?.remove();
    mount = null;
  };
  signal.addEventListener("abort", close, { once: true });
  mount = mountInShadow({
    anchor: overlay.doc.body,
    placement: "last",
    feature: "create-dialog",
    store: overlay.store,
    mui: true,
    children: <CreateDistributionDialog postId={postId} onClose={close} insertLink={insertLink} />,
  });
}

export function CreateButton({ onClick }: { onClick(): void }) {
  return (
    <PillButton variant="outlined" className="my-2 px-3 py-1 text-sm" onClick={onClick} data-testid="memefans-create-open">
      🎁 Create a giveaway
    </PillButton>
  );
}

/** Whether a giveaway is known for `postId` (registered, or found by a lookup): its post has one, and is offered no other. */
export function hasGiveaway(overlay: Overlay, postId: string | null): boolean {
  return (
    postId !== null &&
    distributionSelectors.selectAll(overlay.store.getState().distributions).some((known) => known.postId === postId)
  );
}

/** Calls `onChange` whenever the overlay hears of another distribution; returns the unsubscribe. */
export function onNewDistributions(overlay: Overlay, onChange: () => void): () => void {
  let known = overlay.store.getState().distributions.ids;
  return overlay.store.subscribe(() => {
    const ids = overlay.store.getState().distributions.ids;
    if (ids === known) return;
    known = ids;
    onChange();
  });
}

/** Re-reads the handle at most this often: the scanner asks for every post, X's nav rarely changes. */
const HANDLE_TTL_MS = 2000;

/** signedInHandle, remembered for a moment. */
export function cachedHandle(overlay: Overlay): () => string | null {
  let handle: { value: string | null; readAt: number } = { value: null, readAt: Number.NEGATIVE_INFINITY };
  return () => {
    const now = performance.now();
    if (now - handle.readAt > HANDLE_TTL_MS) handle = { value: signedInHandle(overlay), readAt: now };
    return handle.value;
  };
}

export const createDistribution: Feature = {
  runsOn: everywhere,
  init(signal, overlay) {
    const session = overlay.store.dispatch(backendApi.endpoints.xSession.initiate());
    const myHandle = cachedHandle(overlay);
    const onPosts = new Map<HTMLElement, ShadowMount>();
    const remove = (article: HTMLElement) => {
      onPosts.get(article)?.remove();
      onPosts.delete(article);
    };
    const readings = new Map<HTMLElement, PostReading>();
    const place = (article: HTMLElement, reading: PostReading) => {
      readings.set(article, reading);
      const existing = onPosts.get(article);
      const own = isOwnPost(reading, reading.authorHandle ? myHandle() : null);
      if (own && reading.postId) overlay.store.dispatch(postsSeen([{ postId: reading.postId }]));
      const wanted = !reading.distribution && own && !hasGiveaway(overlay, reading.postId);
      if (existing?.host.isConnected && wanted) return;
      if (existing) remove(article);
      if (!wanted || !reading.postId) return;
      const actionBar = actionBarOf(article);
      if (!actionBar) return;
      const postId = reading.postId;
      onPosts.set(
        article,
        mountInShadow({
          anchor: actionBar,
          placement: "after",
          feature: "create-distribution",
          store: overlay.store,
          children: (
            <CreateButton onClick={() => openDialog(overlay, postId, (link) => replyWithText(article, postId, link), signal)} />
          ),
        }),
      );
    };
    const gone = (article: HTMLElement) => {
      readings.delete(article);
      remove(article);
    };
    overlay.hub.subscribe({ onPost: place, onPostRerendered: place, onPostGone: gone }, signal);
    // A giveaway registered (or found) for an own post takes its button away.
    const unsubscribeStore = onNewDistributions(overlay, () => {
      for (const [article, reading] of readings)
        if (onPosts.has(article) && hasGiveaway(overlay, reading.postId)) remove(article);
    });

    signal.addEventListener("abort", () => {
      unsubscribeStore();
      for (const mount of onPosts.values()) mount.remove();
      session.unsubscribe();
    });
  },
};
