import { readPost } from "./post-scanner.ts";

/**
 * Puts text into X's post composer (a Draft.js contenteditable). Draft.js keeps its own model and
 * ignores DOM edits; it does follow the browser's own text insertion, which execCommand("insertText")
 * performs, and a paste, which it handles as typed text.
 */

export const composerSelectors = {
  editor: '[data-testid="tweetTextarea_0"]',
  toolBar: '[data-testid="toolBar"]',
  replyButton: '[data-testid="reply"]',
} as const;

export function insertIntoComposer(editor: HTMLElement, text: string): boolean {
  const before = editor.textContent ?? "";
  editor.focus();
  const doc = editor.ownerDocument;
  const selection = doc.getSelection();
  if (selection) {
    selection.selectAllChildren(editor);
    selection.collapseToEnd();
  }
  const spaced = before.trim() ? ` ${text}` : text;
  let inserted = false;
  try {
    inserted = doc.execCommand("insertText", false, spaced);
  } catch {
    inserted = false;
  }
  if (!inserted || !(editor.textContent ?? "").includes(text)) {
    const data = new DataTransfer();
    data.setData("text/plain", spaced);
    editor.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }
  return (editor.textContent ?? "").includes(text);
}

/** No link hosts: only the post's id is read here, and no link decides that. */
const NO_LINK_HOSTS: ReadonlySet<string> = new Set();

/**
 * The editor X opens for a click: one that was not among `before`, the one in a dialog first (X opens
 * its reply composer in #layers, after its own "What is happening?!" composer and a status page's
 * inline reply box, which are no place for this reply); null after `timeoutMs`.
 */
function newEditor(doc: Document, before: ReadonlySet<Element>, timeoutMs: number): Promise<HTMLElement | null> {
  const find = () => {
    const fresh = [...doc.querySelectorAll<HTMLElement>(composerSelectors.editor)].filter((editor) => !before.has(editor));
    return fresh.find((editor) => editor.closest('[role="dialog"]')) ?? fresh[0] ?? null;
  };
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const match = find();
      if (match) {
        observer.disconnect();
        clearTimeout(timer);
        resolve(match);
      }
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve(null);
    }, timeoutMs);
    observer.observe(doc, { childList: true, subtree: true });
  });
}

/**
 * Opens X's reply composer under `article` and types `text` into it. False when the article no longer
 * shows post `postId` (X drops or recycles an article while the create dialog is open, and the link
 * must not go under another post) or X's composer did not open: the caller then shows the link instead.
 */
export async function replyWithText(article: HTMLElement, postId: string, text: string, timeoutMs = 5000): Promise<boolean> {
  if (!article.isConnected || readPost(article, NO_LINK_HOSTS).postId !== postId) return false;
  const reply = article.querySelector<HTMLElement>(composerSelectors.replyButton);
  if (!reply) return false;
  const before = new Set(article.ownerDocument.querySelectorAll(composerSelectors.editor));
  reply.click();
  const editor = await newEditor(article.ownerDocument, before, timeoutMs);
  return editor ? insertIntoComposer(editor, text) : false;
}

/**
 * The editor of the composer whose toolbar is `toolBar`: the nearest one up its ancestors, never one
 * past another composer's toolbar (a page can hold several composers, a dialog's and the page's).
 */
export function editorOfToolBar(toolBar: Element): HTMLElement | null {
  for (let scope = toolBar.parentElement; scope; scope = scope.parentElement) {
    if (scope.querySelectorAll(composerSelectors.toolBar).length > 1) return null;
    const editor = scope.querySelector<HTMLElement>(composerSelectors.editor);
    if (editor) return editor;
  }
  return null;
}
