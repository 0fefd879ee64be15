import { generateKeyPairSync } from "node:crypto";
import type { BrowserContext, Locator, Page } from "@playwright/test";
import bs58 from "bs58";

/**
 * A wallet-standard wallet injected into x.com's page, the way Phantom's extension injects itself:
 * it registers through the wallet-standard events (app-ready / register-wallet) and signs with its
 * own ed25519 keys through WebCrypto. It approves what it is asked, as a person would in Phantom's
 * own window, and keeps a list of what it signed so the story can check it. It may hold several
 * accounts the fan switches between, as in Phantom's account menu.
 */
export interface InjectedWallet {
  name: string;
  /** The account it connects with (the first of `addresses`). */
  address: string;
  /** Every account the wallet holds, `address` first. */
  addresses: string[];
  install(context: BrowserContext): Promise<void>;
  signedMessages(page: Page): Promise<string[]>;
  /** The wallet's own approval panel for a transaction, when it asks before signing. */
  approvalPanel(page: Page): Locator;
  /**
   * The fan switches accounts in the wallet's own window: the wallet now shows the page `address` (one
   * of `addresses`) and says so with the wallet standard's "change" event, as Phantom and Solflare do.
   * Null: the wallet has no account for the page any more (the fan disconnected the site in the wallet).
   */
  switchAccount(page: Page, address: string | null): Promise<void>;
  /** How many listeners the page holds on the wallet's "change" event (one per adapter made for it). */
  changeListeners(page: Page): Promise<number>;
}

/** What the wallet leaves in the page for the test: what it signed, and the fan's own hands in its window. */
interface PageWalletHandle {
  signed: string[];
  switchTo(address: string | null): void;
  changeListeners(): number;
}
type StoryWallets = { __storyWallets: Record<string, PageWalletHandle> };

/**
 * `askBeforeSigning`: the wallet shows its own approval panel in the page for each transaction and
 * signs only when its Approve button is pressed, as Phantom's window does. `accounts`: how many
 * accounts it holds.
 */
export function injectedWallet(name = "Phantom", { askBeforeSigning = false, accounts = 1 } = {}): InjectedWallet {
  const keys = Array.from({ length: accounts }, () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const rawPublic = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    return {
      address: bs58.encode(rawPublic),
      publicKey: [...rawPublic],
      pkcs8: [...privateKey.export({ format: "der", type: "pkcs8" })],
    };
  });
  const addresses = keys.map((key) => key.address);
  return {
    name,
    address: addresses[0] as string,
    addresses,
    install: async (context) => {
      const input = JSON.stringify({ name, accounts: keys, askBeforeSigning });
      // As source text: tsx (the demo) wraps named functions in a __name() helper the page lacks.
      await context.addInitScript({ content: `(() => { const __name = (f) => f; (${pageWallet})(${input}); })();` });
    },
    signedMessages: (page) =>
      page.evaluate((walletName) => (globalThis as unknown as StoryWallets).__storyWallets[walletName]?.signed ?? [], name),
    approvalPanel: (page) => page.getByTestId("story-wallet-approval"),
    switchAccount: (page, address) =>
      page.evaluate(([walletName, to]) => (globalThis as unknown as StoryWallets).__storyWallets[walletName]?.switchTo(to), [
        name,
        address,
      ] as const),
    changeListeners: (page) =>
      page.evaluate(
        (walletName) => (globalThis as unknown as StoryWallets).__storyWallets[walletName]?.changeListeners() ?? 0,
        name,
      ),
  };
}

/** Runs in the page's main world before x.com's own scripts. */
function pageWallet(input: {
  name: string;
  accounts: { address: string; publicKey: number[]; pkcs8: number[] }[];
  askBeforeSigning: boolean;
}): void {
  const chains = ["solana:mainnet", "solana:devnet", "solana:testnet", "solana:localnet"];
  const signed: string[] = [];
  // One object per account for the page's life: wallet-standard apps tell accounts apart by identity.
  const held = input.accounts.map((one) => ({
    account: {
      address: one.address,
      publicKey: new Uint8Array(one.publicKey),
      chains,
      features: ["solana:signMessage", "solana:signTransaction"],
    },
    key: crypto.subtle.importKey("pkcs8", new Uint8Array(one.pkcs8), { name: "Ed25519" }, false, ["sign"]),
  }));
  let current = held[0] as (typeof held)[number];
  let connected = false;
  const changeListeners = new Set<(properties: { accounts: unknown[] }) => void>();
  const announce = () => {
    for (const listener of [...changeListeners]) listener({ accounts: wallet.accounts });
  };
  const page = globalThis as unknown as Partial<StoryWallets>;
  page.__storyWallets ??= {};
  page.__storyWallets[input.name] = {
    signed,
    switchTo: (address) => {
      const next = held.find((one) => one.account.address === address);
      if (next) current = next;
      else connected = false;
      announce();
    },
    changeListeners: () => changeListeners.size,
  };
  /** The wallet's own approval screen: what it signs, for whom, and Approve / Reject. */
  const approved = (bytes: number, signatures: number) =>
    new Promise<void>((resolve, reject) => {
      if (!input.askBeforeSigning) return resolve();
      const panel = document.createElement("div");
      panel.dataset.testid = "story-wallet-approval";
      panel.style.cssText =
        "position:fixed;top:16px;right:16px;z-index:2147483647;width:300px;padding:16px;border-radius:16px;background:#1c1c28;color:#fff;font:14px system-ui;box-shadow:0 8px 32px #0008";
      const title = document.createElement("strong");
      title.textContent = `${input.name}: approve transaction`;
      const detail = document.createElement("p");
      const address = current.account.address;
      detail.textContent = `${location.host} asks ${address.slice(0, 4)}…${address.slice(-4)} to sign a transaction (${bytes} bytes, ${signatures} signature${signatures === 1 ? "" : "s"}).`;
      const approve = document.createElement("button");
      approve.textContent = "Approve";
      const refuse = document.createElement("button");
      refuse.textContent = "Reject";
      for (const button of [refuse, approve])
        button.style.cssText = "margin:4px;padding:6px 16px;border-radius:999px;border:0;font-weight:700;cursor:pointer";
      approve.style.background = "#ab9ff2";
      panel.append(title, detail, refuse, approve);
      approve.onclick = () => {
        panel.remove();
        resolve();
      };
      refuse.onclick = () => {
        panel.remove();
        reject(new Error(`${input.name}: the user rejected the request`));
      };
      document.body.append(panel);
    });
  const wallet = {
    version: "1.0.0",
    name: input.name,
    icon: "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+PGNpcmNsZSBjeD0iMTYiIGN5PSIxNiIgcj0iMTYiIGZpbGw9IiNhYjlmZjIiLz48cGF0aCBkPSJNOCAxOGE4IDggMCAwIDEgMTYgMHY2SDh6IiBmaWxsPSIjZmZmIi8+PC9zdmc+",
    chains,
    get accounts() {
      return connected ? [current.account] : [];
    },
    features: {
      "standard:connect": {
        version: "1.0.0",
        connect: async () => {
          connected = true;
          return { accounts: [current.account] };
        },
      },
      "standard:disconnect": {
        version: "1.0.0",
        disconnect: async () => {
          connected = false;
        },
      },
      "standard:events": {
        version: "1.0.0",
        on: (event: string, listener: (properties: { accounts: unknown[] }) => void) => {
          if (event !== "change") return () => undefined;
          changeListeners.add(listener);
          return () => changeListeners.delete(listener);
        },
      },
      // Signs a wire-format transaction (legacy or v0) in this account's signature slot, as wallets do;
      // dapps built on wallet-adapter list only wallets that can sign transactions.
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signTransaction: async (...inputs: { transaction: Uint8Array<ArrayBuffer> }[]) =>
          Promise.all(
            inputs.map(async ({ transaction }) => {
              const { account, key } = current;
              const signed = transaction.slice();
              const signatureCount = signed[0] ?? 0; // compact-u16; a wallet's transaction has fewer than 128 signers
              const messageStart = 1 + 64 * signatureCount;
              const message = signed.subarray(messageStart);
              const headerStart = (message[0] ?? 0) & 0x80 ? 1 : 0;
              const keysStart = headerStart + 4;
              let slot = -1;
              for (let index = 0; index < signatureCount; index++) {
                const key = message.subarray(keysStart + 32 * index, keysStart + 32 * (index + 1));
                if (key.every((byte, position) => byte === account.publicKey[position])) slot = index;
              }
              if (slot < 0) throw new Error("this transaction does not ask this wallet to sign");
              await approved(transaction.length, signatureCount);
              const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", await key, message));
              signed.set(signature, 1 + 64 * slot);
              return { signedTransaction: signed };
            }),
          ),
      },
      "solana:signMessage": {
        version: "1.0.0",
        signMessage: async (...inputs: { message: Uint8Array<ArrayBuffer> }[]) =>
          Promise.all(
            inputs.map(async ({ message }) => {
              const { key } = current;
              signed.push(new TextDecoder().decode(message));
              const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", await key, message));
              return { signedMessage: message, signature };
            }),
          ),
      },
    },
  };
  const register = (api: { register(...wallets: unknown[]): unknown }) => api.register(wallet);
  window.addEventListener("wallet-standard:app-ready", (event) =>
    register((event as CustomEvent<{ register(...wallets: unknown[]): unknown }>).detail),
  );
  window.dispatchEvent(new CustomEvent("wallet-standard:register-wallet", { detail: register }));
}
