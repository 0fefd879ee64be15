import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createAssociatedTokenAccountIdempotentInstruction, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, PublicKey } from "@solana/web3.js";
import { fund, sendAndAwait, tokenBalance } from "../../backend/claims/testing/chain-fixtures.ts";
import { registeredTestDistribution } from "../../backend/claims/testing/registered-distribution.ts";
import { backendClient } from "../../backend/http/testing/test-backend.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { type DemoBackend, startDemoBackend } from "../demo/demo-backend.ts";
import { expect as baseExpect, test } from "./extension-context.ts";
import { sendFromPage } from "./extension-pages.ts";
import { claimCard, closePerson, connectFan, openPerson, type Person } from "./story/person.ts";

/** The machine is shared and loaded: every wait allows for a slow page, none asserts speed. */
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * A fan's payout fails for a reason they can mend, and the card lets them claim it again: the
 * giveaway's fee budget covers each payout's fee and nothing more, so it cannot open a token account
 * for a fan who has none. The fan opens one, presses Claim again, and is paid on the same claim.
 * The backend on embedded defaults (PGlite, the LiteSVM chain, the X emulator, the batcher), the
 * built extension in Debian's Chromium. Screenshots land in test-results/claim-again/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/claim-again", import.meta.url));
const SLOTS = 3;
const PAYOUT_TIMEOUT_MS = 60_000;

let backend: DemoBackend | undefined;
let fan: Person | undefined;
test.afterAll(async () => {
  await closePerson(fan);
  await backend?.close();
});

test("a payout that failed for want of a token account is claimed again from the card once the fan opens one", async () => {
  test.setTimeout(240_000);
  mkdirSync(screenshotDir, { recursive: true });
  backend = await startDemoBackend({ logLevel: "error" });
  const running = backend;
  const store = running.emulator?.store;
  if (!store) throw new Error("this test needs the backend's X API emulator");
  const { connection } = running.context;
  await fund(connection, running.feePayer.publicKey, 100);
  // Every payout's fee and nothing more: a fan without a token account for the mint cannot be paid.
  const distribution = await registeredTestDistribution(
    { ...running, ...backendClient(running.url) },
    { requirements: [], maxClaims: SLOTS, feeBudgetLamports: running.context.config.FEE_PER_CLAIM_LAMPORTS * BigInt(SLOTS) },
  );

  fan = await openPerson({ backendUrl: running.url, store, username: SEED.users.superfan.username });
  const { x, popup } = fan;
  const wallet = new PublicKey(fan.wallet);
  const card = claimCard(x);
  await expect(card.getByTestId("memefans-holders-only")).toBeVisible();
  await connectFan(fan);
  await card.getByTestId("memefans-claim").click();
  const status = card.getByTestId("memefans-claim-status");
  await expect(status).toHaveAttribute("data-status", "failed", { timeout: PAYOUT_TIMEOUT_MS });
  await expect(card.getByTestId("memefans-failure-reason")).toContainText("You have no token account for this token");
  await expect(status).toContainText("Once it is open, claim again.");
  const again = card.getByTestId("memefans-claim-again");
  await expect(again).toBeEnabled();
  await x.screenshot({ path: `${screenshotDir}/01-failed-claim-again.png` });

  // The popup's history points back to the post.
  await popup.reload();
  await popup.getByRole("tab", { name: "History" }).click();
  const history = popup.getByTestId("claim-history");
  await expect(history).toContainText("You can claim it again from the post.");
  await expect(history.locator("li")).toHaveCount(1);

  // The fan opens a token account for the mint (here straight on the test chain), then claims again.
  const payer = Keypair.generate();
  await fund(connection, payer.publicKey, 1);
  await sendAndAwait(
    connection,
    [payer],
    createAssociatedTokenAccountIdempotentInstruction(
      payer.publicKey,
      getAssociatedTokenAddressSync(distribution.mint, wallet),
      wallet,
      distribution.mint,
    ),
  );
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
