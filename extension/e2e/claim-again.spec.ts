import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PublicKey } from "@solana/web3.js";
import { openTokenAccount, setTokenAccountFrozen, tokenBalance } from "../../backend/claims/testing/chain-fixtures.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { expect as baseExpect, test } from "./extension-context.ts";
import { sendFromPage } from "./extension-pages.ts";
import { type CardGiveaway, startCardGiveaway } from "./story/card-giveaway.ts";
import { claimCard, connectFan } from "./story/person.ts";

/** The machine is shared and loaded: every wait allows for a slow page, none asserts speed. */
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * A fan's payout fails for a reason they can mend, and the card lets them claim it again: the fan's
 * token account for the giveaway's token is frozen by the mint's freeze authority (the creator here),
 * so the batcher fails the claim before any batch carries it. The account is thawed, the fan presses
 * Claim again, and is paid on the same claim. The backend on embedded defaults (PGlite, the LiteSVM
 * chain, the X emulator, the batcher), the built extension in Debian's Chromium. Screenshots land in
 * test-results/claim-again/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/claim-again", import.meta.url));
const SLOTS = 3;
const PAYOUT_TIMEOUT_MS = 60_000;

let giveaway: CardGiveaway | undefined;
test.afterAll(() => giveaway?.close());

test("a payout refused by a frozen token account is claimed again from the card once the account is thawed", async () => {
  test.setTimeout(240_000);
  mkdirSync(screenshotDir, { recursive: true });
  // The creator keeps the mint's freeze authority, and freezes the fan's token account.
  giveaway = await startCardGiveaway(SEED.users.superfan.username, SLOTS, () => ({ freezable: true }));
  const { backend, distribution, fan } = giveaway;
  const { connection } = backend.context;
  const { x, popup } = fan;
  const wallet = new PublicKey(fan.wallet);
  const card = claimCard(x);
  await openTokenAccount(connection, distribution.mint, wallet);
  await setTokenAccountFrozen(connection, distribution, wallet, true);
  await connectFan(fan);
  await card.getByTestId("memefans-claim").click();
  const status = card.getByTestId("memefans-claim-status");
  await expect(status).toHaveAttribute("data-status", "failed", { timeout: PAYOUT_TIMEOUT_MS });
  await expect(card.getByTestId("memefans-failure-reason")).toContainText("Your token account for this token is frozen");
  await expect(status).toContainText("You can claim again, to this wallet or another one.");
  const again = card.getByTestId("memefans-claim-again");
  await expect(again).toBeEnabled();
  await x.screenshot({ path: `${screenshotDir}/01-failed-claim-again.png` });

  // The popup's history points back to the post.
  await popup.reload();
  await popup.getByRole("tab", { name: "History" }).click();
  const history = popup.getByTestId("claim-history");
  await expect(history).toContainText("You can claim it again from the post.");
  await expect(history.locator("li")).toHaveCount(1);

  // The freeze authority thaws the account, and the fan claims again.
  await setTokenAccountFrozen(connection, distribution, wallet, false);
  await again.click();
  await expect(status).not.toHaveAttribute("data-status", "failed");
  await expect(status).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
  await expect(card.getByTestId("memefans-error")).toHaveCount(0);
  expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
  await x.screenshot({ path: `${screenshotDir}/02-claimed-again-and-paid.png` });

  // Two attempts, each its own outbox item and so its own Idempotency-Key: the second is not a replay.
  expect(await sendFromPage(popup, "outbox/list", {})).toMatchObject({
    ok: true,
    data: { items: [{ status: "delivered" }, { status: "delivered" }] },
  });

  // One claim, one line in the history: paid, with nothing left to claim again.
  await popup.reload();
  await popup.getByRole("tab", { name: "History" }).click();
  await expect(history.locator("li")).toHaveCount(1);
  await expect(history).toContainText("confirmed");
  await expect(history).not.toContainText("You can claim it again");
});
