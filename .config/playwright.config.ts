import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  testDir: `${root}/extension/e2e`,
  outputDir: `${root}/test-results/playwright`,
  // Each test launches its own Chromium with the extension loaded; two at once fit on two cores.
  workers: 2,
  fullyParallel: true,
  // One retry in CI only, so a browser hiccup on a loaded 2-core machine does not sink a run; every
  // test that needed it is listed as flaky in `npm test`'s summary rather than hidden.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [["list"], ["json", { outputFile: `${root}/test-results/playwright.json` }]],
});
