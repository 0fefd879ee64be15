import { WalletReadyState } from "@solana/wallet-adapter-base";
import { PhantomWalletAdapter } from "@solana/wallet-adapter-phantom";
import { SolflareWalletAdapter } from "@solana/wallet-adapter-solflare";
import type { WalletDirectory } from "./page-wallet-bridge.ts";
import { adapterPageWallet, type PageWallet, type SigningAdapter, watchStandardWallets } from "./page-wallets.ts";
import type { ExternalWalletChoice } from "./shapes.ts";

/**
 * Any wallet-standard wallet on the page, and Phantom and Solflare through their legacy wallet
 * adapters when their extensions are installed but do not register as standard wallets. A standard
 * wallet named Phantom or Solflare counts as that choice (newer versions of both register that way).
 */
export function pageWalletDirectory(): WalletDirectory {
  const standard = watchStandardWallets();
  const legacy = [
    [new PhantomWalletAdapter(), "phantom"],
    [new SolflareWalletAdapter(), "solflare"],
  ] as const;
  const legacyWallets = legacy.map(([adapter, choice]) => ({
    adapter,
    wallet: adapterPageWallet(adapter as unknown as SigningAdapter, choice),
  }));
  const list = (): PageWallet[] => {
    const found = standard();
    for (const { adapter, wallet } of legacyWallets) {
      const registered = found.some(({ choice }) => choice === wallet.choice);
      if (!registered && adapter.readyState === WalletReadyState.Installed) found.push(wallet);
    }
    return found;
  };
  return {
    list,
    find: (choice: ExternalWalletChoice, name?: string) => {
      const ofChoice = list().filter((wallet) => wallet.choice === choice);
      return ofChoice.find((wallet) => wallet.name === name) ?? ofChoice[0];
    },
  };
}
