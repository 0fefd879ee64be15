import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, type BrowserContextOptions, expect as baseExpect, type Page, test } from "@playwright/test";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { fund, openTokenAccount, setTokenAccountFrozen } from "../../backend/claims/testing/chain-fixtures.ts";
import { backendClient } from "../../backend/http/testing/test-backend.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { TOKEN_ACCOUNT_RENT_LAMPORTS } from "../../shared/fee-budget.ts";
import { type InjectedWallet, injectedWallet } from "./story/injected-wallet.ts";
import { startWebGiveaway, type WebGiveaway } from "./web/giveaway-backend.ts";

/** The machine is shared and loaded: every wait allows for a slow page, none asserts speed. */
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * Fans without the extension claim on the giveaway's page, <PUBLIC_URL>/d/<address>: Sign in with X
 * (the web login through the X emulator's consent page), a wallet-standard wallet injected in the page
 * as Phantom's extension or in-app browser injects itself, the binding signature, the claim, and its
 * status until the chain shows the payment. Screenshots land in test-results/claim-page/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/claim-page", import.meta.url));
const PAYOUT_TIMEOUT_MS = 60_000;

let giveaway: WebGiveaway;

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  test.setTimeout(120_000);
  giveaway = await startWebGiveaway([{ type: "follow" }, { type: "like" }], 3);
});
test.afterAll(() => giveaway?.close());

const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: IPHONE };

/** The whole claim on the page, as `username`, in a fresh browser context (a phone's is Phantom's in-app browser). */
async function claimOnPage(
  username: string,
  device: BrowserContextOptions,
  shot: string,
  slotsLeft: string,
  likesFromThePage = false,
) {
  const options = { username, shot, slotsLeft };
  const wallet = injectedWallet("Phantom");
  const context = await giveaway.browser.newContext({
    ...device,
    ...(device.isMobile ? { userAgent: `${IPHONE} Phantom` } : {}),
  });
  try {
    await wallet.install(context);
    const page = await context.newPage();
    await page.goto(giveaway.pageUrl);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("0.001 Unknown token");
    await expect(page.locator(".creator")).toContainText(`@${SEED.users.creator.username}`);
    await expect(page.locator("#checklist")).toContainText(`Follow @${SEED.users.creator.username}`);
    await expect(page.getByRole("link", { name: "Like" })).toHaveAttribute(
      "href",
      `https://x.com/intent/like?tweet_id=${SEED.posts.giveaway}`,
    );

    // Sign in with X: the page → X's consent page → back to the page, signed in.
    await page.getByTestId("sign-in-x").click();
    await page.locator(`button[data-username="${options.username}"]`).click();
    await expect(page.getByTestId("signed-in")).toContainText(`@${options.username}`);
    expect(page.url()).toBe(giveaway.pageUrl);

    await page.getByRole("button", { name: "Connect Phantom" }).click();
    await expect(page.getByTestId("wallet-connected")).toContainText(wallet.address.slice(0, 4));
    await page.getByTestId("bind-wallet").click();
    await expect(page.getByTestId("bind-wallet")).toHaveCount(0);
    expect((await wallet.signedMessages(page)).at(-1)).toContain(`Bind this wallet to @${options.username} on MEMEFANS`);
    if (likesFromThePage) await likeThroughTheIntent(context, page, username);
    await expect(page.locator("#checklist .met")).toHaveCount(2);

    await page.getByTestId("claim").click();
    const status = page.getByTestId("claim-status");
    await expect(status).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
    await expect(page.getByTestId("explorer-link")).toHaveAttribute("href", /^https:\/\/explorer\.solana\.com\/tx\//);
    expect(await giveaway.balance(wallet.address)).toBe(giveaway.distribution.amountPerClaim);
    // The count of slots left moved with this claim, without a reload.
    await expect(page.locator("#slots")).toHaveText(options.slotsLeft);
    await page.screenshot({ path: join(screenshotDir, `${options.shot}.png`), fullPage: true });
    return page;
  } finally {
    await context.close();
  }
}

/** Runs `story` on a page of `giveaway`'s Chromium at desktop size with Phantom injected, in a context of its own. */
async function onPageWithPhantom(giveaway: WebGiveaway, story: (page: Page, wallet: InjectedWallet) => Promise<void>) {
  const wallet = injectedWallet("Phantom");
  const context = await giveaway.browser.newContext(DESKTOP);
  try {
    await wallet.install(context);
    await story(await context.newPage(), wallet);
  } finally {
    await context.close();
  }
}

/** Signs in with X as `username` (the emulator's consent page), connects the injected Phantom and links its account. */
async function signInAndLink(page: Page, username: string): Promise<void> {
  await page.getByTestId("sign-in-x").click();
  await page.locator(`button[data-username="${username}"]`).click();
  await expect(page.getByTestId("signed-in")).toContainText(`@${username}`);
  await page.getByRole("button", { name: "Connect Phantom" }).click();
  await page.getByTestId("bind-wallet").click();
  await expect(page.getByTestId("bind-wallet")).toHaveCount(0);
}

/**
 * The fan has not liked the post: the checklist shows ✗ with X's like intent. X's intent page (routed
 * here, as x.com is out of reach) records the like in the X emulator; back on the claim page, the
 * checklist asks again with `?recheck=unmet` by itself, without a reload. The backend's clock does not
 * move: its 30 s memory of the unmet like would answer any plain read.
 */
async function likeThroughTheIntent(context: BrowserContext, page: Page, username: string): Promise<void> {
  await expect(page.locator("#checklist .unmet")).toHaveCount(1);
  await context.route("https://x.com/intent/like**", async (route) => {
    const liked = await fetch(`${giveaway.backend.emulator?.url}/__emulator/likes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: username, postId: SEED.posts.giveaway }),
    });
    expect(liked.status).toBe(201);
    await route.fulfill({ contentType: "text/html", body: "<p>You liked the post.</p>" });
  });
  const intent = context.waitForEvent("page");
  await page.getByRole("link", { name: "Like" }).click();
  const tab = await intent;
  await expect(tab.getByText("You liked the post.")).toBeVisible();
  const recheck = page.waitForRequest((request) => new URL(request.url()).searchParams.get("recheck") === "unmet", {
    timeout: 15_000,
  });
  await tab.close();
  // Playwright keeps every page of a context focused and visible, so closing the tab reports nothing
  // to the page; the focus event is what a browser sends the window the fan comes back to.
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  await recheck;
}

test("web-page-claim: a fan without the extension claims on the page at desktop size, paid on chain", async () => {
  test.setTimeout(120_000);
  await claimOnPage(SEED.users.superfan.username, DESKTOP, "01-web-page-claim", "2 of 3 left");
});

test("mobile-claim: the same on a 390 px phone inside the wallet's browser; without a wallet it offers the wallets' browsers", async () => {
  test.setTimeout(120_000);
  const bare = await giveaway.browser.newContext(PHONE);
  const page: Page = await bare.newPage();
  const url = giveaway.pageUrl;
  await page.goto(url);
  await expect(page.getByRole("link", { name: "Open in Phantom" })).toHaveAttribute(
    "href",
    `https://phantom.app/ul/browse/${encodeURIComponent(url)}?ref=${encodeURIComponent(giveaway.backend.url)}`,
  );
  await expect(page.getByRole("link", { name: "Open in Solflare" })).toHaveAttribute(
    "href",
    /^https:\/\/solflare\.com\/ul\/v1\/browse\//,
  );
  // The page fits the phone: nothing scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(screenshotDir, "02-mobile-claim-no-wallet.png"), fullPage: true });
  await bare.close();

  await claimOnPage(SEED.users.casualFan.username, PHONE, "03-mobile-claim", "1 of 3 left");
});

test("session-link: a link carrying someone else's session in its fragment signs the visitor in as nobody", async () => {
  const someoneElse = await backendClient(giveaway.backend.url).signIn(SEED.users.newcomer.username);
  const context = await giveaway.browser.newContext(DESKTOP);
  try {
    const page = await context.newPage();
    await page.goto(`${giveaway.pageUrl}#session=${someoneElse.sessionToken}`);
    await expect(page.getByRole("alert")).toContainText("did not come from signing in in this browser");
    await expect(page.getByTestId("sign-in-x")).toBeVisible();
    await expect(page.getByTestId("signed-in")).toHaveCount(0);
    expect(await page.evaluate(() => localStorage.getItem("memefans.session"))).toBeNull();
  } finally {
    await context.close();
  }
});

test("web-page-claim, a requirement met from the page: X's intent, then the checklist turns ✓ without a reload", async () => {
  test.setTimeout(120_000);
  await claimOnPage(SEED.users.quietFan.username, DESKTOP, "04-web-page-claim-after-like-intent", "All claimed", true);
});

/**
 * A fan's payout fails for a reason they can mend: their token account for the giveaway's token is
 * frozen (the mint's freeze authority, here the creator, froze it), so the batcher fails the claim
 * before any batch carries it. The page says so in words, the account is thawed, and "Claim again"
 * pays the same claim.
 */
test.describe("a failed claim", () => {
  let frozen: WebGiveaway;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    frozen = await startWebGiveaway([], 2, { freezable: true });
  });
  test.afterAll(() => frozen?.close());

  test("claim-again: a payout refused by a frozen token account is claimed again from the page once the account is thawed", async () => {
    test.setTimeout(150_000);
    const username = SEED.users.superfan.username;
    await onPageWithPhantom(frozen, async (page, wallet) => {
      const claimKeys: string[] = [];
      page.on("request", (request) => {
        if (request.method() === "POST" && new URL(request.url()).pathname === "/claims") {
          claimKeys.push(request.headers()["idempotency-key"] ?? "");
        }
      });
      const { connection } = frozen.backend.context;
      const fanWallet = new PublicKey(wallet.address);
      await openTokenAccount(connection, frozen.distribution.mint, fanWallet);
      await setTokenAccountFrozen(connection, frozen.distribution, fanWallet, true);
      await page.goto(frozen.pageUrl);
      await signInAndLink(page, username);

      await page.getByTestId("claim").click();
      const status = page.getByTestId("claim-status");
      await expect(status).toHaveAttribute("data-status", "failed", { timeout: PAYOUT_TIMEOUT_MS });
      await expect(status).toContainText("Your token account for this token is frozen");
      const again = page.getByTestId("claim-again");
      await expect(again).toBeEnabled();
      await page.screenshot({ path: join(screenshotDir, "05-claim-again-offered.png"), fullPage: true });
      expect(await frozen.balance(wallet.address)).toBe(0n);

      await setTokenAccountFrozen(connection, frozen.distribution, fanWallet, false);
      await again.click();
      await expect(status).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
      await expect(page.getByTestId("claim-again")).toHaveCount(0);
      expect(await frozen.balance(wallet.address)).toBe(frozen.distribution.amountPerClaim);
      // Two attempts, each under its own key: the second is a new attempt, not a replay of the first.
      expect(claimKeys).toHaveLength(2);
      expect(new Set(claimKeys).size).toBe(2);
    });
  });
});

/**
 * A giveaway whose fee budget pays every payout's fee and opens no token account: a fan whose wallet
 * never held the token is refused before the claim takes a slot, and the page offers the transaction
 * that opens the account, paid by the fan's wallet. Without SOL for the rent it says so; with it, the
 * wallet signs, the backend sends, and the page claims at once.
 */
test.describe("a wallet without a token account", () => {
  /** FEE_PER_CLAIM_LAMPORTS' default, which the demo backend runs with. */
  const FEE_PER_CLAIM_LAMPORTS = 5_000n;
  const MAX_CLAIMS = 2;
  let feesOnly: WebGiveaway;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    feesOnly = await startWebGiveaway([], MAX_CLAIMS, { feeBudgetLamports: FEE_PER_CLAIM_LAMPORTS * BigInt(MAX_CLAIMS) });
  });
  test.afterAll(() => feesOnly?.close());

  test("open-token-account: the fan opens their token account from the page, paying its rent, and the claim is paid", async () => {
    test.setTimeout(150_000);
    const username = SEED.users.casualFan.username;
    await onPageWithPhantom(feesOnly, async (page, wallet) => {
      await page.goto(feesOnly.pageUrl);
      await expect(page.locator(".rules")).toContainText("The fee budget opens no more token accounts");
      await signInAndLink(page, username);

      await page.getByTestId("claim").click();
      await expect(page.getByTestId("needs-token-account")).toContainText("about 0.002 SOL of rent");
      await page.screenshot({ path: join(screenshotDir, "06-open-token-account-offered.png"), fullPage: true });

      // An empty wallet cannot pay the rent: the page says so, and nothing was opened or claimed.
      const open = page.getByTestId("open-token-account");
      await open.click();
      await expect(page.getByRole("alert")).toContainText("your wallet needs 0.00203928 SOL");
      await expect(page.getByTestId("claim-status")).toHaveCount(0);

      const { connection } = feesOnly.backend.context;
      await fund(connection, new PublicKey(wallet.address), 1);
      await page.getByRole("button", { name: "Retry" }).click();
      const status = page.getByTestId("claim-status");
      await expect(status).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
      expect(await feesOnly.balance(wallet.address)).toBe(feesOnly.distribution.amountPerClaim);
      // The rent left the fan's wallet into their own account: nothing came from the giveaway's budget.
      const ata = getAssociatedTokenAddressSync(feesOnly.distribution.mint, new PublicKey(wallet.address), true);
      expect(await connection.getBalance(ata)).toBe(Number(TOKEN_ACCOUNT_RENT_LAMPORTS));
    });
  });

  test("open-token-account, opened elsewhere meanwhile: the page claims without asking the wallet to sign", async () => {
    test.setTimeout(150_000);
    const username = SEED.users.superfan.username;
    await onPageWithPhantom(feesOnly, async (page, wallet) => {
      await page.goto(feesOnly.pageUrl);
      await signInAndLink(page, username);
      await page.getByTestId("claim").click();
      await expect(page.getByTestId("open-token-account")).toBeVisible();

      // The fan opened the account in another app while the page waited.
      const { connection } = feesOnly.backend.context;
      await openTokenAccount(connection, feesOnly.distribution.mint, new PublicKey(wallet.address));
      const openings = page.waitForRequest((request) => request.url().endsWith("/open-account"));
      await page.getByTestId("open-token-account").click();
      expect((await (await openings).response())?.status()).toBe(409);
      const status = page.getByTestId("claim-status");
      await expect(status).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
      expect(await feesOnly.balance(wallet.address)).toBe(feesOnly.distribution.amountPerClaim);
    });
  });
});
