import { address, lamports } from "@solana/kit";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, type PublicKey } from "@solana/web3.js";
import type { LiteSVM } from "litesvm";
import { BorshWriter } from "../../../shared/program/borsh.ts";
import {
  bitmapLength,
  DISTRIBUTION_ACCOUNT_DISCRIMINATOR,
  DISTRIBUTION_ACCOUNT_VERSION,
  distributionProgramId,
  findDistributionAddress,
  findVaultAddress,
} from "../../../shared/program/index.ts";
import type { EmbeddedChain } from "../../chain/embedded-chain.ts";

/**
 * Genesis accounts for tests, written straight into the embedded chain the way a validator's
 * `--account` flag preloads them. Everything the backend then does goes through Connection and /rpc.
 */
function svmOf(chain: EmbeddedChain): LiteSVM {
  // The chain keeps its runtime private; tests preload accounts as a validator's genesis would.
  return (chain as unknown as { svm: LiteSVM }).svm;
}

function put(chain: EmbeddedChain, key: PublicKey, owner: PublicKey, data: Uint8Array): void {
  svmOf(chain).setAccount({
    address: address(key.toBase58()),
    data,
    executable: false,
    lamports: lamports(chain.minimumBalanceForRentExemption(data.length)),
    programAddress: address(owner.toBase58()),
    space: BigInt(data.length),
  });
}

/** An initialized SPL Token mint with `decimals`. */
export function putMint(chain: EmbeddedChain, decimals: number, tokenProgram: PublicKey = TOKEN_PROGRAM_ID): PublicKey {
  const mint = Keypair.generate().publicKey;
  const data = new Uint8Array(82);
  data.set([1, 0, 0, 0], 0);
  data.set(Keypair.generate().publicKey.toBytes(), 4);
  new DataView(data.buffer).setBigUint64(36, 1_000_000_000_000n, true);
  data[44] = decimals;
  data[45] = 1;
  put(chain, mint, tokenProgram, data);
  return mint;
}

/** An initialized token account of `mint` owned by `owner` holding `amount`. */
export function putTokenAccount(chain: EmbeddedChain, owner: PublicKey, mint: PublicKey, amount: bigint): PublicKey {
  const account = Keypair.generate().publicKey;
  const data = new Uint8Array(165);
  data.set(mint.toBytes(), 0);
  data.set(owner.toBytes(), 32);
  new DataView(data.buffer).setBigUint64(64, amount, true);
  data[108] = 1;
  put(chain, account, TOKEN_PROGRAM_ID, data);
  return account;
}

export interface DistributionFields {
  creator: PublicKey;
  mint: PublicKey;
  verifier: PublicKey;
  distributionId: bigint;
  postId: bigint;
  amountPerClaim: bigint;
  maxClaims: number;
  claimedCount: number;
  startTs: bigint;
  endTs: bigint;
  feePerClaimLamports: bigint;
  feeBudgetLamports: bigint;
  requirementsHash: Uint8Array;
  paused: boolean;
  /** The most priority fee per paid claim the fee budget reimburses; 0 unless a test sets one. */
  priorityFeeCapLamports?: bigint;
}

/** A Distribution account at its PDA, laid out byte for byte as the program writes it. Returns its address. */
export function putDistribution(chain: EmbeddedChain, fields: DistributionFields): PublicKey {
  const { address: distribution, bump } = findDistributionAddress(fields.creator, fields.distributionId);
  const { address: vault, bump: vaultBump } = findVaultAddress(distribution);
  const data = new BorshWriter()
    .raw(DISTRIBUTION_ACCOUNT_DISCRIMINATOR)
    .u8(DISTRIBUTION_ACCOUNT_VERSION)
    .u8(bump)
    .u8(vaultBump)
    .bool(fields.paused)
    .publicKey(fields.creator)
    .publicKey(fields.mint)
    .publicKey(vault)
    .publicKey(fields.verifier)
    .u64(fields.distributionId)
    .u64(fields.postId)
    .u64(fields.amountPerClaim)
    .u32(fields.maxClaims)
    .u32(fields.claimedCount)
    .i64(fields.startTs)
    .i64(fields.endTs)
    .u64(fields.feePerClaimLamports)
    .u64(fields.feeBudgetLamports)
    .u64(fields.amountPerClaim * BigInt(fields.claimedCount))
    .raw(fields.requirementsHash)
    .u64(fields.priorityFeeCapLamports ?? 0n)
    .u32(bitmapLength(fields.maxClaims))
    .raw(new Uint8Array(bitmapLength(fields.maxClaims)))
    .toBytes();
  put(chain, distribution, distributionProgramId, data);
  return distribution;
}
