import {
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
  ExtensionType,
  getAccountLen,
  getAccountLenForMint,
  getAssociatedTokenAddressSync,
  getExtensionTypes,
  unpackMint,
} from "@solana/spl-token";
import { PublicKey, SystemProgram, type TransactionInstruction, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { LAMPORTS_PER_SIGNATURE } from "../../../shared/fee-budget.ts";
import { decimalTokenAmount, rawTokenAmount } from "../../../shared/primitives.ts";
import { readMintFacts } from "../../../shared/tokens/onchain-token.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "../chain/program-ids.ts";
import type { RpcClient } from "../chain/rpc-client.ts";

/** What the popup's Send form shows before the user presses Send. */
export interface TransferQuote {
  decimals: number;
  /** The most the wallet can send, in raw units: the token balance, or SOL minus the fee. */
  maxAmount: bigint;
  feeLamports: bigint;
  /** Paid by the sender to open the recipient's token account when it has none (0 otherwise). */
  recipientAccountRentLamports: bigint;
}

interface TransferPlan extends TransferQuote {
  instructions: (amount: bigint) => TransactionInstruction[];
  /** SOL to an address the chain has never seen must leave it rent-exempt. */
  minimumAmount: bigint;
}

const SOL_DECIMALS = 9;
const TOKEN_ACCOUNT_SIZE = 165;

function toPublicKey(address: string, what: string): PublicKey {
  try {
    return new PublicKey(address);
  } catch {
    throw new MessagingError("bad_request", `the ${what} is not a Solana address`);
  }
}

function unpackedMint(mint: PublicKey, owner: string, data: Uint8Array) {
  return unpackMint(
    mint,
    { data: Buffer.from(data), owner: new PublicKey(owner), lamports: 0, executable: false },
    new PublicKey(owner),
  );
}

/** Token-2022 accounts carry the extensions their mint requires, plus ImmutableOwner from the ATA program. */
function tokenAccountSize(mint: PublicKey, owner: string, data: Uint8Array): number {
  if (owner === TOKEN_PROGRAM) return TOKEN_ACCOUNT_SIZE;
  return Math.max(getAccountLenForMint(unpackedMint(mint, owner, data)), getAccountLen([ExtensionType.ImmutableOwner]));
}

/**
 * Token-2022 mints whose transfers this form would misstate: a transfer fee lands less than the amount
 * shown and approved, a transfer hook needs accounts only its program knows, and a non-transferable
 * token cannot move at all. Each is refused with its reason rather than sent as something else.
 */
const UNSENDABLE_EXTENSIONS: ReadonlyMap<ExtensionType, string> = new Map([
  [
    ExtensionType.TransferFeeConfig,
    "this token keeps a fee out of every transfer, so the recipient would get less than the amount shown: send it from a wallet that shows the fee",
  ],
  [ExtensionType.TransferHook, "this token runs its own program on every transfer, which this wallet cannot send through"],
  [ExtensionType.NonTransferable, "this token cannot be transferred: its mint forbids it"],
]);

function refuseUnsendable(mint: PublicKey, owner: string, data: Uint8Array): void {
  if (owner !== TOKEN_2022_PROGRAM) return;
  for (const type of getExtensionTypes(unpackedMint(mint, owner, data).tlvData)) {
    const reason = UNSENDABLE_EXTENSIONS.get(type);
    if (reason) throw new MessagingError("unsupported", reason);
  }
}

async function planTransfer(rpc: RpcClient, from: string, to: string, mint: string | undefined): Promise<TransferPlan> {
  const sender = toPublicKey(from, "wallet");
  const recipient = toPublicKey(to, "recipient");
  if (recipient.equals(sender)) throw new MessagingError("bad_request", "that is this wallet's own address");
  const recipientAccount = await rpc.getAccountData(to);
  if (recipientAccount && [TOKEN_PROGRAM, TOKEN_2022_PROGRAM].includes(recipientAccount.owner)) {
    throw new MessagingError(
      "bad_request",
      "that address is a token account or a mint, not a wallet: ask for the wallet address it belongs to",
    );
  }
  // SOL or tokens sent to a program's address (no private key) may never come back.
  if (!PublicKey.isOnCurve(recipient.toBytes())) {
    throw new MessagingError(
      "bad_request",
      "that address belongs to a program, not a person's wallet: what is sent there may be lost",
    );
  }
  const feeLamports = LAMPORTS_PER_SIGNATURE;
  const lamports = await rpc.getBalance(from);

  if (!mint) {
    return {
      decimals: SOL_DECIMALS,
      maxAmount: lamports > feeLamports ? lamports - feeLamports : 0n,
      feeLamports,
      recipientAccountRentLamports: 0n,
      minimumAmount: recipientAccount ? 1n : await rpc.getMinimumBalanceForRentExemption(0),
      instructions: (amount) => [SystemProgram.transfer({ fromPubkey: sender, toPubkey: recipient, lamports: amount })],
    };
  }

  const mintKey = toPublicKey(mint, "token");
  const mintAccount = await rpc.getAccountData(mint);
  const facts = mintAccount ? readMintFacts(new PublicKey(mintAccount.owner), mintAccount.data) : undefined;
  if (!mintAccount || !facts) throw new MessagingError("bad_request", "that token's mint is not on this network");
  refuseUnsendable(mintKey, mintAccount.owner, mintAccount.data);
  const tokenProgram = new PublicKey(mintAccount.owner);
  const source = getAssociatedTokenAddressSync(mintKey, sender, false, tokenProgram);
  const destination = getAssociatedTokenAddressSync(mintKey, recipient, false, tokenProgram);
  const [sourceAccount, destinationAccount] = await Promise.all([
    rpc.getAccountData(source.toBase58()),
    rpc.getAccountData(destination.toBase58()),
  ]);
  const balance = sourceAccount
    ? new DataView(sourceAccount.data.buffer, sourceAccount.data.byteOffset).getBigUint64(64, true)
    : 0n;
  const recipientAccountRentLamports = destinationAccount
    ? 0n
    : await rpc.getMinimumBalanceForRentExemption(tokenAccountSize(mintKey, mintAccount.owner, mintAccount.data));
  return {
    decimals: facts.decimals,
    maxAmount: balance,
    feeLamports,
    recipientAccountRentLamports,
    minimumAmount: 1n,
    instructions: (amount) => [
      // Idempotent: a recipient who opens the account meanwhile does not make the transfer fail.
      ...(destinationAccount
        ? []
        : [createAssociatedTokenAccountIdempotentInstruction(sender, destination, recipient, mintKey, tokenProgram)]),
      createTransferCheckedInstruction(source, mintKey, destination, sender, amount, facts.decimals, [], tokenProgram),
    ],
  };
}

function quoteOf({ decimals, maxAmount, feeLamports, recipientAccountRentLamports }: TransferPlan): TransferQuote {
  return { decimals, maxAmount, feeLamports, recipientAccountRentLamports };
}

export async function quoteTransfer(rpc: RpcClient, from: string, to: string, mint?: string): Promise<TransferQuote> {
  return quoteOf(await planTransfer(rpc, from, to, mint));
}

/**
 * The transfer as an unsigned transaction: SOL through the System program, a token through
 * TransferChecked of the mint's own token program (SPL Token or Token-2022), with the recipient's
 * associated token account created first when it has none. Every amount is checked against the
 * balance here so the user hears "too much" before the approval window, not a simulation error.
 */
export async function buildTransfer(
  rpc: RpcClient,
  request: { from: string; to: string; mint?: string | undefined; amount: string },
): Promise<{ transaction: VersionedTransaction; amount: bigint; quote: TransferQuote }> {
  const plan = await planTransfer(rpc, request.from, request.to, request.mint);
  let amount: bigint;
  try {
    amount = rawTokenAmount(request.amount, plan.decimals);
  } catch (error) {
    throw new MessagingError("bad_request", (error as Error).message);
  }
  if (amount === 0n) throw new MessagingError("bad_request", "the amount must be more than zero");
  if (amount > plan.maxAmount) throw new MessagingError("bad_request", "the amount is more than this wallet can send");
  if (amount < plan.minimumAmount) {
    throw new MessagingError(
      "bad_request",
      `a new address needs at least ${decimalTokenAmount(plan.minimumAmount, SOL_DECIMALS)} SOL to exist on chain; send more`,
    );
  }
  const needsLamports = plan.feeLamports + plan.recipientAccountRentLamports + (request.mint ? 0n : amount);
  if (needsLamports > (await rpc.getBalance(request.from))) {
    throw new MessagingError("bad_request", "not enough SOL for the network fee (and the recipient's token account)");
  }
  const { blockhash } = await rpc.getLatestBlockhash();
  const message = new TransactionMessage({
    payerKey: new PublicKey(request.from),
    recentBlockhash: blockhash,
    instructions: plan.instructions(amount),
  }).compileToLegacyMessage();
  return { transaction: new VersionedTransaction(message), amount, quote: quoteOf(plan) };
}
