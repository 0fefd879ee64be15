import { MessagingError } from "../../messaging/errors.ts";
import type { HandlerContext } from "../router.ts";
import { type BackgroundServices, rpcClient } from "../services.ts";
import { signAndSendWithBuiltin } from "../wallets/builtin-signing.ts";
import { signAndSendWithPageWallet } from "../wallets/page-wallet-signing.ts";
import { originLabel } from "./origin-label.ts";
import { tokenSymbolOf, walletStatus } from "./wallet-handlers.ts";

/** The wallet the creator chose, with the address it signs as; a clear error when there is none. */
export async function chosenSigner(services: BackgroundServices): Promise<string> {
  const status = await walletStatus(services);
  if (status.choice === "builtin") {
    if (!status.builtin.address)
      throw new MessagingError("no_wallet", "there is no MEMEFANS wallet yet: create one, or connect Phantom or Solflare");
    return status.builtin.address;
  }
  if (!status.activeAddress) throw new MessagingError("no_wallet", `connect ${status.choice} first`);
  return status.activeAddress;
}

/**
 * Signs and sends with whichever wallet the creator chose: the built-in wallet in the service worker,
 * or a page wallet (Phantom, Solflare, any wallet-standard wallet) in an x.com tab. Both first show
 * the decoded transaction in our approval window.
 */
export async function signAndSendWithChosenWallet(
  services: BackgroundServices,
  transactionBase64: string,
  purpose: string,
  context: HandlerContext,
): Promise<string> {
  const status = await walletStatus(services);
  const common = {
    approvals: services.approvals,
    rpc: await rpcClient(services),
    tokenSymbol: (mint: string) => tokenSymbolOf(services, mint),
  };
  const origin = originLabel(context);
  if (status.choice === "builtin") {
    return signAndSendWithBuiltin(transactionBase64, purpose, origin, { ...common, vault: services.vault });
  }
  if (!status.external || status.activeAddress !== status.external.address)
    throw new MessagingError("no_wallet", `connect ${status.choice} first`);
  return signAndSendWithPageWallet(transactionBase64, purpose, origin, {
    ...common,
    tabs: services.pageWallets,
    wallet: { choice: status.choice, address: status.external.address, name: status.external.name },
    ...(context.sender.tab?.id === undefined ? {} : { tabId: context.sender.tab.id }),
  });
}
