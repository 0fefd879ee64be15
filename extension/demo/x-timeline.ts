import { fixtureHtml, inCell, xTextLink } from "../features/testing/x-fixtures.ts";

/**
 * Builds x.com pages from the X API emulator's posts, in the real X markup captured in
 * shared/fixtures/x-html: the basic timeline post is the template, with its author, id, time and
 * text swapped for the emulated post's. Links in the text get X's t.co rendering.
 */

export interface TimelinePost {
  id: string;
  username: string;
  name: string;
  text: string;
  createdAt: number;
}

const TEMPLATE_HANDLE = "jarvis_best";
const TEMPLATE_ID = "1841842569182929401";
const urlInText = /https?:\/\/[^\s]+/g;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A post's text as X renders it: plain spans, and each URL as a t.co link. */
function textHtml(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(urlInText)) {
    parts.push(escapeHtml(text.slice(last, match.index)), xTextLink(match[0]));
    last = match.index + match[0].length;
  }
  parts.push(escapeHtml(text.slice(last)));
  return `<span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3" style="text-overflow: unset;">${parts.join("")}</span>`;
}

function relativeTime(createdAt: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - createdAt) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  return hours < 24 ? `${hours}h` : `${Math.round(hours / 24)}d`;
}

export function postHtml(post: TimelinePost, now = Date.now()): string {
  let html = fixtureHtml("basic")
    .replaceAll(TEMPLATE_HANDLE, post.username)
    .replaceAll(TEMPLATE_ID, post.id)
    .replace(/>Jarvis</, `>${escapeHtml(post.name)}<`)
    .replace(/<time\s+datetime="[^"]*">[^<]*<\/time>/, () => {
      return `<time datetime="${new Date(post.createdAt).toISOString()}">${relativeTime(post.createdAt, now)}</time>`;
    })
    // The template's text was cut with "Show more"; ours is shown whole.
    .replace(/<a\s[^>]*data-testid="tweet-text-show-more-link"[\s\S]*?<\/a>/, "");
  const marker = html.indexOf('data-testid="tweetText"');
  const open = html.indexOf(">", marker) + 1;
  const close = html.indexOf("</div>", open);
  html = `${html.slice(0, open)}${textHtml(post.text)}${html.slice(close)}`;
  return inCell(html);
}

/**
 * X's reply composer, reduced to the parts the overlay and a person use: the Draft.js editor's
 * test id, the toolbar, and the Reply button. Posting sends the text to this site's /i/api/reply.
 */
const composerScript = `
document.addEventListener("click", async (event) => {
  const replyButton = event.target.closest('[data-testid="reply"]');
  if (replyButton) {
    const article = replyButton.closest('article[data-testid="tweet"]');
    const status = article.querySelector('a[href*="/status/"] > time').parentElement.getAttribute("href");
    document.getElementById("layers").innerHTML =
      '<div role="dialog" aria-label="Reply" data-reply-to="' + status.split("/").pop() + '">' +
      '<div data-testid="tweetTextarea_0" contenteditable="true" role="textbox" aria-label="Post text"></div>' +
      '<div data-testid="toolBar"><button data-testid="tweetButton" type="button">Reply</button></div></div>';
    document.querySelector('[data-testid="tweetTextarea_0"]').focus();
    return;
  }
  if (event.target.closest('[data-testid="tweetButton"]')) {
    const dialog = event.target.closest('[role="dialog"]');
    const text = dialog.querySelector('[data-testid="tweetTextarea_0"]').textContent.trim();
    const answer = await fetch("/i/api/reply", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ postId: dialog.dataset.replyTo, text }),
    });
    if (answer.ok) location.reload();
    else dialog.insertAdjacentHTML("beforeend", '<p role="alert">' + (await answer.text()) + "</p>");
  }
});`;

/** A home timeline as x.com lays it out, signed in as `viewer` (X's side navigation names the account). */
export function timelinePage(posts: TimelinePost[], viewer: { username: string; name: string }, now = Date.now()): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Home / X</title>
<style>
  body { margin: 0; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; background: #fff; color: rgb(15, 20, 25); }
  header { position: fixed; width: 240px; padding: 12px; }
  main { width: 600px; margin: 0 auto; border-left: 1px solid rgb(239, 243, 244); border-right: 1px solid rgb(239, 243, 244); min-height: 100vh; }
  h2 { font-size: 20px; padding: 12px 16px; margin: 0; }
  a { color: inherit; text-decoration: none; }
  /* The few of X's atomic classes (react-native-web) that lay out the captured markup. */
  .css-175oi2r { display: flex; flex-direction: column; box-sizing: border-box; position: relative; min-width: 0; min-height: 0; flex-shrink: 0; }
  .r-18u37iz { flex-direction: row; } .r-1awozwy { align-items: center; } .r-1wtj0ep { justify-content: space-between; }
  .r-13awgt0, .r-1iusvr4 { flex-grow: 1; flex-basis: 0; } .r-16y2uox { flex-grow: 1; } .r-1kbdv8c { max-width: 425px; margin-top: 12px; }
  .r-qlhcfr { font-size: 0.001px; line-height: 0; } .css-146c3p1 { font-size: 15px; line-height: 20px; }
  [data-testid="cellInnerDiv"] { border-bottom: 1px solid rgb(239, 243, 244); }
  article[data-testid="tweet"] { padding: 12px 16px; }
  article svg { width: 18.75px; height: 18.75px; fill: currentColor; }
  [data-testid="Tweet-User-Avatar"] { width: 40px; height: 40px; margin-right: 12px; border-radius: 50%; background: rgb(207, 217, 222); overflow: hidden; }
  [data-testid="User-Name"] { flex-direction: row; gap: 4px; color: rgb(83, 100, 113); }
  [data-testid="User-Name"] a:first-child { font-weight: bold; color: rgb(15, 20, 25); }
  article button { background: none; border: 0; color: rgb(83, 100, 113); display: flex; align-items: center; gap: 4px; cursor: pointer; }
  #layers [role="dialog"] { position: fixed; top: 60px; left: 50%; transform: translateX(-50%); width: 560px; background: #fff;
    border-radius: 16px; box-shadow: 0 0 20px rgba(0,0,0,.3); padding: 16px; }
  [data-testid="tweetTextarea_0"] { min-height: 80px; font-size: 20px; outline: none; }
  [data-testid="tweetButton"] { float: right; background: rgb(29, 155, 240); color: #fff; border: 0; border-radius: 9999px; padding: 8px 16px; font-weight: bold; }
</style></head>
<body>
<header role="banner"><nav aria-label="Primary"><a href="/home">🏠 Home</a><br>
<a data-testid="AppTabBar_Profile_Link" href="/${escapeHtml(viewer.username)}" aria-label="Profile">👤 ${escapeHtml(viewer.name)} @${escapeHtml(viewer.username)}</a></nav></header>
<main role="main"><h2>Home</h2><div aria-label="Timeline: Your Home Timeline">
${posts.map((post) => postHtml(post, now)).join("\n")}
</div></main>
<div id="layers"></div>
<script>${composerScript}</script>
</body></html>`;
}
