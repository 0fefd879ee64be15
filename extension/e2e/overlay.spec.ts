import { mkdirSync } from "node:fs";
import type { BrowserContext, Page } from "@playwright/test";
import { distributionListResponseSchema, distributionResponseSchema } from "../../shared/api/distributions.ts";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { distributionFixture } from "../features/testing/worker-double.ts";
import { fixtureHtml, inCell, withCardLink, withTextLink } from "../features/testing/x-fixtures.ts";
import { expect, test } from "./extension-context.ts";

/**
 * The overlay in Debian's Chromium with the built extension (npx wxt build first), on a page served
 * as https://x.com from the real X markup in shared/fixtures/x-html. The backend the service worker
 * talks to is MEMEFANS_BACKEND_URL (the embedded default otherwise); links on the page point there.
 * Until the claim and create flows run against a seeded backend, the distribution reads are answered
 * at that URL from the HTTP contract's own zod schemas (shared/api/distributions.ts).
 */

const backendUrl = (process.env.MEMEFANS_BACKEND_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const backendHost = new URL(backendUrl).hostname;
const A = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const B = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const C = "So11111111111111111111111111111111111111112";
const QUOTED = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const link = (address: string) => `${backendUrl}/d/${address}`;

const backgrounds = { light: "rgb(255, 255, 255)", dim: "rgb(21, 32, 43)", dark: "rgb(0, 0, 0)" } as const;

/** The home timeline's posts: giveaway links in several forms, a promoted post, and a post linking nothing. */
const homeCells = () => [
  inCell(withTextLink(fixtureHtml("basic"), link(A))),
  withTextLink(withTextLink(fixtureHtml("quoteCell2025"), link(QUOTED), "quoted"), link(B)),
  inCell(withTextLink(fixtureHtml("promoted"), link(A))),
  inCell(withCardLink(fixtureHtml("cardOnly"), backendHost, `MEMEFANS giveaway ${C}`)),
  inCell(fixtureHtml("image")),
];

/** A home timeline as x.com lays it out, signed in as @thechosenberg (the image post's author). */
function timelinePage(background: string, cells: string[] = homeCells()): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Home / X</title>
<style>
  /* Rules of the kind X's stylesheet carries; none may reach into the widgets. */
  body { margin: 0; font: 15px/20px serif; color: rgb(255, 0, 0); }
  div, span, button { color: rgb(255, 0, 0) !important; letter-spacing: 3px; }
  main { width: 600px; margin: 0 auto; }
</style></head>
<body style="background-color: ${background};">
<nav><a data-testid="AppTabBar_Profile_Link" href="/thechosenberg">Profile</a><button id="x-button">Post</button></nav>
<main role="main"><div aria-label="Timeline: Your Home Timeline">${cells.join("\n")}</div></main>
</body></html>`;
}

async function serveX(context: BrowserContext, html: () => string): Promise<void> {
  await context.route(/^https:\/\/(x|twitter)\.com\//, (route) =>
    route.request().resourceType() === "document"
      ? route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html() })
      : route.fulfill({ status: 204, body: "" }),
  );
  // X's images and media: nothing leaves the machine.
  await context.route(/^https:\/\/(pbs|video|abs)\.twimg\.com\//, (route) => route.fulfill({ status: 204, body: "" }));
}

const onTimeline = [
  distributionFixture(A, "1841842569182929401"),
  distributionFixture(B, "1983130065320780162", { claimedCount: 100, remaining: 0 }),
  distributionFixture(C, "1843978367558885854", { paused: true }),
];

/**
 * GET /distributions?postIds=…&buckets=… and GET /distributions/:address, checked against the HTTP
 * contract's schemas. Answers the lookups' URLs to `asked`. A `crowded` bucket holds more giveaways
 * than an answer carries: asked by bucket, it gives none of them and is named in `overfullBuckets`.
 */
async function serveDistributionReads(context: BrowserContext, asked: URL[] = [], crowded: string[] = []): Promise<void> {
  const reads = new RegExp(`^${backendUrl.replaceAll(".", "\\.")}/distributions(\\?|/)`);
  await context.route(reads, (route) => {
    const url = new URL(route.request().url());
    const address = url.pathname.split("/")[2];
    if (!address) asked.push(url);
    const postIds = url.searchParams.get("postIds")?.split(",") ?? [];
    const buckets = url.searchParams.get("buckets")?.split(",") ?? [];
    const distribution = onTimeline.find((candidate) => candidate.address === address);
    const roomy = buckets.filter((bucket) => !crowded.includes(bucket));
    const found = onTimeline.filter((d) => postIds.includes(d.postId) || roomy.includes(postIdBucket(d.postId)));
    const overfullBuckets = buckets.filter((bucket) => crowded.includes(bucket));
    const payload = address
      ? { distribution }
      : { distributions: found, ...(overfullBuckets.length > 0 ? { overfullBuckets } : {}) };
    // The fixtures hold amounts as bigints; the wire carries the schema's encoded form (decimal text).
    const wire = (address ? distributionResponseSchema : distributionListResponseSchema).safeEncode(payload as never);
    if (!wire.success) {
      const notFound = { error: { code: "not_found", message: "no such distribution" } };
      return route.fulfill({ status: 404, contentType: "application/json", body: JSON.stringify(notFound) });
    }
    return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(wire.data) });
  });
}

async function openTimeline(
  context: BrowserContext,
  background: string = backgrounds.light,
  html: () => string = () => timelinePage(background),
): Promise<Page> {
  await serveX(context, html);
  const page = await context.newPage();
  await page.goto("https://x.com/home");
  return page;
}

const claimWidgets = 'memefans-widget[data-memefans-feature="claim-widget"]';

test.beforeAll(() => mkdirSync("test-results", { recursive: true }));

test("one claim widget per distribution post, in a shadow root, none on the promoted post", async ({ extension }) => {
  await serveDistributionReads(extension.context);
  const page = await openTimeline(extension.context);
  await expect(page.locator(claimWidgets)).toHaveCount(3);
  const perArticle = await page.$$eval('article[data-testid="tweet"]', (articles) =>
    articles.map((article) => article.querySelectorAll('memefans-widget[data-memefans-feature="claim-widget"]').length),
  );
  expect(perArticle).toEqual([1, 1, 0, 1, 0]);
  const shadows = await page.$$eval(claimWidgets, (hosts) => hosts.map((host) => host.shadowRoot?.mode ?? "none"));
  expect(shadows).toEqual(["open", "open", "open"]);
  // Playwright's CSS locators pierce open shadow roots: the card itself renders inside.
  await expect(page.locator(`${claimWidgets} [data-testid="memefans-claim-card"]`)).toHaveCount(3);
  const cards = page.locator(`${claimWidgets} [data-testid="memefans-claim-card"]`);
  await expect(cards.nth(0)).toContainText("1.5 $BONK per claim");
  await expect(cards.nth(0)).toContainText("88 of 100 left");
  await expect(cards.nth(1)).toContainText("Sold out");
  await expect(cards.nth(2)).toContainText("Paused by the creator");
  await page.locator(claimWidgets).first().screenshot({ path: "test-results/overlay-claim-widget.png" });
});

test("the card shows under the giveaway post itself when its link is nowhere on screen, found by bucket", async ({
  extension,
}) => {
  const asked: URL[] = [];
  await serveDistributionReads(extension.context, asked);
  // A home timeline with the original giveaway post (registered for A) and no reply carrying its link.
  const page = await openTimeline(extension.context, backgrounds.light, () =>
    timelinePage(backgrounds.light, [inCell(fixtureHtml("basic"))]),
  );
  const original = page.locator('article[data-testid="tweet"]').first();
  const card = original.locator(`${claimWidgets} [data-testid="memefans-claim-card"]`);
  await expect(card).toContainText("1.5 $BONK per claim");
  await expect(page.locator(claimWidgets)).toHaveCount(1);
  // The backend heard the post's bucket, never its id.
  expect(asked.map((url) => url.search)).toEqual([`?buckets=${postIdBucket("1841842569182929401")}`]);
  await original.screenshot({ path: "test-results/overlay-card-under-original-post.png" });
});

test("a post whose bucket is crowded even asked alone is asked by its own id, and gets its card", async ({ extension }) => {
  const asked: URL[] = [];
  const giveawayPostId = "1841842569182929401";
  await serveDistributionReads(extension.context, asked, [postIdBucket(giveawayPostId)]);
  const page = await openTimeline(extension.context, backgrounds.light, () =>
    timelinePage(backgrounds.light, [inCell(fixtureHtml("basic"))]),
  );
  const card = page.locator(`article[data-testid="tweet"] ${claimWidgets} [data-testid="memefans-claim-card"]`);
  await expect(card).toContainText("1.5 $BONK per claim");
  // The bucket first, alone; its id only once the backend said the bucket could not answer for it.
  expect(asked.map((url) => url.search)).toEqual([`?buckets=${postIdBucket(giveawayPostId)}`, `?postIds=${giveawayPostId}`]);
});

test("X's CSS stays out of the widget and ours stays out of X's page", async ({ extension }) => {
  await serveDistributionReads(extension.context);
  const page = await openTimeline(extension.context);
  const card = page.locator(`${claimWidgets} [data-testid="memefans-claim-card"]`).first();
  await expect(card).toBeVisible();
  // React may re-mount the card while its data arrives, and a detached element has no computed
  // style: every reading is judged whole, so one taken from a rendered card must show all three.
  await expect
    .poll(() =>
      card.evaluate((element) => {
        const style = getComputedStyle(element);
        return { color: style.color, letterSpacing: style.letterSpacing, font: style.fontFamily };
      }),
    )
    .toEqual({
      color: expect.not.stringMatching(/^(rgb\(255, 0, 0\))?$/),
      letterSpacing: "normal",
      // X's own font, which the host's `all: initial` reset used to replace with the browser's serif.
      font: expect.stringContaining("TwitterChirp"),
    });
  const page_ = await page.evaluate(() => {
    const button = document.getElementById("x-button") as HTMLElement;
    const added = [...document.querySelectorAll("style, link[rel=stylesheet]")].filter(
      (node) => !node.closest("head > style:first-of-type"),
    );
    return {
      buttonBorder: getComputedStyle(button).borderStyle,
      ourStyles: added.map((node) => ({
        properties: node.getAttribute("data-memefans-properties") !== null,
        text: node.textContent ?? "",
      })),
    };
  });
  // Tailwind's preflight would zero the page's button border; it never reaches X's page.
  expect(page_.buttonBorder).not.toBe("none");
  for (const style of page_.ourStyles) {
    expect(style.properties).toBe(true);
    expect(style.text.replace(/@property[^{]+\{[^}]*\}/g, "").trim()).toBe("");
  }
});

test("widgets follow X's light, dim and dark themes", async ({ extension }) => {
  await serveDistributionReads(extension.context);
  const page = await openTimeline(extension.context, backgrounds.light);
  const first = page.locator(claimWidgets).first();
  await expect(first).toHaveAttribute("data-x-theme", "light");
  await expect(first.locator('[data-testid="memefans-claim-card"]')).toContainText("$BONK per claim");
  for (const theme of ["dim", "dark"] as const) {
    await page.evaluate((color) => {
      document.body.style.backgroundColor = color;
    }, backgrounds[theme]);
    await expect(first).toHaveAttribute("data-x-theme", theme);
    // The card sits on the timeline's own background, inside X's border colour, like a post's card.
    const colours = await first.locator('[data-testid="memefans-claim-card"]').evaluate((element) => {
      const style = getComputedStyle(element);
      return { background: style.backgroundColor, border: style.borderTopColor };
    });
    expect(colours).toEqual(
      {
        dim: { background: "rgb(21, 32, 43)", border: "rgb(56, 68, 77)" },
        dark: { background: "rgb(0, 0, 0)", border: "rgb(47, 51, 54)" },
      }[theme],
    );
    await first.screenshot({ path: `test-results/overlay-claim-widget-${theme}.png` });
  }
});

test("a recycled cell and SPA navigation never leave a stale or second widget", async ({ extension }) => {
  // A card mounts once the backend names its giveaway (claim-widget.tsx).
  await serveDistributionReads(extension.context);
  const page = await openTimeline(extension.context);
  await expect(page.locator(claimWidgets)).toHaveCount(3);
  // The virtualized list re-uses the first post's <article> for the plain image post.
  await page.evaluate((html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    const next = template.content.querySelector('article[data-testid="tweet"]') as HTMLElement;
    document.querySelector('article[data-testid="tweet"]')?.replaceChildren(...next.childNodes);
  }, fixtureHtml("image"));
  await expect(page.locator(claimWidgets)).toHaveCount(2);
  // X navigates without a reload: the timeline is swapped for a status page.
  await page.evaluate(
    (html) => {
      history.pushState({}, "", "/jarvis_best/status/1841842569182929401");
      const main = document.querySelector("main") as HTMLElement;
      main.innerHTML = html;
    },
    inCell(withTextLink(fixtureHtml("basic"), link(A))),
  );
  await expect(page.locator(claimWidgets)).toHaveCount(1);
});

test("the create dialog opens from the creator's own post", async ({ extension }) => {
  const page = await openTimeline(extension.context, backgrounds.dim);
  const open = page.locator('memefans-widget[data-memefans-feature="create-distribution"] [data-testid="memefans-create-open"]');
  await expect(open).toHaveCount(1);
  await open.click();
  const dialog = page.locator('memefans-widget[data-memefans-feature="create-dialog"] [role="dialog"]');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Create a giveaway on this post");
  // The transaction builder (web3.js) is a separate file, imported into the content script's world on open.
  await expect(dialog.locator('[data-testid="memefans-create-dialog"]')).toHaveAttribute("data-builder", "ready");
  // Typing goes to our fields, not to X's keyboard shortcuts, and validation speaks per field.
  await dialog.locator('input[data-field="amount"]').fill("0");
  await dialog.locator('[data-testid="memefans-create-submit"]').click();
  await expect(dialog).toContainText("must be a Solana address");
  await page.screenshot({ path: "test-results/overlay-create-dialog.png" });
});

test("a selector that stops matching reaches the service worker's diagnostics", async ({ extension }) => {
  // X renamed the permalink: the posts carry no <time> in a /status/ link any more.
  const withoutPermalinks = () => timelinePage(backgrounds.light).replace(/<time[^>]*>.*?<\/time>/gs, "");
  await serveX(extension.context, withoutPermalinks);
  const page = await extension.context.newPage();
  await page.goto("https://x.com/home");
  const options = await extension.context.newPage();
  await options.goto(`chrome-extension://${extension.extensionId}/options.html`);
  await expect
    .poll(async () => {
      // Asked from our own options page, as its diagnostics panel asks.
      const answer = await options.evaluate(() => {
        const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
        return chrome.runtime.sendMessage({ channel: "memefans", type: "diagnostics/list", payload: {} });
      });
      const entries =
        (answer as { data?: { entries?: { feature: string; selector: string; url: string }[] } }).data?.entries ?? [];
      return entries.map(({ feature, selector, url }) => ({ feature, selector, url }));
    })
    .toContainEqual({
      feature: "post-scanner",
      selector: 'article:is([data-testid="tweet"], [role="article"]:not([data-testid])) a[href*="/status/"] > time',
      url: "https://x.com/home",
    });
});
