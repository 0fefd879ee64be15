import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect as baseExpect, type Page, test } from "@playwright/test";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { claimResponseSchema } from "../../shared/api/claims.ts";
import { meResponseSchema } from "../../shared/api/identity.ts";
import { shortAddress } from "../../shared/tokens/token-label.ts";
import { injectedWallet } from "./story/injected-wallet.ts";
import { startWebGiveaway, type WebGiveaway } from "./web/giveaway-backend.ts";

/** The machine is shared and loaded: every wait allows for a slow page, none asserts speed. */
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * The fan switches accounts inside the wallet (Phantom's account menu) while the claim page is open: the
 * wallet says so with the wallet standard's "change" event. The page must show the wallet's account at
 * once, link the new account with its own signature before claiming to it, leave a claim already made
 * where it is, and go back to the connect step (still signed in with X) when the wallet has no account
 * left for it. Screenshots land in test-results/claim-page/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/claim-page", import.meta.url));
const PAYOUT_TIMEOUT_MS = 60_000;
const DESKTOP = { viewport: { width: 1280, height: 900 } };

let giveaway: WebGiveaway;

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  test.setTimeout(120_000);
  giveaway = await startWebGiveaway([{ type: "follow" }], 2);
});
test.afterAll(() => giveaway?.close());

/** Sign in with X on the page: the page → the X emulator's consent page → back to the page, signed in. */
async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(giveaway.pageUrl);
  await page.getByTestId("sign-in-x").click();
  await page.locator(`button[data-username="${username}"]`).click();
  await expect(page.getByTestId("signed-in")).toContainText(`@${username}`);
}

/** A call to the backend with the page's own session, answered as parsed by `schema`. */
async function asThePage<T>(page: Page, path: string, parse: (body: unknown) => T): Promise<T> {
  const body = await page.evaluate(async (url) => {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${localStorage.getItem("memefans.session")}` } });
    return response.json();
  }, path);
  return parse(body);
}

/** Another wallet registers after the page started, as slow extensions do; it cannot sign, so it is not listed. */
function registerLateWallet(page: Page): Promise<void> {
  return page.evaluate(() => {
    const wallet = {
      version: "1.0.0",
      name: "Late Wallet",
      icon: "data:image/svg+xml;base64,",
      chains: [],
      accounts: [],
      features: {},
    };
    window.dispatchEvent(
      new CustomEvent("wallet-standard:register-wallet", {
        detail: (api: { register(...wallets: unknown[]): unknown }) => api.register(wallet),
      }),
    );
  });
}

test("account-switch: switched before claiming, the page shows and links the new account and the claim pays it; switched after, the claim stays", async () => {
  test.setTimeout(120_000);
  const username = SEED.users.superfan.username;
  const wallet = injectedWallet("Phantom", { accounts: 3 });
  const [first, second, third] = wallet.addresses as [string, string, string];
  const context = await giveaway.browser.newContext(DESKTOP);
  try {
    await wallet.install(context);
    const page = await context.newPage();
    const claimedFor: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/claims")
        claimedFor.push((JSON.parse(request.postData() ?? "{}") as { wallet: string }).wallet);
    });
    await signIn(page, username);

    // Connected and linked with the first account: ready to claim to it.
    await page.getByRole("button", { name: "Connect Phantom" }).click();
    const connected = page.getByTestId("wallet-connected");
    await expect(connected).toContainText(shortAddress(first));
    await page.getByTestId("bind-wallet").click();
    await expect(page.getByTestId("bind-wallet")).toHaveCount(0);
    await expect(page.locator("#checklist .met")).toHaveCount(1);
    await expect(page.getByTestId("claim")).toBeEnabled();

    // A wallet registering late does not give Phantom a second adapter listening to its changes.
    await registerLateWallet(page);
    expect(await wallet.changeListeners(page)).toBe(1);

    // Before claiming, the fan picks another account in Phantom: the page shows it, and the first
    // account's link and checklist do not carry over to it.
    await wallet.switchAccount(page, second);
    // Read at once, not awaited: the wallet's event itself redraws the page (the next poll of the slots
    // left would too, seconds later, with the old account still on screen until then).
    expect(await connected.textContent()).toContain(shortAddress(second));
    await expect(connected).toHaveAttribute("data-address", second);
    await expect(page.getByTestId("bind-wallet")).toContainText(`Sign to link this wallet to @${username}`);
    await expect(page.getByTestId("claim")).toBeDisabled();
    await expect(page.locator("#checklist .met")).toHaveCount(0);
    await page.screenshot({ path: join(screenshotDir, "05-account-switched-before-claiming.png"), fullPage: true });

    // Linking signs with the new account, for the new account.
    await page.getByTestId("bind-wallet").click();
    await expect(page.getByTestId("bind-wallet")).toHaveCount(0);
    const bindMessage = (await wallet.signedMessages(page)).at(-1);
    expect(bindMessage).toContain(`Bind this wallet to @${username} on MEMEFANS`);
    expect(bindMessage).toContain(second);
    const me = await asThePage(page, "/me", (body) => meResponseSchema.parse(body));
    expect(me.wallets).toEqual(expect.arrayContaining([first, second]));
    await expect(page.locator("#checklist .met")).toHaveCount(1);

    // The claim goes to the account the page shows, and the chain pays that one only.
    const answer = page.waitForResponse(
      (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/claims",
    );
    await page.getByTestId("claim").click();
    const made = claimResponseSchema.parse(await (await answer).json()).claim;
    expect(made.wallet).toBe(second);
    await expect(page.getByTestId("claim-status")).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
    await expect(page.getByTestId("claim-wallet")).toHaveAttribute("data-wallet", second);
    expect(claimedFor).toEqual([second]);
    expect(await giveaway.balance(second)).toBe(giveaway.distribution.amountPerClaim);
    expect(await giveaway.balance(first)).toBe(0n);

    // After the claim, another switch: the page shows the wallet's account and says the claim stays
    // with the one it was made for; nothing is linked or claimed again.
    await wallet.switchAccount(page, third);
    expect(await connected.textContent()).toContain(shortAddress(third));
    await expect(page.getByTestId("claim-wallet")).toHaveAttribute("data-wallet", second);
    await expect(page.getByTestId("claim-wallet")).toContainText(`For wallet ${shortAddress(second)}`);
    await expect(page.getByTestId("claim-wallet")).toContainText(`now shows ${shortAddress(third)}`);
    await expect(page.getByTestId("claim-status")).toHaveAttribute("data-status", "confirmed");
    await expect(page.getByTestId("bind-wallet")).toHaveCount(0);
    await expect(page.getByTestId("claim")).toHaveCount(0);
    const kept = await asThePage(page, `/claims/${made.id}`, (body) => claimResponseSchema.parse(body).claim);
    expect(kept).toMatchObject({ wallet: second, status: "confirmed" });
    await page.screenshot({ path: join(screenshotDir, "06-account-switched-after-claiming.png"), fullPage: true });
    expect(claimedFor).toEqual([second]);
    expect(await giveaway.balance(third)).toBe(0n);
    expect(await giveaway.balance(second)).toBe(giveaway.distribution.amountPerClaim);
  } finally {
    await context.close();
  }
});

test("account-switch: the wallet drops the page's account: back to the connect step, still signed in; reconnecting takes the wallet's account now", async () => {
  test.setTimeout(120_000);
  const username = SEED.users.casualFan.username;
  const wallet = injectedWallet("Phantom", { accounts: 2 });
  const [first, second] = wallet.addresses as [string, string];
  const context = await giveaway.browser.newContext(DESKTOP);
  try {
    await wallet.install(context);
    const page = await context.newPage();
    await signIn(page, username);
    await page.getByRole("button", { name: "Connect Phantom" }).click();
    await expect(page.getByTestId("wallet-connected")).toContainText(shortAddress(first));
    await page.getByTestId("bind-wallet").click();
    await expect(page.getByTestId("bind-wallet")).toHaveCount(0);
    await expect(page.getByTestId("claim")).toBeEnabled();

    // The fan disconnects the site in Phantom: the wallet has no account for the page any more.
    await wallet.switchAccount(page, null);
    expect(await page.getByRole("button", { name: "Connect Phantom" }).count()).toBe(1);
    await expect(page.getByTestId("wallet-connected")).toHaveCount(0);
    await expect(page.getByTestId("signed-in")).toContainText(`@${username}`);
    await expect(page.getByTestId("claim")).toBeDisabled();
    await expect(page.locator("#checklist .met")).toHaveCount(0);

    // Phantom now shows its other account: connecting again takes that one, which must be linked first.
    await wallet.switchAccount(page, second);
    await page.getByRole("button", { name: "Connect Phantom" }).click();
    await expect(page.getByTestId("wallet-connected")).toHaveAttribute("data-address", second);
    await expect(page.getByTestId("bind-wallet")).toBeVisible();
    await expect(page.getByTestId("claim")).toBeDisabled();
    expect(await wallet.changeListeners(page)).toBe(1);
  } finally {
    await context.close();
  }
});
