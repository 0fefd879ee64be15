import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Connection } from "@solana/web3.js";
import { SEED } from "../../backend/x-emulator/seed.ts";
import { fundCreator, STORY_COIN, STORY_TOKEN_DECIMALS } from "../e2e/story/chain.ts";
import { closePerson, openPerson, type Person, WALLET_PASSWORD } from "../e2e/story/person.ts";
import { runStory } from "../e2e/story/run-story.ts";
import { startTokenMetadataServer } from "../e2e/story/token-metadata-server.ts";
import { startDemoBackend } from "./demo-backend.ts";

/**
 * `npm run demo`: the backend on embedded defaults, the extension built, and Chromium with the
 * extension on a local x.com whose posts are the X API emulator's. `--headless` plays the whole
 * story by itself and saves screenshots under test-results/demo/.
 */

const root = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
const headless = process.argv.includes("--headless");

if (!headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.error(
    "No display ($DISPLAY is unset), so Chromium cannot open a window here.\n" +
      "  npm run demo -- --headless     plays the story by itself and saves screenshots in test-results/demo/\n" +
      "  xvfb-run npm run demo          opens the windows on a virtual display",
  );
  process.exit(1);
}

console.log("Building the extension (wxt build)…");
const build = spawnSync("npx", ["--no-install", "wxt", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
if (build.status !== 0) {
  console.error("wxt build failed; see above.");
  process.exit(1);
}

// Headless, the story's own output is the report; a person watching the windows gets the warnings too.
const backend = await startDemoBackend({ logLevel: headless ? "error" : "warn" });
console.log(`Backend on ${backend.url} (PGlite in ${backend.dataDir}, chain at ${backend.url}/rpc)`);
console.log(`X API emulator on ${backend.emulator?.url}`);

if (headless) {
  const screenshotDir = `${root}/test-results/demo`;
  const started = Date.now();
  try {
    await runStory({
      backend,
      screenshotDir,
      step: async (title, body) => {
        const stepStarted = Date.now();
        process.stdout.write(`• ${title} … `);
        const result = await body();
        console.log(`ok (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
        return result;
      },
    });
    console.log(`The whole story ran in ${((Date.now() - started) / 1000).toFixed(0)} s. Screenshots: ${screenshotDir}`);
  } catch (error) {
    console.log("FAILED");
    console.error(error);
    process.exitCode = 1;
  } finally {
    await backend.close();
  }
} else {
  const people: Person[] = [];
  const store = backend.emulator?.store;
  if (!store) throw new Error("the demo needs the X API emulator");
  const creator = await openPerson({ backendUrl: backend.url, store, username: SEED.users.creator.username, headless: false });
  people.push(creator);
  const coinMetadata = await startTokenMetadataServer(STORY_COIN);
  await fundCreator(
    new Connection(`${backend.url}/rpc`, "confirmed"),
    creator.wallet,
    1_000n * 10n ** BigInt(STORY_TOKEN_DECIMALS),
    coinMetadata.uri,
  );
  const fan = await openPerson({ backendUrl: backend.url, store, username: SEED.users.superfan.username, headless: false });
  people.push(fan);
  console.log(`
Two Chromium windows are open on https://x.com/home, served locally from the X API emulator's posts:
  • the creator, @${SEED.users.creator.username}: 5 SOL and 1,000 $MOODENG (a pump.fun-shaped Token-2022 coin) in the built-in wallet.
    Connect X in the extension's popup (choose @${SEED.users.creator.username} on the consent page),
    then press "🎁 Create a giveaway" under the post "Giveaway! …", sign, close the dialog and press Reply.
  • a fan, @${SEED.users.superfan.username}: reload x.com after the reply is posted, then follow the claim card's steps.
The built-in wallets' password is "${WALLET_PASSWORD}". A wallet binds to one X account: \`npm run demo -- --headless\`
plays all four seeded fans (superfan, casualfan, quietfan, newcomer), each in a browser of their own.
Make a fan meet a requirement with the emulator's admin API, e.g.
  curl -X POST ${backend.emulator?.url}/__emulator/replies -H 'content-type: application/json' \\
       -d '{"userId":"casualfan","postId":"${SEED.posts.giveaway}","text":"count me in"}'
Press Ctrl+C to stop.`);
  const stop = async () => {
    for (const person of people) await closePerson(person);
    await coinMetadata.close();
    await backend.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}
