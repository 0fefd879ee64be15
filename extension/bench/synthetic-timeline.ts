import { fixtureHtml, withCardLink, withTextLink } from "../features/testing/x-fixtures.ts";

/**
 * A home timeline the way x.com's virtualized list behaves: a fixed pool of cells whose <article>
 * is re-used for the next post as the fan scrolls (content swapped, permalink re-pointed, cell
 * moved with a transform). Posts come from the real captured markup, with fresh ids.
 */

export interface TimelineOptions {
  posts: number;
  /** Cells alive at once; x.com keeps roughly a screen and a half. */
  poolSize: number;
  /** Posts recycled per animation frame: a brisk scroll. */
  postsPerFrame: number;
  /** One post in this many links a distribution. */
  distributionEvery: number;
  linkBase: string;
}

const ADDRESSES = [
  "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
  "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T",
  "So11111111111111111111111111111111111111112",
];

/** The inner markup of each fixture's article, with its status id replaced by a placeholder. */
function templates(linkBase: string): { plain: string[]; withLink: string[][] } {
  const article = (html: string) => {
    const start = html.indexOf("<article");
    const open = html.indexOf(">", start) + 1;
    const end = html.lastIndexOf("</article>");
    return html.slice(open, end).replace(/\/status\/\d+/g, "/status/__ID__");
  };
  const host = new URL(linkBase).hostname;
  return {
    plain: (["basic", "image", "quote2024", "cardOnly", "card2025"] as const).map((name) => article(fixtureHtml(name))),
    // One set per address: X cuts the visible URL short, so a placeholder could not be replaced later.
    withLink: ADDRESSES.map((address) => [
      article(withTextLink(fixtureHtml("basic"), `${linkBase}/d/${address}`)),
      article(withCardLink(fixtureHtml("card2025"), host, `MEMEFANS giveaway ${address}`)),
      article(withTextLink(fixtureHtml("quoteCell2025"), `${linkBase}/d/${address}`)),
    ]),
  };
}

export function timelineHtml(options: TimelineOptions): string {
  const { plain, withLink } = templates(options.linkBase);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Home / X</title>
<style>body{margin:0;background:#fff}main{position:relative;width:600px;margin:0 auto;height:${options.posts * 400}px}[data-testid=cellInnerDiv]{position:absolute;left:0;right:0}</style>
</head><body style="background-color: rgb(255, 255, 255);"><main role="main"><div aria-label="Timeline: Your Home Timeline" id="timeline"></div></main>
<script>
const options = ${JSON.stringify(options)};
const plain = ${JSON.stringify(plain)};
const withLink = ${JSON.stringify(withLink)};
const timeline = document.getElementById("timeline");
const cells = [];
let next = 0;
function postMarkup(index) {
  const id = String(1900000000000000000n + BigInt(index));
  // Offset so the first screen already holds one.
  const linked = index % options.distributionEvery === 3;
  const byAddress = withLink[index % withLink.length];
  const source = linked ? byAddress[Math.floor(index / withLink.length) % byAddress.length] : plain[index % plain.length];
  return source.replaceAll("__ID__", id);
}
function fill(cell, index) {
  cell.style.transform = "translateY(" + index * 400 + "px)";
  cell.firstElementChild.innerHTML = postMarkup(index);
}
for (let slot = 0; slot < options.poolSize; slot++) {
  const cell = document.createElement("div");
  cell.setAttribute("data-testid", "cellInnerDiv");
  cell.innerHTML = '<article data-testid="tweet" role="article" tabindex="0"></article>';
  timeline.append(cell);
  cells.push(cell);
  fill(cell, next++);
}
window.scrollTimeline = () => new Promise((resolve) => {
  function frame() {
    for (let step = 0; step < options.postsPerFrame && next < options.posts; step++) {
      // The oldest cell scrolls off the top and comes back at the bottom with the next post.
      const cell = cells.shift();
      fill(cell, next++);
      cells.push(cell);
    }
    // The window scrolls with the list, so the recycled posts pass through the viewport.
    window.scrollTo(0, Math.max(0, (next - options.poolSize / 2) * 400));
    if (next < options.posts) requestAnimationFrame(frame);
    else setTimeout(resolve, 500);
  }
  requestAnimationFrame(frame);
});
</script></body></html>`;
}
