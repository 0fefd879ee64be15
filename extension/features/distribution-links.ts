import { DISTRIBUTION_LINK_PATH } from "../../shared/constants.ts";
import { publicKeySchema } from "../../shared/primitives.ts";

/**
 * Recognises a distribution link (<PUBLIC_URL>/d/<address>) in X's markup without following t.co.
 * X shows a link in post text as <a href="https://t.co/…"> whose text holds the expanded URL (the
 * scheme and the tail sit in aria-hidden spans, then "…"); a link card shows the domain and the
 * page's title, and our /d/ page puts the address in its title.
 *
 * Test URLs: https://x.com/home, any https://x.com/<user>/status/<id> whose text carries a link.
 */

const BASE58_RUN = "[1-9A-HJ-NP-Za-km-z]{32,44}";
// The link starts the text or follows a space or an opening bracket or quote, so our host inside
// another site's URL (https://evil.example/memefans.app/d/…, ?u=memefans.app/d/…) is not ours.
const LINK_START = `(?<![^\\s(\\[<"'“‘«])`;
const linkInText = new RegExp(
  `${LINK_START}(?:https?:)?(?://)?([a-z0-9.-]+(?::\\d{1,5})?)${DISTRIBUTION_LINK_PATH.replaceAll("/", "\\/")}(${BASE58_RUN})(?![1-9A-HJ-NP-Za-km-z])`,
  "gi",
);
const addressInText = new RegExp(`(?<![1-9A-HJ-NP-Za-km-z])${BASE58_RUN}(?![1-9A-HJ-NP-Za-km-z])`, "g");
const tcoLink = /^https?:\/\/t\.co\//i;
const distributionPath = new RegExp(`^${DISTRIBUTION_LINK_PATH}(${BASE58_RUN})(?:/|$)`);

/**
 * The hosts (with port when not default) that serve distribution pages, from the backend URL setting,
 * each with and without "www.": that is one site, people type links either way, and X's link cards
 * name the domain without it.
 */
export function linkHostsFrom(urls: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const url of urls) {
    try {
      const parsed = new URL(url);
      // Link cards name the domain without its port.
      for (const host of [parsed.host, parsed.hostname]) {
        const bare = host.replace(/^www\./, "");
        hosts.add(bare);
        hosts.add(`www.${bare}`);
      }
    } catch {
      // A malformed setting matches nothing; the settings page validates what it stores.
    }
  }
  return hosts;
}

export function isDistributionAddress(text: string): boolean {
  return publicKeySchema.safeParse(text).success;
}

/** The first distribution address in free text (a card's title) such as "https://memefans.app/d/7xKX…" from one of `hosts`. */
export function distributionAddressInText(text: string, hosts: ReadonlySet<string>): string | null {
  // X appends "…" after the hidden tail of a long URL; it is never part of the URL.
  for (const match of text.replaceAll("…", " ").matchAll(linkInText)) {
    const [, host, address] = match;
    if (host && address && hosts.has(host.toLowerCase()) && isDistributionAddress(address)) return address;
  }
  return null;
}

/**
 * A link anchor in post text. X hides where a t.co link goes, so it prints the expanded URL as the
 * anchor's text; any other anchor goes to its href, whatever its text (which the author may write)
 * says. Either way the whole URL is read as one: our host inside another site's URL
 * (https://evil.example/(memefans.app/d/…)) is that site's link, not ours.
 */
export function distributionAddressInAnchor(anchor: HTMLAnchorElement, hosts: ReadonlySet<string>): string | null {
  const href = anchor.getAttribute("href") ?? "";
  // X appends "…" after the hidden tail of a long URL; it is never part of the URL.
  const target = tcoLink.test(href) ? (anchor.textContent ?? "").trim().replace(/…$/, "") : href;
  return distributionAddressInUrl(target, hosts);
}

/** The address in a URL that is a distribution link on one of `hosts`; X prints URLs without a scheme too. */
function distributionAddressInUrl(text: string, hosts: ReadonlySet<string>): string | null {
  const withScheme = /^https?:\/\//i.test(text) ? text : text.startsWith("//") ? `https:${text}` : `https://${text}`;
  if (!URL.canParse(withScheme)) return null;
  const url = new URL(withScheme);
  const address = hosts.has(url.host) ? distributionPath.exec(url.pathname)?.[1] : undefined;
  return address && isDistributionAddress(address) ? address : null;
}

/**
 * A link card (data-testid="card.wrapper"): its anchors' aria-label reads "<domain> <title>" and a
 * "From <domain>" line follows. The card counts when its domain is one of ours and its title
 * holds an address (the /d/ page must carry the address in its og:title for that).
 */
export function distributionAddressInCard(card: Element, hosts: ReadonlySet<string>): string | null {
  const labels = [...card.querySelectorAll("a[aria-label]")].map((anchor) => anchor.getAttribute("aria-label") ?? "");
  const domains = [...labels.map((label) => label.split(/\s+/, 1)[0] ?? ""), ...fromDomains(card)].map((d) => d.toLowerCase());
  // Most cards on a timeline are other sites': stop at the domain before reading any text.
  if (!domains.some((domain) => hosts.has(domain))) return null;
  const text = `${labels.join(" ")} ${card.textContent ?? ""}`;
  const fromText = distributionAddressInText(text, hosts);
  if (fromText) return fromText;
  for (const [candidate] of text.matchAll(addressInText)) {
    if (isDistributionAddress(candidate)) return candidate;
  }
  return null;
}

function fromDomains(card: Element): string[] {
  const around = card.parentElement ?? card;
  return [...around.querySelectorAll("a")]
    .map((anchor) => /^From\s+(\S+)$/i.exec((anchor.textContent ?? "").trim())?.[1] ?? "")
    .filter(Boolean);
}
