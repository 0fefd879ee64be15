import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect as baseExpect, test } from "@playwright/test";
import { PublicKey } from "@solana/web3.js";
import { openTokenAccount, setTokenAccountFrozen } from "../../backend/claims/testing/chain-fixtures.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { injectedWallet } from "./story/injected-wallet.ts";
import { startWebGiveaway, type WebGiveaway } from "./web/giveaway-backend.ts";

/** The machine is shared and loaded: every wait allows for a slow page, none asserts speed. */
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * A fan's payout fails for a reason they can mend: their token account for the giveaway's token is
 * frozen (the mint's freeze authority, here the creator, froze it), so the batcher fails the claim
 * before any batch carries it. The claim page says so in words, the account is thawed, and "Claim
 * again" pays the same claim. Screenshots land in test-results/claim-page/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/claim-page", import.meta.url));
const PAYOUT_TIMEOUT_MS = 60_000;

let giveaway: WebGiveaway;

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  test.setTimeout(120_000);
  giveaway = await startWebGiveaway([], 2, { freezable: true });
});
test.afterAll(() => giveaway?.close());

test("claim-again: a payout refused by a frozen token account is claimed again from the page once the account is thawed", async () => {
  test.setTimeout(150_000);
  const username = SEED.users.superfan.username;
  const wallet = injectedWallet("Phantom");
  const context = await giveaway.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await wallet.install(context);
    const page = await context.newPage();
    const claimKeys: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/claims") {
        claimKeys.push(request.headers()["idempotency-key"] ?? "");
      }
    });
    await page.goto(giveaway.pageUrl);
    await page.getByTestId("sign-in-x").click();
    await page.locator(`button[data-username="${username}"]`).click();
    await expect(page.getByTestId("signed-in")).toContainText(`@${username}`);
    const { connection } = giveaway.backend.context;
    const fanWallet = new PublicKey(wallet.address);
    await openTokenAccount(connection, giveaway.distribution.mint, fanWallet);
    await setTokenAccountFrozen(connection, giveaway.distribution, fanWallet, true);
    await page.getByRole("button", { name: "Connect Phantom" }).click();
    await page.getByTestId("bind-wallet").click();
    await expect(page.getByTestId("bind-wallet")).toHaveCount(0);

    await page.getByTestId("claim").click();
    const status = page.getByTestId("claim-status");
    await expect(status).toHaveAttribute("data-status", "failed", { timeout: PAYOUT_TIMEOUT_MS });
    await expect(status).toContainText("Your token account for this token is frozen");
    const again = page.getByTestId("claim-again");
    await expect(again).toBeEnabled();
    await page.screenshot({ path: join(screenshotDir, "05-claim-again-offered.png"), fullPage: true });
    expect(await giveaway.balance(wallet.address)).toBe(0n);

    await setTokenAccountFrozen(connection, giveaway.distribution, fanWallet, false);
    await again.click();
    await expect(status).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
    await expect(page.getByTestId("claim-again")).toHaveCount(0);
    expect(await giveaway.balance(wallet.address)).toBe(giveaway.distribution.amountPerClaim);
    // Two attempts, each under its own key: the second is a new attempt, not a replay of the first.
    expect(claimKeys).toHaveLength(2);
    expect(new Set(claimKeys).size).toBe(2);
  } finally {
    await context.close();
  }
});
