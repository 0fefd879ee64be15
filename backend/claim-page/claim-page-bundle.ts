import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

export interface BuiltAsset {
  /** The URL path, named by the content's hash so it can be cached for good. */
  path: string;
  contentType: string;
  body: Buffer;
  /** The same bytes compressed once at build time, for browsers that accept them. */
  brotli: Buffer;
  gzip: Buffer;
}

const entry = fileURLToPath(new URL("./client/main.ts", import.meta.url));
const stylesheet = fileURLToPath(new URL("./client/claim-page.css", import.meta.url));

function asset(name: string, extension: string, contentType: string, body: Buffer): BuiltAsset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return {
    path: `/d/assets/${name}-${hash}.${extension}`,
    contentType,
    body,
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipSync(body, { level: 9 }),
  };
}

/**
 * The claim page's script and stylesheet, bundled once per process by esbuild from client/ and kept in
 * memory: a minified ES module for browsers of the last few years, with no runtime fetches of its own.
 */
export async function buildClaimPageAssets(): Promise<{ script: BuiltAsset; style: BuiltAsset }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome109", "safari16", "firefox115"],
    minify: true,
    write: false,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error("esbuild produced no claim page script");
  return {
    script: asset("claim-page", "js", "text/javascript; charset=utf-8", Buffer.from(code)),
    style: asset("claim-page", "css", "text/css; charset=utf-8", readFileSync(stylesheet)),
  };
}
