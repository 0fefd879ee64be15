// biome-ignore lint/style/useNodejsImportProtocol: the npm "buffer" package @solana/web3.js itself bundles.
import { Buffer } from "buffer";

/**
 * @solana/spl-token's instruction builders and account parsers call the global `Buffer`, which a
 * service worker does not have. Installed once, before any of them runs.
 */
export function installBufferGlobal(): void {
  const scope = globalThis as { Buffer?: typeof Buffer };
  scope.Buffer ??= Buffer;
}
