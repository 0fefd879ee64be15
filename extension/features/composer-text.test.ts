// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { editorOfToolBar, replyWithText } from "./composer-text.ts";
import { postSelectors } from "./post-scanner.ts";
import { fixtureHtml, inCell } from "./testing/x-fixtures.ts";

const LINK = "https://memefans.app/d/7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
/** The "image" fixture's post, by thechosenberg. */
const IMAGE_POST = "1841834132160077852";

/** A Draft.js-like editor: takes pasted text into its own model, as X's does. */
function editor(): HTMLElement {
  const element = document.createElement("div");
  element.setAttribute("data-testid", "tweetTextarea_0");
  element.contentEditable = "true";
  element.addEventListener("paste", (event) => {
    event.preventDefault();
    element.textContent = `${element.textContent ?? ""}${(event as ClipboardEvent).clipboardData?.getData("text/plain") ?? ""}`;
  });
  return element;
}

afterEach(() => {
  document.body.innerHTML = "";
});

/**
 * x.com/home, or a status page: X's own composer ("What is happening?!", or the focal post's inline
 * reply box) comes before the post; a post's reply button opens X's reply dialog in #layers, after
 * the app, on React's next commit.
 */
function page(alsoOnReply = () => {}) {
  document.body.innerHTML = `<div id="react-root"><main><div data-testid="primaryColumn"><div id="page-composer"></div>${inCell(
    fixtureHtml("image"),
  )}</div></main><div id="layers"></div></div>`;
  const pageEditor = editor();
  document.getElementById("page-composer")?.append(pageEditor);
  const article = document.querySelector<HTMLElement>(postSelectors.post) as HTMLElement;
  let replyEditor: HTMLElement | null = null;
  article.querySelector('[data-testid="reply"]')?.addEventListener("click", () => {
    setTimeout(() => {
      alsoOnReply();
      const dialog = document.createElement("div");
      dialog.setAttribute("role", "dialog");
      replyEditor = editor();
      dialog.append(replyEditor);
      document.getElementById("layers")?.append(dialog);
    }, 5);
  });
  return { article, pageEditor, replyEditor: () => replyEditor };
}

describe("replyWithText", () => {
  it("types the link into the reply dialog the click opened, not X's composer already on the page", async () => {
    const { article, pageEditor, replyEditor } = page();
    const inserted = await replyWithText(article, IMAGE_POST, LINK, 500);
    expect({ inserted, page: pageEditor.textContent, reply: replyEditor()?.textContent ?? null }).toEqual({
      inserted: true,
      page: "",
      reply: LINK,
    });
  });

  it("prefers the new editor in a dialog when X renders another one in the same commit", async () => {
    // Say X re-renders the page's composer as it opens the dialog: new too, but not the reply's.
    const { article, replyEditor } = page(() => document.getElementById("page-composer")?.replaceChildren(editor()));
    const inserted = await replyWithText(article, IMAGE_POST, LINK, 500);
    expect({ inserted, page: document.getElementById("page-composer")?.textContent, reply: replyEditor()?.textContent }).toEqual({
      inserted: true,
      page: "",
      reply: LINK,
    });
  });

  it("says false, typing nowhere, when no composer opens in time", async () => {
    const { article, pageEditor } = page();
    const inserted = await replyWithText(article, IMAGE_POST, LINK, 1);
    expect({ inserted, page: pageEditor.textContent }).toEqual({ inserted: false, page: "" });
  });

  it("says false when X removed the post's article while the dialog was open", async () => {
    const { article, pageEditor } = page();
    article.remove();
    const inserted = await replyWithText(article, IMAGE_POST, LINK, 100);
    expect({ inserted, page: pageEditor.textContent }).toEqual({ inserted: false, page: "" });
  });

  it("says false, and opens no reply, when X recycled the article for another post", async () => {
    const { article, pageEditor } = page();
    const template = document.createElement("template");
    template.innerHTML = fixtureHtml("basic");
    article.replaceChildren(...(template.content.querySelector(postSelectors.post) as HTMLElement).childNodes);
    let clicked = false;
    article.querySelector('[data-testid="reply"]')?.addEventListener("click", () => {
      clicked = true;
    });
    const inserted = await replyWithText(article, IMAGE_POST, LINK, 100);
    expect({ inserted, clicked, page: pageEditor.textContent }).toEqual({ inserted: false, clicked: false, page: "" });
  });
});

describe("editorOfToolBar", () => {
  const composer = (id: string) =>
    `<div id="${id}"><div><div data-testid="tweetTextarea_0" contenteditable="true"></div></div><div data-testid="toolBar"></div></div>`;

  it("finds the editor of the toolbar's own composer, not another one earlier on the page", () => {
    document.body.innerHTML = `<main>${composer("first")}${inCell(fixtureHtml("image"))}${composer("inline")}</main>`;
    const toolBar = document.querySelector('#inline [data-testid="toolBar"]') as Element;
    expect(editorOfToolBar(toolBar)).toBe(document.querySelector('#inline [data-testid="tweetTextarea_0"]'));
  });

  it("finds none rather than another composer's when its own has no editor", () => {
    document.body.innerHTML = `<main>${composer("first")}<div id="bare"><div data-testid="toolBar"></div></div></main>`;
    expect(editorOfToolBar(document.querySelector('#bare [data-testid="toolBar"]') as Element)).toBeNull();
  });
});
