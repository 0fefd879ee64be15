import { Router } from "express";
import { z } from "zod";
import { tokenParamsSchema, tokenResponseSchema } from "../../shared/api/tokens.ts";
import { HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { answer } from "../http/send-json.ts";
import type { TokenDirectory } from "./token-directory.ts";

/** A token's identity and logo, read from the chain and its metadata, served from this backend's origin. */
export function tokensRouter(dependencies: { directory: TokenDirectory; openapi: OpenApiRegistry }): Router {
  const { directory, openapi } = dependencies;
  const router = Router();

  const notAMint = (mint: string) =>
    new HttpError(404, "not_found", `${mint} is not a mint of the SPL Token or Token-2022 program`);

  openapi.route(
    router,
    {
      method: "get",
      path: "/tokens/:mint",
      summary: "A token's name, symbol, decimals and authorities as the chain describes it",
      request: { params: tokenParamsSchema },
      responses: { 200: { description: "the token", schema: tokenResponseSchema } },
    },
    async ({ params }, _request, response) => {
      const token = await directory.identity(params.mint);
      if (!token) throw notAMint(params.mint);
      response.set("Cache-Control", "public, max-age=300");
      answer(response, tokenResponseSchema, { token });
    },
  );

  router.get("/tokens/:mint/logo", async (request, response) => {
    const mint = tokenParamsSchema.shape.mint.safeParse(request.params.mint);
    if (!mint.success) throw new HttpError(400, "bad_request", "not a Solana address");
    const logo = await directory.logo(mint.data);
    if (!logo) throw new HttpError(404, "not_found", "this token has no logo this backend could fetch");
    // The bytes were recognised as a raster image; nothing in them may run or be re-sniffed as something else.
    response.set({
      "Content-Type": logo.contentType,
      // No longer than the directory keeps it: a token that changes its image shows the new one as soon as we do.
      "Cache-Control": `public, max-age=${directory.cacheSeconds}`,
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "X-Content-Type-Options": "nosniff",
      "Cross-Origin-Resource-Policy": "cross-origin",
    });
    response.send(logo.bytes);
  });
  openapi.describe({
    method: "get",
    path: "/tokens/:mint/logo",
    summary: "The token's image (PNG, JPEG, GIF or WebP, at most 512 KB), fetched by this backend from its metadata",
    request: { params: tokenParamsSchema },
    responses: {
      200: { description: "the image", contentType: "image/*", schema: z.string() },
      404: { description: "no logo" },
    },
  });

  return router;
}
