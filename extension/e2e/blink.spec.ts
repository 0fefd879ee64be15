import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect as baseExpect, test } from "@playwright/test";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { build } from "esbuild";
import { fund } from "../../backend/claims/testing/chain-fixtures.ts";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { TOKEN_ACCOUNT_RENT_LAMPORTS } from "../../shared/fee-budget.ts";
import { injectedWallet } from "./story/injected-wallet.ts";
import { startWebGiveaway, type WebGiveaway } from "./web/giveaway-backend.ts";

/** The machine is shared and loaded: every wait allows for a slow page, none asserts speed. */
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * A fan claims through a blink: Dialect's blinks React SDK (@dialectlabs/blinks) renders the
 * giveaway's Solana Action on another origin than the backend's (so CORS is real), a wallet-standard
 * wallet in that page signs, and the X sign-in opens in a new tab as the external link it is.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/blink", import.meta.url));
const clientEntry = fileURLToPath(new URL("./web/blink-client.tsx", import.meta.url));
const PAYOUT_TIMEOUT_MS = 60_000;

let giveaway: WebGiveaway;
let clientServer: { url: string; close(): Promise<void> };

/**
 * The blink client's own site on another port (another origin than the backend, so CORS is real; a
 * real loopback server, so Chromium's local-network checks see loopback calling loopback).
 */
async function serveBlinkClient(bundle: { js: string; css: string }) {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://client").pathname;
    const [type, body] =
      path === "/client.js"
        ? ["text/javascript", bundle.js]
        : path === "/client.css"
          ? ["text/css", bundle.css]
          : [
              "text/html",
              '<!doctype html><html class="dark"><head><meta charset="utf-8"><link rel="stylesheet" href="/client.css"></head><body><div id="root"></div><script type="module" src="/client.js"></script></body></html>',
            ];
    response.writeHead(200, { "content-type": type });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const built = await build({
    entryPoints: [clientEntry],
    bundle: true,
    format: "esm",
    write: false,
    outdir: "blink-client",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    logLevel: "silent",
  });
  const output = (extension: string) => built.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? "";
  clientServer = await serveBlinkClient({ js: output(".js"), css: output(".css") });
  giveaway = await startWebGiveaway([{ type: "follow" }, { type: "reply" }], 2);
});
test.afterAll(async () => {
  await giveaway?.close();
  await clientServer?.close();
});

test("blink-claim: a fan claims through Dialect's blink client, signing in with X through its external link", async () => {
  test.setTimeout(120_000);
  const wallet = injectedWallet("Phantom");
  const context = await giveaway.browser.newContext({ viewport: { width: 900, height: 1000 } });
  await wallet.install(context);
  const pageUrl = giveaway.pageUrl;
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(`${clientServer.url}/?url=${encodeURIComponent(pageUrl)}`);

  const blink = page.getByTestId("blink");
  await expect(blink).toContainText("0.001 Unknown token", { timeout: 30_000 });
  await expect(blink.locator("img").first()).toHaveAttribute("src", /\/card\.png$/);
  await page.screenshot({ path: join(screenshotDir, "01-blink-claim-unfurled.png"), fullPage: true });

  // First press: no X account behind this wallet yet, so the blink opens the X sign-in in a new tab.
  const signInTab = context.waitForEvent("page");
  await blink.getByRole("button", { name: /Claim/ }).click();
  const tab = await signInTab;
  await tab.locator(`button[data-username="${SEED.users.quietFan.username}"]`).click();
  // The page asks the X account's holder whether the blink's wallet is theirs, showing it whole.
  await expect(tab.getByTestId("blink-link")).toContainText(wallet.address);
  await tab.getByRole("button", { name: "Yes, it's my wallet" }).click();
  await expect(tab.locator(".notice")).toContainText("Go back to the blink");
  await tab.close();

  // Back in the blink: press Claim again, the wallet signs the binding, the claim is queued.
  await blink.getByRole("button", { name: /Claim/ }).click();
  await expect(blink).toContainText("Claimed", { timeout: 30_000 });
  expect((await wallet.signedMessages(page)).at(-1)).toContain(
    `Bind this wallet to @${SEED.users.quietFan.username} on MEMEFANS`,
  );
  await page.screenshot({ path: join(screenshotDir, "02-blink-claim-claimed.png"), fullPage: true });

  await expect
    .poll(() => giveaway.balance(wallet.address), { timeout: PAYOUT_TIMEOUT_MS })
    .toBe(giveaway.distribution.amountPerClaim);
  await context.close();
});

/**
 * A giveaway whose fee budget pays every payout's fee and opens no token account, claimed through the
 * blink by a fan whose wallet never held the token: the refused press offers the transaction that opens
 * the account, the wallet signs it (its own chain: the embedded one), and Claim pays.
 */
test.describe("a wallet without a token account, through the blink", () => {
  /** FEE_PER_CLAIM_LAMPORTS' default, which the demo backend runs with. */
  const FEE_PER_CLAIM_LAMPORTS = 5_000n;
  let feesOnly: WebGiveaway;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    feesOnly = await startWebGiveaway([], 2, { feeBudgetLamports: FEE_PER_CLAIM_LAMPORTS * 2n });
  });
  test.afterAll(() => feesOnly?.close());

  test("blink-open-token-account: the fan opens their account from the blink, paying its rent, then claims and is paid", async () => {
    test.setTimeout(150_000);
    const wallet = injectedWallet("Phantom");
    const context = await feesOnly.browser.newContext({ viewport: { width: 900, height: 1000 } });
    try {
      await wallet.install(context);
      const { connection } = feesOnly.backend.context;
      await fund(connection, new PublicKey(wallet.address), 1);
      const page = await context.newPage();
      // The wallet's own RPC, as Phantom has one: sends what it signed and answers once it is confirmed.
      await page.exposeFunction("sendToChain", async (base64: string) => {
        const signature = await connection.sendRawTransaction(Buffer.from(base64, "base64"));
        await expect
          .poll(async () => (await connection.getSignatureStatuses([signature])).value[0]?.confirmationStatus)
          .toMatch(/confirmed|finalized/);
        return signature;
      });
      page.on("dialog", (dialog) => void dialog.accept());
      await page.goto(`${clientServer.url}/?url=${encodeURIComponent(feesOnly.pageUrl)}`);
      const blink = page.getByTestId("blink");
      await expect(blink).toContainText("0.001 Unknown token", { timeout: 30_000 });

      const signInTab = context.waitForEvent("page");
      await blink.getByRole("button", { name: /Claim/ }).click();
      const tab = await signInTab;
      await tab.locator(`button[data-username="${SEED.users.casualFan.username}"]`).click();
      await tab.getByRole("button", { name: "Yes, it's my wallet" }).click();
      await expect(tab.locator(".notice")).toContainText("Go back to the blink");
      await tab.close();

      // The press is refused for want of an account: the blink offers to open it, Claim beside it.
      await blink.getByRole("button", { name: /Claim/ }).click();
      const open = blink.getByRole("button", { name: "Open my token account" });
      await expect(open).toBeVisible({ timeout: 30_000 });
      await expect(blink).toContainText("no account for");
      await page.screenshot({ path: join(screenshotDir, "03-blink-open-offered.png"), fullPage: true });
      const lamportsBefore = await connection.getBalance(new PublicKey(wallet.address));
      await open.click();
      const account = getAssociatedTokenAddressSync(feesOnly.distribution.mint, new PublicKey(wallet.address), true);
      await expect.poll(() => connection.getBalance(account), { timeout: 30_000 }).toBe(Number(TOKEN_ACCOUNT_RENT_LAMPORTS));
      expect(lamportsBefore - (await connection.getBalance(new PublicKey(wallet.address)))).toBe(
        Number(TOKEN_ACCOUNT_RENT_LAMPORTS) + 5_000,
      );

      await blink.getByRole("button", { name: /Claim/ }).click();
      await expect(blink).toContainText("Claimed", { timeout: 30_000 });
      await expect
        .poll(() => feesOnly.balance(wallet.address), { timeout: PAYOUT_TIMEOUT_MS })
        .toBe(feesOnly.distribution.amountPerClaim);
      await page.screenshot({ path: join(screenshotDir, "04-blink-opened-and-claimed.png"), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
