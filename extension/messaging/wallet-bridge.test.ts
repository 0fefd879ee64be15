// @vitest-environment happy-dom
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import bs58 from "bs58";
import { afterEach, describe, expect, it } from "vitest";
import { LIGHTHOUSE_PROGRAM_ID } from "../../shared/wallet-assertions.ts";
import { startPageWalletBridge } from "./page-wallet-bridge.ts";
import { pageWalletDirectory } from "./page-wallet-directory.ts";
import { injectStandardWallet, tabWindow, unregisterInjectedWallets } from "./testing/page-world.ts";
import { verifySignedTransaction, WalletBridgeClient } from "./wallet-bridge-relay.ts";

function setup() {
  const tab = tabWindow();
  startPageWalletBridge(tab, pageWalletDirectory());
  return { window: tab, client: new WalletBridgeClient(tab) };
}

function transferFrom(owner: PublicKey): string {
  const message = new TransactionMessage({
    payerKey: owner,
    recentBlockhash: Keypair.generate().publicKey.toBase58(),
    instructions: [SystemProgram.transfer({ fromPubkey: owner, toPubkey: Keypair.generate().publicKey, lamports: 1 })],
  }).compileToV0Message();
  return Buffer.from(new VersionedTransaction(message).serialize()).toString("base64");
}

afterEach(unregisterInjectedWallets);

describe("wallet bridge (page world ↔ isolated relay)", () => {
  it("connects a wallet-standard wallet, signs a message and a transaction, and verifies both", async () => {
    const { client } = setup();
    const { keypair } = injectStandardWallet("Test Wallet");
    expect(await client.request("standard", "detect", {})).toEqual({
      wallets: [{ choice: "standard", name: "Test Wallet", icon: "data:image/svg+xml,<svg/>" }],
    });
    const connected = await client.request("standard", "connect", {});
    expect(connected).toEqual({ address: keypair.publicKey.toBase58(), name: "Test Wallet" });
    const signed = await client.request("standard", "signMessage", { message: "link me" });
    expect(ed25519.verify(bs58.decode(signed.signature), new TextEncoder().encode("link me"), keypair.publicKey.toBytes())).toBe(
      true,
    );
    const transaction = transferFrom(keypair.publicKey);
    const { transaction: signedTransaction } = await client.request("standard", "signTransaction", { transaction });
    expect(
      VersionedTransaction.deserialize(Buffer.from(signedTransaction, "base64")).signatures[0]?.some((byte) => byte !== 0),
    ).toBe(true);
  });

  it("refuses a wallet that changes the transaction or signs with another key", async () => {
    const { client } = setup();
    const { keypair } = injectStandardWallet("Lying Wallet", { lie: true });
    await client.request("standard", "connect", {});
    await expect(
      client.request("standard", "signTransaction", { transaction: transferFrom(keypair.publicKey) }),
    ).rejects.toMatchObject({
      code: "rejected",
      message: "the wallet returned a different transaction than the one it was asked to sign",
    });
    await expect(client.request("standard", "signMessage", { message: "link me" })).rejects.toMatchObject({
      code: "rejected",
      message: "the wallet's message signature does not verify",
    });
  });

  it("answers nothing on window.postMessage, ignores a second hello, and names a missing wallet", async () => {
    const { window, client } = setup();
    const seen: unknown[] = [];
    window.addEventListener("message", (event) => seen.push((event as MessageEvent).data));
    injectStandardWallet("Quiet Wallet");
    // A page script's own hello after ours: the bridge is already taken, so it is never welcomed.
    const intruder = new MessageChannel();
    const welcomed: unknown[] = [];
    intruder.port1.onmessage = (event) => welcomed.push(event.data);
    window.postMessage({ channel: "memefans-wallet-bridge", kind: "relay-hello", id: "intruder-1234" }, "https://x.com", [
      intruder.port2,
    ]);
    await client.request("standard", "connect", {});
    await expect(client.request("phantom", "connect", {})).rejects.toMatchObject({
      code: "no_wallet",
      message: "connect: phantom is not installed in this browser",
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(welcomed).toEqual([]);
    // Only the two hellos ever crossed window.postMessage; every reply went over the private port.
    expect(seen.map((data) => (data as { kind: string }).kind)).toEqual(["relay-hello", "relay-hello"]);
    intruder.port1.close();
  });

  it("reaches the wallet named, among several wallet-standard wallets", async () => {
    const { client } = setup();
    injectStandardWallet("Backpack");
    const { keypair } = injectStandardWallet("Glow");
    const { wallets } = await client.request("standard", "detect", {});
    expect(wallets.map((wallet) => wallet.name)).toEqual(["Backpack", "Glow"]);
    expect(await client.request("standard", "connect", {}, "Glow")).toEqual({
      address: keypair.publicKey.toBase58(),
      name: "Glow",
    });
  });
});

describe("a transaction the wallet signed", () => {
  const owner = Keypair.generate();
  const recipient = Keypair.generate().publicKey;
  const recentBlockhash = Keypair.generate().publicKey.toBase58();
  const transfer = (lamports = 1) => SystemProgram.transfer({ fromPubkey: owner.publicKey, toPubkey: recipient, lamports });
  /** A Lighthouse instruction naming `keys`, its first data byte `kind` (0 and 1 write and close its memory accounts). */
  const lighthouse = (kind: number, keys: { pubkey: PublicKey; isSigner: boolean; isWritable: boolean }[]) =>
    new TransactionInstruction({ programId: new PublicKey(LIGHTHOUSE_PROGRAM_ID), keys, data: Buffer.from([kind, 2, 3]) });
  /** An assertion as Phantom adds one: an account it reads. */
  const assertion = lighthouse(4, [{ pubkey: recipient, isSigner: false, isWritable: false }]);
  const base64 = (transaction: VersionedTransaction) => Buffer.from(transaction.serialize()).toString("base64");
  function built(instructions: TransactionInstruction[], version: "legacy" | 0, signers: Keypair[] = [owner]) {
    const message = new TransactionMessage({ payerKey: owner.publicKey, recentBlockhash, instructions });
    const transaction = new VersionedTransaction(version === 0 ? message.compileToV0Message() : message.compileToLegacyMessage());
    transaction.sign(signers);
    return base64(transaction);
  }
  const requested = (version: "legacy" | 0) => {
    const message = new TransactionMessage({ payerKey: owner.publicKey, recentBlockhash, instructions: [transfer()] });
    return base64(new VersionedTransaction(version === 0 ? message.compileToV0Message() : message.compileToLegacyMessage()));
  };
  const address = owner.publicKey.toBase58();

  it.each(["legacy", 0] as const)("may carry the wallet's Lighthouse assertions (%s), before or after ours", (version) => {
    expect(() => verifySignedTransaction(requested(version), built([transfer()], version), address)).not.toThrow();
    expect(() => verifySignedTransaction(requested(version), built([transfer(), assertion], version), address)).not.toThrow();
    expect(() =>
      verifySignedTransaction(requested(version), built([assertion, transfer(), assertion], version), address),
    ).not.toThrow();
  });

  it.each(["legacy", 0] as const)("is refused with anything else changed or added (%s)", (version) => {
    const other = Keypair.generate();
    for (const changed of [
      built([transfer(2), assertion], version),
      built(
        [transfer(), SystemProgram.transfer({ fromPubkey: owner.publicKey, toPubkey: other.publicKey, lamports: 5 })],
        version,
      ),
      built([ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1_000_000 }), transfer()], version),
      built(
        [
          transfer(),
          new TransactionInstruction({
            programId: new PublicKey(LIGHTHOUSE_PROGRAM_ID),
            keys: [{ pubkey: other.publicKey, isSigner: true, isWritable: false }],
            data: Buffer.from([1]),
          }),
        ],
        version,
        [owner, other],
      ),
      // A memory write, paid by the owner into an account of Lighthouse's: not an assertion, and a new writable key.
      built(
        [
          transfer(),
          lighthouse(0, [
            { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
            { pubkey: owner.publicKey, isSigner: true, isWritable: true },
            { pubkey: Keypair.generate().publicKey, isSigner: false, isWritable: true },
          ]),
        ],
        version,
      ),
      // Lighthouse's memory instructions are no assertions, whatever accounts they name.
      built([transfer(), lighthouse(1, [{ pubkey: recipient, isSigner: false, isWritable: false }])], version),
      // An "assertion" that makes an account writable the approval window did not show as written.
      built([transfer(), lighthouse(4, [{ pubkey: other.publicKey, isSigner: false, isWritable: true }])], version),
      built([transfer(), lighthouse(4, [{ pubkey: SystemProgram.programId, isSigner: false, isWritable: true }])], version),
    ]) {
      expect(() => verifySignedTransaction(requested(version), changed, address)).toThrow(
        "the wallet returned a different transaction than the one it was asked to sign",
      );
    }
  });

  it("is refused when its header gives a key another role than the one shown, the same instructions or not", () => {
    const message = VersionedTransaction.deserialize(Buffer.from(requested("legacy"), "base64")).message.serialize();
    for (const [field, value] of [
      [1, 1], // the fee payer read-only
      [2, 0], // the system program writable
    ] as const) {
      const patched = Uint8Array.from(message);
      patched[field] = value;
      const signature = ed25519.sign(patched, owner.secretKey.slice(0, 32));
      const bytes = Buffer.concat([Buffer.from([1]), Buffer.from(signature), Buffer.from(patched)]).toString("base64");
      expect(() => verifySignedTransaction(requested("legacy"), bytes, address)).toThrow(
        "the wallet returned a different transaction than the one it was asked to sign",
      );
    }
  });
});
