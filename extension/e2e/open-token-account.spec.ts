import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { fund, tokenBalance } from "../../backend/claims/testing/chain-fixtures.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { TOKEN_ACCOUNT_RENT_LAMPORTS } from "../../shared/fee-budget.ts";
import { expect as baseExpect, test } from "./extension-context.ts";
import { type CardGiveaway, startCardGiveaway } from "./story/card-giveaway.ts";
import { approveSignature, claimCard, connectFan } from "./story/person.ts";

/** The machine is shared and loaded: every wait allows for a slow page, none asserts speed. */
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * A giveaway whose fee budget pays every payout's fee and opens no token account, and a fan whose
 * wallet never held the token: the claim is refused before it takes a slot, and the card offers to open
 * the account. The built-in wallet signs the opening in the approval window (the fan pays the rent),
 * and the card claims; the payout lands. The backend on embedded defaults (PGlite, the LiteSVM chain,
 * the X emulator, the batcher), the built extension in Debian's Chromium. Screenshots land in
 * test-results/open-token-account/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/open-token-account", import.meta.url));
const SLOTS = 3;
const PAYOUT_TIMEOUT_MS = 60_000;

let giveaway: CardGiveaway | undefined;
test.afterAll(() => giveaway?.close());

test("a fan without a token account opens it from the card, paying its rent, and is paid", async () => {
  test.setTimeout(240_000);
  mkdirSync(screenshotDir, { recursive: true });
  // Every payout's fee and nothing more: the budget opens no fan's token account.
  giveaway = await startCardGiveaway(SEED.users.casualFan.username, SLOTS, (backend) => ({
    feeBudgetLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS * BigInt(SLOTS),
  }));
  const { backend, distribution, fan } = giveaway;
  const { connection } = backend.context;
  const { x, context } = fan;
  const wallet = new PublicKey(fan.wallet);
  await fund(connection, wallet, 1);
  const card = claimCard(x);
  await connectFan(fan);
  await expect(card.getByTestId("memefans-holders-only")).toContainText("opens its own first");
  await card.getByTestId("memefans-claim").click();
  const open = card.getByTestId("memefans-open-token-account");
  await expect(open).toHaveText("Open my token account and claim");
  await expect(card.getByTestId("memefans-error")).toHaveCount(0);
  await expect(card.getByTestId("memefans-claim")).toHaveCount(0);
  await x.screenshot({ path: `${screenshotDir}/01-open-offered.png` });

  // The approval window shows the one instruction and the rent leaving the fan's wallet.
  const shown = await approveSignature(context, () => open.click(), `${screenshotDir}/02-approval.png`);
  expect(shown).toContain("create token account");
  expect(shown).toContain("rent of new accounts 0.00203928 SOL");

  const status = card.getByTestId("memefans-claim-status");
  await expect(status).toHaveAttribute("data-status", "confirmed", { timeout: PAYOUT_TIMEOUT_MS });
  expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
  // The account's rent is the fan's own, held in their account: the giveaway's budget paid none of it.
  const account = getAssociatedTokenAddressSync(distribution.mint, wallet, true);
  expect(await connection.getBalance(account)).toBe(Number(TOKEN_ACCOUNT_RENT_LAMPORTS));
  await x.screenshot({ path: `${screenshotDir}/03-paid.png` });
});
