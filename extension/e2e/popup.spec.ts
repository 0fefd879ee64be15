import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";
import { Keypair, PublicKey, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { type RunningChainServer, startChainServer } from "../../backend/chain/chain-server.ts";
import { defaultChainPrograms } from "../../backend/chain/default-programs.ts";
import { createDistributionInstruction } from "../../shared/program/create-distribution.ts";
import { expect, test } from "./extension-context.ts";
import { approvalWindowOpened, openExtensionPage, sendFromPage, signInAsFan } from "./extension-pages.ts";
import { createWalletWithBackup } from "./wallet-steps.ts";

/** The approval window closes itself as the button is pressed, so the click may outlive its page. */
async function pressAndWaitForClose(window: Page, button: "Approve" | "Reject"): Promise<void> {
  const closed = window.waitForEvent("close");
  await window
    .getByRole("button", { name: button })
    .click()
    .catch((error: unknown) => {
      if (!window.isClosed()) throw error;
    });
  await closed;
}

const DISTRIBUTION = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";

/**
 * The embedded chain with the program, served as JSON-RPC on a free loopback port (`npm run chain`):
 * all these tests need of a backend. Starting the whole backend here cost each test a PGlite start
 * (10 s and more on a loaded 2-core machine, two tests at once), which is what pushed them past
 * their 60 s under load; the backend itself is tested by vitest and the story.
 */
async function withChain(use: (chain: RunningChainServer) => Promise<void>): Promise<void> {
  const chain = await startChainServer({ programs: defaultChainPrograms() });
  try {
    await use(chain);
  } finally {
    await chain.close();
  }
}

test("the popup creates a wallet, locks and unlocks it, shows balances, claim history and pending items", async ({
  extension,
}) => {
  await withChain(async (chain) => {
    const popup = await openExtensionPage(extension.context, extension.extensionId, "popup.html");

    // First run: create the built-in wallet.
    await expect(popup.getByRole("heading", { name: "Set up your MEMEFANS wallet" })).toBeVisible();
    await createWalletWithBackup(popup, "correct horse battery");
    const address = popup.getByTestId("wallet-address");
    await expect(address).toBeVisible({ timeout: 20_000 });
    const fullAddress = await address.getAttribute("title");
    expect(fullAddress).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);

    // Lock, a wrong password, then the right one.
    await popup.getByRole("button", { name: "Lock" }).click();
    await expect(popup.getByRole("heading", { name: "Wallet locked" })).toBeVisible();
    await popup.getByLabel("Password").fill("not my password");
    await popup.getByRole("button", { name: "Unlock" }).click();
    await expect(popup.getByText(/wrong password/)).toBeVisible({ timeout: 20_000 });
    await popup.getByLabel("Password").fill("correct horse battery");
    await popup.getByRole("button", { name: "Unlock" }).click();
    await expect(popup.getByTestId("wallet-address")).toHaveAttribute("title", fullAddress ?? "");

    // Balances come from the embedded chain over its JSON-RPC.
    chain.chain.airdrop(fullAddress ?? "", 2_500_000_000n);
    expect((await sendFromPage(popup, "settings/update", { rpcUrl: chain.rpcUrl })).ok).toBe(true);
    await popup.reload();
    await expect(popup.getByTestId("sol-balance")).toHaveText("2.5 SOL");

    // A claim made while the backend's HTTP API is unreachable stays in the history and the outbox.
    await signInAsFan(popup);
    expect((await sendFromPage(popup, "settings/update", { backendUrl: "http://127.0.0.1:9" })).ok).toBe(true);
    const claim = await sendFromPage(popup, "claims/submit", { distribution: DISTRIBUTION, wallet: fullAddress });
    expect(claim).toMatchObject({ ok: true, data: { outcome: "queued" } });
    await popup.reload();
    await popup.getByRole("tab", { name: "History" }).click();
    await expect(popup.getByTestId("claim-history").getByText("DezX…B263")).toBeVisible();
    await expect(popup.getByTestId("claim-history").getByText("waiting to send")).toBeVisible();
    await popup.getByRole("tab", { name: "Pending" }).click();
    await expect(popup.getByTestId("outbox-list").getByText(/claim from DezX…B263/)).toBeVisible();
    await expect(
      popup.getByTestId("outbox-list").getByText(/the backend at http:\/\/127\.0\.0\.1:9 is unreachable/),
    ).toBeVisible();
    await popup.getByRole("tab", { name: "History" }).click();
    await expect(popup.getByTestId("claim-history").getByText("waiting to send")).toBeVisible();

    mkdirSync("test-results", { recursive: true });
    await popup.screenshot({ path: "test-results/popup.png" });
    expect(popup.viewportSize()).toEqual({ width: 360, height: 600 });
  });
});

test("a signature request opens the approval window, and only Approve produces a signature", async ({ extension }) => {
  const popup = await openExtensionPage(extension.context, extension.extensionId, "popup.html");
  const created = await sendFromPage(popup, "wallet/create", { password: "correct horse battery" });
  expect(created.ok).toBe(true);
  const address = (created as { data: { address: string } }).data.address;
  const message = `127.0.0.1 wants you to sign in with your Solana account:\n${address}`;

  const windowOpened = approvalWindowOpened(extension.context);
  const rejected = sendFromPage(popup, "wallet/sign-message", { message, purpose: "link this wallet to @fan" });
  const rejectWindow = await windowOpened;
  await expect(rejectWindow.getByTestId("approval-message")).toHaveText(message);
  await expect(rejectWindow.getByText("asks to link this wallet to @fan")).toBeVisible();
  await pressAndWaitForClose(rejectWindow, "Reject");
  expect(await rejected).toMatchObject({ ok: false, error: { code: "rejected" } });

  const approveOpened = approvalWindowOpened(extension.context);
  const approved = sendFromPage(popup, "wallet/sign-message", { message, purpose: "link this wallet to @fan" });
  const approveWindow = await approveOpened;
  await pressAndWaitForClose(approveWindow, "Approve");
  const answer = await approved;
  expect(answer).toMatchObject({ ok: true, data: { address } });
  expect((answer as { data: { signature: string } }).data.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{80,90}$/);
});

test("the approval window decodes create_distribution before anything is signed", async ({ extension }) => {
  await withChain(async (chain) => {
    const popup = await openExtensionPage(extension.context, extension.extensionId, "popup.html");
    expect((await sendFromPage(popup, "settings/update", { rpcUrl: chain.rpcUrl })).ok).toBe(true);
    const created = await sendFromPage(popup, "wallet/create", { password: "correct horse battery" });
    const creator = new PublicKey((created as { data: { address: string } }).data.address);
    const instruction = createDistributionInstruction({
      creator,
      mint: Keypair.generate().publicKey,
      verifier: Keypair.generate().publicKey,
      distributionId: 1n,
      amountPerClaim: 100n,
      maxClaims: 50,
      startTs: 1_900_000_000n,
      endTs: 1_900_086_400n,
      feePerClaimLamports: 5_000n,
      feeBudgetLamports: 50_000_000n,
      requirementsHash: new Uint8Array(32),
      postId: 1849123456789012345n,
    });
    const message = new TransactionMessage({
      payerKey: creator,
      recentBlockhash: creator.toBase58(),
      instructions: [instruction],
    }).compileToLegacyMessage();
    const transaction = Buffer.from(new VersionedTransaction(message).serialize()).toString("base64");

    const windowOpened = approvalWindowOpened(extension.context);
    const request = sendFromPage(popup, "wallet/sign-and-send", { transaction, purpose: "post a giveaway" });
    const approval = await windowOpened;
    await approval.setViewportSize({ width: 420, height: 640 });
    // The mint does not exist on this chain, so the amount is shown exactly, in raw units.
    await expect(approval.getByTestId("approval-instructions")).toContainText("create_distribution: escrow 100 raw units of");
    await expect(approval.getByTestId("approval-instructions")).toContainText("× 50 claims, fee budget 0.05 SOL");
    await expect(approval.getByTestId("approval-fee")).toHaveText("0.000005 SOL");
    // The summary line: all the SOL that leaves (fee, rent, fee budget) and the tokens, and what comes back on close.
    await expect(approval.getByTestId("approval-leaves")).toContainText("rent of new accounts");
    await expect(approval.getByTestId("approval-leaves")).toContainText("fee budget 0.05 SOL");
    await expect(approval.getByTestId("approval-comes-back")).toContainText("when you close the giveaway");
    mkdirSync("test-results", { recursive: true });
    await approval.screenshot({ path: "test-results/approval.png" });
    await pressAndWaitForClose(approval, "Reject");
    expect(await request).toMatchObject({ ok: false, error: { code: "rejected" } });
  });
});

test("the options page shows the creator dashboard, with the diagnostics panel under Advanced", async ({ extension }) => {
  const options = await openExtensionPage(extension.context, extension.extensionId, "options.html");
  await options.setViewportSize({ width: 900, height: 700 });
  await expect(options.getByRole("heading", { name: "Your giveaways" })).toBeVisible();
  // Not signed in to X: the dashboard says so instead of showing an empty list.
  await expect(options.getByText("connect your X account first")).toBeVisible();
  const diagnostics = options.getByTestId("diagnostics").getByText("Every selector matched X's page so far.");
  await expect(diagnostics).toBeHidden();
  await options.getByText("Advanced").click();
  await expect(diagnostics).toBeVisible();
  await options.screenshot({ path: "test-results/options.png" });
});
