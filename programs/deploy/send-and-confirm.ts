import { type Connection, type Keypair, Transaction, type TransactionInstruction } from "@solana/web3.js";

/** How often a sent transaction's status is asked for: about one slot. */
const POLL_MS = 400;

export class TransactionFailedError extends Error {
  override name = "TransactionFailedError";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one transaction (preflight on) and polls getSignatureStatuses until it is confirmed, fails,
 * or its blockhash expires. Plain JSON-RPC only: no websocket, so any RPC endpoint or proxy will do.
 */
export async function sendAndConfirm(
  connection: Connection,
  instructions: TransactionInstruction[],
  signers: [Keypair, ...Keypair[]],
): Promise<string> {
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("confirmed");
  const transaction = new Transaction({ feePayer: signers[0].publicKey, blockhash, lastValidBlockHeight }).add(...instructions);
  transaction.sign(...signers);
  const signature = await connection.sendRawTransaction(transaction.serialize(), { preflightCommitment: "confirmed" });
  for (;;) {
    const {
      value: [status],
    } = await connection.getSignatureStatuses([signature]);
    if (status?.err) throw new TransactionFailedError(`transaction ${signature} failed: ${JSON.stringify(status.err)}`);
    if (status?.confirmationStatus === "confirmed" || status?.confirmationStatus === "finalized") return signature;
    if ((await connection.getBlockHeight("confirmed")) > lastValidBlockHeight) {
      throw new TransactionFailedError(`transaction ${signature} expired before it was confirmed; run again`);
    }
    await sleep(POLL_MS);
  }
}
