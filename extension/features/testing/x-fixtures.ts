import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The real x.com markup captured by third parties (see each file's .source.txt). Tests insert our
 * links into these posts instead of writing X's markup by hand.
 */
export const fixturesDir = process.env.X_FIXTURES_DIR ?? resolve(import.meta.dirname, "../../../../shared/fixtures/x-html");

export const fixtureNames = {
  basic: "mnemosyne-2024-10-timeline-tweet-basic.html",
  image: "mnemosyne-2024-10-timeline-tweet-image.html",
  quote2024: "mnemosyne-2024-10-timeline-tweet-quote.html",
  cardOnly: "mnemosyne-2024-10-timeline-tweet-card-only-no-text.html",
  promoted: "mnemosyne-2024-10-promoted-ad-tweet.json-string.html",
  quoteCell2025: "tweetyoink-2025-10-quote-tweet-cell.html",
  card2025: "tweetyoink-2025-10-single-tweet-card.html",
} as const;
export type FixtureName = keyof typeof fixtureNames;

export function fixtureHtml(name: FixtureName): string {
  const raw = readFileSync(`${fixturesDir}/${fixtureNames[name]}`, "utf8");
  // One capture is stored as a JSON string literal of the HTML.
  return raw.trimStart().startsWith('"') ? (JSON.parse(raw) as string) : raw;
}

export function allFixtureFiles(): string[] {
  return readdirSync(fixturesDir).filter((file) => file.endsWith(".html"));
}

/** Wraps a post in a timeline cell the way x.com's virtualized list does, unless it already is one. */
export function inCell(html: string): string {
  return html.includes('data-testid="cellInnerDiv"') ? html : `<div data-testid="cellInnerDiv">${html}</div>`;
}

/**
 * X's rendering of a t.co link in post text: the scheme and the tail of the expanded URL sit in
 * aria-hidden spans, the visible part is cut at 26 characters and followed by "…".
 */
export function xTextLink(expandedUrl: string, tco = "https://t.co/Ab12Cd34Ef"): string {
  const [, scheme = "", rest = ""] = /^(https?:\/\/)?(.*)$/.exec(expandedUrl) ?? [];
  const visible = rest.slice(0, 26);
  const hidden = rest.slice(26);
  const hiddenSpan = (text: string) => `<span aria-hidden="true" class="css-1jxf684 r-qlhcfr r-qvutc0 r-poiln3">${text}</span>`;
  return (
    `<a dir="ltr" href="${tco}" rel="noopener noreferrer nofollow" target="_blank" role="link" class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3 r-1loqt21" style="color: rgb(29, 155, 240);">` +
    `${hiddenSpan(scheme)}${visible}${hidden ? `${hiddenSpan(hidden)}<span aria-hidden="true" class="css-1jxf684 r-qvutc0 r-poiln3 r-lrvibr">…</span>` : ""}</a>`
  );
}

/**
 * Adds a link to a post's text: the first tweetText is the outer post's, the last one a quoted
 * post's. String surgery rather than DOM calls, so Playwright specs (in Node) build pages with it too.
 */
export function withTextLink(html: string, expandedUrl: string, which: "outer" | "quoted" = "outer"): string {
  const marker = 'data-testid="tweetText"';
  const at = which === "outer" ? html.indexOf(marker) : html.lastIndexOf(marker);
  if (at < 0) throw new Error("the fixture has no tweetText to put a link in");
  const openEnd = html.indexOf(">", at) + 1;
  return `${html.slice(0, openEnd)}${xTextLink(expandedUrl)} ${html.slice(openEnd)}`;
}

/** Points the fixture's link card at our distribution page: X labels it "<domain> <title>" and "From <domain>". */
export function withCardLink(html: string, domain: string, title: string): string {
  if (!html.includes('data-testid="card.wrapper"')) throw new Error("the fixture has no link card");
  const escaped = title.replaceAll('"', "&quot;");
  return html
    .replace(/(<a href="https:\/\/t\.co\/[^"]*"[^>]*?aria-label=")[^"]*"/g, `$1${domain} ${escaped}"`)
    .replace(/>From [^<]*<\/a>/g, `>From ${domain}</a>`);
}
