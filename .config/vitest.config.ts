import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["{shared,backend,extension,programs}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "extension/e2e/**"],
    testTimeout: 30_000,
    // One throwaway PostgreSQL server for the run; storage tests each make their own database on it.
    globalSetup: ["backend/db/testing/global-setup.ts"],
  },
});
