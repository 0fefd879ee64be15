import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import satori from "satori";
import type { TokenLogo } from "../tokens/token-directory.ts";
import { type GiveawaySummary, stateWords } from "./giveaway-summary.ts";

/** X's summary_large_image: at least 300×157, under 5 MB; 1200×630 is what X and everyone else crop to. */
export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

const require = createRequire(import.meta.url);
/** Fonts ship in an npm package: the renderer must never reach the network. */
function fontFile(weight: 400 | 700): Buffer {
  return readFileSync(require.resolve(`@fontsource/inter/files/inter-latin-${weight}-normal.woff`));
}
let fonts: { name: string; data: Buffer; weight: 400 | 700; style: "normal" }[] | undefined;
function loadFonts() {
  fonts ??= [
    { name: "Inter", data: fontFile(400), weight: 400, style: "normal" },
    { name: "Inter", data: fontFile(700), weight: 700, style: "normal" },
  ];
  return fonts;
}

/** A satori element: the same shape React elements have, written without JSX. */
interface Element {
  type: string;
  props: { style?: Record<string, string | number>; children?: (Element | string)[] | Element | string; src?: string };
}
const box = (style: Element["props"]["style"], children: Element["props"]["children"]): Element => ({
  type: "div",
  props: { style: { display: "flex", ...style }, children },
});

/** satori draws PNG and JPEG; a GIF or WebP logo gets the ticker's initial instead. */
function logoElement(summary: GiveawaySummary, logo: TokenLogo | undefined): Element {
  if (logo && (logo.contentType === "image/png" || logo.contentType === "image/jpeg")) {
    return {
      type: "img",
      props: {
        src: `data:${logo.contentType};base64,${logo.bytes.toString("base64")}`,
        style: { width: 220, height: 220, borderRadius: 110 },
      },
    };
  }
  return box(
    { width: 220, height: 220, borderRadius: 110, background: "#1d9bf0", color: "#fff", fontSize: 110, fontWeight: 700 },
    box({ margin: "auto" }, summary.tokenLabel.slice(0, 1).toUpperCase()),
  );
}

function deadlineText(endsAt: number): string {
  const formatted = new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(endsAt * 1000));
  return `Ends ${formatted} UTC`;
}

/** The link card X shows for <PUBLIC_URL>/d/<address>: the token's logo, amount, slots left, deadline. */
export async function renderCardImage(summary: GiveawaySummary, logo: TokenLogo | undefined): Promise<Buffer> {
  const status = summary.state === "open" ? `${summary.remaining} of ${summary.maxClaims} left` : stateWords(summary.state);
  const creator = summary.creator ? `from @${summary.creator.username}` : "on MEMEFANS";
  const tree = box(
    {
      width: CARD_WIDTH,
      height: CARD_HEIGHT,
      background: "linear-gradient(135deg, #0f1419 0%, #1a2b3c 100%)",
      color: "#fff",
      fontFamily: "Inter",
      padding: 72,
      alignItems: "center",
    },
    [
      logoElement(summary, logo),
      box({ flexDirection: "column", marginLeft: 64, width: 772 }, [
        box({ fontSize: 34, color: "#8b98a5" }, `Free tokens ${creator}`),
        box(
          {
            fontSize: summary.amountText.length > 14 ? 64 : 84,
            fontWeight: 700,
            marginTop: 12,
            lineHeight: 1.1,
            flexWrap: "wrap",
          },
          summary.amountText,
        ),
        box({ fontSize: 44, fontWeight: 700, marginTop: 28, color: "#00ba7c" }, status),
        box({ fontSize: 34, marginTop: 12, color: "#e7e9ea" }, deadlineText(summary.endsAt)),
        box({ fontSize: 30, marginTop: 36, color: "#1d9bf0", fontWeight: 700 }, "Claim on MEMEFANS"),
      ]),
    ],
  );
  const svg = await satori(tree as unknown as Parameters<typeof satori>[0], {
    width: CARD_WIDTH,
    height: CARD_HEIGHT,
    fonts: loadFonts(),
  });
  return new Resvg(svg, { fitTo: { mode: "width", value: CARD_WIDTH } }).render().asPng();
}

/**
 * Rendered images by what they show. A card changes when a slot is taken or the state changes, so the
 * key is those facts: a burst of crawlers for one post renders once, and an old image is never served
 * for a new count.
 */
export class CardImageCache {
  readonly #images = new Map<string, Promise<Buffer>>();
  constructor(private readonly maxEntries = 500) {}

  get(summary: GiveawaySummary, logo: TokenLogo | undefined): Promise<Buffer> {
    const key = JSON.stringify([
      summary.address,
      summary.amountText,
      summary.remaining,
      summary.state,
      summary.endsAt,
      summary.creator?.username,
      logo?.bytes.length ?? 0,
    ]);
    const cached = this.#images.get(key);
    if (cached) return cached;
    if (this.#images.size >= this.maxEntries) this.#images.delete(this.#images.keys().next().value as string);
    const rendering = renderCardImage(summary, logo);
    this.#images.set(key, rendering);
    rendering.catch(() => this.#images.delete(key));
    return rendering;
  }
}
