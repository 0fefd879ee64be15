import { fileURLToPath } from "node:url";
import { type DemoBackend, startDemoBackend } from "../demo/demo-backend.ts";
import { test } from "./extension-context.ts";
import { runStory } from "./story/run-story.ts";

/**
 * Issue 6's story in one test: a creator, four fans, the backend on embedded defaults in this
 * process (so the chain's clock can move to the giveaway's end), and the built extension in
 * Debian's Chromium. Screenshots of every step land in test-results/story/.
 */
const screenshotDir = fileURLToPath(new URL("../../test-results/story", import.meta.url));

let backend: DemoBackend | undefined;
test.afterAll(async () => {
  await backend?.close();
});

test("the whole giveaway: create, claim, fix a requirement, offline, injected wallet, sold out, close", async () => {
  test.setTimeout(300_000);
  backend = await startDemoBackend({ logLevel: "error" });
  await runStory({ backend, screenshotDir, step: (title, body) => test.step(title, body) });
});
