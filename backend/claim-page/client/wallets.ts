import {
  isWalletAdapterCompatibleStandardWallet,
  type MessageSignerWalletAdapter,
  type WalletAdapterCompatibleStandardWallet,
} from "@solana/wallet-adapter-base";
import { StandardWalletAdapter } from "@solana/wallet-standard-wallet-adapter-base";
import type { PublicKey } from "@solana/web3.js";
import { getWallets } from "@wallet-standard/app";

/**
 * Every wallet in the page that speaks the wallet standard (Phantom, Solflare, Backpack… in their
 * extensions and in their in-app browsers), as wallet-adapter adapters. Calls `onChange` when a wallet
 * registers late, as extensions often do, or leaves.
 *
 * A wallet keeps one adapter for the page's life: each adapter listens to its wallet's account changes
 * from the moment it is made, so making new ones at every registration would pile up listeners and
 * leave the connected adapter out of the list. A wallet that leaves has its adapter destroyed (its
 * listener removed, its account forgotten). The returned function stops watching and destroys them all.
 */
export function watchWallets(onChange: (wallets: MessageSignerWalletAdapter[]) => void): () => void {
  const registry = getWallets();
  const adapters = new Map<WalletAdapterCompatibleStandardWallet, StandardWalletAdapter>();
  const list = () => {
    const wallets = registry.get().filter(isWalletAdapterCompatibleStandardWallet);
    for (const [wallet, adapter] of adapters) {
      if (wallets.includes(wallet)) continue;
      adapter.destroy();
      adapters.delete(wallet);
    }
    return wallets.map((wallet) => {
      const adapter = adapters.get(wallet) ?? new StandardWalletAdapter({ wallet });
      adapters.set(wallet, adapter);
      return adapter as MessageSignerWalletAdapter;
    });
  };
  onChange(list());
  const stops = [registry.on("register", () => onChange(list())), registry.on("unregister", () => onChange(list()))];
  return () => {
    for (const stop of stops) stop();
    for (const adapter of adapters.values()) adapter.destroy();
    adapters.clear();
  };
}

/**
 * Follows the account a connected adapter stands for. Wallets (Phantom, Solflare) let the fan switch
 * accounts in their own window and tell the page with the standard "change" event; StandardWalletAdapter
 * turns it into `connect` with the new account's key, or `disconnect` when the wallet has no account
 * left for the page. `onAccount` gets the new address, or null. The returned function stops following.
 */
export function followAccount(adapter: MessageSignerWalletAdapter, onAccount: (address: string | null) => void): () => void {
  const connected = (publicKey: PublicKey) => onAccount(publicKey.toBase58());
  const disconnected = () => onAccount(null);
  adapter.on("connect", connected);
  adapter.on("disconnect", disconnected);
  return () => {
    adapter.off("connect", connected);
    adapter.off("disconnect", disconnected);
  };
}

/** The wallets' documented browse deep links: they open this same page inside the wallet's own browser. */
export function walletBrowserLinks(pageUrl: string): { name: string; url: string }[] {
  const url = encodeURIComponent(pageUrl);
  const ref = encodeURIComponent(new URL(pageUrl).origin);
  return [
    { name: "Phantom", url: `https://phantom.app/ul/browse/${url}?ref=${ref}` },
    { name: "Solflare", url: `https://solflare.com/ul/v1/browse/${url}?ref=${ref}` },
  ];
}
