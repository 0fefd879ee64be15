import { ed25519 } from "@noble/curves/ed25519.js";
import { Keypair, VersionedTransaction } from "@solana/web3.js";

/**
 * The page world of an x.com tab for unit tests (happy-dom): a window stand-in whose postMessage
 * carries source, origin and ports as Chromium's does, and wallet-standard wallets that register
 * through the standard's window event with real ed25519 keys.
 */

/**
 * A stand-in for the tab's window (happy-dom's postMessage carries neither source nor ports): an
 * EventTarget whose postMessage delivers asynchronously with source, origin and transferred ports,
 * as Chromium does. Relay and bridge share it, as the isolated and main worlds share the real one.
 */
export function tabWindow(origin = "https://x.com"): Window {
  const target = new EventTarget();
  const win = Object.assign(target, {
    location: { origin },
    postMessage(data: unknown, targetOrigin: string, transfer: MessagePort[] = []) {
      if (targetOrigin !== origin && targetOrigin !== "*") return;
      setTimeout(
        () => target.dispatchEvent(Object.assign(new Event("message"), { data, origin, source: win, ports: transfer })),
        0,
      );
    },
  });
  return win as unknown as Window;
}

/** Wallets a test registered; each test unregisters its own (the wallet-standard registry is global). */
const unregister: (() => void)[] = [];
export function unregisterInjectedWallets(): void {
  for (const off of unregister.splice(0)) off();
}

/**
 * A wallet-standard wallet as an extension would inject it, registering through the window event
 * the standard defines: real ed25519 keys, no UI.
 */
export function injectStandardWallet(
  name: string,
  options: {
    lie?: boolean;
    /** Signing waits for this, as a wallet waits for its user's click. */
    approval?: Promise<void>;
  } = {},
) {
  const keypair = Keypair.generate();
  const liar = Keypair.generate();
  const account = {
    address: keypair.publicKey.toBase58(),
    publicKey: keypair.publicKey.toBytes(),
    chains: ["solana:localnet"],
    features: ["solana:signMessage", "solana:signTransaction"],
  };
  const wallet = {
    version: "1.0.0",
    name,
    icon: "data:image/svg+xml,<svg/>",
    chains: ["solana:localnet"],
    accounts: [account],
    features: {
      "standard:connect": { version: "1.0.0", connect: async () => ({ accounts: [account] }) },
      "standard:events": { version: "1.0.0", on: () => () => undefined },
      "solana:signMessage": {
        version: "1.0.0",
        signMessage: async ({ message }: { message: Uint8Array }) => [
          { signedMessage: message, signature: ed25519.sign(message, (options.lie ? liar : keypair).secretKey.slice(0, 32)) },
        ],
      },
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signTransaction: async ({ transaction }: { transaction: Uint8Array }) => {
          await options.approval;
          const parsed = VersionedTransaction.deserialize(transaction);
          parsed.sign([keypair]);
          if (options.lie) parsed.message.recentBlockhash = Keypair.generate().publicKey.toBase58();
          return [{ signedTransaction: parsed.serialize() }];
        },
      },
    },
  };
  window.dispatchEvent(
    new CustomEvent("wallet-standard:register-wallet", {
      detail: ({ register }: { register: (w: unknown) => () => void }) => unregister.push(register(wallet)),
    }),
  );
  return { keypair, wallet };
}
