// @vitest-environment happy-dom
import "fake-indexeddb/auto";
import { Keypair, type PublicKey, SystemProgram, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedChain } from "../../../backend/chain/embedded-chain.ts";
import { inProcessFetch } from "../../../backend/chain/in-process-fetch.ts";
import { toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { startPageWalletBridge } from "../../messaging/page-wallet-bridge.ts";
import { pageWalletDirectory } from "../../messaging/page-wallet-directory.ts";
import { injectStandardWallet, tabWindow, unregisterInjectedWallets } from "../../messaging/testing/page-world.ts";
import { PAGE_SIGNING_CHANNEL } from "../../messaging/wallet-bridge.ts";
import { signForServiceWorker, WalletBridgeClient } from "../../messaging/wallet-bridge-relay.ts";
import { RpcClient } from "../chain/rpc-client.ts";
import { testServices } from "../testing/test-services.ts";
import { type PageWalletTabs, signAndSendWithPageWallet } from "./page-wallet-signing.ts";

/**
 * The service worker's path to a page wallet, end to end but for Chrome's tab messaging: the approval
 * window's preview, the relay's answer (signForServiceWorker) over the real bridge to a real
 * wallet-standard wallet found by the page's wallet directory, then the embedded chain.
 */

let closeDatabase: (() => void) | undefined;
afterEach(() => {
  closeDatabase?.();
  unregisterInjectedWallets();
});

/** One x.com tab: what chrome.tabs.sendMessage reaches is the relay's own answer function. */
function xTab(): PageWalletTabs {
  const tab = tabWindow();
  startPageWalletBridge(tab, pageWalletDirectory());
  const client = new WalletBridgeClient(tab);
  return {
    async sign(request) {
      const reply = await signForServiceWorker(client, { channel: PAGE_SIGNING_CHANNEL, ...request });
      if (!reply.ok) throw new MessagingError(reply.error.code, reply.error.message);
      return reply.transaction;
    },
  };
}

function transfer(from: PublicKey, to: PublicKey): string {
  const message = new TransactionMessage({
    payerKey: from,
    recentBlockhash: Keypair.generate().publicKey.toBase58(),
    instructions: [SystemProgram.transfer({ fromPubkey: from, toPubkey: to, lamports: 100_000_000 })],
  }).compileToLegacyMessage();
  return toBase64(new VersionedTransaction(message).serialize());
}

async function setup(name: string) {
  const tabs = xTab();
  const { services, browser } = await testServices(name, undefined, tabs);
  closeDatabase = () => services.db.close();
  const chain = new EmbeddedChain();
  const rpc = new RpcClient("http://embedded.chain.invalid/rpc", inProcessFetch(chain));
  return { services, browser, chain, rpc, tabs };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("signing with a page wallet", () => {
  it("shows the decoded transaction first, keeps it beside the wallet's screen, then sends what the wallet signed", async () => {
    const { services, browser, chain, rpc, tabs } = await setup("page-wallet-approve");
    const clicks: (() => void)[] = [];
    const walletApproval = new Promise<void>((resolve) => clicks.push(resolve));
    const approveInWallet = () => {
      for (const click of clicks) click();
    };
    const { keypair } = injectStandardWallet("Backpack", { approval: walletApproval });
    const address = keypair.publicKey.toBase58();
    chain.airdrop(address, 1_000_000_000n);
    const recipient = Keypair.generate().publicKey;
    const sending = signAndSendWithPageWallet(transfer(keypair.publicKey, recipient), "tip", "https://x.com", {
      approvals: services.approvals,
      rpc,
      tabs,
      wallet: { choice: "standard", address, name: "Backpack" },
    });
    await settle();
    const [approvalId = ""] = browser.openedApprovals;
    expect(services.approvals.view(approvalId)).toMatchObject({ kind: "transaction", signer: address, wallet: "Backpack" });
    services.approvals.decide(approvalId, true);
    await settle();
    // Approved in our window: it stays open while the wallet's own screen asks.
    expect(browser.closedWindows).toEqual([]);
    expect(chain.balance(recipient.toBase58())).toBe(0n);
    approveInWallet();
    const signature = await sending;
    expect(browser.closedWindows).toEqual([1]);
    expect(chain.status(signature)?.err).toBeNull();
    expect(chain.balance(recipient.toBase58())).toBe(100_000_000n);
  });

  it("sends nothing when our window is rejected, when the wallet alters the transaction, or is on another account", async () => {
    const { services, browser, chain, rpc, tabs } = await setup("page-wallet-refuse");
    const { keypair } = injectStandardWallet("Lying Wallet", { lie: true });
    const address = keypair.publicKey.toBase58();
    chain.airdrop(address, 1_000_000_000n);
    const recipient = Keypair.generate().publicKey;
    /** Sends `from`'s transfer through the page wallet as `signer`, answering our window with `approve`. */
    const attempt = async (from: PublicKey, signer: string, approve: boolean) => {
      const opened = browser.openedApprovals.length;
      const sending = signAndSendWithPageWallet(transfer(from, recipient), "tip", "https://x.com", {
        approvals: services.approvals,
        rpc,
        tabs,
        wallet: { choice: "standard", address: signer, name: "Lying Wallet" },
      });
      sending.catch(() => undefined);
      await settle();
      if (browser.openedApprovals.length > opened) services.approvals.decide(browser.openedApprovals[opened] ?? "", approve);
      return sending;
    };
    await expect(attempt(keypair.publicKey, address, false)).rejects.toMatchObject({
      code: "rejected",
      message: "you rejected the request",
    });
    await expect(attempt(keypair.publicKey, address, true)).rejects.toMatchObject({
      code: "rejected",
      message: "the wallet returned a different transaction than the one it was asked to sign",
    });
    // The preview window closes with the refusal.
    expect(browser.closedWindows).toEqual([1, 2]);
    const someoneElse = Keypair.generate().publicKey;
    await expect(attempt(someoneElse, someoneElse.toBase58(), true)).rejects.toMatchObject({
      code: "no_wallet",
      message: expect.stringContaining("switch accounts in Lying Wallet"),
    });
    expect(chain.balance(recipient.toBase58())).toBe(0n);
    // A transaction that does not ask the wallet to sign never reaches the window.
    await expect(attempt(someoneElse, address, true)).rejects.toMatchObject({ code: "bad_request" });
    expect(browser.openedApprovals).toHaveLength(3);
  });
});
