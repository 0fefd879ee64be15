import { isWalletAdapterCompatibleStandardWallet, type MessageSignerWalletAdapter } from "@solana/wallet-adapter-base";
import { StandardWalletAdapter } from "@solana/wallet-standard-wallet-adapter-base";
import { getWallets } from "@wallet-standard/app";

/**
 * Every wallet in the page that speaks the wallet standard (Phantom, Solflare, Backpack… in their
 * extensions and in their in-app browsers), as wallet-adapter adapters. Calls `onChange` when a wallet
 * registers late, as extensions often do.
 */
export function watchWallets(onChange: (wallets: MessageSignerWalletAdapter[]) => void): () => void {
  const registry = getWallets();
  const list = () =>
    registry
      .get()
      .filter(isWalletAdapterCompatibleStandardWallet)
      .map((wallet) => new StandardWalletAdapter({ wallet }) as MessageSignerWalletAdapter);
  onChange(list());
  return registry.on("register", () => onChange(list()));
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
