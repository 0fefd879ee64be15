import { ed25519 } from "@noble/curves/ed25519.js";
import { Keypair, type VersionedTransaction } from "@solana/web3.js";
import bs58 from "bs58";
import { BUILT_IN_PROGRAM_ID } from "../../build-settings.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { ApprovalQueue, ApprovalRequest } from "../approvals/approval-queue.ts";
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
async function tokenInfos(
  mints: string[],
  dependencies: Pick<SigningDependencies, "rpc" | "tokenSymbol">,
): Promise<Map<string, TokenInfo>> {
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

/** A transaction decoded for the approval window: what the window shows and what gets signed. */
export interface PreparedTransaction {
  transaction: VersionedTransaction;
  view: Extract<ApprovalRequest, { kind: "transaction" }>;
}

/**
 * Decodes the transaction and words it for the approval window. It must ask `signer` to sign; when
 * that is its only signer the blockhash is refreshed, so a transaction that waited in the window does
 * not expire on the way out.
 */
export async function prepareForApproval(
  transactionBase64: string,
  signer: string,
  purpose: string,
  origin: string,
  dependencies: Pick<SigningDependencies, "rpc" | "tokenSymbol">,
): Promise<PreparedTransaction> {
  let transaction: VersionedTransaction;
  try {
    transaction = decodeTransaction(transactionBase64);
  } catch (error) {
    throw new MessagingError("bad_request", `the transaction cannot be decoded: ${(error as Error).message}`);
  }
  const signers = transaction.message.staticAccountKeys
    .slice(0, transaction.message.header.numRequiredSignatures)
    .map((key) => key.toBase58());
  if (!signers.includes(signer)) throw new MessagingError("bad_request", `the transaction does not ask ${signer} to sign`);
  if (signers.length === 1) transaction.message.recentBlockhash = (await dependencies.rpc.getLatestBlockhash()).blockhash;
  const tokens = await tokenInfos(mintsOf(transaction, BUILT_IN_PROGRAM_ID), dependencies);
  const summary = summarizeTransaction(transaction, { signer, distributionProgramId: BUILT_IN_PROGRAM_ID, tokens });
  return {
    transaction,
    view: {
      kind: "transaction",
      origin,
      purpose,
      signer,
      instructions: summary.instructions,
      feeLamports: summary.feeLamports.toString(),
      warnings: summary.warnings,
      leaves: summary.leaves,
      comesBack: summary.comesBack,
      ...(summary.headline ? { headline: summary.headline } : {}),
    },
  };
}

/** Shows the transaction in the approval window and, once approved, signs it with the built-in wallet and sends it. */
export async function signAndSendWithBuiltin(
  transactionBase64: string,
  purpose: string,
  origin: string,
  dependencies: SigningDependencies,
): Promise<string> {
  const address = await unlockedAddress(dependencies.vault);
  const { transaction, view } = await prepareForApproval(transactionBase64, address, purpose, origin, dependencies);
  await dependencies.approvals.request(view);
  await dependencies.vault.withSecretKey((secretKey) => {
    transaction.sign([Keypair.fromSecretKey(secretKey)]);
  });
  return dependencies.rpc.sendOnce(transaction);
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
