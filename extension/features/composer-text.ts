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

/** Resolves with the first element matching `selector` under `root`, or null after `timeoutMs`. */
export function waitForElement<E extends Element>(
  root: ParentNode & Node,
  selector: string,
  timeoutMs: number,
): Promise<E | null> {
  const found = root.querySelector<E>(selector);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const match = root.querySelector<E>(selector);
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
    observer.observe(root, { childList: true, subtree: true });
  });
}

/** Opens X's reply composer for `article` and types `text` into it; false when X's composer did not appear. */
export async function replyWithText(article: HTMLElement, text: string, timeoutMs = 5000): Promise<boolean> {
  const reply = article.querySelector<HTMLElement>(composerSelectors.replyButton);
  if (!reply) return false;
  reply.click();
  const editor = await waitForElement<HTMLElement>(article.ownerDocument, composerSelectors.editor, timeoutMs);
  return editor ? insertIntoComposer(editor, text) : false;
}
