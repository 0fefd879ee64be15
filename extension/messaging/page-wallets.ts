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

/** The parts of the Wallet Standard (github.com/wallet-standard) the bridge uses. */
interface StandardAccount {
  address: string;
  chains: readonly string[];
}
interface StandardWallet {
  name: string;
  icon: string;
  chains: readonly string[];
  accounts: readonly StandardAccount[];
  features: Record<string, unknown>;
}
type ConnectFeature = { connect(input?: { silent?: boolean }): Promise<{ accounts: readonly StandardAccount[] }> };
type DisconnectFeature = { disconnect(): Promise<void> };
type SignTransactionFeature = {
  signTransaction(
    ...inputs: { account: StandardAccount; transaction: Uint8Array; chain?: string }[]
  ): Promise<{ signedTransaction: Uint8Array }[]>;
};
type SignMessageFeature = {
  signMessage(
    ...inputs: { account: StandardAccount; message: Uint8Array }[]
  ): Promise<{ signedMessage: Uint8Array; signature: Uint8Array }[]>;
};

function feature<T>(wallet: StandardWallet, name: string): T {
  const found = wallet.features[name];
  if (!found) throw new Error(`${wallet.name} does not support ${name}`);
  return found as T;
}

/** Adapts one wallet-standard wallet that speaks Solana. */
export function standardPageWallet(wallet: StandardWallet, choice: ExternalWalletChoice): PageWallet {
  let account: StandardAccount | undefined;
  // A wallet that was connected earlier (another tab, an earlier bridge) lists its account itself.
  const current = () => {
    const found = account ?? wallet.accounts.find((candidate) => candidate.chains.some((chain) => chain.startsWith("solana:")));
    if (!found) throw new Error(`${wallet.name} is not connected`);
    return found;
  };
  return {
    choice,
    name: wallet.name,
    icon: wallet.icon,
    async connect() {
      const { accounts } = await feature<ConnectFeature>(wallet, "standard:connect").connect();
      account = accounts.find((candidate) => candidate.chains.some((chain) => chain.startsWith("solana:"))) ?? accounts[0];
      if (!account) throw new Error(`${wallet.name} connected without an account`);
      return account.address;
    },
    async disconnect() {
      const disconnect = wallet.features["standard:disconnect"] as DisconnectFeature | undefined;
      await disconnect?.disconnect();
      account = undefined;
    },
    async signTransaction(transaction) {
      const [signed] = await feature<SignTransactionFeature>(wallet, "solana:signTransaction").signTransaction({
        account: current(),
        transaction,
      });
      if (!signed) throw new Error(`${wallet.name} returned no transaction`);
      return signed.signedTransaction;
    },
    async signMessage(message) {
      const [signed] = await feature<SignMessageFeature>(wallet, "solana:signMessage").signMessage({
        account: current(),
        message,
      });
      if (!signed) throw new Error(`${wallet.name} returned no signature`);
      return signed.signature;
    },
  };
}

/**
 * Collects wallet-standard wallets the way a dapp does: announce "app-ready" with a register
 * callback, and listen for wallets that register later.
 */
export function watchStandardWallets(win: Window): () => StandardWallet[] {
  const wallets: StandardWallet[] = [];
  const register = (...added: StandardWallet[]) => {
    for (const wallet of added) if (!wallets.includes(wallet)) wallets.push(wallet);
    return () => undefined;
  };
  win.addEventListener("wallet-standard:register-wallet", (event) => {
    const callback = (event as CustomEvent<(api: { register: typeof register }) => void>).detail;
    if (typeof callback === "function") callback({ register });
  });
  win.dispatchEvent(new CustomEvent("wallet-standard:app-ready", { detail: { register } }));
  return () => wallets.filter((wallet) => wallet.chains.some((chain) => chain.startsWith("solana:")));
}
