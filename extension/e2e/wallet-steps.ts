import type { BrowserContext, Page } from "@playwright/test";
import { expect } from "@playwright/test";

/** The welcome page the service worker opens on install (it may already be open when the worker is found). */
export async function welcomePage(context: BrowserContext): Promise<Page> {
  let found: Page | undefined;
  await expect
    .poll(
      () => {
        found = context.pages().find((page) => page.url().endsWith("/welcome.html"));
        return Boolean(found);
      },
      { message: "installing the extension opens welcome.html", timeout: 15_000 },
    )
    .toBe(true);
  if (!found) throw new Error("unreachable: the poll found the page");
  await found.waitForLoadState();
  return found;
}

/**
 * Creates the built-in wallet on a page showing the setup form (popup or welcome page), then goes
 * through the backup check as a person would: reads the 12 words, ticks "written down", types back
 * the three words asked for. `beforeCheck` runs while the words are on screen (for a screenshot).
 */
export async function createWalletWithBackup(
  page: Page,
  password: string,
  beforeCheck?: () => Promise<unknown>,
): Promise<string[]> {
  await page.getByLabel("Password (8+ characters)").fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await page.getByRole("button", { name: "Create wallet" }).click();
  const phrase = page.getByTestId("recovery-phrase");
  await expect(phrase).toBeVisible({ timeout: 30_000 });
  const words = await phrase.locator("[data-word]").allTextContents();
  expect(words).toHaveLength(12);
  await beforeCheck?.();
  await page.getByLabel("I wrote the 12 words down, in order").check();
  await page.getByRole("button", { name: "Continue" }).click();
  const asked = page.getByLabel(/^Word #\d+$/);
  await expect(asked).toHaveCount(3);
  for (const field of await asked.all()) {
    const label = (await field.getAttribute("id"))
      ? await page.locator(`label[for="${await field.getAttribute("id")}"]`).textContent()
      : "";
    const position = Number(/#(\d+)/.exec(label ?? "")?.[1]);
    await field.fill(words[position - 1] ?? "");
  }
  await page.getByRole("button", { name: "Confirm backup" }).click();
  await expect(page.getByTestId("backup-check")).toHaveCount(0, { timeout: 30_000 });
  return words;
}

/** Restores the built-in wallet from its words in the popup's "Recovery phrase" tab; returns the address shown. */
export async function restoreWallet(popup: Page, words: string[], password: string): Promise<string> {
  await popup.getByRole("tab", { name: "Recovery phrase" }).click();
  await popup.getByLabel("Recovery phrase (12 or 24 words)").fill(words.join(" "));
  await popup.getByLabel("Password (8+ characters)").fill(password);
  await popup.getByLabel("Repeat password").fill(password);
  await popup.getByRole("button", { name: "Restore wallet" }).click();
  const address = popup.getByTestId("wallet-address");
  await expect(address).toBeVisible({ timeout: 30_000 });
  return (await address.getAttribute("title")) ?? "";
}
