import { toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, rpcClient } from "../services.ts";
import { readSettings, rpcUrlOf } from "../storage/settings-store.ts";
import { signAndSendWithBuiltin } from "../wallets/builtin-signing.ts";
import { buildTransfer, quoteTransfer } from "../wallets/transfer.ts";
import { originLabel } from "./origin-label.ts";
import { tokenSymbolOf, walletStatus } from "./wallet-handlers.ts";

/** Sending leaves from the built-in wallet; Phantom and Solflare send from their own windows. */
async function builtinSender(services: BackgroundServices): Promise<string> {
  const status = await walletStatus(services);
  if (status.choice !== "builtin" || !status.builtin.address) {
    throw new MessagingError("unsupported", "Send uses the MEMEFANS wallet; with Phantom or Solflare, send from their window");
  }
  return status.builtin.address;
}

export function sendHandlers(services: BackgroundServices): Pick<Handlers, "wallet/send-quote" | "wallet/send"> {
  return {
    "wallet/send-quote": async ({ to, mint }) => {
      const quote = await quoteTransfer(await rpcClient(services), await builtinSender(services), to, mint);
      return {
        decimals: quote.decimals,
        maxAmount: quote.maxAmount.toString(),
        feeLamports: quote.feeLamports.toString(),
        recipientAccountRentLamports: quote.recipientAccountRentLamports.toString(),
      };
    },
    "wallet/send": async ({ to, mint, amount, symbol }, context) => {
      const from = await builtinSender(services);
      const rpc = await rpcClient(services);
      const built = await buildTransfer(rpc, { from, to, mint, amount });
      const signature = await signAndSendWithBuiltin(
        toBase64(built.transaction.serialize()),
        `send ${amount.trim()} ${symbol ?? (mint ? "tokens" : "SOL")} to ${to}`,
        originLabel(context),
        { vault: services.vault, approvals: services.approvals, rpc, tokenSymbol: (mint) => tokenSymbolOf(services, mint) },
      );
      return { signature, rpcUrl: rpcUrlOf(await readSettings(services.db)) };
    },
  };
}
