import { fromBase64, toBase64 } from "../../messaging/base64.ts";
import type { ExternalWalletChoice } from "../../messaging/shapes.ts";
import type { PageSigningRequest } from "../../messaging/wallet-bridge.ts";
import { verifySignedTransaction } from "../../messaging/wallet-bridge-relay.ts";
import { prepareForApproval, type SigningDependencies } from "./builtin-signing.ts";

/** The x.com tabs whose relay reaches the page wallets (entrypoints/wallet-relay.content.ts). */
export interface PageWalletTabs {
  /** Has the page wallet sign in an x.com tab (`preferredTabId` first); returns the signed transaction. */
  sign(request: Omit<PageSigningRequest, "channel">, preferredTabId?: number): Promise<string>;
}

export interface PageWalletSigner {
  choice: ExternalWalletChoice;
  address: string;
  /** As the wallet names itself: "Phantom", "Solflare", "Backpack"… */
  name: string;
}

/**
 * Phantom, Solflare or any wallet-standard wallet signs, after the same approval window the built-in
 * wallet uses has shown the decoded transaction: approving there hands the transaction to the
 * wallet, whose own approval screen opens while ours stays beside it. What comes back must be the
 * same transaction with a signature that verifies for the wallet's address; then it is sent.
 */
export async function signAndSendWithPageWallet(
  transactionBase64: string,
  purpose: string,
  origin: string,
  dependencies: Pick<SigningDependencies, "approvals" | "rpc" | "tokenSymbol"> & {
    tabs: PageWalletTabs;
    wallet: PageWalletSigner;
    /** The tab that asked, when an x.com page did: its wallet signs. */
    tabId?: number;
  },
): Promise<string> {
  const { wallet } = dependencies;
  const { transaction, view } = await prepareForApproval(transactionBase64, wallet.address, purpose, origin, dependencies);
  const preview = await dependencies.approvals.requestHandoff({ ...view, wallet: wallet.name });
  try {
    const requested = toBase64(transaction.serialize());
    const signed = await dependencies.tabs.sign(
      { wallet: wallet.choice, name: wallet.name, address: wallet.address, transaction: requested },
      dependencies.tabId,
    );
    verifySignedTransaction(requested, signed, wallet.address);
    return await dependencies.rpc.sendTransaction(fromBase64(signed));
  } finally {
    preview.done();
  }
}
