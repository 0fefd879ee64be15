import bs58 from "bs58";
import { toBase64 } from "./base64.ts";
import type { PageWallet } from "./page-wallets.ts";
import type { ExternalWalletChoice } from "./shapes.ts";
import {
  BRIDGE_CHANNEL,
  type BridgeMethod,
  bridgeMethods,
  bridgeRequestSchema,
  relayHelloSchema,
  walletErrorCodeSchema,
} from "./wallet-bridge.ts";

export interface WalletDirectory {
  /** Wallets on the page now; extensions inject theirs at different times. */
  list(): PageWallet[];
  /** The wallet named `name` when given and present, else the first of that choice. */
  find(choice: ExternalWalletChoice, name?: string): PageWallet | undefined;
}

async function answer(
  directory: WalletDirectory,
  wallet: ExternalWalletChoice,
  name: string | undefined,
  method: BridgeMethod,
  rawParams: unknown,
): Promise<unknown> {
  if (method === "detect")
    return { wallets: directory.list().map(({ choice, name, icon }) => ({ choice, name, ...(icon ? { icon } : {}) })) };
  const target = directory.find(wallet, name);
  if (!target) throw Object.assign(new Error(`${wallet} is not installed in this browser`), { code: "no_wallet" });
  if (method === "connect") return { address: await target.connect(), name: target.name };
  if (method === "disconnect") {
    await target.disconnect();
    return {};
  }
  if (method === "signTransaction") {
    const { transaction } = bridgeMethods.signTransaction.params.parse(rawParams);
    const signed = await target.signTransaction(Uint8Array.from(atob(transaction), (character) => character.charCodeAt(0)));
    return { transaction: toBase64(signed) };
  }
  const { message } = bridgeMethods.signMessage.params.parse(rawParams);
  const address = await target.connect();
  return { address, signature: bs58.encode(await target.signMessage(new TextEncoder().encode(message))) };
}

/**
 * The page-world end of the wallet bridge. It takes exactly one MessagePort: the first relay-hello
 * posted by this window to itself, with this page's origin. All wallet traffic goes over that
 * port; nothing is answered on window.postMessage, so other page scripts see no replies.
 */
export function startPageWalletBridge(win: Window, directory: WalletDirectory): void {
  let port: MessagePort | undefined;
  const onHello = (event: MessageEvent) => {
    if (port || event.source !== win || event.origin !== win.location.origin) return;
    const hello = relayHelloSchema.safeParse(event.data);
    const offered = event.ports[0];
    if (!hello.success || !offered) return;
    port = offered;
    win.removeEventListener("message", onHello);
    port.onmessage = async (message: MessageEvent) => {
      const request = bridgeRequestSchema.safeParse(message.data);
      if (!request.success) return;
      const { id, wallet, name, method, params } = request.data;
      try {
        const result = await answer(directory, wallet, name, method, params);
        offered.postMessage({ kind: "reply", id, ok: true, result });
      } catch (error) {
        // A wallet's own codes (4001, "WalletSignTransactionError"…) all mean it did not sign.
        const code = walletErrorCodeSchema.catch("rejected").parse((error as { code?: unknown }).code);
        offered.postMessage({
          kind: "reply",
          id,
          ok: false,
          error: { code, message: (error as Error).message ?? String(error) },
        });
      }
    };
    port.postMessage({ channel: BRIDGE_CHANNEL, kind: "welcome", id: hello.data.id });
  };
  win.addEventListener("message", onHello);
}
