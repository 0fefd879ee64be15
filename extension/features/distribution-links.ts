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

/** The hosts (with port when not default) that serve distribution pages, from the backend URL setting. */
export function linkHostsFrom(urls: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const url of urls) {
    try {
      const parsed = new URL(url);
      hosts.add(parsed.host.toLowerCase());
      // Link cards name the domain without its port.
      hosts.add(parsed.hostname.toLowerCase());
    } catch {
      // A malformed setting matches nothing; the settings page validates what it stores.
    }
  }
  return hosts;
}

export function isDistributionAddress(text: string): boolean {
  return publicKeySchema.safeParse(text).success;
}

/** The first distribution address in text such as "https://memefans.app/d/7xKX…" from one of `hosts`. */
export function distributionAddressInText(text: string, hosts: ReadonlySet<string>): string | null {
  // X appends "…" after the hidden tail of a long URL; it is never part of the URL.
  for (const match of text.replaceAll("…", " ").matchAll(linkInText)) {
    const [, host, address] = match;
    if (host && address && hosts.has(host.toLowerCase()) && isDistributionAddress(address)) return address;
  }
  return null;
}

/** A link anchor in post text: its expanded URL is its text; a non-t.co anchor may carry it in href. */
export function distributionAddressInAnchor(anchor: HTMLAnchorElement, hosts: ReadonlySet<string>): string | null {
  return (
    distributionAddressInText(anchor.textContent ?? "", hosts) ??
    distributionAddressInText(anchor.getAttribute("href") ?? "", hosts)
  );
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
