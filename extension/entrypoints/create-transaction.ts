import { registerTransactionBuilder } from "../features/create-transaction.ts";

/**
 * The create dialog's transaction builder, shipped apart from the content script because it carries
 * @solana/web3.js; the overlay imports this file the first time a creator signs (see
 * features/load-transaction-builder.ts).
 */
export default defineUnlistedScript(() => {
  registerTransactionBuilder();
});
