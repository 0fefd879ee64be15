import "@dialectlabs/blinks/index.css";
import { Blink, type BlinkAdapter, BlinkInstance, setProxyUrl, unfurlUrlToBlinkApiUrl } from "@dialectlabs/blinks";
import { getWallets } from "@wallet-standard/app";
import bs58 from "bs58";
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";

/**
 * A blink client as a wallet or a site embeds one: Dialect's React SDK renders the Action that the
 * giveaway page's URL unfurls to (through the site's actions.json), and a wallet-standard wallet in
 * the page connects and signs. Dialect's proxy is off: the SDK calls the backend directly.
 */
// @ts-expect-error: the SDK types the argument as a string, and documents null as "no proxy".
setProxyUrl(null);
const pageUrl = new URLSearchParams(location.search).get("url") ?? "";
const chainId = new URLSearchParams(location.search).get("chain") ?? "solana:localnet";

type Wallet = ReturnType<ReturnType<typeof getWallets>["get"]>[number];
type ConnectFeature = { connect(): Promise<{ accounts: { address: string }[] }> };
type SignMessageFeature = { signMessage(input: { account: unknown; message: Uint8Array }): Promise<{ signature: Uint8Array }[]> };
type SignTransactionFeature = {
  signTransaction(input: {
    account: unknown;
    transaction: Uint8Array;
    chain: string;
  }): Promise<{ signedTransaction: Uint8Array }[]>;
};
/**
 * Where a wallet sends what it signed: its own RPC. The test page is given one (Playwright's
 * exposeFunction, onto the embedded chain); without it, the client signs no transaction.
 */
type SendToChain = (base64: string) => Promise<string>;

function wallet(): Wallet {
  const found = getWallets().get()[0];
  if (!found) throw new Error("no wallet in this page");
  return found;
}

const adapter: BlinkAdapter = {
  metadata: { supportedBlockchainIds: [chainId] },
  connect: async () => {
    const { accounts } = await (wallet().features["standard:connect"] as ConnectFeature).connect();
    return accounts[0]?.address ?? null;
  },
  signMessage: async (data) => {
    const text = typeof data === "string" ? data : JSON.stringify(data);
    const account = wallet().accounts[0];
    const [signed] = await (wallet().features["solana:signMessage"] as SignMessageFeature).signMessage({
      account,
      message: new TextEncoder().encode(text),
    });
    return signed ? { signature: bs58.encode(signed.signature) } : { error: "the wallet did not sign" };
  },
  // Only a fan's own token account opening asks for one (a giveaway whose budget opens no more accounts).
  signTransaction: async (transaction) => {
    const send = (window as unknown as { sendToChain?: SendToChain }).sendToChain;
    if (!send) return { error: "this client has no chain to send a transaction to" };
    const [signed] = await (wallet().features["solana:signTransaction"] as SignTransactionFeature).signTransaction({
      account: wallet().accounts[0],
      transaction: Uint8Array.from(atob(transaction), (char) => char.charCodeAt(0)),
      chain: chainId,
    });
    if (!signed) return { error: "the wallet did not sign" };
    return { signature: await send(btoa(String.fromCharCode(...signed.signedTransaction))) };
  },
  // The exposed sender answers once the transaction is confirmed.
  confirmTransaction: async () => {},
};

function App() {
  const [blink, setBlink] = useState<BlinkInstance | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    unfurlUrlToBlinkApiUrl(new URL(pageUrl))
      .then((apiUrl) => {
        if (!apiUrl) throw new Error(`${pageUrl} has no Action in its actions.json`);
        return BlinkInstance.fetch(apiUrl);
      })
      .then(setBlink)
      .catch((reason: unknown) => setError(String(reason)));
  }, []);
  if (error) return <p data-testid="blink-error">{error}</p>;
  if (!blink) return <p>Loading the blink…</p>;
  return (
    <div style={{ maxWidth: 420, margin: "24px auto" }} data-testid="blink">
      <Blink blink={blink} adapter={adapter} securityLevel="all" websiteText="memefans" stylePreset="x-dark" />
    </div>
  );
}

const root = document.getElementById("root");
if (root) createRoot(root).render(<App />);
