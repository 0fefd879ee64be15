import type { Distribution } from "../../shared/api/distributions.ts";
import { requirementWords } from "../../shared/requirement-words.ts";
import type { Requirement } from "../../shared/requirements.ts";
import { CARD_HEIGHT, CARD_WIDTH } from "./card-image.ts";
import { type GiveawaySummary, stateWords } from "./giveaway-summary.ts";
import type { ClaimPageData, PageRequirement } from "./page-data.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Every piece of text that reaches the page goes through here: creators choose names, symbols and reply phrases. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** JSON inside <script type="application/json">: "<" escaped so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** Each requirement in people's words, and the X web intent that does it (the fan then comes back and checks again). */
export function pageRequirement(requirement: Requirement, postId: string, creatorHandle: string | undefined): PageRequirement {
  return { requirement, ...requirementWords(requirement, postId, creatorHandle) };
}

export interface ClaimPageAssets {
  script: string;
  style: string;
}

export interface ClaimPageInput {
  distribution: Distribution;
  summary: GiveawaySummary;
  publicUrl: string;
  explorerQuery: string;
  extensionUrl: string | undefined;
  assets: ClaimPageAssets;
}

/**
 * The claim page behind <PUBLIC_URL>/d/<address>: the facts server-rendered (so the link unfurls and
 * reads without script), the claim steps drawn by one small script, and the card tags X reads.
 */
export function renderClaimPage(input: ClaimPageInput): string {
  const { distribution, summary, publicUrl, assets } = input;
  const pageUrl = `${publicUrl}/d/${distribution.address}`;
  const postUrl = `https://x.com/i/status/${distribution.postId}`;
  const creator = summary.creator;
  const requirements = distribution.requirements.map((requirement) =>
    pageRequirement(requirement, distribution.postId, creator?.username),
  );
  const data: ClaimPageData = {
    address: distribution.address,
    postId: distribution.postId,
    postUrl,
    amountText: summary.amountText,
    remaining: summary.remaining,
    maxClaims: summary.maxClaims,
    endsAt: summary.endsAt,
    state: summary.state,
    requirements,
    explorerQuery: input.explorerQuery,
    ...(input.extensionUrl ? { extensionUrl: input.extensionUrl } : {}),
  };
  const title = `${summary.amountText} for each fan${creator ? ` from @${creator.username}` : ""}`;
  const status = summary.state === "open" ? `${summary.remaining} of ${summary.maxClaims} left` : stateWords(summary.state);
  const description = `${status}. Claim it on MEMEFANS: sign in with X, meet the post's requirements, get paid on Solana.`;
  const image = `${pageUrl}/card.png`;
  const avatar = creator?.profileImageUrl
    ? `<img class="avatar" src="${escapeHtml(creator.profileImageUrl)}" alt="" width="48" height="48" data-initial="${escapeHtml(creator.name.slice(0, 1).toUpperCase())}">`
    : `<span class="avatar avatar-initial" aria-hidden="true">${escapeHtml((creator?.name ?? "?").slice(0, 1).toUpperCase())}</span>`;
  const logo = summary.logoPath
    ? `<img class="logo" src="${escapeHtml(summary.logoPath)}" alt="" width="56" height="56" data-initial="${escapeHtml(summary.tokenLabel.slice(0, 1).toUpperCase())}">`
    : `<span class="logo logo-initial" aria-hidden="true">${escapeHtml(summary.tokenLabel.slice(0, 1).toUpperCase())}</span>`;
  const checklist = requirements.length
    ? `<ul id="checklist">${requirements.map((line, index) => `<li data-index="${index}"><span class="mark" aria-hidden="true">•</span><span>${escapeHtml(line.text)}</span></li>`).join("")}</ul>`
    : `<p id="checklist">No requirements: any fan signed in with X can claim.</p>`;
  const rules = summary.claimRules.length
    ? `<ul class="rules">${summary.claimRules.map((rule) => `<li>${escapeHtml(rule)}</li>`).join("")}</ul>`
    : "";
  const risks = summary.tokenRisks.map((risk) => `<p class="risk" role="note">${escapeHtml(risk)}</p>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${title} · MEMEFANS`)}</title>
<meta name="description" content="${escapeHtml(description)}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="MEMEFANS">
<meta property="og:url" content="${escapeHtml(pageUrl)}">
<meta property="og:title" content="${escapeHtml(title)}">
<meta property="og:description" content="${escapeHtml(description)}">
<meta property="og:image" content="${escapeHtml(image)}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="${CARD_WIDTH}">
<meta property="og:image:height" content="${CARD_HEIGHT}">
<meta property="og:image:alt" content="${escapeHtml(`${summary.amountText}, ${status}`)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="${escapeHtml(title)}">
<meta name="twitter:description" content="${escapeHtml(description)}">
<meta name="twitter:image" content="${escapeHtml(image)}">
<link rel="stylesheet" href="${escapeHtml(assets.style)}">
<script type="module" src="${escapeHtml(assets.script)}"></script>
</head>
<body>
<main>
<header class="creator">${avatar}<div><div class="creator-name">${escapeHtml(creator?.name ?? "A creator on X")}</div>${
    creator
      ? `<a href="https://x.com/${escapeHtml(creator.username)}" rel="noopener noreferrer">@${escapeHtml(creator.username)}</a>`
      : ""
  }</div></header>
<section class="prize">${logo}<div><h1>${escapeHtml(summary.amountText)}</h1><p class="token-name">${escapeHtml(
    summary.tokenName ?? summary.tokenLabel,
  )} · for each fan</p></div></section>
<dl class="facts">
<div><dt>Left</dt><dd id="slots" aria-live="polite">${escapeHtml(status)}</dd></div>
<div><dt>Ends</dt><dd><time id="deadline" datetime="${new Date(summary.endsAt * 1000).toISOString()}">${escapeHtml(
    new Date(summary.endsAt * 1000).toUTCString(),
  )}</time></dd></div>
</dl>
<p>From <a href="${escapeHtml(postUrl)}" rel="noopener noreferrer">this post on X</a>. The tokens wait in an on-chain escrow until fans claim them.</p>
<h2>To claim</h2>
${checklist}
${rules}${risks}
<div id="claim-app"><noscript>Claiming needs JavaScript.</noscript></div>
</main>
<script type="application/json" id="giveaway">${scriptJson(data)}</script>
</body>
</html>
`;
}

export function renderNotFoundPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Giveaway not found · MEMEFANS</title></head>
<body><h1>Giveaway not found</h1><p>No MEMEFANS giveaway is registered at this address. Check the link in the post.</p></body></html>
`;
}
