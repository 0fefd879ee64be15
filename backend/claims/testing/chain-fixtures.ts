import {
  createAssociatedTokenAccountIdempotentInstruction,
  createAssociatedTokenAccountInstruction,
  createEnableRequiredMemoTransfersInstruction,
  createFreezeAccountInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  createReallocateInstruction,
  createThawAccountInstruction,
  ExtensionType,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import {
  type Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  type PublicKey,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import { token2022MintPlan } from "../../../programs/distribution/tests/harness/token-2022.ts";
import { createDistributionInstruction, findDistributionAddress } from "../../../shared/program/index.ts";

/**
 * Sends and waits for the status by polling, which works over plain JSON-RPC without a websocket
 * (the in-process Connection has none).
 */
export async function sendAndAwait(
  connection: Connection,
  signers: Keypair[],
  ...instructions: TransactionInstruction[]
): Promise<string> {
  const [payer] = signers;
  if (!payer) throw new Error("a transaction needs a fee payer");
  const { blockhash } = await connection.getLatestBlockhash("confirmed");
  const transaction = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(...instructions);
  transaction.sign(...signers);
  const signature = await connection.sendRawTransaction(transaction.serialize());
  for (let attempt = 0; attempt < 200; attempt++) {
    const { value } = await connection.getSignatureStatuses([signature]);
    if (value[0]?.err) throw new Error(`transaction ${signature} failed: ${JSON.stringify(value[0].err)}`);
    if (value[0]) return signature;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`transaction ${signature} did not land`);
}

export async function fund(connection: Connection, key: PublicKey, sol = 100): Promise<void> {
  const signature = await connection.requestAirdrop(key, sol * LAMPORTS_PER_SOL);
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await connection.getSignatureStatuses([signature])).value[0]) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the airdrop did not land");
}

/**
 * A fresh mint with `decimals`, and `amount` of it in `owner`'s associated token account. `authority`
 * pays, and is the mint authority. Returns the mint.
 */
export async function createHeldMint(
  connection: Connection,
  options: {
    authority: Keypair;
    owner: PublicKey;
    amount: bigint;
    decimals: number;
    /** A pump.fun-shaped Token-2022 coin (metadata pointer to itself + token metadata) instead of a classic mint. */
    token2022?: { name: string; symbol: string; uri: string };
    /** A classic mint whose freeze authority is `authority`. */
    freezable?: boolean;
  },
): Promise<PublicKey> {
  const { authority, owner } = options;
  if (options.token2022) {
    const plan = token2022MintPlan(authority.publicKey, ["metadata"], {
      decimals: options.decimals,
      metadata: options.token2022,
    });
    const account = getAssociatedTokenAddressSync(plan.mint.publicKey, owner, true, TOKEN_2022_PROGRAM_ID);
    const rent = BigInt(await connection.getMinimumBalanceForRentExemption(plan.finalSize));
    await sendAndAwait(
      connection,
      [authority, plan.mint],
      ...plan.instructions(rent),
      createAssociatedTokenAccountInstruction(authority.publicKey, account, owner, plan.mint.publicKey, TOKEN_2022_PROGRAM_ID),
      createMintToInstruction(plan.mint.publicKey, account, authority.publicKey, options.amount, [], TOKEN_2022_PROGRAM_ID),
    );
    return plan.mint.publicKey;
  }
  const mint = Keypair.generate();
  const account = getAssociatedTokenAddressSync(mint.publicKey, owner);
  await sendAndAwait(
    connection,
    [authority, mint],
    SystemProgram.createAccount({
      fromPubkey: authority.publicKey,
      newAccountPubkey: mint.publicKey,
      lamports: await connection.getMinimumBalanceForRentExemption(MINT_SIZE),
      space: MINT_SIZE,
      programId: TOKEN_PROGRAM_ID,
    }),
    createInitializeMint2Instruction(
      mint.publicKey,
      options.decimals,
      authority.publicKey,
      options.freezable ? authority.publicKey : null,
    ),
    createAssociatedTokenAccountInstruction(authority.publicKey, account, owner, mint.publicKey),
    createMintToInstruction(mint.publicKey, account, authority.publicKey, options.amount),
  );
  return mint.publicKey;
}

export interface TestDistribution {
  address: PublicKey;
  mint: PublicKey;
  creator: Keypair;
  amountPerClaim: bigint;
  maxClaims: number;
  endTs: number;
}

/** A live distribution on chain: a fresh mint, the creator's deposit, and `verifier` as the verifier. */
export async function createTestDistribution(
  connection: Connection,
  options: {
    verifier: PublicKey;
    maxClaims: number;
    nowSeconds: number;
    amountPerClaim?: bigint;
    feeBudgetLamports?: bigint;
    feePerClaimLamports?: bigint;
    /** The most priority fee per claim the budget reimburses (0 by default: none). */
    priorityFeeCapLamports?: bigint;
    requirementsHash?: Uint8Array<ArrayBuffer>;
    postId?: bigint;
    /** Give away a pump.fun-shaped Token-2022 coin with this metadata. */
    token2022?: { name: string; symbol: string; uri: string };
    /** Give away a classic mint whose freeze authority is the creator. */
    freezable?: boolean;
  },
): Promise<TestDistribution> {
  const creator = Keypair.generate();
  await fund(connection, creator.publicKey);
  const amountPerClaim = options.amountPerClaim ?? 1_000n;
  const mint = await createHeldMint(connection, {
    authority: creator,
    owner: creator.publicKey,
    amount: amountPerClaim * BigInt(options.maxClaims),
    decimals: 6,
    ...(options.token2022 ? { token2022: options.token2022 } : {}),
    ...(options.freezable ? { freezable: true } : {}),
  });
  const distributionId = BigInt(Math.floor(Math.random() * 1e9));
  const endTs = options.nowSeconds + 3600;
  await sendAndAwait(
    connection,
    [creator],
    createDistributionInstruction({
      creator: creator.publicKey,
      mint,
      ...(options.token2022 ? { tokenProgram: TOKEN_2022_PROGRAM_ID } : {}),
      verifier: options.verifier,
      distributionId,
      amountPerClaim,
      maxClaims: options.maxClaims,
      startTs: options.nowSeconds - 60,
      endTs,
      feePerClaimLamports: options.feePerClaimLamports ?? 5_000n,
      feeBudgetLamports: options.feeBudgetLamports ?? BigInt(LAMPORTS_PER_SOL) * 50n,
      requirementsHash: options.requirementsHash ?? new Uint8Array(32),
      postId: options.postId ?? 1n,
      priorityFeeCapLamports: options.priorityFeeCapLamports ?? 0n,
    }),
  );
  return {
    address: findDistributionAddress(creator.publicKey, distributionId).address,
    mint,
    creator,
    amountPerClaim,
    maxClaims: options.maxClaims,
    endTs,
  };
}

/** The wallet's balance of the mint in its associated token account of the mint's program (0 when it has none). */
export async function tokenBalance(connection: Connection, mint: PublicKey, wallet: PublicKey): Promise<bigint> {
  const tokenProgram = (await connection.getAccountInfo(mint))?.owner ?? TOKEN_PROGRAM_ID;
  const account = await connection.getAccountInfo(getAssociatedTokenAddressSync(mint, wallet, true, tokenProgram));
  if (!account) return 0n;
  return Buffer.from(account.data).readBigUInt64LE(64);
}

/** Opens the wallet's associated token account of a classic mint, as a fan does in their wallet app. */
export async function openTokenAccount(connection: Connection, mint: PublicKey, wallet: PublicKey): Promise<PublicKey> {
  const payer = Keypair.generate();
  await fund(connection, payer.publicKey, 1);
  const account = getAssociatedTokenAddressSync(mint, wallet);
  await sendAndAwait(
    connection,
    [payer],
    createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, account, wallet, mint),
  );
  return account;
}

/** Freezes (or thaws) the wallet's token account of a `freezable` distribution's mint, as its creator, the freeze authority. */
export async function setTokenAccountFrozen(
  connection: Connection,
  distribution: TestDistribution,
  wallet: PublicKey,
  frozen: boolean,
): Promise<void> {
  const account = getAssociatedTokenAddressSync(distribution.mint, wallet);
  const { creator, mint } = distribution;
  await sendAndAwait(
    connection,
    [creator],
    frozen
      ? createFreezeAccountInstruction(account, mint, creator.publicKey)
      : createThawAccountInstruction(account, mint, creator.publicKey),
  );
}

/**
 * Opens `owner`'s Token-2022 account of `mint` and has it require a memo on incoming transfers, as a
 * wallet app lets its owner do; `payer` pays the rent.
 */
export async function openTokenAccountRequiringMemos(
  connection: Connection,
  payer: Keypair,
  mint: PublicKey,
  owner: Keypair,
): Promise<PublicKey> {
  const account = getAssociatedTokenAddressSync(mint, owner.publicKey, false, TOKEN_2022_PROGRAM_ID);
  await sendAndAwait(
    connection,
    [payer, owner],
    createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, account, owner.publicKey, mint, TOKEN_2022_PROGRAM_ID),
    createReallocateInstruction(
      account,
      payer.publicKey,
      [ExtensionType.MemoTransfer],
      owner.publicKey,
      [],
      TOKEN_2022_PROGRAM_ID,
    ),
    createEnableRequiredMemoTransfersInstruction(account, owner.publicKey, [], TOKEN_2022_PROGRAM_ID),
  );
  return account;
}
