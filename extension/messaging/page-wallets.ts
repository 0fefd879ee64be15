import type { Adapter } from "@solana/wallet-adapter-base";
import { isWalletAdapterCompatibleStandardWallet } from "@solana/wallet-adapter-base";
import { StandardWalletAdapter } from "@solana/wallet-standard-wallet-adapter-base";
import { VersionedTransaction } from "@solana/web3.js";
import { getWallets } from "@wallet-standard/app";
import type { ExternalWalletChoice } from "./shapes.ts";

/** What the page bridge needs of a wallet, whatever API it speaks underneath. Bytes in, bytes out. */
export interface PageWallet {
  choice: ExternalWalletChoice;
  name: string;
  icon?: string;
  connect(): Promise<string>;
  disconnect(): Promise<void>;
  signTransaction(transaction: Uint8Array): Promise<Uint8Array>;
  signMessage(message: Uint8Array): Promise<Uint8Array>;
}

/** An adapter that can sign: Phantom's and Solflare's own, or a wallet-standard wallet wrapped in one. */
export type SigningAdapter = Adapter & {
  signTransaction?(transaction: VersionedTransaction): Promise<VersionedTransaction>;
  signMessage?(message: Uint8Array): Promise<Uint8Array>;
};

/** Adapts a wallet adapter to what the bridge asks; a wallet without a capability says so by name. */
export function adapterPageWallet(adapter: SigningAdapter, choice: ExternalWalletChoice): PageWallet {
  const missing = (what: string) => Object.assign(new Error(`${adapter.name} cannot ${what}`), { code: "unsupported" });
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
      if (!adapter.signTransaction) throw missing("sign transactions");
      return (await adapter.signTransaction(VersionedTransaction.deserialize(bytes))).serialize();
    },
    async signMessage(message) {
      if (!adapter.signMessage) throw missing("sign messages");
      return adapter.signMessage(message);
    },
  };
}

/** Which of our choices a wallet-standard wallet counts as: newer Phantom and Solflare register this way. */
function choiceOf(name: string): ExternalWalletChoice {
  const lower = name.toLowerCase();
  return lower.includes("phantom") ? "phantom" : lower.includes("solflare") ? "solflare" : "standard";
}

/**
 * The wallet-standard wallets on the page that can sign Solana transactions, found the way dapps find
 * them (@wallet-standard/app's getWallets: it announces app-ready and hears wallets that register
 * later), each wrapped once in wallet-adapter's StandardWalletAdapter.
 */
export function watchStandardWallets(): () => PageWallet[] {
  const registry = getWallets();
  const adapted = new Map<unknown, PageWallet>();
  return () =>
    registry
      .get()
      .filter(isWalletAdapterCompatibleStandardWallet)
      .filter((wallet) => wallet.chains.some((chain) => chain.startsWith("solana:")))
      .map((wallet) => {
        let page = adapted.get(wallet);
        if (!page) {
          page = adapterPageWallet(new StandardWalletAdapter({ wallet }) as SigningAdapter, choiceOf(wallet.name));
          adapted.set(wallet, page);
        }
        return page;
      });
}
