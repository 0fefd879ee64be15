import type { BrowserContext, Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { SEED } from "../../../backend/x-emulator/seed.ts";
import type { EmulatorStore } from "../../../backend/x-emulator/store.ts";
import { serveXSite } from "../../demo/x-site.ts";
import { type LaunchedExtension, launchWithExtension } from "../extension-context.ts";
import { approvalWindowOpened, openExtensionPage, sendFromPage } from "../extension-pages.ts";
import { createWalletWithBackup, welcomePage } from "../wallet-steps.ts";
import type { InjectedWallet } from "./injected-wallet.ts";

/**
 * One person in the story: their own Chromium profile with the extension (so their own service
 * worker, IndexedDB and built-in wallet), signed in to our local x.com as an emulated X account.
 */
export interface Person {
  username: string;
  launched: LaunchedExtension;
  context: BrowserContext;
  popup: Page;
  x: Page;
  /** The built-in wallet's address; empty for a fan who uses another wallet. */
  wallet: string;
  /** The built-in wallet's 12 words as the backup screen showed them; empty without one. */
  recoveryPhrase: string[];
}

export const WALLET_PASSWORD = "correct horse battery staple";

export interface PersonOptions {
  backendUrl: string;
  store: EmulatorStore;
  username: string;
  headless?: boolean;
  /** Create the built-in wallet on the welcome page first (default); a fan with Phantom does not. */
  builtinWallet?: boolean;
  /** Screenshots of the first run: the welcome page, then the backup screen with the words. */
  firstRunShots?: (page: Page, step: "welcome" | "backup") => Promise<unknown>;
}

export async function openPerson(options: PersonOptions): Promise<Person> {
  const { backendUrl, store, username, headless, builtinWallet = true, firstRunShots } = options;
  const launched = await launchWithExtension([], undefined, { headless: headless ?? true });
  const { context } = launched;
  await serveXSite(context, store, () => username);
  const popup = await openExtensionPage(context, launched.extensionId, "popup.html");
  const settings = await sendFromPage(popup, "settings/update", { backendUrl });
  if (!settings.ok) throw new Error(`the extension refused the backend URL: ${settings.error.message}`);
  let wallet = "";
  let recoveryPhrase: string[] = [];
  if (builtinWallet) {
    // The first run as a new user has it: the welcome page installing opened, then the backup check.
    const welcome = await welcomePage(context);
    await expect(welcome.getByTestId("welcome-pitch").locator("li")).toHaveCount(3);
    await firstRunShots?.(welcome, "welcome");
    await welcome.getByTestId("welcome-create-wallet").click();
    recoveryPhrase = await createWalletWithBackup(welcome, WALLET_PASSWORD, async () => firstRunShots?.(welcome, "backup"));
    await expect(welcome.getByText("Your MEMEFANS wallet is ready")).toBeVisible();
    await welcome.close();
    await popup.reload();
    const address = popup.getByTestId("wallet-address");
    await expect(address).toBeVisible({ timeout: 20_000 });
    wallet = (await address.getAttribute("title")) ?? "";
  }
  const x = await context.newPage();
  await x.setViewportSize({ width: 1100, height: 900 });
  await x.goto("https://x.com/home");
  return { username, launched, context, popup, x, wallet, recoveryPhrase };
}

/** Runs `action`, which must open X's consent page, and authorizes the app there as `username`. */
export async function authorizeXAs(context: BrowserContext, username: string, action: () => Promise<unknown>): Promise<void> {
  const consent = context.waitForEvent("page", (page) => page.url().includes("/i/oauth2/authorize"));
  consent.catch(() => undefined);
  await action();
  const page = await consent;
  const closed = page.waitForEvent("close");
  await page.locator(`button[data-username="${username}"]`).click();
  await closed;
}

/** Runs `action`, which must open the extension's approval window, and approves what it shows. */
export async function approveSignature(
  context: BrowserContext,
  action: () => Promise<unknown>,
  screenshot?: string,
): Promise<string> {
  const opened = approvalWindowOpened(context);
  opened.catch(() => undefined);
  await action();
  const window = await opened;
  const approve = window.getByRole("button", { name: "Approve" });
  await expect(approve).toBeVisible();
  const shown = (await window.locator("body").textContent()) ?? "";
  if (screenshot) await window.screenshot({ path: screenshot });
  const closed = window.waitForEvent("close");
  // The window closes itself as the button is pressed, so the click may outlive its page.
  await approve.click().catch((error: unknown) => {
    if (!window.isClosed()) throw error;
  });
  await closed;
  return shown;
}

/** Where each step of a page wallet's signing leaves a screenshot (paths), when wanted. */
export interface PageWalletShots {
  /** Our approval window with the decoded transaction, before handing it to the wallet. */
  preview?: string;
  /** The page with the wallet's own approval screen open, our window still beside it. */
  walletScreen?: string;
}

/**
 * Runs `action`, which must open our approval window for a page wallet: checks the decoded
 * transaction there, continues to the wallet, and approves in the wallet's own panel on `page`.
 * Returns what our window showed.
 */
export async function approveWithPageWallet(
  context: BrowserContext,
  page: Page,
  wallet: InjectedWallet,
  action: () => Promise<unknown>,
  shots: PageWalletShots = {},
): Promise<string> {
  const opened = approvalWindowOpened(context);
  opened.catch(() => undefined);
  await action();
  const window = await opened;
  const next = window.getByRole("button", { name: "Continue in your wallet" });
  await expect(next).toBeVisible();
  // The page wallet's name is its own word for itself, quoted as such.
  await expect(window.getByText("your page wallet, which calls itself")).toContainText(wallet.name);
  const shown = (await window.locator("body").textContent()) ?? "";
  if (shots.preview) await window.screenshot({ path: shots.preview });
  await next.click();
  // Our window stays open beside the wallet's own approval screen until the wallet answers.
  await expect(window.getByTestId("approval-handed-off")).toContainText("Now approve it in your wallet's own window");
  await expect(window.getByTestId("approval-handed-off")).toContainText(wallet.name);
  const panel = wallet.approvalPanel(page);
  await expect(panel).toBeVisible();
  await expect(panel).toContainText(`${wallet.name}: approve transaction`);
  if (shots.walletScreen) await page.screenshot({ path: shots.walletScreen });
  const closed = window.waitForEvent("close");
  await panel.getByRole("button", { name: "Approve" }).click();
  await closed;
  return shown;
}

/** The card under the giveaway post (the creator's reply linking it carries one too). */
export function claimCard(x: Page, postId: string = SEED.posts.giveaway): Locator {
  return x.locator(
    `article[data-testid="tweet"]:has(a[href$="/status/${postId}"] > time) memefans-widget[data-memefans-feature="claim-widget"] [data-testid="memefans-claim-card"]`,
  );
}

/**
 * Presses the card's button for an unmet requirement (X's web intent opens in a small window),
 * confirms there (a reply with `typed` added), closes the window and comes back to the timeline, as a fan would.
 */
export async function actOnX(person: Person, card: Locator, label: string, typed?: string): Promise<void> {
  const opened = person.context.waitForEvent("page", (page) => page.url().includes("/intent/"));
  opened.catch(() => undefined);
  await card.getByTestId("memefans-action").filter({ hasText: label }).click();
  const intent = await opened;
  if (typed) {
    // After the phrase the card typed in, if the giveaway asks for one.
    const text = intent.getByRole("textbox", { name: "Post text" });
    await text.fill(`${await text.inputValue()} ${typed}`.trim());
  }
  await intent.getByTestId("confirmationSheetConfirm").click();
  await expect(intent.getByRole("status")).toHaveText("Done. You can close this window.");
  await intent.close();
  await person.x.bringToFront();
}

/**
 * The claim card's first two steps: "Sign in with X" (X's consent page), then "MEMEFANS wallet", which binds the
 * built-in wallet to the X account through the approval window (the backend pays only bound wallets).
 */
export async function connectFan(person: Person): Promise<void> {
  const card = claimCard(person.x);
  await authorizeXAs(person.context, person.username, () => card.getByTestId("memefans-connect-x").click());
  await expect(card.getByTestId("memefans-connect-x")).toHaveCount(0);
  const shown = await approveSignature(person.context, () =>
    card.getByTestId("memefans-connect-wallet").getByText("MEMEFANS wallet").click(),
  );
  expect(shown).toContain(`link this wallet to @${person.username}`);
  await expect(card.getByTestId("memefans-claim")).toBeVisible();
}

/**
 * The claim card's wallet step with a page wallet (Phantom, Solflare…): the wallet signs the backend's
 * challenge in the page, then our approval window asks the person to link that exact address to their
 * X account, since a script posing as the wallet on x.com could have answered with its own.
 */
export async function connectPageWallet(person: Person, wallet: InjectedWallet, screenshot?: string): Promise<void> {
  const card = claimCard(person.x);
  const shown = await approveSignature(
    person.context,
    () => card.getByTestId("memefans-connect-wallet").getByRole("button", { name: wallet.name }).click(),
    screenshot,
  );
  expect(shown).toContain(`Link wallet ${wallet.address} to @${person.username}`);
  expect(shown).toContain("Check that this address matches the one your wallet app shows.");
  await expect(card.getByTestId("memefans-claim")).toBeVisible();
}

export async function closePerson(person: Person | undefined): Promise<void> {
  await person?.launched.close();
}
