import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, test as base, chromium } from "@playwright/test";

export const builtExtensionDir = fileURLToPath(new URL("../../.output/chrome-mv3", import.meta.url));

/** Debian's Chromium; Playwright's own browser download cannot run on these machines. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without these, Chromium stalls on this machine's closed network at every start.
const quietNetworkFlags = [
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Chromium without the extension: a fan who never installed it, on the web or a phone. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), ...quietNetworkFlags],
  });
}

export interface LaunchedExtension {
  context: BrowserContext;
  extensionId: string;
  /** Closes Chromium and deletes its throwaway profile. */
  close(): Promise<void>;
}

/**
 * `keepProfile`: a profile directory the caller owns and that survives close(), so a test can
 * start the browser again over the same IndexedDB (a browser restart).
 */
export async function launchWithExtension(
  extraArgs: string[] = [],
  keepProfile?: string,
  options: { headless?: boolean; extensionDir?: string } = {},
): Promise<LaunchedExtension> {
  const extensionDir = options.extensionDir ?? builtExtensionDir;
  const profile = keepProfile ?? mkdtempSync(join(tmpdir(), "memefans-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: options.headless ?? true,
    ignoreHTTPSErrors: true,
    args: [
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      ...quietNetworkFlags,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...extraArgs,
    ],
  });
  const worker =
    context.serviceWorkers()[0] ??
    (await context.waitForEvent("serviceworker", { timeout: 15_000 }).catch(() => {
      throw new Error(`the extension in ${extensionDir} did not start a service worker: run "npm run build:extension" first`);
    }));
  const extensionId = new URL(worker.url()).host;
  const close = async () => {
    await context.close();
    if (!keepProfile) rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  };
  return { context, extensionId, close };
}

export const test = base.extend<{ extension: LaunchedExtension }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
  extension: async ({}, use) => {
    const launched = await launchWithExtension();
    await use(launched);
    await launched.close();
  },
});

export { expect } from "@playwright/test";
