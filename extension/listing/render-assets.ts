// `npm run listing:assets`: renders the extension's icons (16, 32, 48, 128 px, from icon.svg) into
// extension/public/icon/, and the Chrome Web Store listing screenshots (1280×800) from the demo's
// screenshots (`npm run demo -- --headless` writes them; extension/demo/screenshots keeps a set).
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { LISTING_HEIGHT, LISTING_WIDTH } from "./listing-size.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const ICON_SIZES = [16, 32, 48, 128] as const;
const ICON_DIRECTORY = join(here, "../public/icon");
const LISTING_SCREENSHOT_DIRECTORY = join(here, "screenshots");
const DEMO_SCREENSHOTS = process.argv[2] ?? join(here, "../demo/screenshots");

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
try {
  const svg = readFileSync(join(here, "icon.svg"), "utf8");
  mkdirSync(ICON_DIRECTORY, { recursive: true });
  for (const size of ICON_SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    await page.screenshot({ path: join(ICON_DIRECTORY, `${size}.png`), omitBackground: true });
    await page.close();
  }

  // Each demo screenshot, whole and unscaled where it fits, centred on the brand's background.
  mkdirSync(LISTING_SCREENSHOT_DIRECTORY, { recursive: true });
  const page = await browser.newPage({ viewport: { width: LISTING_WIDTH, height: LISTING_HEIGHT } });
  for (const name of readdirSync(DEMO_SCREENSHOTS)
    .filter((file) => file.endsWith(".png"))
    .sort()) {
    const image = readFileSync(join(DEMO_SCREENSHOTS, name)).toString("base64");
    await page.setContent(
      `<style>html,body{margin:0;width:${LISTING_WIDTH}px;height:${LISTING_HEIGHT}px;background:linear-gradient(135deg,#2b1055,#0b3d2e);display:flex;align-items:center;justify-content:center}img{max-width:${LISTING_WIDTH - 48}px;max-height:${LISTING_HEIGHT - 48}px;border-radius:12px;box-shadow:0 12px 48px rgba(0,0,0,.5)}</style><img src="data:image/png;base64,${image}">`,
    );
    await page.waitForFunction(() => document.querySelector("img")?.complete === true);
    await page.screenshot({ path: join(LISTING_SCREENSHOT_DIRECTORY, name) });
  }
  console.log(`icons in ${ICON_DIRECTORY}; listing screenshots in ${LISTING_SCREENSHOT_DIRECTORY}`);
} finally {
  await browser.close();
}
