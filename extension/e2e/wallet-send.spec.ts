import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { createHeldMint, fund, tokenBalance } from "../../backend/claims/testing/chain-fixtures.ts";
import { readConfig } from "../../backend/config.ts";
import { startBackend } from "../../backend/start-backend.ts";
import { expect, launchWithExtension, test } from "./extension-context.ts";
import { openExtensionPage, sendFromPage } from "./extension-pages.ts";
import { approveSignature } from "./story/person.ts";
import { createWalletWithBackup, restoreWallet } from "./wallet-steps.ts";

const screenshots = "test-results/wallet";
const PASSWORD = "correct horse battery";

/**
 * The built-in wallet holding a pump.fun-shaped Token-2022 coin: the popup names it from the chain,
 * sends part of it (the recipient's Token-2022 account opened on the way), then the wallet comes
 * back from its recovery phrase in a fresh profile with what is left.
 */
test("the popup sends a Token-2022 coin, and the recovery phrase restores the wallet elsewhere", async ({ extension }) => {
  test.setTimeout(120_000);
  mkdirSync(screenshots, { recursive: true });
  const dataDirectory = mkdtempSync(join(tmpdir(), "memefans-wallet-send-"));
  // The popup and the test read the chain through the backend's development RPC.
  const backend = await startBackend(
    readConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDirectory, LOG_LEVEL: "silent", DEV_CHAIN_RPC: "1" }),
  );
  try {
    const connection = new Connection(`${backend.url}/rpc`, "confirmed");
    const popup = await openExtensionPage(extension.context, extension.extensionId, "popup.html");
    expect((await sendFromPage(popup, "settings/update", { backendUrl: backend.url })).ok).toBe(true);
    await popup.reload();
    const words = await createWalletWithBackup(popup, PASSWORD);
    const wallet = new PublicKey((await popup.getByTestId("wallet-address").getAttribute("title")) ?? "");

    const issuer = Keypair.generate();
    await fund(connection, issuer.publicKey, 1);
    await fund(connection, wallet, 1);
    const mint = await createHeldMint(connection, {
      authority: issuer,
      owner: wallet,
      amount: 5_000_000n,
      decimals: 6,
      token2022: { name: "Fan Coin", symbol: "FAN", uri: "" },
    });
    await popup.reload();
    const row = popup.getByTestId("token-row");
    await expect(row).toContainText("Fan Coin");
    await expect(row).toContainText("5 FAN");
    await expect(popup.getByTestId("network-badge")).toHaveText("Localnet");

    const recipient = Keypair.generate().publicKey;
    await popup.getByRole("button", { name: "Send", exact: true }).click();
    await popup.getByLabel("Token", { exact: true }).selectOption(mint.toBase58());
    await popup.getByLabel("Recipient's Solana address").fill(recipient.toBase58());
    await expect(popup.getByTestId("send-fee")).toContainText("Network fee: 0.000005 SOL");
    await popup.getByRole("button", { name: "Max" }).click();
    await expect(popup.getByLabel(/^Amount/)).toHaveValue("5");
    await popup.getByLabel(/^Amount/).fill("2.5");
    await popup.screenshot({ path: `${screenshots}/popup-send-form.png` });
    const shown = await approveSignature(extension.context, () => popup.getByRole("button", { name: "Review and send" }).click());
    // Named by the coin's on-chain ticker, beside its short mint address.
    expect(shown).toContain(`transfer 2.5 $FAN (${mint.toBase58().slice(0, 4)}`);
    expect(shown).toContain(recipient.toBase58());
    await expect(popup.getByTestId("send-result")).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => tokenBalance(connection, mint, recipient)).toBe(2_500_000n);
    expect(await tokenBalance(connection, mint, wallet)).toBe(2_500_000n);
    await popup.screenshot({ path: `${screenshots}/popup-send-result.png` });

    const fresh = await launchWithExtension();
    try {
      const restoredPopup = await openExtensionPage(fresh.context, fresh.extensionId, "popup.html");
      await sendFromPage(restoredPopup, "settings/update", { backendUrl: backend.url });
      await restoredPopup.reload();
      expect(await restoreWallet(restoredPopup, words, "a different password")).toBe(wallet.toBase58());
      await expect(restoredPopup.getByTestId("token-row")).toContainText("2.5 FAN");
      await restoredPopup.screenshot({ path: `${screenshots}/restore-from-phrase.png` });
    } finally {
      await fresh.close();
    }
  } finally {
    await backend.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
});
