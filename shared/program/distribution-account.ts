import { PublicKey } from "@solana/web3.js";
import { BorshReader } from "./borsh.ts";
import { CLOSED_DISTRIBUTION_DISCRIMINATOR, DISTRIBUTION_ACCOUNT_DISCRIMINATOR } from "./discriminators.ts";
import { bitmapLength, DISTRIBUTION_ACCOUNT_VERSION } from "./layout.ts";

export interface DistributionAccount {
  version: number;
  bump: number;
  vaultBump: number;
  paused: boolean;
  creator: PublicKey;
  mint: PublicKey;
  vault: PublicKey;
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
  totalClaimedAmount: bigint;
  requirementsHash: Uint8Array;
  /** The most priority fee per paid claim the fee budget reimburses the operator's fee payer. */
  priorityFeeCapLamports: bigint;
  claimedBitmap: Uint8Array;
}

export class DistributionDecodeError extends Error {
  override readonly name = "DistributionDecodeError";
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

/** True for the tombstone close_distribution leaves: the address can never hold a giveaway again. */
export function isClosedDistributionAccount(data: Uint8Array): boolean {
  return sameBytes(data, CLOSED_DISTRIBUTION_DISCRIMINATOR);
}

/**
 * Decodes the data of a Distribution account. Refuses anything that is not one (wrong discriminator,
 * unknown version, a bitmap whose length disagrees with max_claims), so a substituted account is never
 * shown as a giveaway. Trailing bytes after the bitmap are refused too: the program sizes the account exactly.
 */
export function decodeDistributionAccount(data: Uint8Array): DistributionAccount {
  try {
    const reader = new BorshReader(data);
    if (!sameBytes(reader.bytes(8, "discriminator"), DISTRIBUTION_ACCOUNT_DISCRIMINATOR)) {
      throw new DistributionDecodeError("not a Distribution account: the discriminator differs");
    }
    const version = reader.u8("version");
    if (version !== DISTRIBUTION_ACCOUNT_VERSION) {
      throw new DistributionDecodeError(
        `unknown Distribution version ${version}; this client reads version ${DISTRIBUTION_ACCOUNT_VERSION}`,
      );
    }
    const account = {
      version,
      bump: reader.u8("bump"),
      vaultBump: reader.u8("vault_bump"),
      paused: reader.bool("paused"),
      creator: new PublicKey(reader.bytes(32, "creator")),
      mint: new PublicKey(reader.bytes(32, "mint")),
      vault: new PublicKey(reader.bytes(32, "vault")),
      verifier: new PublicKey(reader.bytes(32, "verifier")),
      distributionId: reader.u64("distribution_id"),
      postId: reader.u64("post_id"),
      amountPerClaim: reader.u64("amount_per_claim"),
      maxClaims: reader.u32("max_claims"),
      claimedCount: reader.u32("claimed_count"),
      startTs: reader.i64("start_ts"),
      endTs: reader.i64("end_ts"),
      feePerClaimLamports: reader.u64("fee_per_claim_lamports"),
      feeBudgetLamports: reader.u64("fee_budget_lamports"),
      totalClaimedAmount: reader.u64("total_claimed_amount"),
      requirementsHash: reader.bytes(32, "requirements_hash"),
      priorityFeeCapLamports: reader.u64("priority_fee_cap_lamports"),
    };
    const length = reader.u32("claimed_bitmap length");
    if (length !== bitmapLength(account.maxClaims)) {
      throw new DistributionDecodeError(
        `the claimed bitmap is ${length} bytes, but ${account.maxClaims} slots need ${bitmapLength(account.maxClaims)}`,
      );
    }
    const claimedBitmap = reader.bytes(length, "claimed_bitmap");
    if (reader.position !== data.length) {
      throw new DistributionDecodeError(`${data.length - reader.position} unexpected bytes after the claimed bitmap`);
    }
    return { ...account, claimedBitmap };
  } catch (error) {
    if (error instanceof RangeError) throw new DistributionDecodeError(`truncated Distribution account: ${error.message}`);
    throw error;
  }
}
