import { toBase64 } from "../../messaging/base64.ts";
import type { Handlers } from "../router.ts";
import type { BackgroundServices } from "../services.ts";
import { readSettings } from "../storage/settings-store.ts";

/** The image types the backend serves (it recognises them by their bytes); anything else is not shown. */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const MAX_LOGO_BYTES = 512 * 1024;
const REMEMBERED_LOGOS = 200;
const LOGO_TTL_MS = 10 * 60_000;

/**
 * Token logos for the overlay, popup and options page, as data: URLs, fetched only from the
 * configured backend (GET /tokens/:mint/logo) and remembered for a while: the same few tokens fill a
 * timeline.
 */
export function tokenLogoHandler(services: BackgroundServices): Pick<Handlers, "tokens/logo"> {
  const remembered = new Map<string, { dataUrl: string | null; expiresAt: number }>();
  return {
    "tokens/logo": async ({ mint }) => {
      const cached = remembered.get(mint);
      if (cached && cached.expiresAt > services.now()) return { dataUrl: cached.dataUrl };
      const dataUrl = await fetchLogo(services, mint);
      remembered.delete(mint);
      remembered.set(mint, { dataUrl, expiresAt: services.now() + LOGO_TTL_MS });
      if (remembered.size > REMEMBERED_LOGOS) {
        const oldest = remembered.keys().next().value;
        if (oldest !== undefined) remembered.delete(oldest);
      }
      return { dataUrl };
    },
  };
}

async function fetchLogo(services: BackgroundServices, mint: string): Promise<string | null> {
  try {
    const response = await services.fetch(`${(await readSettings(services.db)).backendUrl}/tokens/${mint}/logo`);
    const type = response.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
    if (!response.ok || !IMAGE_TYPES.has(type)) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > MAX_LOGO_BYTES) return null;
    return `data:${type};base64,${toBase64(bytes)}`;
  } catch {
    // No logo is a letter avatar, not an error: the backend may be offline.
    return null;
  }
}
