import type { Adapter } from "@solana/wallet-adapter-base";
import { WalletReadyState } from "@solana/wallet-adapter-base";
import { PhantomWalletAdapter } from "@solana/wallet-adapter-phantom";
import { SolflareWalletAdapter } from "@solana/wallet-adapter-solflare";
import { VersionedTransaction } from "@solana/web3.js";
import type { WalletDirectory } from "./page-wallet-bridge.ts";
import { type PageWallet, standardPageWallet, watchStandardWallets } from "./page-wallets.ts";
import type { ExternalWalletChoice } from "./shapes.ts";

type SigningAdapter = Adapter & {
  signTransaction(transaction: VersionedTransaction): Promise<VersionedTransaction>;
  signMessage(message: Uint8Array): Promise<Uint8Array>;
};

function adapterPageWallet(adapter: SigningAdapter, choice: ExternalWalletChoice): PageWallet {
  return {
    choice,
    name: adapter.name,
    icon: adapter.icon,
    async connect() {
      if (!adapter.connected) await adapter.connect();
      if (!adapter.publicKey) throw new Error(`${adapter.name} connected without an account`);
      return adapter.publicKey.toBase58();
    },
    disconnect: () => adapter.disconnect(),
    async signTransaction(bytes) {
      return (await adapter.signTransaction(VersionedTransaction.deserialize(bytes))).serialize();
    },
    signMessage: (message) => adapter.signMessage(message),
  };
}

/**
 * Phantom and Solflare through their wallet adapters when their extensions are installed, and any
 * wallet-standard wallet on the page. A standard wallet named Phantom or Solflare counts as that
 * choice (newer versions of both register that way).
 */
export function pageWalletDirectory(win: Window): WalletDirectory {
  const standard = watchStandardWallets(win);
  const phantom = new PhantomWalletAdapter() as unknown as SigningAdapter;
  const solflare = new SolflareWalletAdapter() as unknown as SigningAdapter;
  const standardWallets = new Map<unknown, PageWallet>();
  const list = (): PageWallet[] => {
    const found: PageWallet[] = [];
    for (const wallet of standard()) {
      const lower = wallet.name.toLowerCase();
      const choice: ExternalWalletChoice = lower.includes("phantom")
        ? "phantom"
        : lower.includes("solflare")
          ? "solflare"
          : "standard";
      if (!standardWallets.has(wallet)) standardWallets.set(wallet, standardPageWallet(wallet, choice));
      const adapted = standardWallets.get(wallet);
      if (adapted) found.push(adapted);
    }
    const has = (choice: ExternalWalletChoice) => found.some((wallet) => wallet.choice === choice);
    if (!has("phantom") && phantom.readyState === WalletReadyState.Installed) found.push(adapterPageWallet(phantom, "phantom"));
    if (!has("solflare") && solflare.readyState === WalletReadyState.Installed)
      found.push(adapterPageWallet(solflare, "solflare"));
    return found;
  };
  return { list, find: (choice) => list().find((wallet) => wallet.choice === choice) };
}
