import { get, type IncomingHttpHeaders } from "node:http";
import { gunzipSync } from "node:zlib";
import { ed25519 } from "@noble/curves/ed25519.js";
import type {
  Action,
  ActionError,
  ActionGetResponse,
  ActionsJson,
  CompletedAction,
  ExternalLinkResponse,
  LinkedAction,
  NextActionLink,
  SignMessageResponse,
  TransactionResponse,
} from "@solana/actions-spec";
import { ASSOCIATED_TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, PublicKey, SystemProgram, Transaction } from "@solana/web3.js";
import bs58 from "bs58";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimResponseSchema, MAX_CLAIM_RETRIES, type OpenAccountSent } from "../../shared/api/claims.ts";
import { meResponseSchema } from "../../shared/api/identity.ts";
import { claimFailureWords } from "../../shared/claim-failure-words.ts";
import { TOKEN_ACCOUNT_RENT_LAMPORTS } from "../../shared/fee-budget.ts";
import { pauseInstruction } from "../../shared/program/index.ts";
import {
  fund,
  openTokenAccount,
  sendAndAwait,
  setTokenAccountFrozen,
  type TestDistribution,
  tokenBalance,
} from "../claims/testing/chain-fixtures.ts";
import { startPayingTestBackend } from "../claims/testing/paying-backend.ts";
import { registerDistribution, registeredTestDistribution } from "../claims/testing/registered-distribution.ts";
import { openDatabase } from "../db/open-database.ts";
import { TEST_PUBLIC_URL, TEST_REDIRECT_URI, type TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";

let backend: TestBackend;
let distribution: TestDistribution;
let address: string;

beforeAll(async () => {
  backend = await startPayingTestBackend(await openDatabase({}), {
    EXTENSION_INSTALL_URL: "https://chromewebstore.google.com/detail/memefans",
  });
  distribution = await registeredTestDistribution(backend, {
    requirements: [{ type: "follow" }, { type: "like" }, { type: "reply", mustContain: SEED.replyPhrase }],
    maxClaims: 3,
  });
  address = distribution.address.toBase58();
}, 120_000);
afterAll(() => backend?.close());

/** A GET whose body stays as sent (fetch would decompress it): the bytes a browser transfers. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    }).on("error", reject);
  });
}

const meta = (html: string, attribute: string, name: string) =>
  new RegExp(`<meta ${attribute}="${name}" content="([^"]*)">`).exec(html)?.[1];

/** X's consent page answers as `username` and redirects to the redirect URI the login named. */
async function consentAs(authorizeUrl: string, username: string): Promise<URL> {
  const consent = await fetch(`${authorizeUrl}&login_as=${encodeURIComponent(username)}`, { redirect: "manual" });
  expect(consent.status).toBe(302);
  return new URL(consent.headers.get("location") ?? "");
}

/** The claim page's "Sign in with X" link; a blink's carries its wallet and flow too. */
const pageSignInUrl = () => `${TEST_PUBLIC_URL}/auth/x/web/start?distribution=${address}`;

/** A web login started at `startUrl` in a browser and consented to on X: X's redirect to the callback, and the browser's cookie. */
async function startAndConsent(username: string, startUrl: string): Promise<{ callback: URL; cookie: string }> {
  const start = new URL(startUrl);
  const started = await fetch(`${backend.url}${start.pathname}${start.search}`, { redirect: "manual" });
  expect(started.status).toBe(302);
  const cookie = started.headers.get("set-cookie")?.split(";")[0] ?? "";
  const authorizeUrl = started.headers.get("location") ?? "";
  expect(new URL(authorizeUrl).searchParams.get("redirect_uri")).toBe(`${TEST_PUBLIC_URL}/auth/x/web/callback`);
  const callback = await consentAs(authorizeUrl, username);
  expect(callback.origin + callback.pathname).toBe(`${TEST_PUBLIC_URL}/auth/x/web/callback`);
  return { callback, cookie };
}

/** The web login from the claim page (or from a blink's sign-in link) to the page's URL with its fragment. */
async function webSignIn(username: string, startUrl = pageSignInUrl()): Promise<URL> {
  return (await webSignInWithCookie(username, startUrl)).page;
}

/** The same, with the handoff cookie the callback left in the browser for the page. */
async function webSignInWithCookie(username: string, startUrl = pageSignInUrl()): Promise<{ page: URL; handoffCookie: string }> {
  const { callback, cookie } = await startAndConsent(username, startUrl);
  const back = await fetch(`${backend.url}${callback.pathname}${callback.search}`, { redirect: "manual", headers: { cookie } });
  expect(back.status).toBe(303);
  const handoffCookie =
    back.headers
      .getSetCookie()
      .find((line) => line.startsWith("memefans_web_handoff="))
      ?.split(";")[0] ?? "";
  return { page: new URL(back.headers.get("location") ?? "", TEST_PUBLIC_URL), handoffCookie };
}

const sessionOf = (page: URL) => new URLSearchParams(page.hash.slice(1)).get("session") ?? "";

/** The signed-in fan answers, on the claim page, the blink sign-in's request to bind the wallet the page shows. */
async function answerBlinkLink(page: URL, confirmed: boolean) {
  const flow = new URLSearchParams(page.hash.slice(1)).get("blink") ?? "";
  const shown = await backend.request("GET", `/auth/wallet/blink-links/${flow}`, { token: sessionOf(page) });
  const { wallet } = shown.ok
    ? ((await shown.json()) as { wallet: string })
    : { wallet: Keypair.generate().publicKey.toBase58() };
  return backend.request("POST", `/auth/wallet/blink-links/${flow}`, { token: sessionOf(page), body: { wallet, confirmed } });
}

describe("the claim page", () => {
  it("is a page with its X card tags, a strict CSP and a script under 250 KB gzip", async () => {
    const response = await fetch(`${backend.url}/d/${address}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe");
    const html = await response.text();
    expect(meta(html, "name", "twitter:card")).toBe("summary_large_image");
    const title = meta(html, "property", "og:title") ?? "";
    expect(title).toContain("0.001 Unknown token");
    expect(title).toContain(`@${SEED.users.creator.username}`);
    expect(title).not.toMatch(/[1-9A-HJ-NP-Za-km-z]{32,44}/);
    expect(meta(html, "property", "og:image")).toBe(`${TEST_PUBLIC_URL}/d/${address}/card.png`);
    expect(html).toContain("3 of 3 left");
    expect(html).toContain(`https://x.com/intent/post?in_reply_to=${SEED.posts.giveaway}&text=gm%20memefans`);
    expect(html).toContain(`https://x.com/intent/follow?screen_name=${SEED.users.creator.username}`);

    const script = /<script type="module" src="([^"]+)">/.exec(html)?.[1] ?? "";
    const plain = Buffer.from(
      await (await fetch(`${backend.url}${script}`, { headers: { "accept-encoding": "identity" } })).arrayBuffer(),
    );
    const asset = await rawGet(`${backend.url}${script}`, { "accept-encoding": "gzip" });
    expect(asset.status).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect(asset.headers["content-encoding"]).toBe("gzip");
    const gzipped = asset.body;
    expect(gzipped.length).toBeLessThan(250 * 1024);
    expect(gunzipSync(gzipped).equals(plain)).toBe(true);
  });

  it("answers a friendly 404 page for an unknown address", async () => {
    const response = await fetch(`${backend.url}/d/${Keypair.generate().publicKey.toBase58()}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Giveaway not found");
  });

  it("renders a 1200×630 PNG card under 5 MB, the same bytes again from the cache", async () => {
    const first = await fetch(`${backend.url}/d/${address}/card.png`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(bytes.readUInt32BE(16)).toBe(1200);
    expect(bytes.readUInt32BE(20)).toBe(630);
    expect(bytes.length).toBeLessThan(5 * 1024 * 1024);
    const again = Buffer.from(await (await fetch(`${backend.url}/d/${address}/card.png`)).arrayBuffer());
    expect(again.equals(bytes)).toBe(true);
  });
});

describe("Sign in with X on the web", () => {
  it("returns to the giveaway's page with a working session in the fragment", async () => {
    const page = await webSignIn(SEED.users.casualFan.username);
    expect(page.pathname).toBe(`/d/${address}`);
    const session = new URLSearchParams(page.hash.slice(1)).get("session") ?? "";
    const me = meResponseSchema.parse(await (await backend.request("GET", "/me", { token: session })).json());
    expect(me.xUser.username).toBe(SEED.users.casualFan.username);
  });

  it("lets the page keep a fragment's session only in the browser whose sign-in put it there", async () => {
    const { page, handoffCookie } = await webSignInWithCookie(SEED.users.casualFan.username);
    expect(handoffCookie).toMatch(/^memefans_web_handoff=[0-9a-f]{64}$/);
    const handoff = (token: string, cookie?: string) =>
      backend.request("POST", "/auth/x/web/handoff", { token, ...(cookie ? { headers: { cookie } } : {}) });
    // A link carrying this session, opened in another browser (no cookie), or another session with this cookie: refused.
    const elsewhere = await handoff(sessionOf(page));
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe("oauth_state_invalid");
    const other = await backend.signIn(SEED.users.newcomer.username);
    expect((await handoff(other.sessionToken, handoffCookie)).status).toBe(403);
    const here = await handoff(sessionOf(page), handoffCookie);
    expect(here.status).toBe(200);
    expect(await here.json()).toEqual({ handedOff: true });
    expect(here.headers.getSetCookie().some((line) => line.startsWith("memefans_web_handoff=;"))).toBe(true);
  });

  it("refuses an extension's login state at the web callback, and bad addresses at the start", async () => {
    const start = await backend.request("GET", `/auth/x/start?redirect_uri=${encodeURIComponent(TEST_REDIRECT_URI)}`);
    const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
    const callback = await consentAs(authorizeUrl, SEED.users.casualFan.username);
    const web = await fetch(`${backend.url}/auth/x/web/callback${callback.search}`, {
      redirect: "manual",
      headers: { cookie: `memefans_web_login=${callback.searchParams.get("state")}` },
    });
    expect(web.status).toBe(400);
    expect(((await web.json()) as { error: { code: string } }).error.code).toBe("oauth_state_invalid");
    const bad = await fetch(`${backend.url}/auth/x/web/start?distribution=https://evil.example`, { redirect: "manual" });
    expect(bad.status).toBe(400);
    const walletWithoutFlow = await fetch(`${backend.url}/auth/x/web/start?distribution=${address}&wallet=${address}`, {
      redirect: "manual",
    });
    expect(walletWithoutFlow.status).toBe(400);
  });

  it("finishes a login only in the browser that started it, so nobody signs a visitor in as themselves", async () => {
    const attacker = await startAndConsent(SEED.users.casualFan.username, pageSignInUrl());
    expect(attacker.cookie).toMatch(/^memefans_web_login=/);
    const start = await fetch(`${backend.url}/auth/x/web/start?distribution=${address}`, { redirect: "manual" });
    expect(start.headers.get("set-cookie")).toMatch(/; Path=\/auth\/x\/web; .*HttpOnly; Secure; SameSite=Lax$/);
    const visitorCookie = start.headers.get("set-cookie")?.split(";")[0] ?? "";
    // The attacker's callback URL opened by a visitor: with no login cookie, or with one of the visitor's own login.
    for (const headers of [{}, { cookie: visitorCookie }] as Record<string, string>[]) {
      const opened = await fetch(`${backend.url}${attacker.callback.pathname}${attacker.callback.search}`, {
        redirect: "manual",
        headers,
      });
      expect(opened.status).toBe(400);
      expect(opened.headers.get("location")).toBeNull();
    }
  });
});

describe("the giveaway's Solana Action (blink)", () => {
  const actionUrl = () => `${backend.url}/api/actions/d/${address}`;
  const post = async <T>(url: string, body: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://dial.to" },
      body: JSON.stringify(body),
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    return { status: response.status, body: (await response.json()) as T };
  };
  /** The URL a blink client calls for a chained step: the backend's own hrefs are paths. */
  const hrefOf = (link: NextActionLink | LinkedAction | undefined) => `${backend.url}${link && "href" in link ? link.href : ""}`;

  it("serves actions.json and the GET with the spec's CORS and headers", async () => {
    const rules = await fetch(`${backend.url}/actions.json`, { headers: { origin: "https://dial.to" } });
    expect(rules.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await rules.json()) as ActionsJson).rules).toContainEqual({ pathPattern: "/d/*", apiPath: "/api/actions/d/*" });

    const preflight = await fetch(actionUrl(), {
      method: "OPTIONS",
      headers: {
        origin: "https://dial.to",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");

    const response = await fetch(actionUrl(), { headers: { origin: "https://dial.to" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-action-version")).toBe("2.4");
    expect(response.headers.get("x-blockchain-ids")).toBe("solana:localnet");
    const action = (await response.json()) as ActionGetResponse;
    expect(action.icon).toBe(`${TEST_PUBLIC_URL}/d/${address}/card.png`);
    expect(action.title).toContain("0.001 Unknown token");
    expect(action.disabled).toBe(false);
    expect(action.links?.actions).toEqual([
      { type: "post", href: `/api/actions/d/${address}`, label: expect.stringContaining("Claim") },
    ]);
  });

  it("sends a fan to sign in with X, has the wallet sign the binding, then queues a claim that is paid", async () => {
    const wallet = Keypair.generate();
    const account = wallet.publicKey.toBase58();
    const first = await post<ExternalLinkResponse>(actionUrl(), { account });
    expect(first.status).toBe(200);
    expect(first.body.type).toBe("external-link");
    const signIn = new URL(first.body.externalLink);
    expect(signIn.origin + signIn.pathname).toBe(`${TEST_PUBLIC_URL}/auth/x/web/start`);
    const flow = signIn.searchParams.get("flow");
    expect(flow).toMatch(/^[0-9a-f]{32}$/);
    expect(first.body.links?.next).toEqual({ type: "post", href: `/api/actions/d/${address}/signed-in?flow=${flow}` });

    const notYet = await post<ActionGetResponse>(hrefOf(first.body.links?.next), { account });
    expect(notYet.body.error?.message).toContain("did not finish");

    const page = await webSignIn(SEED.users.superfan.username, first.body.externalLink);
    expect(new URLSearchParams(page.hash.slice(1)).get("blink")).toBe(flow);
    // Signed in, but the wallet is not offered the binding until the account's holder says it is theirs.
    const unconfirmed = await post<ActionGetResponse>(hrefOf(first.body.links?.next), { account });
    expect(unconfirmed.body.error?.message).toContain("did not finish");
    const asked = await backend.request("GET", `/auth/wallet/blink-links/${flow}`, { token: sessionOf(page) });
    expect(await asked.json()).toMatchObject({ wallet: account });
    expect((await answerBlinkLink(page, true)).status).toBe(200);
    const ready = await post<ActionGetResponse>(hrefOf(first.body.links?.next), { account });
    expect(ready.body.links?.actions[0]).toMatchObject({ type: "message", href: `/api/actions/d/${address}?flow=${flow}` });

    const sign = await post<SignMessageResponse>(hrefOf(ready.body.links?.actions[0]), { account });
    expect(sign.body.type).toBe("message");
    const message = sign.body.data as string;
    expect(message).toContain(`@${SEED.users.superfan.username}`);
    const forged = await post<{ message: string }>(`${actionUrl()}/bind`, {
      account,
      data: message,
      signature: bs58.encode(ed25519.sign(new TextEncoder().encode(message), Keypair.generate().secretKey.slice(0, 32))),
    });
    expect(forged.status).toBe(400);
    expect(forged.body.message).toContain("signature");

    const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(message), wallet.secretKey.slice(0, 32)));
    const done = await post<CompletedAction>(`${sign.body.links.next.href.replace(/^/, backend.url)}`, {
      account,
      data: message,
      signature,
      state: sign.body.state,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ type: "completed", title: expect.stringContaining("Claimed") });

    // Pressing Claim again asks the wallet to sign again: the POST alone proves nothing about who holds it.
    const again = await post<SignMessageResponse>(actionUrl(), { account });
    expect(again.body.type).toBe("message");
    const replay = await post<{ message: string }>(`${actionUrl()}/bind`, { account, data: message, signature });
    expect(replay.status).toBe(409);
    const againSignature = bs58.encode(
      ed25519.sign(new TextEncoder().encode(again.body.data as string), wallet.secretKey.slice(0, 32)),
    );
    const repeated = await post<CompletedAction>(`${actionUrl()}/bind`, {
      account,
      data: again.body.data,
      signature: againSignature,
    });
    // Each press is a new attempt, which finds the claim the first one made.
    expect(repeated.body).toMatchObject({ type: "completed", title: "Already claimed" });

    const claims = await backend.request("GET", "/me/claims", {
      token: new URLSearchParams(page.hash.slice(1)).get("session") ?? "",
    });
    const [claim] = ((await claims.json()) as { claims: unknown[] }).claims.map((entry) =>
      claimResponseSchema.shape.claim.parse(entry),
    );
    expect(claim?.wallet).toBe(account);
    let balance = 0n;
    for (let attempt = 0; attempt < 200 && balance === 0n; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      balance = await tokenBalance(backend.context.connection, distribution.mint, wallet.publicKey);
    }
    expect(balance).toBe(distribution.amountPerClaim);
  });

  it("tells a bound fan which requirements are missing", async () => {
    const fan = await backend.signIn(SEED.users.quietFan.username);
    const wallet = Keypair.generate();
    expect((await backend.bindWallet(fan.sessionToken, wallet)).status).toBe(200);
    const account = wallet.publicKey.toBase58();
    const sign = await post<SignMessageResponse>(actionUrl(), { account });
    const message = sign.body.data as string;
    const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(message), wallet.secretKey.slice(0, 32)));
    const refused = await post<{ message: string }>(`${actionUrl()}/bind`, { account, data: message, signature });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/^Not yet: /);
  });

  it("asks a wallet to sign only its own flow's challenge, never one another account made for that wallet", async () => {
    const account = Keypair.generate().publicKey.toBase58();
    // Someone who knows the address makes challenges for it: through the wallet API, and through a blink flow of their own.
    const attacker = await backend.signIn(SEED.users.casualFan.username);
    const made = await backend.request("POST", "/auth/wallet/challenge", {
      token: attacker.sessionToken,
      body: { address: account },
    });
    expect(made.status).toBe(200);
    const theirs = await post<ExternalLinkResponse>(actionUrl(), { account });
    await webSignIn(SEED.users.casualFan.username, theirs.body.externalLink);

    const first = await post<ExternalLinkResponse>(actionUrl(), { account });
    expect(first.body.type).toBe("external-link");
    expect(new URL(first.body.externalLink).searchParams.get("flow")).not.toBe(
      new URL(theirs.body.externalLink).searchParams.get("flow"),
    );
    const notYet = await post<ActionGetResponse>(hrefOf(first.body.links?.next), { account });
    expect(notYet.body.links?.actions[0]?.type).toBe("post");

    expect((await answerBlinkLink(await webSignIn(SEED.users.newcomer.username, first.body.externalLink), true)).status).toBe(
      200,
    );
    const ready = await post<ActionGetResponse>(hrefOf(first.body.links?.next), { account });
    const sign = await post<SignMessageResponse>(hrefOf(ready.body.links?.actions[0]), { account });
    expect(sign.body.data).toContain(`Bind this wallet to @${SEED.users.newcomer.username} `);
  });

  it("binds no wallet through a sign-in link someone else wrote: the account's holder is asked, and a wallet declined is never offered", async () => {
    // The attacker's blink press makes a sign-in link naming their own wallet, and a victim follows it.
    const attackerWallet = Keypair.generate().publicKey.toBase58();
    const lure = await post<ExternalLinkResponse>(actionUrl(), { account: attackerWallet });
    const flow = new URL(lure.body.externalLink).searchParams.get("flow") ?? "";
    const victimPage = await webSignIn(SEED.users.superfan.username, lure.body.externalLink);

    // The attacker, knowing the flow, is not offered the victim's challenge to sign with their wallet.
    const waiting = await post<ActionGetResponse>(hrefOf(lure.body.links?.next), { account: attackerWallet });
    expect(waiting.body.error?.message).toContain("did not finish");
    const pressed = await post<ExternalLinkResponse>(`${actionUrl()}?flow=${flow}`, { account: attackerWallet });
    expect(pressed.body.type).toBe("external-link");

    // The victim's page shows the wallet whole and asks; declined, the request is gone for good.
    const asked = await backend.request("GET", `/auth/wallet/blink-links/${flow}`, { token: sessionOf(victimPage) });
    expect(await asked.json()).toMatchObject({ wallet: attackerWallet });
    expect(await (await answerBlinkLink(victimPage, false)).json()).toEqual({ wallet: attackerWallet, confirmed: false });
    const late = await backend.request("POST", `/auth/wallet/blink-links/${flow}`, {
      token: sessionOf(victimPage),
      body: { wallet: attackerWallet, confirmed: true },
    });
    expect(late.status).toBe(404);
    const gone = await backend.request("GET", `/auth/wallet/blink-links/${flow}`, { token: sessionOf(victimPage) });
    expect(gone.status).toBe(404);
    const after = await post<ExternalLinkResponse>(`${actionUrl()}?flow=${flow}`, { account: attackerWallet });
    expect(after.body.type).toBe("external-link");
    // Nobody else can answer for the victim: another account finds no request under that flow.
    const other = await backend.signIn(SEED.users.casualFan.username);
    const notTheirs = await backend.request("POST", `/auth/wallet/blink-links/${flow}`, {
      token: other.sessionToken,
      body: { wallet: attackerWallet, confirmed: true },
    });
    expect(notTheirs.status).toBe(404);
  });

  it("asks for one wallet per blink flow: a second sign-in through a link reusing the flow adds none the first answer would confirm", async () => {
    const victimWallet = Keypair.generate().publicKey.toBase58();
    const attackerWallet = Keypair.generate().publicKey.toBase58();
    const honest = await post<ExternalLinkResponse>(actionUrl(), { account: victimWallet });
    const flow = new URL(honest.body.externalLink).searchParams.get("flow") ?? "";
    // The attacker writes a start link with the same flow and their own wallet; the victim follows both.
    const lure = new URL(honest.body.externalLink);
    lure.searchParams.set("wallet", attackerWallet);
    const victimPage = await webSignIn(SEED.users.superfan.username, honest.body.externalLink);
    await webSignIn(SEED.users.superfan.username, lure.toString());

    const asked = await backend.request("GET", `/auth/wallet/blink-links/${flow}`, { token: sessionOf(victimPage) });
    expect(await asked.json()).toMatchObject({ wallet: victimWallet });
    // An answer names the wallet it is about: one the page never showed finds no request.
    const forged = await backend.request("POST", `/auth/wallet/blink-links/${flow}`, {
      token: sessionOf(victimPage),
      body: { wallet: attackerWallet, confirmed: true },
    });
    expect(forged.status).toBe(404);
    expect((await answerBlinkLink(victimPage, true)).status).toBe(200);
    const attackerPress = await post<ExternalLinkResponse>(`${actionUrl()}?flow=${flow}`, { account: attackerWallet });
    expect(attackerPress.body.type).toBe("external-link");
    const victimPress = await post<SignMessageResponse>(`${actionUrl()}?flow=${flow}`, { account: victimWallet });
    expect(victimPress.body.type).toBe("message");
  });

  it("names no X account to whoever presses Claim for a bound wallet, and hands the unused message out again", async () => {
    const fan = await backend.signIn(SEED.users.quietFan.username);
    const wallet = Keypair.generate();
    expect((await backend.bindWallet(fan.sessionToken, wallet)).status).toBe(200);
    const account = wallet.publicKey.toBase58();
    const stored = async () =>
      Number(
        (
          await backend.context.database.query<{ count: string }>("SELECT count(*) FROM wallet_challenges WHERE address = $1", [
            account,
          ])
        ).rows[0]?.count,
      );
    const before = await stored();
    const first = await post<SignMessageResponse>(actionUrl(), { account });
    const second = await post<SignMessageResponse>(actionUrl(), { account });
    expect(first.body.type).toBe("message");
    expect(first.body.data).not.toContain("@");
    expect(first.body.data).not.toContain(SEED.users.quietFan.username);
    expect(second.body.data).toBe(first.body.data);
    expect(await stored()).toBe(before + 1);
  });

  it("refuses an account off the curve in the spec's words, and reads a JSON body sent as text/plain", async () => {
    const [programAddress] = PublicKey.findProgramAddressSync([Buffer.from("memefans")], SystemProgram.programId);
    for (const path of ["", "/signed-in", "/open-account"]) {
      const refused = await post<ActionError>(`${actionUrl()}${path}`, { account: programAddress.toBase58() });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain("program's");
    }
    const plain = await fetch(actionUrl(), {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ account: Keypair.generate().publicKey.toBase58() }),
    });
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as ExternalLinkResponse).type).toBe("external-link");
  });

  it("claims a failed claim again at the next press once the fan mended it, and says why when it cannot be tried again", async () => {
    const creator = await backend.signIn(SEED.users.creator.username);
    const freezable = await registerDistribution(backend, creator.sessionToken, [], 10, { freezable: true });
    const { connection } = backend.context;
    const freezableUrl = `${backend.url}/api/actions/d/${freezable.address.toBase58()}`;
    /** One press of the blink's Claim by a bound wallet: the binding message to sign, then the signed bind. */
    const press = async (wallet: Keypair) => {
      const account = wallet.publicKey.toBase58();
      const sign = await post<SignMessageResponse>(freezableUrl, { account });
      const data = sign.body.data as string;
      const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(data), wallet.secretKey.slice(0, 32)));
      return post<CompletedAction & ActionError>(`${freezableUrl}/bind`, { account, data, signature });
    };
    const settled = async (sessionToken: string) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const listed = await backend.request("GET", "/me/claims", { token: sessionToken });
        const claim = ((await listed.json()) as { claims: unknown[] }).claims
          .map((entry) => claimResponseSchema.shape.claim.parse(entry))
          .find((entry) => entry.distribution === freezable.address.toBase58());
        if (claim?.status === "failed" || claim?.status === "confirmed") return claim;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error("the claim did not settle");
    };
    /** A fan whose wallet's token account for the giveaway's token is frozen. */
    const frozenFan = async (username: string) => {
      const fan = await backend.signIn(username);
      const wallet = Keypair.generate();
      expect((await backend.bindWallet(fan.sessionToken, wallet)).status).toBe(200);
      await openTokenAccount(connection, freezable.mint, wallet.publicKey);
      await setTokenAccountFrozen(connection, freezable, wallet.publicKey, true);
      return { sessionToken: fan.sessionToken, wallet };
    };

    const mender = await frozenFan(SEED.users.superfan.username);
    expect((await press(mender.wallet)).body.type).toBe("completed");
    expect(await settled(mender.sessionToken)).toMatchObject({ status: "failed", failureReason: "token_account_frozen" });
    await setTokenAccountFrozen(connection, freezable, mender.wallet.publicKey, false);
    expect((await press(mender.wallet)).body).toMatchObject({ type: "completed", title: expect.stringContaining("Claimed") });
    expect(await settled(mender.sessionToken)).toMatchObject({ status: "confirmed" });
    expect(await tokenBalance(connection, freezable.mint, mender.wallet.publicKey)).toBe(freezable.amountPerClaim);

    const stuck = await frozenFan(SEED.users.casualFan.username);
    expect((await press(stuck.wallet)).body.type).toBe("completed");
    const failed = await settled(stuck.sessionToken);
    expect(failed).toMatchObject({ status: "failed", failureReason: "token_account_frozen" });
    // Still frozen: the press is refused in the failure's words, and spends none of the claim's tries.
    const stillFrozen = await press(stuck.wallet);
    expect(stillFrozen.status).toBe(409);
    expect(stillFrozen.body.message).toBe(claimFailureWords("token_account_frozen"));
    // Its tries spent, the claim cannot be tried again, and the blink says so.
    await backend.context.database.query("UPDATE claims SET retries = $2 WHERE id = $1", [failed.id, MAX_CLAIM_RETRIES]);
    const refused = await press(stuck.wallet);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(
      `Your claim of this giveaway was not paid and cannot be tried again. ${claimFailureWords("token_account_frozen")}`,
    );
  });

  it("offers a fan without a token account, once the budget opens none, the transaction that opens it, paid by the fan, then pays the claim", async () => {
    const creator = await backend.signIn(SEED.users.creator.username);
    const maxClaims = 5;
    // Every payout's fee and nothing more: the budget opens no fan's token account.
    const feesOnly = await registerDistribution(backend, creator.sessionToken, [], maxClaims, {
      feeBudgetLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS * BigInt(maxClaims),
    });
    const { connection } = backend.context;
    const url = `${backend.url}/api/actions/d/${feesOnly.address.toBase58()}`;
    const fan = await backend.signIn(SEED.users.superfan.username);
    const wallet = Keypair.generate();
    const account = wallet.publicKey.toBase58();
    expect((await backend.bindWallet(fan.sessionToken, wallet)).status).toBe(200);
    const press = async () => {
      const sign = await post<SignMessageResponse>(url, { account });
      const data = sign.body.data as string;
      const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(data), wallet.secretKey.slice(0, 32)));
      return post<Action<"action"> & ActionError>(`${url}/bind`, { account, data, signature });
    };

    // The press is refused by the claim route (needs_token_account): the blink offers the opening instead.
    const refused = await press();
    expect(refused.status).toBe(200);
    expect(refused.body.type).toBe("action");
    expect(refused.body.description).toContain("has no");
    const [openButton, claimButton] = refused.body.links?.actions ?? [];
    expect(openButton).toMatchObject({ type: "transaction", href: `/api/actions/d/${feesOnly.address.toBase58()}/open-account` });
    // Claim stays beside it, for a fan whose opening landed while the blink lost track of it.
    expect(claimButton).toMatchObject({ type: "post", href: `/api/actions/d/${feesOnly.address.toBase58()}` });

    const offered = await post<TransactionResponse & ActionError>(hrefOf(openButton), { account });
    expect(offered.status).toBe(200);
    expect(offered.body.links?.next).toMatchObject({ type: "inline", action: { type: "action" } });
    const opening = Transaction.from(Buffer.from(offered.body.transaction, "base64"));
    expect(opening.feePayer?.toBase58()).toBe(account);
    const ata = getAssociatedTokenAddressSync(feesOnly.mint, wallet.publicKey, true, TOKEN_PROGRAM_ID);
    expect(opening.instructions).toHaveLength(1);
    expect(opening.instructions[0]?.programId.equals(ASSOCIATED_TOKEN_PROGRAM_ID)).toBe(true);
    expect(opening.instructions[0]?.keys[1]?.pubkey.equals(ata)).toBe(true);

    // The claim page's path: the wallet signs, the backend sends, for the signed-in fan the wallet is bound to.
    const relay = async (transaction: Transaction, token: string | null = fan.sessionToken) => {
      const response = await backend.request("POST", "/claims/token-account-openings", {
        ...(token ? { token } : {}),
        body: {
          distribution: feesOnly.address.toBase58(),
          account,
          transaction: transaction.serialize({ requireAllSignatures: false }).toString("base64"),
        },
      });
      const body = (await response.json()) as OpenAccountSent & { error: { code: string; message: string } };
      return { status: response.status, body: { ...body, message: body.error?.message } };
    };
    const send = (transaction: Transaction) => relay(transaction);
    opening.partialSign(wallet);
    expect((await relay(opening, null)).status).toBe(401);
    const otherFan = await backend.signIn(SEED.users.casualFan.username);
    expect((await relay(opening, otherFan.sessionToken)).status).toBe(403);
    const broke = await send(opening);
    expect(broke.status).toBe(409);
    expect(broke.body.message).toContain("needs 0.00203928 SOL");

    // Only the opening, signed by the fan's wallet, is sent: nothing riding with it, nobody else's.
    await fund(connection, wallet.publicKey, 1);
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
    const rider = Transaction.from(Buffer.from(offered.body.transaction, "base64"));
    rider.add(
      SystemProgram.transfer({ fromPubkey: wallet.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1_000_000 }),
    );
    rider.partialSign(wallet);
    expect((await send(rider)).body.message).toContain("not the transaction that opens your token account");
    const unsigned = Transaction.from(Buffer.from(offered.body.transaction, "base64"));
    expect((await send(unsigned)).status).toBe(400);
    const stranger = Keypair.generate();
    const paidByStranger = new Transaction({ feePayer: stranger.publicKey, blockhash, lastValidBlockHeight }).add(
      ...Transaction.from(Buffer.from(offered.body.transaction, "base64")).instructions,
    );
    paidByStranger.partialSign(stranger);
    expect((await send(paidByStranger)).status).toBe(400);
    expect(await connection.getAccountInfo(ata)).toBeNull();

    // Signed too late, after its blockhash left the chain: told to sign a fresh one.
    const stale = Transaction.from(Buffer.from(offered.body.transaction, "base64"));
    stale.recentBlockhash = Keypair.generate().publicKey.toBase58();
    stale.partialSign(wallet);
    const expired = await send(stale);
    expect(expired.body.error?.code).toBe("opening_expired");

    const fresh = await post<TransactionResponse>(hrefOf(openButton), { account });
    const signed = Transaction.from(Buffer.from(fresh.body.transaction, "base64"));
    signed.partialSign(wallet);
    // Sent twice at once (a double press): one goes out; the other is told it is on its way, or, if the
    // first already landed, that the account is there. The fan pays one fee.
    const lamportsBefore = await connection.getBalance(wallet.publicKey);
    const [sent, twice] = await Promise.all([send(signed), send(signed)]);
    expect(sent.status).toBe(200);
    expect(["rate_limited", "token_account_exists"]).toContain(twice.body.error?.code);
    expect(lamportsBefore - (await connection.getBalance(wallet.publicKey))).toBe(Number(TOKEN_ACCOUNT_RENT_LAMPORTS) + 5_000);
    expect(sent.body.account).toBe(ata.toBase58());
    expect(await tokenBalance(connection, feesOnly.mint, wallet.publicKey)).toBe(0n);
    // An open account is nothing to open again.
    const again = await post<ActionError>(hrefOf(openButton), { account });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain("already holds");

    expect((await press()).body).toMatchObject({ type: "completed", title: expect.stringContaining("Claimed") });
    for (let attempt = 0; attempt < 400 && (await tokenBalance(connection, feesOnly.mint, wallet.publicKey)) === 0n; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await tokenBalance(connection, feesOnly.mint, wallet.publicKey)).toBe(feesOnly.amountPerClaim);
  });

  it("keeps a sold-out giveaway's button for a failed claim claimed again, and answers anyone else that all are taken", async () => {
    const creator = await backend.signIn(SEED.users.creator.username);
    const single = await registerDistribution(backend, creator.sessionToken, [], 1, { freezable: true });
    const { connection } = backend.context;
    const singleUrl = `${backend.url}/api/actions/d/${single.address.toBase58()}`;
    const press = async (wallet: Keypair) => {
      const account = wallet.publicKey.toBase58();
      const sign = await post<SignMessageResponse & ActionError>(singleUrl, { account });
      expect(sign.status).toBe(200);
      const data = sign.body.data as string;
      const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(data), wallet.secretKey.slice(0, 32)));
      return post<CompletedAction & ActionError>(`${singleUrl}/bind`, { account, data, signature });
    };
    const boundFan = async (username: string) => {
      const fan = await backend.signIn(username);
      const wallet = Keypair.generate();
      expect((await backend.bindWallet(fan.sessionToken, wallet)).status).toBe(200);
      return { ...fan, wallet };
    };
    const frozen = await boundFan(SEED.users.newcomer.username);
    await openTokenAccount(connection, single.mint, frozen.wallet.publicKey);
    await setTokenAccountFrozen(connection, single, frozen.wallet.publicKey, true);
    expect((await press(frozen.wallet)).body.type).toBe("completed");
    const failed = async () => {
      for (let attempt = 0; attempt < 400; attempt++) {
        const listed = await backend.request("GET", "/me/claims", { token: frozen.sessionToken });
        const mine = ((await listed.json()) as { claims: unknown[] }).claims
          .map((entry) => claimResponseSchema.shape.claim.parse(entry))
          .find((entry) => entry.distribution === single.address.toBase58());
        if (mine?.status === "failed" || mine?.status === "confirmed") return mine;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error("the claim did not settle");
    };
    expect(await failed()).toMatchObject({ status: "failed", retryable: true });

    // Its one slot is the failed claim's: sold out, yet the button stays for that claim.
    const shown = (await (await fetch(singleUrl)).json()) as ActionGetResponse;
    expect(shown).toMatchObject({ disabled: false, label: "All claimed" });
    expect(shown.links?.actions[0]?.label).toBe("Claim again (a failed claim only)");

    const latecomer = await boundFan(SEED.users.quietFan.username);
    const refused = await press(latecomer.wallet);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe("every claim of this giveaway is taken");

    await setTokenAccountFrozen(connection, single, frozen.wallet.publicKey, false);
    expect((await press(frozen.wallet)).body).toMatchObject({ type: "completed", title: expect.stringContaining("Claimed") });
    expect(await failed()).toMatchObject({ status: "confirmed" });
    expect(await tokenBalance(connection, single.mint, frozen.wallet.publicKey)).toBe(single.amountPerClaim);
  });

  it("refuses every POST step of a giveaway that takes no claims, before it binds a wallet", async () => {
    const creator = await backend.signIn(SEED.users.creator.username);
    const paused = await registerDistribution(backend, creator.sessionToken, [{ type: "follow" }], 1);
    await sendAndAwait(
      backend.context.connection,
      [paused.creator],
      pauseInstruction({ creator: paused.creator.publicKey, distribution: paused.address }),
    );
    const pausedUrl = `${backend.url}/api/actions/d/${paused.address.toBase58()}`;
    let shown: ActionGetResponse | undefined;
    for (let attempt = 0; attempt < 100 && !shown?.disabled; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      shown = (await (await fetch(pausedUrl)).json()) as ActionGetResponse;
    }
    expect(shown?.disabled).toBe(true);

    const fan = await backend.signIn(SEED.users.quietFan.username);
    const wallet = Keypair.generate();
    const account = wallet.publicKey.toBase58();
    const challenge = await backend.request("POST", "/auth/wallet/challenge", {
      token: fan.sessionToken,
      body: { address: account },
    });
    const { message } = (await challenge.json()) as { message: string };
    const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(message), wallet.secretKey.slice(0, 32)));
    for (const [step, body] of [
      ["", { account }],
      ["/signed-in", { account }],
      ["/bind", { account, data: message, signature }],
    ] as const) {
      const refused = await post<ActionError>(`${pausedUrl}${step}`, body);
      expect(refused.status, step).toBe(409);
      expect(refused.body.message).toContain("Paused by the creator");
    }
    const me = meResponseSchema.parse(await (await backend.request("GET", "/me", { token: fan.sessionToken })).json());
    expect(me.wallets).not.toContain(account);
  });

  it("answers errors as the spec's { message }, and keeps the Actions headers on any spelling of an action path", async () => {
    for (const path of [`/API/Actions/d/${address}`, "/Actions.JSON"]) {
      const response = await fetch(`${backend.url}${path}`, { headers: { origin: "https://dial.to" } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(response.headers.get("x-action-version"), path).toBe("2.4");
    }
    const malformed = await fetch(actionUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://dial.to" },
      body: "{",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ActionError).message).toBe("the request body is not valid JSON");
    const undecodable = await fetch(`${backend.url}/api/actions/d/%E0%A4%A`, { headers: { origin: "https://dial.to" } });
    expect(undecodable.status).toBe(400);
    expect(((await undecodable.json()) as ActionError).message).toEqual(expect.any(String));
  });
});
