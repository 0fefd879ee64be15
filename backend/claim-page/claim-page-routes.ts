import { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { Distribution } from "../../shared/api/distributions.ts";
import { distributionAddressParamsSchema } from "../../shared/api/distributions.ts";
import { publicKeySchema } from "../../shared/primitives.ts";
import type { AppContext } from "../app.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { CardImageCache } from "./card-image.ts";
import { buildClaimPageAssets } from "./claim-page-bundle.ts";
import { renderClaimPage, renderNotFoundPage } from "./claim-page-html.ts";
import { type GiveawaySummary, summarize } from "./giveaway-summary.ts";

/**
 * The page runs one script and one stylesheet of its own origin and calls only its own origin; images
 * may come from X (the creator's avatar) or this backend (the token's logo).
 */
export const CLAIM_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export type SummaryReader = (address: string) => Promise<{ distribution: Distribution; summary: GiveawaySummary }>;

/** A giveaway as the page, its card image and its blink show it: status, token from the chain, creator from X. */
export function summaryReader(context: Pick<AppContext, "distributions" | "accounts" | "now">): SummaryReader {
  return async (address) => {
    // The status already carries the token's chain identity.
    const distribution = await context.distributions.status(address);
    const creator = await context.accounts.profile(distribution.creatorXUserId);
    return { distribution, summary: summarize(distribution, creator, Math.floor(context.now() / 1000)) };
  };
}

/** The explorer's cluster for this backend: its own RPC for a local chain. */
export function explorerQuery(cluster: string, publicUrl: string): string {
  if (cluster === "mainnet") return "";
  if (cluster === "localnet") return `?cluster=custom&customUrl=${encodeURIComponent(`${publicUrl}/rpc`)}`;
  return `?cluster=${cluster}`;
}

export function claimPageRouter(context: AppContext, dependencies: { openapi: OpenApiRegistry; read: SummaryReader }): Router {
  const { config } = context;
  const router = Router();
  const images = new CardImageCache();
  let assets: ReturnType<typeof buildClaimPageAssets> | undefined;
  const builtAssets = () => {
    assets ??= buildClaimPageAssets();
    assets.catch(() => {
      assets = undefined;
    });
    return assets;
  };

  /** The giveaway at the request's address, or undefined after answering the not-found page. */
  async function found(request: Request, response: Response) {
    const address = publicKeySchema.safeParse(request.params.address);
    const registered = address.success && (await context.distributions.row(address.data));
    if (address.success && registered) return dependencies.read(address.data);
    response.status(404).type("html").send(renderNotFoundPage());
    return undefined;
  }

  router.get("/d/assets/:file", async (request, response) => {
    const { script, style } = await builtAssets();
    const asset = [script, style].find((candidate) => candidate.path === `/d/assets/${request.params.file}`);
    if (!asset) {
      response.status(404).type("text").send("not found");
      return;
    }
    response.set({
      "Content-Type": asset.contentType,
      "Cache-Control": "public, max-age=31536000, immutable",
      Vary: "Accept-Encoding",
    });
    const accepted = request.get("accept-encoding") ?? "";
    if (/\bbr\b/.test(accepted)) response.set("Content-Encoding", "br").send(asset.brotli);
    else if (/\bgzip\b/.test(accepted)) response.set("Content-Encoding", "gzip").send(asset.gzip);
    else response.send(asset.body);
  });

  router.get("/d/:address", async (request, response) => {
    const giveaway = await found(request, response);
    if (!giveaway) return;
    const { script, style } = await builtAssets();
    response.set({ "Content-Security-Policy": CLAIM_PAGE_CSP, "Cache-Control": "public, max-age=15" });
    response.type("html").send(
      renderClaimPage({
        ...giveaway,
        publicUrl: config.PUBLIC_URL,
        explorerQuery: explorerQuery(config.SOLANA_CLUSTER, config.PUBLIC_URL),
        extensionUrl: config.EXTENSION_INSTALL_URL,
        assets: { script: script.path, style: style.path },
      }),
    );
  });

  router.get("/d/:address/card.png", async (request, response) => {
    const giveaway = await found(request, response);
    if (!giveaway) return;
    const logo = await context.tokens.logo(giveaway.distribution.mint);
    const png = await images.get(giveaway.summary, logo);
    response.set({
      "Content-Type": "image/png",
      "Cache-Control": "public, max-age=60",
      "Cross-Origin-Resource-Policy": "cross-origin",
    });
    response.send(png);
  });

  dependencies.openapi.describe({
    method: "get",
    path: "/d/:address",
    summary: "The giveaway's claim page (HTML) for fans without the extension, with its X card tags",
    request: { params: distributionAddressParamsSchema },
    responses: {
      200: { description: "HTML", contentType: "text/html", schema: z.string() },
      404: { description: "HTML: not found" },
    },
  });
  dependencies.openapi.describe({
    method: "get",
    path: "/d/:address/card.png",
    summary: "The link card image X shows (1200×630 PNG): token logo, amount, slots left, deadline",
    request: { params: distributionAddressParamsSchema },
    responses: { 200: { description: "PNG", contentType: "image/png" }, 404: { description: "HTML: not found" } },
  });
  return router;
}
