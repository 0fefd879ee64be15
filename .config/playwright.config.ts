import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  testDir: `${root}/extension/e2e`,
  outputDir: `${root}/test-results/playwright`,
  // Each test launches its own Chromium with the extension loaded; two at once fit on two cores.
  workers: 2,
  fullyParallel: true,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"], ["json", { outputFile: `${root}/test-results/playwright.json` }]],
});
