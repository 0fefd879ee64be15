// @vitest-environment happy-dom
import type { MessageSignerWalletAdapter } from "@solana/wallet-adapter-base";
import { Keypair } from "@solana/web3.js";
import { getWallets } from "@wallet-standard/app";
import { afterEach, describe, expect, it } from "vitest";
import { followAccount, watchWallets } from "./wallets.ts";

type ChangeListener = (properties: { accounts?: readonly unknown[] }) => void;

/**
 * A wallet-standard wallet as Phantom presents itself to a page, holding `count` accounts: the test
 * plays the fan switching between them in the wallet's window (`showAccount`), which the wallet tells
 * the page with the standard "change" event.
 */
function fakeWallet(name: string, count = 2) {
  const accounts = Array.from({ length: count }, () => {
    const key = Keypair.generate().publicKey;
    return { address: key.toBase58(), publicKey: key.toBytes(), chains: ["solana:localnet"], features: ["solana:signMessage"] };
  });
  let current: (typeof accounts)[number] | undefined;
  const listeners = new Set<ChangeListener>();
  const wallet = {
    version: "1.0.0" as const,
    name,
    icon: "data:image/svg+xml;base64," as const,
    chains: ["solana:localnet"] as const,
    get accounts() {
      return current ? [current] : [];
    },
    features: {
      "standard:connect": {
        version: "1.0.0",
        connect: async () => {
          current ??= accounts[0];
          return { accounts: wallet.accounts };
        },
      },
      "standard:events": {
        version: "1.0.0",
        on: (_event: "change", listener: ChangeListener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signTransaction: async () => [],
      },
      "solana:signMessage": { version: "1.0.0", signMessage: async () => [] },
    },
  };
  return {
    wallet,
    addresses: accounts.map((account) => account.address),
    listeners,
    /** The fan picks account `index` in the wallet; undefined: the wallet has no account for the page. */
    showAccount(index: number | undefined) {
      current = index === undefined ? undefined : accounts[index];
      for (const listener of [...listeners]) listener({ accounts: wallet.accounts });
    },
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function register(wallet: ReturnType<typeof fakeWallet>) {
  const unregister = getWallets().register(wallet.wallet as never);
  cleanups.push(unregister);
  return unregister;
}

function watch() {
  const seen: MessageSignerWalletAdapter[][] = [];
  cleanups.push(watchWallets((wallets) => seen.push(wallets)));
  return seen;
}

describe("watchWallets", () => {
  it("keeps one adapter per wallet when another registers late: no second listener on the first wallet's changes", () => {
    const phantom = fakeWallet("Phantom");
    register(phantom);
    const seen = watch();
    expect(seen.at(-1)?.map((adapter) => adapter.name)).toEqual(["Phantom"]);
    expect(phantom.listeners.size).toBe(1);

    register(fakeWallet("Solflare"));
    expect(seen.at(-1)?.map((adapter) => adapter.name)).toEqual(["Phantom", "Solflare"]);
    expect(seen.at(-1)?.[0]).toBe(seen[0]?.[0]);
    expect(phantom.listeners.size).toBe(1);
  });

  it("destroys the adapter of a wallet that leaves, and every adapter when it stops", () => {
    const phantom = fakeWallet("Phantom");
    const solflare = fakeWallet("Solflare");
    const unregisterPhantom = register(phantom);
    register(solflare);
    const stop = watchWallets(() => undefined);
    expect([phantom.listeners.size, solflare.listeners.size]).toEqual([1, 1]);

    unregisterPhantom();
    expect([phantom.listeners.size, solflare.listeners.size]).toEqual([0, 1]);
    stop();
    expect(solflare.listeners.size).toBe(0);
  });
});

describe("followAccount", () => {
  async function connected() {
    const phantom = fakeWallet("Phantom", 3);
    register(phantom);
    const seen = watch();
    const adapter = seen.at(-1)?.[0] as MessageSignerWalletAdapter;
    await adapter.connect();
    const accounts: (string | null)[] = [];
    const stop = followAccount(adapter, (address) => accounts.push(address));
    return { phantom, adapter, accounts, stop };
  }

  it("hands over the new address when the fan switches accounts in the wallet, and null when none is left", async () => {
    const { phantom, adapter, accounts } = await connected();
    const [first, second, third] = phantom.addresses;
    expect(adapter.publicKey?.toBase58()).toBe(first);

    phantom.showAccount(1);
    phantom.showAccount(2);
    expect(accounts).toEqual([second, third]);
    expect(adapter.publicKey?.toBase58()).toBe(third);

    phantom.showAccount(undefined);
    expect(accounts).toEqual([second, third, null]);
    expect(adapter.publicKey).toBeNull();
  });

  it("hears nothing more once stopped", async () => {
    const { phantom, accounts, stop } = await connected();
    stop();
    phantom.showAccount(1);
    expect(accounts).toEqual([]);
  });
});
