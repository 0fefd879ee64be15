import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, type Page } from "@playwright/test";
import { createAssociatedTokenAccountInstruction, getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID } from "@solana/spl-token";
import { Connection, Keypair } from "@solana/web3.js";
import { fund, openTokenAccountRequiringMemos, sendAndAwait } from "../../backend/claims/testing/chain-fixtures.ts";
import { backendClient } from "../../backend/http/testing/test-backend.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import type { ClaimRules } from "../../shared/api/distributions.ts";
import { minimumFeeBudget, proposedFeeBudget } from "../../shared/fee-budget.ts";
import { createDistributionInstruction, findDistributionAddress } from "../../shared/program/index.ts";
import { type RequirementInput, requirementsHash, requirementsSchema } from "../../shared/requirements.ts";
import { generateRecoveryPhrase, keypairFromRecoveryPhrase } from "../background/vault/recovery-phrase.ts";
import { type DemoBackend, startDemoBackend } from "../demo/demo-backend.ts";
import { formatSol } from "../messaging/format.ts";
import { test } from "./extension-context.ts";
import { sendFromPage } from "./extension-pages.ts";
import { fundCreator, readDistribution, STORY_TOKEN_DECIMALS } from "./story/chain.ts";
import { approveSignature, authorizeXAs, closePerson, openPerson, type Person, WALLET_PASSWORD } from "./story/person.ts";
import { startTokenMetadataServer } from "./story/token-metadata-server.ts";

/**
 * The creator's dashboard against the real pieces: the backend on embedded defaults (PGlite, the
 * LiteSVM chain, the X emulator, the batcher), the built extension, claims made over HTTP by the
 * emulator's accounts and paid on chain. Screenshots land in test-results/dashboard/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/dashboard", import.meta.url));
const TOKEN = 10n ** BigInt(STORY_TOKEN_DECIMALS);
const NO_VELOCITY_LIMIT: ClaimRules = { oncePerCreator: false, maxClaimsPerMinute: null };
const { users, posts } = SEED;

let backend: DemoBackend | undefined;
let creator: Person | undefined;
test.afterAll(async () => {
  await closePerson(creator);
  await backend?.close();
});

test("a creator runs a giveaway from the dashboard: facts from the chain, who claimed, what failed, pause and resume, CSV, live", async () => {
  test.setTimeout(420_000);
  mkdirSync(screenshotDir, { recursive: true });
  const shot = (page: Page, name: string) => page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
  backend = await startDemoBackend({ logLevel: "error" });
  const running = backend;
  const store = running.emulator?.store;
  if (!store) throw new Error("the dashboard test needs the backend's X API emulator");
  const connection = new Connection(`${running.url}/rpc`, "confirmed");
  const api = backendClient(running.url);
  const coinMetadata = await startTokenMetadataServer({ name: "Moo Deng", symbol: "MOODENG" });

  // The creator's built-in wallet is restored from words this test knows, so the test can create
  // giveaways on chain as that wallet (the create dialog has its own tests) and the dashboard's
  // pause and resume are signed by it.
  const phrase = generateRecoveryPhrase();
  const creatorKey = Keypair.fromSecretKey((await keypairFromRecoveryPhrase(phrase)).secretKey);
  creator = await openPerson({ backendUrl: running.url, store, username: users.creator.username, builtinWallet: false });
  const restored = await sendFromPage(creator.popup, "wallet/restore", { phrase, password: WALLET_PASSWORD });
  expect(restored).toMatchObject({ ok: true, data: { address: creatorKey.publicKey.toBase58() } });
  await creator.popup.reload();
  const { popup } = creator;
  await authorizeXAs(creator.context, users.creator.username, () => popup.getByRole("button", { name: "Connect X" }).click());
  await expect(creator.popup.getByText(`@${users.creator.username}`)).toBeVisible();
  const creatorSession = (await api.signIn(users.creator.username)).sessionToken;
  const mint = await fundCreator(connection, creatorKey.publicKey.toBase58(), 100_000n * TOKEN, coinMetadata.uri);
  await fund(connection, creatorKey.publicKey, 20);

  /** A giveaway created on chain by the creator's wallet and registered by the creator's X account. */
  const giveaway = async (options: {
    postId: string;
    maxClaims: number;
    requirements: RequirementInput[];
    coverTokenAccounts: boolean;
    hours: number;
  }): Promise<string> => {
    const distributionId = BigInt(Math.floor(Math.random() * 1e9));
    const now = running.chain?.unixTimestamp() ?? Math.floor(Date.now() / 1000);
    const feePerClaimLamports = running.context.config.FEE_PER_CLAIM_LAMPORTS;
    const terms = { feePerClaimLamports, maxClaims: options.maxClaims };
    await sendAndAwait(
      connection,
      [creatorKey],
      createDistributionInstruction({
        creator: creatorKey.publicKey,
        mint,
        tokenProgram: TOKEN_2022_PROGRAM_ID,
        verifier: running.verifier.publicKey,
        distributionId,
        amountPerClaim: 25n * TOKEN,
        maxClaims: options.maxClaims,
        startTs: now - 60,
        endTs: now + options.hours * 3600,
        feePerClaimLamports,
        feeBudgetLamports: options.coverTokenAccounts ? proposedFeeBudget(terms, true, "token-2022") : minimumFeeBudget(terms),
        requirementsHash: requirementsHash(requirementsSchema.parse(options.requirements)) as Uint8Array<ArrayBuffer>,
        postId: BigInt(options.postId),
      }),
    );
    const address = findDistributionAddress(creatorKey.publicKey, distributionId).address.toBase58();
    const registered = await api.request("POST", "/distributions", {
      token: creatorSession,
      body: { address, postId: options.postId, requirements: options.requirements, claimRules: NO_VELOCITY_LIMIT },
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
    return address;
  };

  /**
   * `username` signs in to X, binds a fresh wallet and claims. `tokenAccount`: "open" opens the wallet's
   * account for the coin first, "requires-memo" also turns on the memos it requires of incoming transfers.
   */
  const claimAs = async (username: string, address: string, tokenAccount: "open" | "none" | "requires-memo" = "open") => {
    const { sessionToken } = await api.signIn(username);
    const wallet = Keypair.generate();
    expect((await api.bindWallet(sessionToken, wallet)).status).toBe(200);
    if (tokenAccount === "open") {
      const account = getAssociatedTokenAddressSync(mint, wallet.publicKey, false, TOKEN_2022_PROGRAM_ID);
      await sendAndAwait(
        connection,
        [creatorKey],
        createAssociatedTokenAccountInstruction(creatorKey.publicKey, account, wallet.publicKey, mint, TOKEN_2022_PROGRAM_ID),
      );
    }
    if (tokenAccount === "requires-memo") await openTokenAccountRequiringMemos(connection, creatorKey, mint, wallet);
    return api.request("POST", "/claims", {
      token: sessionToken,
      headers: { "Idempotency-Key": `dashboard-${address}-${username}` },
      body: { distribution: address, wallet: wallet.publicKey.toBase58() },
    });
  };

  await test.step("a giveaway with a few claims: paid, failed on a token account that requires memos, refused as a bot", async () => {
    // The fee budget also opens fans' token accounts, so a claim is taken without reading the fan's
    // account; the batcher reads it before it pays, and fails quietfan's, which requires memos.
    const few = await giveaway({
      postId: posts.oldPost,
      maxClaims: 5,
      requirements: [{ type: "account_age", minDays: 30 }],
      coverTokenAccounts: true,
      hours: 2,
    });
    expect((await claimAs(users.superfan.username, few)).status).toBe(202);
    expect((await claimAs(users.casualFan.username, few)).status).toBe(202);
    expect((await claimAs(users.quietFan.username, few, "requires-memo")).status).toBe(202);
    // The newcomer's account is a day old.
    expect((await claimAs(users.newcomer.username, few)).status).toBe(403);

    const page = await creator?.context.newPage();
    if (!page) throw new Error("no creator");
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`chrome-extension://${creator?.launched.extensionId}/options.html#/d/${few}`);
    const dashboard = page.getByTestId("giveaway-dashboard");
    await expect(dashboard.getByRole("link", { name: "25 $MOODENG × 5" })).toHaveAttribute(
      "href",
      `https://x.com/${users.creator.username}/status/${posts.oldPost}`,
    );
    const rows = dashboard.getByTestId("claimant-row");
    await expect(rows).toHaveCount(3, { timeout: 60_000 });
    await expect(rows.filter({ hasText: "@superfan" })).toContainText("Paid", { timeout: 60_000 });
    await expect(rows.filter({ hasText: "@casualfan" })).toContainText("Paid");
    await expect(rows.filter({ hasText: "@quietfan" })).toContainText("Failed: fan's token account requires memos");
    await expect(rows.filter({ hasText: "@superfan" }).getByRole("link", { name: "explorer ↗" })).toHaveAttribute(
      "href",
      /^https:\/\/explorer\.solana\.com\/tx\/[1-9A-HJ-NP-Za-km-z]+\?cluster=custom/,
    );
    await expect(dashboard.getByTestId("creator-failed-claims")).toHaveText(
      "Failed: 1 claim (fan's token account requires memos: 1)",
    );
    await expect(dashboard.getByTestId("bot-refusals")).toHaveText("Refused as likely bots: 1 account (account too new: 1)");
    await expect(dashboard.getByTestId("fact-slots-left")).toContainText("2");
    await expect(dashboard.getByTestId("fact-tokens-left")).toContainText("50 $MOODENG");
    // What the chain holds now: two payouts' fees are spent, and no account was opened.
    const account = await readDistribution(connection, few);
    if (!account) throw new Error("the giveaway is not on chain");
    const terms = { feePerClaimLamports: account.feePerClaimLamports, maxClaims: 5 };
    expect(account.feeBudgetLamports).toBe(proposedFeeBudget(terms, true, "token-2022") - 2n * account.feePerClaimLamports);
    await expect(dashboard.getByTestId("fact-fee-budget")).toContainText(formatSol(account.feeBudgetLamports), {
      timeout: 30_000,
    });
    await expect(dashboard.getByTestId("claims-chart").locator("circle")).not.toHaveCount(0);
    await shot(page, "dashboard-few-claims");

    // CSV of every claimant, a file the creator's spreadsheet reads.
    const download = page.waitForEvent("download");
    await dashboard.getByRole("button", { name: "Export CSV" }).click();
    const csv = readFileSync((await (await download).path()) ?? "", "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("slot,x_handle,x_profile,wallet,status,failure_reason,claimed_at,updated_at,amount,transaction");
    expect(
      lines
        .slice(1)
        .map((line) => line.split(",").slice(1, 2)[0])
        .sort(),
    ).toEqual(["casualfan", "quietfan", "superfan"]);
    expect(lines.find((line) => line.includes("quietfan"))).toContain(",failed,token_account_requires_memo,");

    // Pause from the dashboard: the built-in wallet signs after the approval window, the chain says paused.
    const shown = await approveSignature(page.context(), () => dashboard.getByRole("button", { name: "Pause" }).click());
    expect(shown).toContain("pause");
    await expect.poll(async () => (await readDistribution(connection, few))?.paused, { timeout: 30_000 }).toBe(true);
    await expect(dashboard.getByTestId("giveaway-phase")).toHaveText("Paused", { timeout: 30_000 });
    // Paused, the backend takes no new claim.
    const refused = await claimAs("crowd1", few);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("paused");
    await shot(page, "dashboard-paused");
    await approveSignature(page.context(), () => dashboard.getByRole("button", { name: "Resume" }).click());
    await expect.poll(async () => (await readDistribution(connection, few))?.paused, { timeout: 30_000 }).toBe(false);
    await expect(dashboard.getByTestId("giveaway-phase")).toHaveText("Live", { timeout: 30_000 });
    // Live: a claim made while the page is open shows up without a reload, and turns paid.
    expect((await claimAs("crowd2", few)).status).toBe(202);
    await expect(rows.filter({ hasText: "@crowd2" })).toContainText("Paid", { timeout: 60_000 });
    await expect(rows).toHaveCount(4);
    await page.close();
  });

  await test.step("a giveaway with many claims pages its claimants", async () => {
    const many = await giveaway({
      postId: posts.giveaway,
      maxClaims: 500,
      requirements: [],
      coverTokenAccounts: true,
      hours: 24,
    });
    const crowd = Array.from({ length: 90 }, (_, index) => `crowd${index + 11}`);
    for (const username of crowd) expect((await claimAs(username, many, "none")).status).toBe(202);
    const page = await creator?.context.newPage();
    if (!page) throw new Error("no creator");
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`chrome-extension://${creator?.launched.extensionId}/options.html#/d/${many}`);
    const dashboard = page.getByTestId("giveaway-dashboard");
    await expect(dashboard.getByRole("tab", { name: /^Paid/ })).toHaveText("Paid 90", { timeout: 120_000 });
    await expect(dashboard.getByTestId("fact-claimed")).toContainText("90 of 500");
    const rows = dashboard.getByTestId("claimant-row");
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText("@crowd100");
    await dashboard.getByRole("button", { name: "Show 40 more" }).click();
    await expect(rows).toHaveCount(90);
    await expect(rows.last()).toContainText("@crowd11");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${screenshotDir}/dashboard-many-claims.png` });

    // The list of every giveaway, each opening its dashboard.
    await page.goto(`chrome-extension://${creator?.launched.extensionId}/options.html`);
    await expect(page.getByTestId("creator-distribution")).toHaveCount(2);
    await page.getByTestId("creator-distribution").first().getByRole("link", { name: "Open dashboard →" }).click();
    await expect(page).toHaveURL(new RegExp(`#/d/${many}$`));
    await expect(page.getByTestId("fact-claimed")).toContainText("90 of 500");
    await page.goto(`chrome-extension://${creator?.launched.extensionId}/options.html`);
    await expect(page.getByTestId("creator-distribution")).toHaveCount(2);
    await shot(page, "dashboard-list");
    await page.close();
  });
  await coinMetadata.close();
});

test("the popup's main view opens the dashboard", async ({ extension }) => {
  const popup = await extension.context.newPage();
  await popup.goto(`chrome-extension://${extension.extensionId}/popup.html`);
  const opened = extension.context.waitForEvent("page", (page) => page.url().endsWith("/options.html"));
  await popup.getByTestId("open-dashboard").click();
  const options = await opened;
  await expect(options.getByRole("heading", { name: "Your giveaways" })).toBeVisible();
  await options.getByText("Advanced").click();
  await expect(options.getByTestId("diagnostics")).toBeVisible();
});
