// @vitest-environment happy-dom

import { act } from "react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Distribution, Eligibility } from "../../shared/api/distributions.ts";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { chainToken } from "../../shared/tokens/testing/token-fixtures.ts";
import type { Claim, WalletStatus } from "../messaging/shapes.ts";
import { claimWidget, shownPerPost } from "./claim-widget.tsx";
import { followXTheme } from "./follow-x-theme.ts";
import { postSelectors } from "./post-scanner.ts";
import { eventually, shadowText, startOverlay, widgetsOf } from "./testing/overlay-harness.ts";
import { BONK_MINT, CREATOR, distributionFixture, lookupOf, neighbourInBucket, workerDouble } from "./testing/worker-double.ts";
import { fixtureHtml, inCell, withCardLink, withTextLink } from "./testing/x-fixtures.ts";
import { timelineWatch } from "./timeline-watch.ts";

const A = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const B = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const C = "So11111111111111111111111111111111111111112";
const QUOTED = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const link = (address: string) => `https://memefans.app/d/${address}`;

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let stopOverlay: (() => void) | undefined;
afterEach(() => {
  act(() => stopOverlay?.());
  stopOverlay = undefined;
  document.body.innerHTML = "";
  document.body.removeAttribute("style");
});

const signedOut = { xUser: null };
const unlockedWallet: WalletStatus = {
  choice: "builtin",
  builtin: { state: "unlocked", address: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM", autoLockMinutes: 15 },
  activeAddress: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
  activeAddressBound: true,
  xUser: null,
};
const unboundWallet: WalletStatus = { ...unlockedWallet, activeAddressBound: false };
const noWallet: WalletStatus = {
  ...unlockedWallet,
  builtin: { state: "absent", autoLockMinutes: 15 },
  activeAddress: undefined,
  activeAddressBound: false,
};

function timeline(): string {
  return `<main>${[
    inCell(withTextLink(fixtureHtml("basic"), link(A))),
    withTextLink(withTextLink(fixtureHtml("quoteCell2025"), link(QUOTED), "quoted"), link(B), "outer"),
    inCell(withTextLink(fixtureHtml("promoted"), link(A))),
    inCell(withCardLink(fixtureHtml("cardOnly"), "memefans.app", `MEMEFANS giveaway ${C}`)),
    inCell(fixtureHtml("image")),
  ].join("")}</main>`;
}

function serve(distributions: Distribution[], extra: Parameters<typeof workerDouble>[0] = {}) {
  return workerDouble({
    "distributions/lookup": lookupOf(distributions),
    "distributions/get": ({ address }) => {
      const found = distributions.find((d) => d.address === address);
      if (!found) throw Object.assign(new Error("no such distribution"), { code: "backend_error" });
      return { distribution: found };
    },
    "x/session": () => signedOut,
    "wallet/status": () => noWallet,
    "settings/get": () => ({ backendUrl: "http://127.0.0.1:8787", rpcUrl: "", walletChoice: "builtin", autoLockMinutes: 15 }),
    ...extra,
  });
}

/** The id of the "image" fixture's post, which links nothing. */
const IMAGE_POST_ID = "1841834132160077852";

const onTimeline = [
  distributionFixture(A, "1841842569182929401"),
  distributionFixture(B, "1983130065320780162", { claimedCount: 100, remaining: 0 }),
  distributionFixture(C, "1843978367558885854", { paused: true }),
];

describe("claim widget on real X markup", () => {
  it("puts one widget under each distribution post, none on the promoted one, and looks them up in one call", async () => {
    document.body.innerHTML = timeline();
    const worker = serve(onTimeline);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const articles = [...document.querySelectorAll<HTMLElement>(postSelectors.post)];
    await eventually(() => expect(widgetsOf("claim-widget")).toHaveLength(3));
    const widgets = widgetsOf("claim-widget");
    expect(articles.map((article) => widgetsOf("claim-widget", article).length)).toEqual([1, 1, 0, 1, 0]);
    // Each widget sits in its own open shadow root, under the post's own action bar.
    for (const widget of widgets) {
      expect(widget.shadowRoot).not.toBeNull();
      expect(widget.previousElementSibling?.matches(postSelectors.actionBar)).toBe(true);
    }

    for (const widget of widgets) await eventually(() => expect(shadowText(widget)).toContain("1.5 $BONK per claim"));
    // The image post links nothing: only its bucket goes along (the promoted post, nothing at all).
    expect(worker.callsOf("distributions/lookup")).toEqual([
      {
        postIds: ["1841842569182929401", "1843978367558885854", "1983130065320780162"],
        buckets: [postIdBucket(IMAGE_POST_ID)],
      },
    ]);
    const [basic, quote, cardOnly] = widgets.map(shadowText);
    expect(basic).toContain("88 of 100 left");
    expect(basic).toMatch(/2d 3h left/);
    expect(basic).toContain("Reply to the post with “gm”");
    expect(quote).toContain("Sold out");
    expect(quote).toContain("All 100 claimed");
    // A sold-out card says so and offers no sign-in.
    expect(widgets[1]?.shadowRoot?.querySelector('[data-testid="memefans-connect-x"]')).toBeNull();
    await eventually(() => expect(shadowText(widgets[2] as HTMLElement)).toContain("Paused by the creator"));
    expect(cardOnly).toContain("per claim");
  });

  it("shows no card under a post that links a giveaway registered for another post", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(B)));
    // The link in this post names a giveaway registered under another post: it is read on its own,
    // and once known to belong elsewhere, nothing is shown here.
    const worker = serve([distributionFixture(B, "1983130065320780162")]);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    await eventually(() => expect(worker.callsOf("distributions/get")).toEqual([{ address: B }]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(widgetsOf("claim-widget")).toHaveLength(0);
  });

  it("puts the card under the registered post when the link is in another post, such as the creator's reply", async () => {
    // The giveaway post itself carries no link; the reply under it does.
    document.body.innerHTML = `${inCell(fixtureHtml("basic"))}${inCell(withTextLink(fixtureHtml("image"), link(A)))}`;
    const worker = serve([distributionFixture(A, "1841842569182929401")]);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const [giveawayPost, reply] = [...document.querySelectorAll<HTMLElement>(postSelectors.post)] as [HTMLElement, HTMLElement];
    await eventually(() => expect(widgetsOf("claim-widget", giveawayPost)).toHaveLength(1));
    const [widget] = widgetsOf("claim-widget", giveawayPost);
    await eventually(() => expect(shadowText(widget as HTMLElement)).toContain("1.5 $BONK per claim"));
    expect(widgetsOf("claim-widget", reply)).toHaveLength(0);
    // Only the linking post was looked up: the timeline's other posts are never sent to the backend.
    expect(worker.callsOf("distributions/lookup").flatMap((call) => (call as { postIds: string[] }).postIds)).not.toContain(
      "1841842569182929401",
    );
  });

  it("finds a registered post that links nothing by its bucket: the card shows, and only buckets leave for it", async () => {
    // The home timeline shows the giveaway post alone; the creator's reply with the link is not on screen.
    document.body.innerHTML = `${inCell(fixtureHtml("basic"))}${inCell(fixtureHtml("image"))}`;
    const giveawayPostId = "1841842569182929401";
    const worker = serve([distributionFixture(A, giveawayPostId), distributionFixture(B, "1983130065320780162")]);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const [giveawayPost, other] = [...document.querySelectorAll<HTMLElement>(postSelectors.post)] as [HTMLElement, HTMLElement];
    await eventually(() => expect(widgetsOf("claim-widget", giveawayPost)).toHaveLength(1));
    await eventually(() =>
      expect(shadowText(widgetsOf("claim-widget", giveawayPost)[0] as HTMLElement)).toContain("1.5 $BONK per claim"),
    );
    expect(widgetsOf("claim-widget", other)).toHaveLength(0);
    expect(worker.callsOf("distributions/lookup")).toEqual([
      { buckets: [postIdBucket(giveawayPostId), postIdBucket(IMAGE_POST_ID)].sort() },
    ]);
    expect(JSON.stringify(worker.calls)).not.toContain(giveawayPostId.slice(0, 12));
    expect(JSON.stringify(worker.calls)).not.toContain(IMAGE_POST_ID.slice(0, 12));
  });

  it("asks by id for a post whose bucket stays overfull asked alone, and for no other post", async () => {
    document.body.innerHTML = `${inCell(fixtureHtml("basic"))}${inCell(fixtureHtml("image"))}`;
    const giveawayPostId = "1841842569182929401";
    const crowded = postIdBucket(giveawayPostId);
    // The giveaway's bucket holds a newer giveaway too, and the backend's answer has room for one.
    const inBucket = [distributionFixture(B, neighbourInBucket(giveawayPostId)), distributionFixture(A, giveawayPostId)];
    const worker = serve(inBucket, { "distributions/lookup": lookupOf(inBucket, { bucketRoom: 1 }) });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const [giveawayPost, other] = [...document.querySelectorAll<HTMLElement>(postSelectors.post)] as [HTMLElement, HTMLElement];
    await eventually(() =>
      expect(shadowText(widgetsOf("claim-widget", giveawayPost)[0] as HTMLElement)).toContain("1.5 $BONK per claim"),
    );
    expect(widgetsOf("claim-widget", other)).toHaveLength(0);
    expect(worker.callsOf("distributions/lookup")).toEqual([
      { buckets: [crowded, postIdBucket(IMAGE_POST_ID)].sort() },
      { buckets: [crowded] },
      { postIds: [giveawayPostId] },
    ]);
    // The image post's bucket had room: its id never left.
    expect(JSON.stringify(worker.calls)).not.toContain(IMAGE_POST_ID.slice(0, 12));
  });

  it("follows a recycled cell: the widget leaves with its post and comes with a new one", async () => {
    document.body.innerHTML = `${inCell(withTextLink(fixtureHtml("basic"), link(A)))}${inCell(fixtureHtml("image"))}`;
    const worker = serve(onTimeline);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const [first, second] = [...document.querySelectorAll<HTMLElement>(postSelectors.post)] as [HTMLElement, HTMLElement];
    await eventually(() => expect(widgetsOf("claim-widget", first)).toHaveLength(1));

    const swap = (target: HTMLElement, html: string) => {
      const template = document.createElement("template");
      template.innerHTML = html;
      const source = template.content.querySelector(postSelectors.post) as HTMLElement;
      target.replaceChildren(...source.childNodes);
    };
    await act(async () => {
      swap(first, fixtureHtml("image"));
      swap(second, withCardLink(fixtureHtml("cardOnly"), "memefans.app", `MEMEFANS giveaway ${C}`));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(widgetsOf("claim-widget", first)).toHaveLength(0);
    await eventually(() => expect(widgetsOf("claim-widget", second)).toHaveLength(1));
    expect(widgetsOf("claim-widget")).toHaveLength(1);
  });

  it("puts the widget back when X's re-render drops it", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], serve(onTimeline)).stop;
    });
    await cardShadow();
    await act(async () => {
      widgetsOf("claim-widget")[0]?.remove();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(widgetsOf("claim-widget")).toHaveLength(1);
  });

  it("reports a post without an action bar and still shows the widget", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)).replace('role="group"', 'role="toolbar"'));
    let misses: { feature: string }[] = [];
    await act(async () => {
      const started = startOverlay([timelineWatch, claimWidget], serve(onTimeline));
      stopOverlay = started.stop;
      misses = started.misses;
    });
    await eventually(() => expect(widgetsOf("claim-widget")).toHaveLength(1));
    expect(misses).toEqual([
      expect.objectContaining({
        feature: "claim-widget",
        selector: 'article:is([data-testid="tweet"], [role="article"]:not([data-testid])) [role="group"]',
      }),
    ]);
  });

  it("follows X's theme from the body background", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    document.body.style.backgroundColor = "rgb(21, 32, 43)";
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, followXTheme, claimWidget], serve(onTimeline)).stop;
    });
    const widget = (await cardShadow()).host as HTMLElement;
    await eventually(() => expect(widget?.dataset.xTheme).toBe("dim"));
    await act(async () => {
      document.body.style.backgroundColor = "rgb(0, 0, 0)";
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await eventually(() => expect(widget?.dataset.xTheme).toBe("dark"));
  });
});

const allMet: Eligibility = {
  eligible: true,
  checks: [
    { requirement: { type: "follow" }, met: true, detail: "follows @creator" },
    { requirement: { type: "like" }, met: true, detail: "liked the post" },
    { requirement: { type: "reply", mustContain: "gm" }, met: true, detail: "replied with “gm”" },
  ],
};

/** The overlay's answers for a fan signed in with X. */
const fanSession = { "x/session": () => ({ xUser: { id: "2002", username: "fan", name: "Fan" } }) };
/** …with an unlocked wallet bound to that account, meeting every requirement. */
const readyFan = { ...fanSession, "wallet/status": () => unlockedWallet, "distributions/eligibility": () => allMet };

/** The fan's claim on distribution A as the backend answers it, in the state the test sets. */
function fanClaim(state: Pick<Claim, "status"> & Partial<Claim>): Claim {
  return {
    id: "0b7e2a9c-5d1f-4c3e-9a8b-7f6e5d4c3b2a",
    distribution: A,
    wallet: unlockedWallet.activeAddress as string,
    xUserId: "2002",
    slot: 12,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...state,
  };
}

/** The first card's shadow root, once the lookup has named its giveaway (nothing shows before). */
async function cardShadow(): Promise<ShadowRoot> {
  await eventually(() => expect(widgetsOf("claim-widget")).not.toHaveLength(0));
  return widgetsOf("claim-widget")[0]?.shadowRoot as ShadowRoot;
}

/** Starts the overlay for a signed-in fan with a wallet and presses the claim button once it is enabled. */
async function claimOnce(worker: ReturnType<typeof serve>, before?: (shadow: ShadowRoot) => void): Promise<ShadowRoot> {
  await act(async () => {
    stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
  });
  const shadow = await cardShadow();
  await eventually(() => expect(shadow.querySelector('[data-testid="memefans-claim"]')?.hasAttribute("disabled")).toBe(false));
  before?.(shadow);
  await act(async () => {
    (shadow.querySelector('[data-testid="memefans-claim"]') as HTMLElement).click();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return shadow;
}

describe("the giveaway a post shows among several registered for it", () => {
  const now = Math.floor(Date.now() / 1000);
  const on = (address: string, overrides: Partial<Distribution>) => distributionFixture(address, IMAGE_POST_ID, overrides);
  const shown = (...distributions: Distribution[]) => shownPerPost(distributions, now).get(IMAGE_POST_ID)?.address;

  it("prefers one that takes claims: open, then not started, then sold out, then one that is over", () => {
    const open = on(A, {});
    const notStarted = on(B, { startsAt: now + 3600 });
    const soldOut = on(C, { claimedCount: 100, remaining: 0 });
    const ended = on(QUOTED, { startsAt: now - 7200, endsAt: now - 3600 });
    expect(shown(ended, soldOut, notStarted, open)).toBe(A);
    expect(shown(ended, soldOut, notStarted)).toBe(B);
    expect(shown(ended, soldOut)).toBe(C);
    expect(shown(on(A, { paused: true }), ended)).toBe(A);
  });

  it("takes the newest of those alike, else the first heard of", () => {
    expect(shown(on(A, { startsAt: now - 7200 }), on(B, { startsAt: now - 60 }))).toBe(B);
    expect(shown(on(A, { startsAt: now - 60 }), on(B, { startsAt: now - 60 }))).toBe(A);
  });
});

describe("claim button", () => {
  it("walks through connect X, connect wallet, claim, then follows the claim to confirmed", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    let xUser: { id: string; username: string; name: string } | null = null;
    let wallet: WalletStatus = noWallet;
    let claimStatus: "queued" | "confirmed" = "queued";
    const claim = () => fanClaim({ status: claimStatus, ...(claimStatus === "confirmed" ? { signature: "5".repeat(88) } : {}) });
    const worker = serve(onTimeline, {
      "x/session": () => ({ xUser }),
      "x/connect": () => {
        xUser = { id: "2002", username: "fan", name: "Fan" };
        return { xUser };
      },
      "wallet/status": () => wallet,
      "wallet/choose": () => {
        wallet = unboundWallet;
        return wallet;
      },
      "wallet/bind-to-x": () => {
        wallet = unlockedWallet;
        return { address: unlockedWallet.activeAddress as string };
      },
      "distributions/eligibility": () => allMet,
      "claims/submit": () => ({ outcome: "delivered", outboxId: "o-1", response: { claim: claim() } }),
      "claims/get": () => ({ claim: claim() }),
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const shadow = await cardShadow();
    const click = async (testId: string, text?: string) => {
      await eventually(() => expect(shadow.querySelector(`[data-testid="${testId}"]`)).not.toBeNull());
      const scope = shadow.querySelector(`[data-testid="${testId}"]`) as HTMLElement;
      const button = text ? [...scope.querySelectorAll("button")].find((b) => b.textContent?.includes(text)) : scope;
      await act(async () => {
        (button as HTMLElement).click();
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
    };

    await click("memefans-connect-x");
    expect(worker.callsOf("x/connect")).toHaveLength(1);
    await click("memefans-connect-wallet", "MEMEFANS wallet");
    expect(worker.callsOf("wallet/choose")).toEqual([{ choice: "builtin" }]);
    expect(worker.callsOf("wallet/bind-to-x")).toHaveLength(1);
    await eventually(() => expect(shadow.querySelectorAll('[data-met="true"]')).toHaveLength(3));
    await click("memefans-claim");
    expect(worker.callsOf("claims/submit")).toEqual([{ distribution: A, wallet: unlockedWallet.activeAddress }]);
    await eventually(() =>
      expect(shadow.querySelector('[data-testid="memefans-claim-status"]')?.getAttribute("data-status")).toBe("queued"),
    );
    claimStatus = "confirmed";
    await eventually(
      () => expect(shadow.querySelector('[data-testid="memefans-claim-status"]')?.getAttribute("data-status")).toBe("confirmed"),
      5000,
    );
    const explorer = shadow.querySelector<HTMLAnchorElement>('a[href^="https://explorer.solana.com/tx/"]');
    expect(explorer?.href).toContain(encodeURIComponent("http://127.0.0.1:8787/rpc"));
  });

  it("keeps a wallet the backend has not bound to the fan's X account on step 2", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const worker = serve(onTimeline, {
      ...fanSession,
      "wallet/status": () => unboundWallet,
      "distributions/eligibility": () => allMet,
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const shadow = await cardShadow();
    await eventually(() => expect(shadow.querySelector('[data-testid="memefans-connect-wallet"]')).not.toBeNull());
    expect(shadow.querySelector('[data-testid="memefans-claim"]')).toBeNull();
  });

  it("pairs the live checks with the requirements whatever order the backend lists them in", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const worker = serve(onTimeline, {
      ...fanSession,
      "wallet/status": () => unlockedWallet,
      "distributions/eligibility": () => ({
        eligible: false,
        checks: [
          { requirement: { type: "reply", mustContain: "gm" }, met: false, detail: "no reply containing “gm” yet" },
          { requirement: { type: "follow" }, met: true, detail: "follows @creator" },
          { requirement: { type: "like" }, met: true, detail: "liked the post" },
        ],
      }),
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const shadow = await cardShadow();
    await eventually(() => expect(shadow.querySelectorAll('[data-met="true"]')).toHaveLength(2));
    const items = [...shadow.querySelectorAll("[data-testid=memefans-checklist] li")].map((item) => [
      item.getAttribute("data-met"),
      item.textContent,
    ]);
    // Screen readers hear "done" or "not done yet" for ✓ and ✗; only the unmet one offers X's button.
    expect(items).toEqual([
      ["true", "✓done: Follow the creator"],
      ["true", "✓done: Like the post"],
      ["false", "✗not done yet: Reply to the post with “gm”Reply"],
    ]);
    expect(shadow.querySelector('[data-testid="memefans-claim"]')?.hasAttribute("disabled")).toBe(true);
  });

  it("names the requirements the fan has not met when the backend refuses", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const worker = serve(onTimeline, {
      ...readyFan,
      "claims/submit": () => ({
        outcome: "refused",
        outboxId: "o-2",
        error: {
          code: "requirements_not_met",
          message: "Some requirements are not met.",
          details: {
            checks: [
              { requirement: { type: "like" }, met: false },
              { requirement: { type: "follow" }, met: true },
            ],
          },
        },
      }),
    });
    const shadow = await claimOnce(worker);
    await eventually(() =>
      expect(shadow.querySelector('[data-testid="memefans-error"]')?.textContent).toBe(
        "Some requirements are not met. Missing: Like the post.",
      ),
    );
  });

  it("shows the card under a card-only giveaway post whose link card names amount and ticker, not the address", async () => {
    document.body.innerHTML = inCell(withCardLink(fixtureHtml("cardOnly"), "memefans.app", "1.5 $BONK for each fan"));
    const worker = serve([distributionFixture(C, "1843978367558885854")]);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    await eventually(() => expect(widgetsOf("claim-widget")).toHaveLength(1));
    await eventually(() => expect(shadowText(widgetsOf("claim-widget")[0] as HTMLElement)).toContain("1.5 $BONK per claim"));
    expect(worker.callsOf("distributions/lookup")).toEqual([{ postIds: ["1843978367558885854"] }]);
    expect(worker.callsOf("distributions/get")).toEqual([]);
  });

  it("names the token as the chain does, shows its logo from the service worker, and warns of its risks", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const logo = "data:image/png;base64,iVBORw0KGgo=";
    const asked: string[] = [];
    const withIdentity = distributionFixture(A, "1841842569182929401", {
      token: {
        ...chainToken(A, 6),
        mint: "EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm",
        name: "dogwifhat",
        symbol: "WIF",
        logoUrl: "http://127.0.0.1:8787/tokens/EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm/logo",
        freezeAuthority: CREATOR,
      },
      mint: "EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm",
      amountPerClaim: 10_000_000n,
    });
    const worker = serve([withIdentity], {
      "tokens/logo": ({ mint }) => {
        asked.push(mint);
        return { dataUrl: logo };
      },
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const shadow = () => widgetsOf("claim-widget")[0]?.shadowRoot as ShadowRoot;
    await eventually(() => expect(shadow()?.textContent).toContain("10 $WIF per claim"));
    await eventually(() => expect(shadow().querySelector("img")?.getAttribute("src")).toBe(logo));
    expect(shadow().querySelector("img")?.getAttribute("alt")).toBe("dogwifhat ($WIF)");
    expect(asked).toEqual(["EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm"]);
    expect(shadow().querySelector('[data-testid="memefans-token-risk"]')?.textContent).toContain(
      "Its issuer can freeze any account of this token",
    );
  });

  it("names a token without metadata by its address and asks for no logo", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const asked: string[] = [];
    const worker = serve([distributionFixture(A, "1841842569182929401", { token: chainToken(BONK_MINT, 5) })], {
      "tokens/logo": ({ mint }) => {
        asked.push(mint);
        return { dataUrl: null };
      },
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const shadow = () => widgetsOf("claim-widget")[0]?.shadowRoot as ShadowRoot;
    await eventually(() => expect(shadow()?.textContent).toContain("1.5 DezX…B263 per claim"));
    expect(shadow().querySelector('[role="img"]')?.getAttribute("aria-label")).toBe("Unknown token (DezX…B263)");
    expect(shadow().querySelector("img")).toBeNull();
    expect(asked).toEqual([]);
  });

  it("tells the fan a giveaway pays only token-account holders, why a claim waits, and why one was not paid", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    let state: { status: "queued" | "failed"; waitingFor?: "paused"; failureReason?: string } = {
      status: "queued",
      waitingFor: "paused",
    };
    const claim = () => fanClaim(state);
    const worker = serve([distributionFixture(A, "1841842569182929401", { tokenAccountsCovered: 0 })], {
      ...readyFan,
      "claims/submit": () => ({ outcome: "delivered", outboxId: "o-4", response: { claim: claim() } }),
      "claims/get": () => ({ claim: claim() }),
    });
    const shadow = await claimOnce(worker, (before) =>
      expect(before.querySelector('[data-testid="memefans-holders-only"]')?.textContent).toContain(
        "a wallet without a $BONK account opens its own first",
      ),
    );
    await eventually(() =>
      expect(shadow.querySelector('[data-testid="memefans-claim-status"]')?.textContent).toContain("the creator paused"),
    );
    state = { status: "failed", failureReason: "slot_taken" };
    await eventually(
      () =>
        expect(shadow.querySelector('[data-testid="memefans-failure-reason"]')?.textContent).toBe(
          "Someone else's transaction took this claim's slot before our payout landed, so you were not paid.",
        ),
      5000,
    );
  });

  it("claims a failed claim again with the fan's wallet and follows it, same id, to paid; a refusal shows under it", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    let state: Pick<Claim, "status"> & Partial<Claim> = { status: "queued" };
    let refusal: string | undefined;
    const worker = serve(onTimeline, {
      ...readyFan,
      "claims/submit": () => {
        if (refusal) {
          return { outcome: "refused", outboxId: "o-6", error: { code: "ended", message: refusal } };
        }
        if (state.status === "failed") state = { status: "queued" };
        return { outcome: "delivered", outboxId: "o-5", response: { claim: fanClaim(state) } };
      },
      "claims/get": () => ({ claim: fanClaim(state) }),
    });
    const shadow = await claimOnce(worker);
    const status = () => shadow.querySelector('[data-testid="memefans-claim-status"]')?.getAttribute("data-status");
    const again = () => shadow.querySelector<HTMLButtonElement>('[data-testid="memefans-claim-again"]');
    await eventually(() => expect(status()).toBe("queued"));
    state = { status: "failed", failureReason: "token_account_frozen", retryable: true };
    await eventually(() => expect(again()?.disabled).toBe(false), 5000);

    // A refusal of the new attempt shows in the card's words, under the claim it was for.
    refusal = "this giveaway has ended";
    await act(async () => again()?.click());
    await eventually(() =>
      expect(shadow.querySelector('[data-testid="memefans-error"]')?.textContent).toBe("This giveaway has ended.Retry"),
    );
    expect(status()).toBe("failed");

    refusal = undefined;
    await act(async () => again()?.click());
    await eventually(() => expect(status()).toBe("queued"));
    expect(again()).toBeNull();
    expect(shadow.querySelector('[data-testid="memefans-error"]')).toBeNull();
    expect(worker.callsOf("claims/submit")).toEqual(
      Array.from({ length: 3 }, () => ({ distribution: A, wallet: unlockedWallet.activeAddress })),
    );
    state = { status: "confirmed", signature: "5".repeat(88) };
    await eventually(() => expect(status()).toBe("confirmed"), 5000);
  });

  it("opens the fan's token account when the budget opens no more, then claims; and for a claim failed for want of one, claims again", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    let state: Pick<Claim, "status"> & Partial<Claim> = { status: "queued" };
    let hasAccount = false;
    const worker = serve(onTimeline, {
      ...readyFan,
      "claims/submit": () =>
        hasAccount
          ? { outcome: "delivered", outboxId: "o-8", response: { claim: fanClaim(state) } }
          : {
              outcome: "refused",
              outboxId: "o-8",
              error: { code: "needs_token_account", message: "this wallet has no token account for this giveaway's token" },
            },
      "claims/open-token-account": () => {
        hasAccount = true;
        return { account: "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", signature: "5".repeat(88) };
      },
      "claims/get": () => ({ claim: fanClaim(state) }),
    });
    const shadow = await claimOnce(worker);
    const open = () => shadow.querySelector<HTMLButtonElement>('[data-testid="memefans-open-token-account"]');
    const status = () => shadow.querySelector('[data-testid="memefans-claim-status"]')?.getAttribute("data-status");
    // The refusal is an offer, not an error with a Retry that could not help.
    await eventually(() => expect(open()?.textContent).toBe("Open my token account and claim"));
    expect(shadow.querySelector('[data-testid="memefans-error"]')).toBeNull();
    expect(shadow.querySelector('[data-testid="memefans-claim"]')).toBeNull();
    expect(shadow.querySelector('[data-testid="memefans-needs-token-account"]')?.textContent).toContain(
      "about 0.002 SOL of rent",
    );

    await act(async () => open()?.click());
    await eventually(() => expect(status()).toBe("queued"));
    const fan = { distribution: A, wallet: unlockedWallet.activeAddress };
    expect(worker.callsOf("claims/open-token-account")).toEqual([fan]);
    expect(worker.callsOf("claims/submit")).toEqual([fan, fan]);

    // The payout found no account after all (closed meanwhile): the claim failed, and the card opens one again.
    hasAccount = false;
    state = { status: "failed", failureReason: "needs_token_account", retryable: true };
    await eventually(() => expect(open()?.textContent).toBe("Open my token account and claim again"), 5000);
    expect(shadow.querySelector('[data-testid="memefans-claim-again"]')).toBeNull();
    state = { status: "queued" };
    await act(async () => open()?.click());
    await eventually(() => expect(status()).toBe("queued"));
    expect(worker.callsOf("claims/open-token-account")).toHaveLength(2);
    expect(worker.callsOf("claims/submit")).toHaveLength(3);
  });

  it("offers the opening once, under the claim, when claiming again is refused for want of a token account", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    let state: Pick<Claim, "status"> & Partial<Claim> = { status: "queued" };
    let refuse = false;
    const worker = serve(onTimeline, {
      ...readyFan,
      "claims/submit": () =>
        refuse
          ? {
              outcome: "refused",
              outboxId: "o-10",
              error: { code: "needs_token_account", message: "this wallet has no token account for this giveaway's token" },
            }
          : { outcome: "delivered", outboxId: "o-10", response: { claim: fanClaim(state) } },
      "claims/get": () => ({ claim: fanClaim(state) }),
    });
    const shadow = await claimOnce(worker);
    const again = () => shadow.querySelector<HTMLButtonElement>('[data-testid="memefans-claim-again"]');
    state = { status: "failed", failureReason: "token_account_frozen", retryable: true };
    await eventually(() => expect(again()?.disabled).toBe(false), 5000);
    // The fan chose a wallet without an account, and claims again with it.
    refuse = true;
    await act(async () => again()?.click());
    await eventually(() => expect(shadow.querySelectorAll('[data-testid="memefans-open-token-account"]')).toHaveLength(1));
    expect(shadow.querySelector('[data-testid="memefans-open-token-account"]')?.textContent).toBe(
      "Open my token account and claim again",
    );
    expect(again()).toBeNull();
    expect(shadow.querySelector('[data-testid="memefans-error"]')).toBeNull();
  });

  it("opens the unlock window when the fan claims again with the MEMEFANS wallet locked, and claims once it is unlocked", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    let state: Pick<Claim, "status"> & Partial<Claim> = { status: "queued" };
    let wallet: WalletStatus = unlockedWallet;
    const worker = serve(onTimeline, {
      ...readyFan,
      "wallet/status": () => wallet,
      "wallet/open-unlock": () => ({ opened: true }),
      "claims/submit": () => {
        if (state.status === "failed") state = { status: "queued" };
        return { outcome: "delivered", outboxId: "o-9", response: { claim: fanClaim(state) } };
      },
      "claims/get": () => ({ claim: fanClaim(state) }),
    });
    const shadow = await claimOnce(worker);
    const again = () => shadow.querySelector<HTMLButtonElement>('[data-testid="memefans-claim-again"]');
    const status = () => shadow.querySelector('[data-testid="memefans-claim-status"]')?.getAttribute("data-status");
    state = { status: "failed", failureReason: "token_account_frozen", retryable: true };
    await eventually(() => expect(again()?.disabled).toBe(false), 5000);

    // The wallet locked itself meanwhile: it holds no active address until unlocked.
    wallet = { ...unlockedWallet, builtin: { ...unlockedWallet.builtin, state: "locked" }, activeAddress: undefined };
    await act(async () => again()?.click());
    await eventually(() =>
      expect(shadow.querySelector('[data-testid="memefans-error"]')?.textContent).toContain(
        "Unlock your MEMEFANS wallet in the window that opened, then press again.",
      ),
    );
    expect(worker.callsOf("wallet/open-unlock")).toHaveLength(1);
    expect(worker.callsOf("claims/submit")).toHaveLength(1);

    wallet = unlockedWallet;
    await act(async () => again()?.click());
    await eventually(() => expect(status()).toBe("queued"));
    expect(worker.callsOf("claims/submit")).toHaveLength(2);
  });

  it("follows the fan's earlier claim when the backend answers already claimed", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const earlier = fanClaim({ status: "confirmed", signature: "5".repeat(88) });
    const worker = serve(onTimeline, {
      ...readyFan,
      "claims/submit": () => ({
        outcome: "refused",
        outboxId: "o-7",
        error: { code: "already_claimed", message: "You already claimed this giveaway.", details: { claim: earlier } },
      }),
      "claims/get": () => ({ claim: earlier }),
    });
    const shadow = await claimOnce(worker);
    await eventually(() =>
      expect(shadow.querySelector('[data-testid="memefans-claim-status"]')?.getAttribute("data-status")).toBe("confirmed"),
    );
    expect(shadow.querySelector('[data-testid="memefans-error"]')).toBeNull();
  });

  it("says so when the claim was queued offline", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const worker = serve(onTimeline, {
      ...fanSession,
      "wallet/status": () => unlockedWallet,
      "distributions/eligibility": () => ({ eligible: true, checks: [] }),
      "claims/submit": () => ({ outcome: "queued", outboxId: "o-3", reason: "network_error" }),
    });
    const shadow = await claimOnce(worker);
    await eventually(() => expect(shadow.querySelector('[data-testid="memefans-claim-status"]')?.textContent).toContain("saved"));
  });
});

describe("the card in the timeline", () => {
  const signedInFan = { xUser: { id: "2002", username: "fan", name: "Fan" } };

  it("moves its slots-left count when the backend pushes one, through one stream for every card of the tab", async () => {
    document.body.innerHTML = timeline();
    let started: ReturnType<typeof startOverlay> | undefined;
    await act(async () => {
      started = startOverlay([timelineWatch, claimWidget], serve(onTimeline));
      stopOverlay = started.stop;
    });
    const widget = (await cardShadow()).host as HTMLElement;
    await eventually(() => expect(shadowText(widget)).toContain("88 of 100 left"));
    const live = started?.liveCounts;
    await eventually(() => expect(live?.followed.at(-1)).toEqual([B, A, C].sort()));
    expect(live?.connections()).toBe(1);
    await act(async () => {
      live?.push({ address: A, claimedCount: 13, remaining: 87, maxClaims: 100, paused: false, closed: false });
    });
    expect(shadowText(widget as HTMLElement)).toContain("87 of 100 left");
    expect(widget?.shadowRoot?.querySelector('[data-testid="memefans-progress"]')?.getAttribute("aria-live")).toBe("polite");
  });

  it("offers X's intent for each unmet requirement and checks again, past the backend's memory, when the fan comes back", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    let liked = false;
    const worker = serve([distributionFixture(A, "1841842569182929401", { creatorUsername: "memecreator" })], {
      "x/session": () => signedInFan,
      "wallet/status": () => unlockedWallet,
      "distributions/eligibility": () => ({
        eligible: false,
        checks: [
          { requirement: { type: "follow" }, met: false, detail: "you do not follow the creator yet" },
          { requirement: { type: "like" }, met: liked, detail: "" },
          { requirement: { type: "reply", mustContain: "gm" }, met: false, detail: "" },
        ],
      }),
    });
    const opened: string[] = [];
    const realOpen = window.open;
    // The intent window X would show; the card only cuts its opener.
    window.open = ((url?: string | URL) => {
      opened.push(String(url));
      return { opener: window } as unknown as Window;
    }) as typeof window.open;
    try {
      await act(async () => {
        stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
      });
      const shadow = await cardShadow();
      await eventually(() => expect(shadow.querySelectorAll('[data-met="false"]')).toHaveLength(3));
      const actions = [...shadow.querySelectorAll<HTMLAnchorElement>('[data-testid="memefans-action"]')];
      expect(actions.map((action) => [action.textContent, action.getAttribute("href")])).toEqual([
        ["Follow @memecreator", "https://x.com/intent/follow?screen_name=memecreator"],
        ["Like", "https://x.com/intent/like?tweet_id=1841842569182929401"],
        ["Reply", "https://x.com/intent/post?in_reply_to=1841842569182929401&text=gm"],
      ]);
      // The checklist names the creator; X's intent notes are not repeated beside an action.
      expect(shadow.textContent).toContain("Follow @memecreator");
      expect(shadow.textContent).not.toContain("you do not follow the creator yet");
      await act(async () => {
        actions[1]?.click();
      });
      expect(opened).toEqual(["https://x.com/intent/like?tweet_id=1841842569182929401"]);
      liked = true;
      await act(async () => {
        window.dispatchEvent(new Event("focus"));
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
      await eventually(() => expect(shadow.querySelectorAll('[data-met="true"]')).toHaveLength(1));
      expect(worker.callsOf("distributions/eligibility")).toContainEqual({ address: A, recheck: true });
      expect(shadow.querySelectorAll('[data-testid="memefans-action"]')).toHaveLength(2);
    } finally {
      window.open = realOpen;
    }
  });

  it("shows the creator their own giveaway's numbers and the dashboard, not a fan's checklist", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(A)));
    const worker = serve(onTimeline, {
      "x/session": () => ({ xUser: { id: "1001", username: "jarvis_best", name: "Jarvis" } }),
      "wallet/status": () => unlockedWallet,
      "dashboard/open": () => ({ opened: true }),
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const shadow = await cardShadow();
    await eventually(() => expect(shadow.querySelector('[data-testid="memefans-creator-view"]')).not.toBeNull());
    expect(shadow.textContent).toContain("88 of 100 left");
    expect(shadow.querySelector('[data-testid="memefans-checklist"]')).toBeNull();
    expect(shadow.querySelector('[data-testid="memefans-claim"]')).toBeNull();
    expect(worker.callsOf("distributions/eligibility")).toEqual([]);
    await act(async () => {
      [...shadow.querySelectorAll("button")].find((button) => button.textContent === "Open dashboard")?.click();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    // The card opens this giveaway's own dashboard, options.html#/d/<address>.
    expect(worker.callsOf("dashboard/open")).toEqual([{ address: A }]);
  });

  it("shows nothing under a post linking an address while MEMEFANS is unreachable, and the card once it answers", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(B)));
    let reachable = false;
    const registered = [distributionFixture(B, "1841842569182929401")];
    const unreachable = () => {
      throw Object.assign(new Error("the backend at http://127.0.0.1:8787 is unreachable (Failed to fetch)"), {
        code: "network_error",
      });
    };
    const worker = serve(registered, {
      "distributions/lookup": (query) => (reachable ? lookupOf(registered)(query) : unreachable()),
      "distributions/get": () => unreachable(),
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    // Any post may link any public key: without the backend's word, nothing of ours goes under it.
    await eventually(() => expect(worker.callsOf("distributions/get")).toEqual([{ address: B }]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(widgetsOf("claim-widget")).toHaveLength(0);

    // The post shows up again (X recycled its cell and brought it back): its failed lookup is asked again.
    reachable = true;
    const post = document.querySelector<HTMLElement>(postSelectors.post) as HTMLElement;
    const showing = (html: string) => {
      const template = document.createElement("template");
      template.innerHTML = html;
      post.replaceChildren(...(template.content.querySelector(postSelectors.post) as HTMLElement).childNodes);
    };
    await act(async () => {
      showing(fixtureHtml("image"));
      await new Promise((resolve) => setTimeout(resolve, 0));
      showing(withTextLink(fixtureHtml("basic"), link(B)));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await eventually(() =>
      expect(shadowText(widgetsOf("claim-widget", post)[0] as HTMLElement)).toContain("1.5 $BONK per claim"),
    );
  });

  it("shows no MEMEFANS box at all under someone else's reply linking an address no giveaway has", async () => {
    // jarvis_best's post links a public key the backend knows no giveaway at.
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link(C)));
    const worker = serve([]);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    await eventually(() => expect(worker.callsOf("distributions/get")).toEqual([{ address: C }]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(widgetsOf("claim-widget")).toHaveLength(0);
  });

  it("shows, of the giveaways registered for one post, the live one over an older sold-out one", async () => {
    // The backend answers a bucket's newest first: the sold-out giveaway, registered first, comes last.
    const soldOut = distributionFixture(A, IMAGE_POST_ID, { claimedCount: 100, remaining: 0 });
    const live = distributionFixture(B, IMAGE_POST_ID);
    document.body.innerHTML = inCell(fixtureHtml("image"));
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], serve([live, soldOut])).stop;
    });
    const shadow = await cardShadow();
    await eventually(() => expect(shadow.textContent).toContain("88 of 100 left"));
    expect(shadow.textContent).not.toContain("Sold out");
    expect(widgetsOf("claim-widget")).toHaveLength(1);
  });

  it("shows the card under the giveaway post and under the creator's own reply linking it, not under another's", async () => {
    // thechosenberg's post links A; A belongs to thechosenberg's other post, so both show it.
    document.body.innerHTML = `${inCell(fixtureHtml("basic"))}${inCell(withTextLink(fixtureHtml("image"), link(A)))}`;
    const worker = serve([distributionFixture(A, "1841842569182929401", { creatorUsername: "TheChosenBerg" })]);
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, claimWidget], worker).stop;
    });
    const [giveawayPost, reply] = [...document.querySelectorAll<HTMLElement>(postSelectors.post)] as [HTMLElement, HTMLElement];
    for (const post of [giveawayPost, reply]) {
      await eventually(() => expect(shadowText(widgetsOf("claim-widget", post)[0] as HTMLElement)).toContain("per claim"));
    }
    expect(shadowText(widgetsOf("claim-widget", giveawayPost)[0] as HTMLElement)).toContain("@TheChosenBerg's giveaway");
  });
});
