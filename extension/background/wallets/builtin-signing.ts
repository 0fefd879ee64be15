import { ed25519 } from "@noble/curves/ed25519.js";
import { Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import { BUILT_IN_PROGRAM_ID } from "../../build-settings.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { ApprovalQueue } from "../approvals/approval-queue.ts";
import type { TokenInfo } from "../approvals/instruction-decoders.ts";
import { decodeTransaction, mintsOf, summarizeTransaction } from "../approvals/transaction-summary.ts";
import type { RpcClient } from "../chain/rpc-client.ts";
import type { Vault } from "../vault/vault.ts";

export interface SigningDependencies {
  vault: Vault;
  approvals: ApprovalQueue;
  rpc: RpcClient;
  /** The mint's on-chain ticker as the backend read it (GET /tokens/:mint); undefined when unknown or unreachable. */
  tokenSymbol?: (mint: string) => Promise<string | undefined>;
}

async function unlockedAddress(vault: Vault): Promise<string> {
  const status = await vault.status();
  if (status.state === "absent")
    throw new MessagingError("no_wallet", "there is no built-in wallet yet: create or import one in the MEMEFANS popup");
  if (status.state === "locked") throw new MessagingError("locked", "the wallet is locked: unlock it in the MEMEFANS popup");
  return status.address;
}

/** What the chain says of each mint: decimals from the mint, the ticker from its metadata. */
async function tokenInfos(mints: string[], dependencies: SigningDependencies): Promise<Map<string, TokenInfo>> {
  const infos = new Map<string, TokenInfo>();
  for (const mint of mints) {
    // Without decimals the window shows raw units, which is still exact; the RPC being down must not block signing.
    const [decimals, symbol] = await Promise.all([
      dependencies.rpc.getMintDecimals(mint).catch(() => undefined),
      dependencies.tokenSymbol?.(mint).catch(() => undefined),
    ]);
    if (decimals !== undefined) infos.set(mint, { decimals, ...(symbol ? { symbol } : {}) });
  }
  return infos;
}

/**
 * Shows the transaction in the approval window and, once approved, signs it with the built-in
 * wallet and sends it. When the wallet is the only signer the blockhash is refreshed first, so a
 * transaction that waited in the window does not expire on the way out.
 */
export async function signAndSendWithBuiltin(
  transactionBase64: string,
  purpose: string,
  origin: string,
  dependencies: SigningDependencies,
): Promise<string> {
  const address = await unlockedAddress(dependencies.vault);
  let transaction: ReturnType<typeof decodeTransaction>;
  try {
    transaction = decodeTransaction(transactionBase64);
  } catch (error) {
    throw new MessagingError("bad_request", `the transaction cannot be decoded: ${(error as Error).message}`);
  }
  const signers = transaction.message.staticAccountKeys
    .slice(0, transaction.message.header.numRequiredSignatures)
    .map((key) => key.toBase58());
  if (!signers.includes(address)) throw new MessagingError("bad_request", `the transaction does not ask ${address} to sign`);
  if (signers.length === 1) transaction.message.recentBlockhash = (await dependencies.rpc.getLatestBlockhash()).blockhash;
  const tokens = await tokenInfos(mintsOf(transaction, BUILT_IN_PROGRAM_ID), dependencies);
  const summary = summarizeTransaction(transaction, { signer: address, distributionProgramId: BUILT_IN_PROGRAM_ID, tokens });
  await dependencies.approvals.request({
    kind: "transaction",
    origin,
    purpose,
    signer: address,
    instructions: summary.instructions,
    feeLamports: summary.feeLamports.toString(),
    warnings: summary.warnings,
    leaves: summary.leaves,
    comesBack: summary.comesBack,
  });
  await dependencies.vault.withSecretKey((secretKey) => {
    transaction.sign([Keypair.fromSecretKey(secretKey)]);
  });
  return dependencies.rpc.sendTransaction(transaction.serialize());
}

/** Signs UTF-8 text (a SIWS challenge) after the approval window has shown it word for word. */
export async function signMessageWithBuiltin(
  message: string,
  purpose: string,
  origin: string,
  dependencies: Pick<SigningDependencies, "vault" | "approvals">,
): Promise<{ address: string; signature: string }> {
  const address = await unlockedAddress(dependencies.vault);
  await dependencies.approvals.request({ kind: "message", origin, purpose, signer: address, message });
  const signature = await dependencies.vault.withSecretKey((secretKey) =>
    ed25519.sign(new TextEncoder().encode(message), secretKey.slice(0, 32)),
  );
  return { address, signature: bs58.encode(signature) };
}
