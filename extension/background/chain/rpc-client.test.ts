import { Keypair, SystemProgram, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import { EmbeddedChain } from "../../../backend/chain/embedded-chain.ts";
import { inProcessFetch } from "../../../backend/chain/in-process-fetch.ts";
import { RpcClient } from "./rpc-client.ts";

const RPC_URL = "http://embedded.chain.invalid/rpc";

/** A funded payer's signed transfer on `chain`, and its signature. */
function signedTransfer(chain: EmbeddedChain): { transaction: VersionedTransaction; signature: string; recipient: string } {
  const payer = Keypair.generate();
  chain.airdrop(payer.publicKey.toBase58(), 1_000_000_000n);
  const recipient = Keypair.generate().publicKey;
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: chain.latestBlockhash().blockhash,
    instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 10_000_000 })],
  }).compileToLegacyMessage();
  const transaction = new VersionedTransaction(message);
  transaction.sign([payer]);
  return {
    transaction,
    signature: bs58.encode(transaction.signatures[0] as Uint8Array),
    recipient: recipient.toBase58(),
  };
}

/**
 * The embedded chain behind a network that fails sendTransaction's answer: with `delivered`, the
 * cluster took the transaction and only its answer was lost; without, the request never arrived.
 */
function lossyNetwork(chain: EmbeddedChain, delivered: boolean): typeof fetch {
  const reach = inProcessFetch(chain);
  return async (input, init) => {
    if (typeof init?.body === "string" && init.body.includes('"sendTransaction"')) {
      if (delivered) await reach(input, init);
      throw new TypeError("fetch failed: connection reset");
    }
    return reach(input, init);
  };
}

describe("sending a signed transaction once", () => {
  it("answers its signature when the cluster took it though the answer was lost, so nobody sends it again", async () => {
    const chain = new EmbeddedChain();
    const rpc = new RpcClient(RPC_URL, lossyNetwork(chain, true));
    const { transaction, signature, recipient } = signedTransfer(chain);
    await expect(rpc.sendOnce(transaction, { lookForMs: 2_000, pollMs: 10 })).resolves.toBe(signature);
    expect(chain.balance(recipient)).toBe(10_000_000n);
  });

  it("says the outcome is unknown, naming the signature, when the transaction does not show up", async () => {
    const chain = new EmbeddedChain();
    const rpc = new RpcClient(RPC_URL, lossyNetwork(chain, false));
    const { transaction, signature, recipient } = signedTransfer(chain);
    await expect(rpc.sendOnce(transaction, { lookForMs: 50, pollMs: 10 })).rejects.toMatchObject({
      code: "network_error",
      details: { signature },
      message: expect.stringContaining("look it up before sending again"),
    });
    expect(chain.balance(recipient)).toBe(0n);
  });

  it("passes on the cluster's own refusal at once: nothing was sent", async () => {
    const chain = new EmbeddedChain();
    const rpc = new RpcClient(RPC_URL, inProcessFetch(chain));
    const { transaction } = signedTransfer(chain);
    const wire = transaction.serialize();
    wire[wire.length - 1] = (wire[wire.length - 1] ?? 0) ^ 1;
    const refused = rpc.sendOnce(VersionedTransaction.deserialize(wire), { lookForMs: 60_000, pollMs: 10 });
    await expect(refused).rejects.toMatchObject({ code: "rpc_error", details: { rpcCode: expect.any(Number) } });
  });
});
