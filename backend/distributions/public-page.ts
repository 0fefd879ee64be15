import type { ClaimRules, Distribution } from "../../shared/api/distributions.ts";
import { decimalTokenAmount } from "../../shared/primitives.ts";
import type { Requirement } from "../../shared/requirements.ts";
import { tokenFullName, tokenRisks, tokenTicker } from "../../shared/tokens/token-label.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Every piece of text that reaches the page goes through here: creators choose names, symbols and reply phrases. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function describeRequirement(requirement: Requirement): string {
  switch (requirement.type) {
    case "follow":
      return "Follow the creator";
    case "like":
      return "Like the post";
    case "repost":
      return "Repost the post";
    case "reply":
      return requirement.mustContain ? `Reply to the post with “${requirement.mustContain}”` : "Reply to the post";
    case "quote":
      return "Quote the post";
    case "hold_token":
      return `Hold at least ${requirement.minAmount} raw units of ${requirement.mint}`;
    case "account_age":
      return `Have an X account at least ${requirement.minDays} days old`;
    case "min_followers":
      return `Have at least ${requirement.minFollowers} followers`;
  }
}

/** The creator's claim rules as a fan reads them: they refuse a claim as a requirement would. */
export function describeClaimRules(rules: ClaimRules): string[] {
  return [
    ...(rules.oncePerCreator ? ["One claim per X account and per wallet across this creator's giveaways"] : []),
    ...(rules.maxClaimsPerMinute !== null ? [`At most ${rules.maxClaimsPerMinute} claims a minute`] : []),
  ];
}

function stateOf(distribution: Distribution, nowSeconds: number): string {
  if (distribution.closed) return "Closed";
  if (distribution.verifierChanged) return "Moved by its creator to another verifier: MEMEFANS can no longer pay its claims";
  if (distribution.paused) return "Paused by the creator";
  if (distribution.remaining === 0) return "All claimed";
  if (nowSeconds < distribution.startsAt) return `Starts ${new Date(distribution.startsAt * 1000).toUTCString()}`;
  if (nowSeconds > distribution.endsAt) return "Ended";
  return "Open";
}

/** The small page behind <PUBLIC_URL>/d/<address>, for people who see the link without the extension. */
export function renderDistributionPage(distribution: Distribution, nowSeconds: number): string {
  // Named as the chain names it, never as the creator typed it.
  const token = tokenTicker(distribution.token);
  const amount = decimalTokenAmount(distribution.amountPerClaim, distribution.token.decimals);
  const postUrl = `https://x.com/i/status/${distribution.postId}`;
  const requirements = [
    ...distribution.requirements.map(describeRequirement),
    ...describeClaimRules(distribution.claimRules),
  ].map((line) => `<li>${escapeHtml(line)}</li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${amount} ${token} giveaway on MEMEFANS`)}</title>
<meta property="og:title" content="${escapeHtml(`${amount} ${token} for each fan · MEMEFANS ${distribution.address}`)}">
<meta property="og:description" content="${escapeHtml(`${distribution.remaining} of ${distribution.maxClaims} left. Claim it under the post with the MEMEFANS extension.`)}">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#0f1419}dt{font-weight:600}code{word-break:break-all}</style>
</head>
<body>
<h1>${escapeHtml(`${amount} ${token} for each fan`)}</h1>
<p>A token giveaway attached to <a href="${escapeHtml(postUrl)}" rel="noopener noreferrer">this post on X</a>. Fans claim it right under the post with the MEMEFANS browser extension; the tokens wait in an on-chain escrow until then.</p>
<dl>
<dt>Status</dt><dd>${escapeHtml(stateOf(distribution, nowSeconds))}</dd>
${
  distribution.tokenAccountsCovered === 0
    ? "<dt>Who is paid</dt><dd>Only fans who already hold a token account for this token: the giveaway's fee budget no longer covers opening one.</dd>\n"
    : ""
}<dt>Claimed</dt><dd>${escapeHtml(`${distribution.claimedCount} of ${distribution.maxClaims} (${distribution.remaining} left)`)}</dd>
<dt>Runs</dt><dd>${escapeHtml(`${new Date(distribution.startsAt * 1000).toUTCString()} – ${new Date(distribution.endsAt * 1000).toUTCString()}`)}</dd>
<dt>Token</dt><dd>${escapeHtml(tokenFullName(distribution.token))}</dd>
${tokenRisks(distribution.token)
  .map((risk) => `<dt>Risk</dt><dd>${escapeHtml(risk)}</dd>\n`)
  .join("")}<dt>Token mint</dt><dd><code>${escapeHtml(distribution.mint)}</code></dd>
<dt>Distribution account</dt><dd><code>${escapeHtml(distribution.address)}</code></dd>
</dl>
<h2>To claim</h2>
${requirements.length ? `<ul>${requirements.join("")}</ul>` : "<p>No requirements: any signed-in fan can claim.</p>"}
</body>
</html>
`;
}

export function renderNotFoundPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Giveaway not found · MEMEFANS</title></head>
<body><h1>Giveaway not found</h1><p>No MEMEFANS giveaway is registered at this address. Check the link in the post.</p></body></html>
`;
}
