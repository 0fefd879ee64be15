import { distributionAddressInAnchor, distributionAddressInCard } from "./distribution-links.ts";
import type { ReportMiss } from "./selector-health.ts";

/**
 * Finds X posts on the page and reads what the overlay needs from each: its id, its author, whether
 * it is promoted, and the distribution its own text or card links to. X's timeline is virtualized,
 * so the same <article> is re-used for another post; the scanner re-reads an article whenever its
 * subtree or a link in it changes and tells listeners when what it carries changed.
 *
 * Runs on every x.com / twitter.com page.
 * Test URLs: https://x.com/home, https://x.com/<user>, https://x.com/<user>/status/<id>, https://x.com/search?q=memefans
 */

export const postSelectors = {
  /** A post: X's article marked "tweet", or one that X's A/B builds serve with no data-testid at all. */
  post: 'article:is([data-testid="tweet"], [role="article"]:not([data-testid]))',
  permalinkTime: 'a[href*="/status/"] > time',
  text: '[data-testid="tweetText"]',
  card: '[data-testid="card.wrapper"]',
  userName: '[data-testid="User-Name"]',
  actionBar: '[role="group"]',
  /** X's buttons under a post: a group holding one is the post's action bar, not a carousel or a poll. */
  actionButton:
    '[data-testid="reply"], [data-testid="retweet"], [data-testid="unretweet"], [data-testid="like"], [data-testid="unlike"], [data-testid="bookmark"], [data-testid="removeBookmark"]',
  /** "Readers added context": a Community Note, written by other accounts than the post's author. */
  communityNote: '[data-testid="birdwatch-pivot"]',
  cell: '[data-testid="cellInnerDiv"]',
  /** A quoted post is a clickable box (div role=link) holding its own author line. */
  quoteBox: 'div[role="link"]',
  /**
   * What follows a post's header: the header row ends below the first ancestor holding any of these.
   * (placementTracking is not among the signs of an ad: X wraps every video player in it.)
   */
  postBody:
    '[data-testid="tweetText"], [data-testid="card.wrapper"], [role="group"], [data-testid="tweetPhoto"], [data-testid="videoPlayer"], [data-testid="videoComponent"]',
} as const;

/** The header row sits a few levels above the author line; X's own captures put it 3 to 4 levels up. */
const HEADER_LEVELS = 6;
/** An "Ad" label is a word or two in the reader's language, never a sentence. */
const MAX_AD_LABEL_LENGTH = 24;

/** Elements the overlay itself inserts; their mutations are ours, not X's. */
export const OVERLAY_TAG = "memefans-widget";

export interface PostReading {
  postId: string | null;
  authorHandle: string | null;
  /**
   * An ad: no permalink <time> of its own, and a label (X's "Ad", in the reader's language) in its
   * header where the time would be. A post with a permalink is never promoted.
   */
  promoted: boolean;
  /** The distribution this post's own text or card links to; a quoted post's link is not the post's. */
  distribution: string | null;
  /**
   * The post's own text or card links to one of our giveaways, its address readable or not: a link
   * card of ours shows only the page's title, which names amount and ticker, not the address. Such a
   * post is looked up by its id, which finds the giveaway registered for it.
   */
  linksGiveaway: boolean;
}

export interface PostListener {
  /** A post appeared, or the article now shows another post or another link. */
  onPost(article: HTMLElement, reading: PostReading): void;
  /** The article left the page. */
  onPostGone(article: HTMLElement): void;
  /** X re-rendered the article but it still shows the same post: a widget X's render removed can come back. */
  onPostRerendered?(article: HTMLElement, reading: PostReading): void;
}

/**
 * Permalink times and absolute links (t.co, and scheme-relative ones such as X Articles render):
 * mentions, hashtags and profile links are path-relative.
 */
const timesAndLinks = 'time, a[href^="http" i], a[href^="//"]';

const permalinkPath = /^\/([A-Za-z0-9_]{1,15})\/status\/(\d{1,19})(?:[/?#]|$)/;

/**
 * Whether `element` is the post's own, not the quoted post's: no clickable box between it and the
 * article holds an author line. Walks up from the element (a few ancestors) instead of listing the
 * article's boxes, because the scanner asks this of every post's permalink and links.
 */
export function isOwnContent(element: Element, article: Element): boolean {
  for (let box = element.closest(postSelectors.quoteBox); box && box !== article && article.contains(box); ) {
    if (box.querySelector(postSelectors.userName)) return false;
    box = box.parentElement?.closest(postSelectors.quoteBox) ?? null;
  }
  return true;
}

/**
 * Reads one post. The scanner calls this for every post the fan scrolls past, so it walks the
 * article once, for <time>s and absolute links, looks above the permalink and candidate links for
 * a quoted post's box, and reads the header only for the few posts without a permalink.
 */
export function readPost(article: Element, hosts: ReadonlySet<string>): PostReading {
  const ownContent = (element: Element) => isOwnContent(element, article);

  let postId: string | null = null;
  let authorHandle: string | null = null;
  let distribution: string | null = null;
  let linksGiveaway = false;
  for (const element of article.querySelectorAll(timesAndLinks)) {
    if (element.localName === "time") {
      // The post's own header comes before a quoted post; a quoted post's time is never the post's
      // (an ad has none of its own, and the quoted post's must not lend it an id).
      const match: RegExpExecArray | null =
        postId === null ? permalinkPath.exec(element.parentElement?.getAttribute("href") ?? "") : null;
      if (match && ownContent(element)) {
        authorHandle = match[1] ?? null;
        postId = match[2] ?? null;
      }
      continue;
    }
    // A note's sources are its writers' links, not the post's.
    if (distribution !== null || element.closest(postSelectors.communityNote)) continue;
    const label = element.getAttribute("aria-label");
    const card = label === null ? null : element.closest(postSelectors.card);
    const ourCard = card !== null && hosts.has((label?.split(/\s+/, 1)[0] ?? "").toLowerCase());
    const found = card
      ? ourCard
        ? distributionAddressInCard(card, hosts)
        : null
      : distributionAddressInAnchor(element as HTMLAnchorElement, hosts);
    if ((found || ourCard) && ownContent(element)) {
      distribution = found;
      linksGiveaway = true;
    }
  }

  const promoted = postId === null && hasAdLabel(article, ownContent);
  return { postId, authorHandle, promoted, distribution, linksGiveaway };
}

/**
 * The post's own action bar (reply, repost, like): what its widgets mount under. X puts other groups in
 * a post too (a card's carousel comes before the bar), and a quoted post's box has no bar of its own.
 * Without X's buttons (renamed test ids), the post's last group outside its card stands in.
 */
export function actionBarOf(article: Element): Element | null {
  let lastGroup: Element | null = null;
  for (const group of article.querySelectorAll(postSelectors.actionBar)) {
    if (!isOwnContent(group, article)) continue;
    if (group.querySelector(postSelectors.actionButton)) return group;
    if (!group.closest(postSelectors.card)) lastGroup = group;
  }
  return lastGroup;
}

/**
 * X's "Ad" label stands in the post's header row, beside the author line where a post's time would
 * be. Read as "any short text in that row besides the author line", it holds in every language X
 * translates the label into.
 */
function hasAdLabel(article: Element, ownContent: (element: Element) => boolean): boolean {
  const name = [...article.querySelectorAll(postSelectors.userName)].find(ownContent);
  if (!name) return false;
  let header: Element = name;
  for (let level = 0; level < HEADER_LEVELS; level++) {
    const parent = header.parentElement;
    if (!parent || parent === article || parent.querySelector(postSelectors.postBody)) break;
    // A quoted post's author line means the walk left the header.
    if (parent.querySelectorAll(postSelectors.userName).length > 1) break;
    header = parent;
  }
  const label = (header.textContent ?? "").replace(name.textContent ?? "", "").trim();
  return label.length > 0 && label.length <= MAX_AD_LABEL_LENGTH;
}

function signatureOf(reading: PostReading): string {
  return `${reading.postId}|${reading.distribution}|${reading.linksGiveaway}|${reading.promoted}`;
}

/** Fans one scanner out to the features that care about posts; late subscribers get the posts already seen. */
export class PostHub {
  private readonly listeners = new Set<PostListener>();
  private readonly current = new Map<HTMLElement, PostReading>();

  subscribe(listener: PostListener, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.listeners.add(listener);
    signal.addEventListener("abort", () => this.listeners.delete(listener), { once: true });
    for (const [article, reading] of this.current) listener.onPost(article, reading);
  }

  publish(article: HTMLElement, reading: PostReading): void {
    this.current.set(article, reading);
    for (const listener of this.listeners) listener.onPost(article, reading);
  }

  rerendered(article: HTMLElement): void {
    const reading = this.current.get(article);
    if (!reading) return;
    for (const listener of this.listeners) listener.onPostRerendered?.(article, reading);
  }

  retract(article: HTMLElement): void {
    if (!this.current.delete(article)) return;
    for (const listener of this.listeners) listener.onPostGone(article);
  }

  get posts(): ReadonlyMap<HTMLElement, PostReading> {
    return this.current;
  }
}

export interface ScannerOptions {
  root: HTMLElement;
  hub: PostHub;
  hosts: () => ReadonlySet<string>;
  reportMiss: ReportMiss;
}

/** Observes `root` until `signal` aborts; reads each changed article once per mutation batch. */
export function scanPosts({ root, hub, hosts, reportMiss }: ScannerOptions, signal: AbortSignal): void {
  const seen = new WeakMap<HTMLElement, string>();

  const read = (article: HTMLElement) => {
    const reading = readPost(article, hosts());
    if (reading.postId === null && !reading.promoted) {
      reportMiss({
        feature: "post-scanner",
        selector: `${postSelectors.post} ${postSelectors.permalinkTime}`,
        detail: "a post without a status permalink: its id cannot be read",
      });
    }
    const signature = signatureOf(reading);
    if (seen.get(article) === signature) {
      hub.rerendered(article);
      return;
    }
    seen.set(article, signature);
    hub.publish(article, reading);
  };

  const dropDetached = () => {
    for (const article of [...hub.posts.keys()]) {
      if (!article.isConnected) {
        seen.delete(article);
        hub.retract(article);
      }
    }
  };

  for (const article of root.querySelectorAll<HTMLElement>(postSelectors.post)) read(article);

  const observer = new MutationObserver((records) => {
    const dirty = new Set<HTMLElement>();
    let removed = false;
    for (const record of records) {
      // Our widgets keep their content in shadow roots, which this observer does not see.
      const target = record.target as Element;
      if (target.nodeType !== Node.ELEMENT_NODE) continue;
      if (record.type === "childList" && record.removedNodes.length) removed = true;
      const only = record.addedNodes.length === 1 ? (record.addedNodes[0] as Element) : null;
      if (only?.localName === OVERLAY_TAG) continue;
      // A change inside a post (a recycled cell's new content) needs only that post re-read.
      const article = target.closest<HTMLElement>(postSelectors.post);
      if (article) {
        dirty.add(article);
        continue;
      }
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        const element = node as HTMLElement;
        if (element.matches(postSelectors.post)) dirty.add(element);
        else if (element.firstElementChild) {
          for (const found of element.querySelectorAll<HTMLElement>(postSelectors.post)) dirty.add(found);
        }
      }
    }
    for (const article of dirty) if (article.isConnected) read(article);
    if (removed) dropDetached();
  });
  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["href"] });
  signal.addEventListener(
    "abort",
    () => {
      observer.disconnect();
      for (const article of [...hub.posts.keys()]) hub.retract(article);
    },
    { once: true },
  );
}
