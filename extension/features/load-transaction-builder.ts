import { browser } from "wxt/browser";
import type { TransactionBuilder } from "./create-transaction.ts";

/**
 * The transaction builder lives in its own web-accessible file (create-transaction.js), so x.com
 * pages load the content script without Solana's libraries. A module imported from a content
 * script runs in the content script's isolated world, where it registers the builder.
 */
export const TRANSACTION_BUILDER_FILE = "/create-transaction.js";

/** Where the separately loaded file leaves the builder for the content script that imported it. */
export const TRANSACTION_BUILDER_KEY = "__memefansTransactionBuilder";

export async function loadTransactionBuilder(): Promise<TransactionBuilder> {
  const registry = globalThis as Record<string, unknown>;
  if (!registry[TRANSACTION_BUILDER_KEY]) await import(/* @vite-ignore */ browser.runtime.getURL(TRANSACTION_BUILDER_FILE));
  const builder = registry[TRANSACTION_BUILDER_KEY] as TransactionBuilder | undefined;
  if (!builder) throw new Error(`the transaction builder (${TRANSACTION_BUILDER_FILE}) did not load`);
  return builder;
}
