import { generateKeyPairSync } from "node:crypto";
import type { BrowserContext, Page } from "@playwright/test";
import bs58 from "bs58";

/**
 * A wallet-standard wallet injected into x.com's page, the way Phantom's extension injects itself:
 * it registers through the wallet-standard events (app-ready / register-wallet) and signs with its
 * own ed25519 key through WebCrypto. It approves what it is asked, as a person would in Phantom's
 * own window, and keeps a list of what it signed so the story can check it.
 */
export interface InjectedWallet {
  name: string;
  address: string;
  install(context: BrowserContext): Promise<void>;
  signedMessages(page: Page): Promise<string[]>;
}

export function injectedWallet(name = "Phantom"): InjectedWallet {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const rawPublic = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const address = bs58.encode(rawPublic);
  const pkcs8 = [...privateKey.export({ format: "der", type: "pkcs8" })];
  return {
    name,
    address,
    install: async (context) => {
      const input = JSON.stringify({ name, address, publicKey: [...rawPublic], pkcs8 });
      // As source text: tsx (the demo) wraps named functions in a __name() helper the page lacks.
      await context.addInitScript({ content: `(() => { const __name = (f) => f; (${pageWallet})(${input}); })();` });
    },
    signedMessages: (page) =>
      page.evaluate(() => (globalThis as unknown as { __storyWallet: { signed: string[] } }).__storyWallet.signed),
  };
}

/** Runs in the page's main world before x.com's own scripts. */
function pageWallet(input: { name: string; address: string; publicKey: number[]; pkcs8: number[] }): void {
  const chains = ["solana:mainnet", "solana:devnet", "solana:testnet", "solana:localnet"];
  const signed: string[] = [];
  (globalThis as unknown as { __storyWallet: { signed: string[] } }).__storyWallet = { signed };
  const account = {
    address: input.address,
    publicKey: new Uint8Array(input.publicKey),
    chains,
    features: ["solana:signMessage"],
  };
  const key = crypto.subtle.importKey("pkcs8", new Uint8Array(input.pkcs8), { name: "Ed25519" }, false, ["sign"]);
  let connected = false;
  const wallet = {
    version: "1.0.0",
    name: input.name,
    icon: "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxIDEiLz4=",
    chains,
    get accounts() {
      return connected ? [account] : [];
    },
    features: {
      "standard:connect": {
        version: "1.0.0",
        connect: async () => {
          connected = true;
          return { accounts: [account] };
        },
      },
      "standard:disconnect": {
        version: "1.0.0",
        disconnect: async () => {
          connected = false;
        },
      },
      "standard:events": { version: "1.0.0", on: () => () => undefined },
      "solana:signMessage": {
        version: "1.0.0",
        signMessage: async (...inputs: { message: Uint8Array<ArrayBuffer> }[]) =>
          Promise.all(
            inputs.map(async ({ message }) => {
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
