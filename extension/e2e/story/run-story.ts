import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { SEED } from "../../../backend/x-emulator/seed.ts";
import { proposedFeeBudget } from "../../../shared/fee-budget.ts";
import type { DemoBackend } from "../../demo/demo-backend.ts";
import { formatSol } from "../../messaging/format.ts";
import { launchWithExtension } from "../extension-context.ts";
import { openExtensionPage, sendFromPage } from "../extension-pages.ts";
import { restoreWallet } from "../wallet-steps.ts";
import { fund, fundCreator, readDistribution, STORY_COIN, STORY_TOKEN_DECIMALS, tokenBalance } from "./chain.ts";
import { injectedWallet } from "./injected-wallet.ts";
import {
  actOnX,
  approveSignature,
  approveWithPageWallet,
  authorizeXAs,
  claimCard,
  closePerson,
  connectFan,
  connectPageWallet,
  openPerson,
  type Person,
} from "./person.ts";
import { startTokenMetadataServer } from "./token-metadata-server.ts";

/**
 * The whole giveaway, end to end, against the real pieces: the backend on embedded defaults (PGlite,
 * the LiteSVM chain with the program, the seeded X API emulator), the built extension in Debian's
 * Chromium, and x.com pages built from the emulator's posts. Each person has their own browser
 * profile. Every step checks the chain through /rpc and leaves a screenshot in `screenshotDir`.
 * The Playwright spec and `npm run demo -- --headless` both run it.
 */

export type StepRunner = <T>(title: string, body: () => Promise<T>) => Promise<T>;

export interface StoryOptions {
  backend: DemoBackend;
  screenshotDir: string;
  step: StepRunner;
}

const TOKEN = 10n ** BigInt(STORY_TOKEN_DECIMALS);
const CREATOR_HOLDING = 1_000n * TOKEN;
const AMOUNT_PER_CLAIM = 10n * TOKEN;
const SLOTS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
const PAYOUT_TIMEOUT_MS = 30_000;
const { users, posts } = SEED;

export async function runStory({ backend, screenshotDir, step }: StoryOptions): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  const connection = new Connection(`${backend.url}/rpc`, "confirmed");
  const store = backend.emulator?.store;
  if (!store) throw new Error("the story needs the backend's X API emulator");
  const open = (username: string, builtinWallet = true, firstRunShots?: (page: Page, step: string) => Promise<unknown>) =>
    openPerson({ backendUrl: backend.url, store, username, builtinWallet, ...(firstRunShots ? { firstRunShots } : {}) });
  const people: Person[] = [];
  const onChain = async () => {
    const account = await readDistribution(connection, distribution);
    if (!account) throw new Error(`the distribution ${distribution} is not on chain`);
    return account;
  };
  let distribution = "";
  let mint = PublicKey.default;
  const coinMetadata = await startTokenMetadataServer(STORY_COIN);

  try {
    const creatorWallet = injectedWallet("Story Wallet", { askBeforeSigning: true });
    const creatorAddress = new PublicKey(creatorWallet.address);
    const creator = await step("1. the creator creates a giveaway on their post with a wallet-standard wallet", async () => {
      // The creator's tokens are in their own wallet (here a wallet-standard wallet in the page), not in MEMEFANS's.
      const creator = await open(users.creator.username, false);
      people.push(creator);
      await creatorWallet.install(creator.context);
      await creator.x.reload();
      mint = await fundCreator(connection, creatorWallet.address, CREATOR_HOLDING, coinMetadata.uri);
      // Registering a giveaway needs the post author's X session.
      await authorizeXAs(creator.context, users.creator.username, () =>
        creator.popup.getByRole("button", { name: "Connect X" }).click(),
      );
      await expect(creator.popup.getByText(`@${users.creator.username}`)).toBeVisible();

      const post = creator.x.locator(`article[data-testid="tweet"]:has(a[href$="/status/${posts.giveaway}"])`);
      await post.locator('[data-testid="memefans-create-open"]').click();
      const dialog = creator.x.locator('memefans-widget[data-memefans-feature="create-dialog"] [role="dialog"]');
      // The dialog lists the wallets on the page; the creator signs with theirs.
      await dialog.getByTestId("memefans-creator-wallet").getByRole("button", { name: creatorWallet.name }).click();
      await expect(dialog.getByTestId("memefans-creator-wallet-current")).toContainText(creatorWallet.name);
      await expect(dialog.getByRole("combobox")).toContainText("1,000");
      await expect(dialog.getByRole("combobox")).toContainText(`$${STORY_COIN.symbol}`);
      const amount = dialog.locator('input[data-field="amount"]');
      // Typing mistakes get their own words.
      await amount.fill("abc");
      await expect(dialog).toContainText('"abc" is not a number');
      await amount.fill("-1");
      await expect(dialog).toContainText("the amount cannot be negative");
      await amount.fill("10");
      // More claims than the wallet can fund: the shortfall shows and signing waits.
      await dialog.locator('input[data-field="maxClaims"]').fill("101");
      await expect(dialog.getByTestId("memefans-shortfall")).toContainText(`10 $${STORY_COIN.symbol}`);
      await expect(dialog.getByTestId("memefans-create-submit")).toBeDisabled();
      await shot(creator.x, "01a-creator-external-wallet-shortfall");
      await dialog.locator('input[data-field="maxClaims"]').fill(String(SLOTS));
      await expect(dialog.getByTestId("memefans-shortfall")).toHaveCount(0);
      await dialog.getByRole("checkbox", { name: "Reply" }).check();
      await expect(dialog.getByRole("checkbox", { name: "Follow you" })).toBeChecked();
      await expect(dialog.getByRole("checkbox", { name: "Like the post" })).toBeChecked();
      // The dialog computes the fee budget from the number of claims: every fee and every fan's token account.
      await expect(dialog.getByTestId("memefans-cover-token-accounts").locator("input")).toBeChecked();
      await expect(dialog.getByTestId("memefans-fee-budget")).toContainText(`it covers all ${SLOTS} payouts`);
      await expect(dialog.getByTestId("memefans-fee-budget")).toContainText(
        "every one of them even when the fan has no token account",
      );
      // Bot defences are on by default; this creator lets small accounts in (fan C has 2 followers).
      await expect(dialog.getByRole("checkbox", { name: "Account old enough" })).toBeChecked();
      await expect(dialog.getByRole("checkbox", { name: "Limit claims per minute" })).toBeChecked();
      await dialog.getByRole("checkbox", { name: "Enough followers" }).uncheck();
      await expect(dialog.getByTestId("memefans-create-cost")).toContainText("30");
      const total = dialog.getByTestId("memefans-create-total");
      await expect(total).toContainText(`You send 30 $${STORY_COIN.symbol} and `);
      const totalText = (await total.textContent()) ?? "";
      await shot(creator.x, "01-creator-external-wallet-create-dialog");
      await dialog.getByTestId("memefans-create-cost").scrollIntoViewIfNeeded();
      await shot(creator.x, "01b-creator-external-wallet-fee-budget-and-cost");

      const approval = await approveWithPageWallet(
        creator.context,
        creator.x,
        creatorWallet,
        () => dialog.getByTestId("memefans-create-submit").click(),
        {
          preview: join(screenshotDir, "02-creator-external-wallet-approval-preview.png"),
          walletScreen: join(screenshotDir, "02b-creator-external-wallet-approves-in-the-wallet.png"),
        },
      );
      expect(approval).toContain("Create a giveaway on post");
      // The approval window says the same total, word for word.
      expect(approval).toContain(totalText);
      await expect(dialog.getByTestId("memefans-create-done")).toBeVisible({ timeout: 20_000 });

      const lookup = await fetch(`${backend.url}/distributions?postIds=${posts.giveaway}`);
      const { distributions } = (await lookup.json()) as { distributions: { address: string; link: string }[] };
      expect(distributions).toHaveLength(1);
      distribution = distributions[0]?.address ?? "";
      const account = await onChain();
      expect(account.creator.toBase58()).toBe(creatorWallet.address);
      expect(account.mint.toBase58()).toBe(mint.toBase58());
      expect(account.verifier.toBase58()).toBe(backend.verifier.publicKey.toBase58());
      expect(account.maxClaims).toBe(SLOTS);
      expect(account.claimedCount).toBe(0);
      expect(account.amountPerClaim).toBe(AMOUNT_PER_CLAIM);
      expect(account.feeBudgetLamports).toBe(
        // Every fee and priority fee cap, and a Token-2022 account's rent for each fan.
        proposedFeeBudget(
          {
            feePerClaimLamports: account.feePerClaimLamports,
            priorityFeeCapLamports: account.priorityFeeCapLamports,
            maxClaims: SLOTS,
          },
          true,
          "token-2022",
        ),
      );
      expect(account.postId).toBe(BigInt(posts.giveaway));
      expect(await tokenBalance(connection, mint, creatorAddress)).toBe(CREATOR_HOLDING - AMOUNT_PER_CLAIM * BigInt(SLOTS));

      // The dialog typed the link into X's reply composer; the creator posts the reply.
      await dialog.getByRole("button", { name: "Close" }).click();
      const editor = creator.x.locator('[data-testid="tweetTextarea_0"]');
      await expect(editor).toContainText(`/d/${distribution}`);
      await creator.x.locator('[data-testid="tweetButton"]').click();
      // The creator sees their own giveaway under the post: its numbers and the dashboard, no checklist,
      // and the post no longer offers to create a giveaway.
      await expect(claimCard(creator.x)).toContainText(`${SLOTS} of ${SLOTS} left`);
      await expect(claimCard(creator.x).getByTestId("memefans-creator-view")).toContainText("Open dashboard");
      // "Open dashboard" opens this giveaway's own dashboard in a tab: options.html#/d/<address>.
      const dashboardTab = creator.context.waitForEvent("page", (page) =>
        page.url().endsWith(`/options.html#/d/${distribution}`),
      );
      await claimCard(creator.x).getByRole("button", { name: "Open dashboard" }).click();
      const dashboard = await dashboardTab;
      await expect(dashboard.getByTestId("fact-claimed")).toContainText(`0 of ${SLOTS}`);
      await dashboard.close();
      await expect(post.locator('[data-testid="memefans-create-open"]')).toHaveCount(0);
      // Both cards keep inside the timeline column, whatever they hold.
      const column = await creator.x.locator("main").boundingBox();
      for (const card of await creator.x.locator('[data-testid="memefans-claim-card"]').all()) {
        const box = await card.boundingBox();
        expect(box && column && box.x + box.width <= column.x + column.width).toBe(true);
      }
      await shot(creator.x, "03-giveaway-live-on-the-timeline");
      return creator;
    });

    const claimAndWait = async (fan: Person) => {
      const card = claimCard(fan.x);
      await card.getByTestId("memefans-claim").click();
      await expect(card.getByTestId("memefans-claim-status")).toHaveAttribute("data-status", "confirmed", {
        timeout: PAYOUT_TIMEOUT_MS,
      });
    };

    await step("2. fan A meets every requirement and claims", async () => {
      // Fan A is new to all of it: the welcome page, a MEMEFANS wallet and its backup come first.
      const fanA = await open(users.superfan.username, true, (page, firstRunStep) =>
        shot(page, firstRunStep === "welcome" ? "00-welcome-first-run" : "01-backup-recovery-phrase"),
      );
      people.push(fanA);
      const card = claimCard(fanA.x);
      await expect(card).toContainText(`${SLOTS} of ${SLOTS} left`);
      await connectFan(fanA);
      await expect(card.locator('[data-testid="memefans-checklist"] li[data-met="true"]')).toHaveCount(4);
      await claimAndWait(fanA);
      expect(await tokenBalance(connection, mint, new PublicKey(fanA.wallet))).toBe(AMOUNT_PER_CLAIM);
      expect((await onChain()).claimedCount).toBe(1);
      // The coin is named and pictured as the chain and its metadata say: a pump.fun-shaped Token-2022 coin.
      await expect(card).toContainText(`10 $${STORY_COIN.symbol} per claim`);
      await expect(card.locator(`img[alt="${STORY_COIN.name} ($${STORY_COIN.symbol})"]`)).toBeVisible();
      await shot(fanA.x, "04-fan-a-claimed-token-2022");
    });

    const fanB = await step("3. fan B misses the reply; the card's Reply button fixes it without a reload", async () => {
      const fanB = await open(users.casualFan.username);
      people.push(fanB);
      await connectFan(fanB);
      const card = claimCard(fanB.x);
      const unmet = card.locator('[data-testid="memefans-checklist"] li[data-met="false"]');
      await expect(unmet).toHaveCount(1);
      await expect(unmet).toContainText("Reply");
      await expect(card.getByTestId("memefans-claim")).toBeDisabled();
      await shot(fanB.x, "05-fan-b-action-buttons-reply-missing");

      // X's reply intent, with the required phrase already typed; the emulator records the reply.
      await actOnX(fanB, card, "Reply", "count me in!");
      await expect(card.locator('[data-testid="memefans-checklist"] li[data-met="true"]')).toHaveCount(4);
      await expect(card.getByTestId("memefans-claim")).toBeEnabled();
      expect(store.postsBy(users.casualFan.id).some((tweet) => tweet.references.some((r) => r.id === posts.giveaway))).toBe(true);
      await shot(fanB.x, "05b-fan-b-action-buttons-reply-done-without-reload");
      return fanB;
    });

    await step("8. fan B goes offline while claiming; the outbox delivers it once back online", async () => {
      const card = claimCard(fanB.x);
      await fanB.context.setOffline(true);
      await card.getByTestId("memefans-claim").click();
      await expect(card.getByTestId("memefans-claim-status")).toContainText("You are offline");
      await shot(fanB.x, "06-fan-b-offline-claim-saved");
      expect((await onChain()).claimedCount).toBe(1);
      await fanB.context.setOffline(false);
      await expect
        .poll(() => tokenBalance(connection, mint, new PublicKey(fanB.wallet)), { timeout: 45_000 })
        .toBe(AMOUNT_PER_CLAIM);
      expect((await onChain()).claimedCount).toBe(2);
      const outbox = await sendFromPage(fanB.popup, "outbox/list", {});
      expect(outbox).toMatchObject({ ok: true, data: { items: [{ status: "delivered" }] } });
    });

    await step(
      "4. fan C likes through the card's Like button and claims with an injected wallet; fan A's card counts it live",
      async () => {
        const wallet = injectedWallet("Phantom");
        const fanC = await open(users.quietFan.username, false);
        people.push(fanC);
        await wallet.install(fanC.context);
        await fanC.x.reload();
        const card = claimCard(fanC.x);
        await authorizeXAs(fanC.context, users.quietFan.username, () => card.getByTestId("memefans-connect-x").click());
        await connectPageWallet(fanC, wallet, join(screenshotDir, "07-0-fan-c-links-the-injected-wallet.png"));
        const liked = card.locator('[data-testid="memefans-checklist"] li').filter({ hasText: "Like the post" });
        await expect(liked).toHaveAttribute("data-met", "false");
        await shot(fanC.x, "07a-fan-c-action-buttons-like-missing");
        expect(store.likersOf(posts.giveaway).some((user) => user.id === users.quietFan.id)).toBe(false);
        await actOnX(fanC, card, "Like");
        // The intent page recorded the like in the X emulator; the card checked again without a reload.
        expect(store.likersOf(posts.giveaway).some((user) => user.id === users.quietFan.id)).toBe(true);
        await expect(liked).toHaveAttribute("data-met", "true");
        await expect(card.getByTestId("memefans-claim")).toBeEnabled();
        const signed = await wallet.signedMessages(fanC.x);
        expect(signed).toHaveLength(1);
        expect(signed[0]).toContain(wallet.address);

        // Fan A's card has been on screen all along: it moves as fan C claims the last slot.
        const fanA = people[1];
        if (!fanA) throw new Error("fan A is missing");
        const countOnA = claimCard(fanA.x).getByTestId("memefans-progress");
        await expect(countOnA).toHaveText(`1 of ${SLOTS} left`);
        await shot(fanA.x, "07b-live-count-before-fan-c-claims");
        await claimAndWait(fanC);
        await expect(countOnA).toHaveText(`All ${SLOTS} claimed`);
        await shot(fanA.x, "07c-live-count-moved-while-on-screen");
        expect(await tokenBalance(connection, mint, new PublicKey(wallet.address))).toBe(AMOUNT_PER_CLAIM);
        await shot(fanC.x, "07-fan-c-claimed-with-an-injected-wallet");
      },
    );

    await step("5. the claims were paid in batches by the verifier; the tokens arrived", async () => {
      const account = await onChain();
      expect(account.claimedCount).toBe(SLOTS);
      expect(account.totalClaimedAmount).toBe(AMOUNT_PER_CLAIM * BigInt(SLOTS));
      const vaultHoldings = await connection.getTokenAccountBalance(account.vault);
      expect(vaultHoldings.value.amount).toBe("0");
      const metrics = await (await fetch(`${backend.url}/metrics`)).text();
      // Every paid claim went out in a batch_claim transaction the backend signed as verifier.
      const batchedClaims = Number(/^memefans_batch_claims_sum(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);
      expect(batchedClaims).toBeGreaterThanOrEqual(SLOTS);
    });

    await step("6. each fan's popup shows their claim history", async () => {
      for (const [index, fan] of people.slice(1).entries()) {
        await fan.popup.reload();
        await fan.popup.getByRole("tab", { name: "History" }).click();
        const history = fan.popup.getByTestId("claim-history");
        await expect(history.getByTitle(distribution)).toBeVisible();
        await expect(history).toContainText("confirmed");
        await shot(fan.popup, `08-popup-history-fan-${"abc"[index]}`);
      }
    });

    await step("6b. fan A sends the claimed tokens to another address from the popup", async () => {
      const fanA = people[1];
      if (!fanA) throw new Error("fan A is missing");
      // The fee and the recipient's token account are paid in SOL, which a fresh fan wallet lacks.
      await fund(connection, new PublicKey(fanA.wallet), 1);
      const recipient = Keypair.generate().publicKey;
      const popup = fanA.popup;
      await popup.reload();
      await expect(popup.getByTestId("token-row")).toContainText("10");
      await popup.getByRole("button", { name: "Send", exact: true }).click();
      await popup.getByLabel("Token", { exact: true }).selectOption(mint.toBase58());
      await popup.getByLabel("Recipient's Solana address").fill(recipient.toBase58());
      await expect(popup.getByTestId("send-fee")).toContainText("Network fee: 0.000005 SOL");
      await expect(popup.getByTestId("send-fee")).toContainText("opening the recipient's");
      await popup.getByRole("button", { name: "Max" }).click();
      await expect(popup.getByLabel(/^Amount/)).toHaveValue("10");
      await shot(popup, "11-popup-send-form");
      const shown = await approveSignature(
        fanA.context,
        () => popup.getByRole("button", { name: "Review and send" }).click(),
        join(screenshotDir, "12-popup-send-approval.png"),
      );
      expect(shown).toContain("transfer 10");
      expect(shown).toContain(recipient.toBase58());
      await expect(popup.getByTestId("send-result")).toBeVisible({ timeout: 30_000 });
      await expect.poll(() => tokenBalance(connection, mint, recipient), { timeout: PAYOUT_TIMEOUT_MS }).toBe(AMOUNT_PER_CLAIM);
      expect(await tokenBalance(connection, mint, new PublicKey(fanA.wallet))).toBe(0n);
      await shot(popup, "13-popup-send-result");
    });

    await step("6c. fan A restores the wallet from the recovery phrase in a fresh profile", async () => {
      const fanA = people[1];
      if (!fanA) throw new Error("fan A is missing");
      const fresh = await launchWithExtension();
      try {
        const popup = await openExtensionPage(fresh.context, fresh.extensionId, "popup.html");
        await sendFromPage(popup, "settings/update", { backendUrl: backend.url });
        await popup.reload();
        expect(await restoreWallet(popup, fanA.recoveryPhrase, "a different password")).toBe(fanA.wallet);
        // The same wallet: the SOL left after the send is there.
        await expect(popup.getByTestId("sol-balance")).not.toHaveText("0 SOL");
        await shot(popup, "14-restore-from-recovery-phrase");
      } finally {
        await fresh.close();
      }
    });

    await step("7. fan D comes after every slot is gone and is told so", async () => {
      const fanD = await open(users.newcomer.username);
      people.push(fanD);
      const card = claimCard(fanD.x);
      await expect(card).toContainText(`All ${SLOTS} claimed`);
      await expect(card.getByTestId("memefans-phase")).toHaveText("Sold out");
      await expect(card.getByTestId("memefans-closed-reason")).toHaveText("Every slot is taken: this giveaway is over.");
      // Nothing to sign in for.
      await expect(card.getByTestId("memefans-connect-x")).toHaveCount(0);
      await shot(fanD.x, "09-fan-d-sold-out");
      const status = await fetch(`${backend.url}/distributions/${distribution}`);
      expect(await status.json()).toMatchObject({ distribution: { claimedCount: SLOTS, remaining: 0 } });
      expect((await onChain()).claimedCount).toBe(SLOTS);
    });

    await step("9. after the end the creator closes it with their wallet and sees what came back", async () => {
      const account = await onChain();
      const endMs = Number(account.endTs) * 1000;
      backend.chain?.warp(endMs - Date.now() + DAY_MS);
      const options = await creator.context.newPage();
      await options.goto(`chrome-extension://${creator.launched.extensionId}/options.html`);
      const row = options.getByTestId("creator-distribution");
      await expect(row).toContainText(`${SLOTS} of ${SLOTS} claimed`);
      // The options page has no wallet of its own: the service worker has the creator's x.com tab sign.
      // Pause and resume first, each through our preview and the wallet's own approval.
      for (const paused of [true, false]) {
        let answer: Promise<unknown> = Promise.resolve();
        const preview = await approveWithPageWallet(creator.context, creator.x, creatorWallet, async () => {
          answer = sendFromPage(options, "distributions/set-paused", { address: distribution, paused });
        });
        expect(preview).toContain(paused ? "pause the giveaway's payouts" : "resume the giveaway's payouts");
        expect(await answer).toMatchObject({ ok: true });
        expect((await onChain()).paused).toBe(paused);
      }
      const before = BigInt(await connection.getBalance(creatorAddress));
      const shown = await approveWithPageWallet(
        creator.context,
        creator.x,
        creatorWallet,
        () => row.getByRole("button", { name: "Close and reclaim" }).click(),
        { preview: join(screenshotDir, "10a-creator-external-wallet-close-preview.png") },
      );
      expect(shown).toContain("close_distribution");
      await expect.poll(() => readDistribution(connection, distribution)).toBeNull();
      const after = BigInt(await connection.getBalance(creatorAddress));
      const unusedFeeBudget = account.feeBudgetLamports - account.feePerClaimLamports * BigInt(SLOTS);
      // Back: the unused fee budget plus the rent of the distribution and vault accounts, less one fee.
      expect(after - before).toBeGreaterThan(unusedFeeBudget);
      // Every slot was claimed, so no token comes back; the SOL figure is the chain's, before the fee.
      const result = row.getByTestId("close-result");
      await expect(result).toContainText(`Returned 0 $${STORY_COIN.symbol} and ${formatSol(after - before + 5000n)}`);
      await expect(result.getByRole("link", { name: "view on the explorer" })).toHaveAttribute(
        "href",
        /^https:\/\/explorer\.solana\.com\/tx\/\w+/,
      );
      expect(await tokenBalance(connection, mint, creatorAddress)).toBe(CREATOR_HOLDING - AMOUNT_PER_CLAIM * BigInt(SLOTS));
      await shot(options, "10-creator-external-wallet-closed-and-reclaimed");
    });
  } finally {
    for (const person of people) await closePerson(person);
    await coinMetadata.close();
  }
}
