import { mountInShadow, type ShadowMount } from "../ui/shadow-mount.tsx";
import { composerSelectors, editorOfToolBar, insertIntoComposer } from "./composer-text.ts";
import { CreateButton, cachedHandle, hasGiveaway, isOwnPost, onNewDistributions, openDialog } from "./create-distribution.tsx";
import type { Feature, Overlay } from "./overlay.ts";
import { type PostReading, postSelectors, readPost } from "./post-scanner.ts";

/**
 * "Create a giveaway" beside X's composer toolbar when the reply goes under one of the creator's
 * own posts; the link is typed into that reply. X replies inline on a post's page and in a
 * dialog at /compose/post, so the feature runs only there and the home timeline never pays for it.
 *
 * Test URLs: https://x.com/<me>/status/<id>, https://x.com/compose/post (reply to an own post).
 */

/** How often the composer check may run while X's DOM churns. */
const COMPOSER_CHECK_MS = 250;

const composerPages = /^\/(?:[A-Za-z0-9_]{1,15}\/status\/\d+|compose\/post)\/?$/;

/**
 * The post a composer replies to: the last post above it, in X's reply dialog or on the page. On a
 * status page whose post is itself a reply, the thread's earlier posts come first; the post the
 * inline composer answers is the one right above it.
 */
function repliedPost(toolBar: Element, overlay: Overlay): PostReading | null {
  const scope = toolBar.closest('[role="dialog"]') ?? overlay.doc;
  const above = [...scope.querySelectorAll(postSelectors.post)].filter(
    (article) => article.compareDocumentPosition(toolBar) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  const article = above.at(-1);
  return article ? readPost(article, overlay.linkHosts()) : null;
}

export const composerGiveaway: Feature = {
  runsOn: (url) => composerPages.test(url.pathname),
  init(signal, overlay) {
    const myHandle = cachedHandle(overlay);
    const inComposer = new Map<Element, { mount: ShadowMount; postId: string }>();
    const scanComposers = () => {
      // A giveaway found (or registered) for the post meanwhile takes the button away, as under the post.
      for (const [toolBar, { mount, postId }] of inComposer) {
        if (!toolBar.isConnected || hasGiveaway(overlay, postId)) {
          mount.remove();
          inComposer.delete(toolBar);
        }
      }
      for (const toolBar of overlay.doc.querySelectorAll(composerSelectors.toolBar)) {
        if (inComposer.has(toolBar)) continue;
        const target = repliedPost(toolBar, overlay);
        if (!target?.postId || !isOwnPost(target, myHandle()) || target.distribution || hasGiveaway(overlay, target.postId))
          continue;
        const postId = target.postId;
        const insertLink = async (link: string) => {
          const editor = editorOfToolBar(toolBar);
          if (editor) return insertIntoComposer(editor, link);
          overlay.reportMiss({
            feature: "composer-giveaway",
            selector: composerSelectors.editor,
            detail: "no composer to type the link into",
          });
          return false;
        };
        inComposer.set(toolBar, {
          postId,
          mount: mountInShadow({
            anchor: toolBar,
            placement: "after",
            feature: "create-distribution",
            store: overlay.store,
            children: <CreateButton onClick={() => openDialog(overlay, postId, insertLink, signal)} />,
          }),
        });
      }
    };
    let pending: ReturnType<typeof setTimeout> | undefined;
    const observer = new MutationObserver(() => {
      pending ??= setTimeout(() => {
        pending = undefined;
        scanComposers();
      }, COMPOSER_CHECK_MS);
    });
    observer.observe(overlay.doc.body, { childList: true, subtree: true });
    const unsubscribeStore = onNewDistributions(overlay, scanComposers);
    scanComposers();
    signal.addEventListener("abort", () => {
      observer.disconnect();
      unsubscribeStore();
      clearTimeout(pending);
      for (const { mount } of inComposer.values()) mount.remove();
    });
  },
};
