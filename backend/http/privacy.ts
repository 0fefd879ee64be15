import { Router } from "express";
import type { OpenApiRegistry } from "./openapi.ts";

/**
 * GET /privacy: the privacy policy the Chrome Web Store listing links to. It says what this backend
 * and the extension store, why, and for how long; each item names the table or store that holds it,
 * so the page changes with the schema it describes.
 */
const POLICY = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MEMEFANS privacy policy</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}h2{margin-top:2rem}code{font-size:.9em}</style>
</head><body>
<h1>MEMEFANS privacy policy</h1>
<p>MEMEFANS lets creators give away Solana tokens under their X posts and lets fans claim them. This page
says what the MEMEFANS extension and this backend keep, why, and for how long. We do not sell or share
it, and we show no ads.</p>

<h2>What the backend stores</h2>
<ul>
<li><strong>Your X account</strong> (<code>x_accounts</code>): your X user id, username, display name, profile
image address, account creation date and follower count, and the OAuth tokens X gave us when you signed in,
encrypted at rest. Why: to check a giveaway's requirements (follow, like, repost, reply, account age,
followers) on your behalf, with the read-only scopes you approved. Kept until you ask us to delete it.</li>
<li><strong>Sessions</strong> (<code>sessions</code>): a SHA-256 hash of your session token and when it expires
(30 days). Why: to know it is you without asking X again.</li>
<li><strong>Wallets you bind</strong> (<code>wallets</code>, <code>wallet_challenges</code>): your Solana address, the
X account it belongs to, and the sign-in message you signed. Why: tokens are paid to that address, and one
address belongs to one X account.</li>
<li><strong>Claims</strong> (<code>claims</code>, <code>claim_batches</code>): which giveaway you claimed, with which
wallet, when, and the Solana transaction that paid it. Why: to pay each claim exactly once and show you its
status. Transactions on Solana are public by nature.</li>
<li><strong>Giveaways</strong> (<code>distributions</code>): what creators register: the post, the token, the amounts
and the requirements. Why: to show them under the post.</li>
<li><strong>Rate-limit counters</strong> (<code>rate_limit_windows</code>): your IP address or X user id with a count of
requests, deleted within two minutes. Why: to keep the service up for everyone.</li>
<li><strong>Server logs</strong>: request method, path (without query secrets), status and your IP address, kept
by the operator for at most 14 days. Why: to find faults and abuse.</li>
<li><strong>One cookie</strong>, only when you sign in with X from a giveaway's page or a blink
(<code>memefans_web_login</code>): a random value naming that sign-in, sent only to the sign-in's own address and
deleted when X sends you back, or after 10 minutes. Why: so that nobody can finish a sign-in of their own in your
browser. No other cookie, and nothing that follows you across sites.</li>
</ul>

<h2>What the extension stores, on your computer only</h2>
<ul>
<li>Your settings, your session token, and your claim history, in the extension's own storage.</li>
<li>If you use the built-in wallet: its secret key, encrypted with your password; it never leaves the
extension unencrypted and is never sent to us.</li>
</ul>
<p>The extension reads X pages (x.com, twitter.com) only to find giveaway posts and show the claim card; it
sends us the ids of posts on screen that link a giveaway and, for every other post, only a 16-bit bucket
of its id (one of 65,536, shared by every post id that hashes there), never their text or your timeline.
One exception: when a bucket holds more giveaways than we send back in one answer, even asked on its own,
the bucket cannot tell the extension which of its posts carry one, so it sends us the ids of the posts on
your screen in that bucket. That happens only for such crowded buckets, and only for the posts in them
that you see.</p>

<h2>Your choices</h2>
<p>Sign out in the extension to end your session. To have your X account, sessions, wallets and claim
records deleted, write to the operator of this backend; claims already paid stay on the Solana chain, which
nobody can erase.</p>
</body></html>
`;

export function privacyRouter(openapi: OpenApiRegistry): Router {
  const router = Router();
  router.get("/privacy", (_request, response) => {
    response.type("html").set("Cache-Control", "public, max-age=3600").send(POLICY);
  });
  openapi.describe({
    method: "get",
    path: "/privacy",
    summary: "The privacy policy: what is stored, why and for how long (linked from the Chrome Web Store listing)",
    request: {},
    responses: { 200: { description: "an HTML page", contentType: "text/html" } },
  });
  return router;
}
