import { PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { isSlotClaimed, unclaimedSlots } from "./bitmap.ts";
import { BorshWriter } from "./borsh.ts";
import { DISTRIBUTION_ACCOUNT_DISCRIMINATOR } from "./discriminators.ts";
import { DistributionDecodeError, decodeDistributionAccount } from "./distribution-account.ts";
import { distributionAccountSize } from "./layout.ts";

const creator = PublicKey.unique();
const mint = PublicKey.unique();
const vault = PublicKey.unique();
const verifier = PublicKey.unique();

/** Writes the spec's layout field by field, independently of the decoder under test. */
function accountBytes(
  options: { maxClaims?: number; bitmap?: number[]; discriminator?: Uint8Array; version?: number; paused?: number } = {},
) {
  const maxClaims = options.maxClaims ?? 20;
  const bitmap = options.bitmap ?? [0b0000_0101, 0, 0b1000_0000];
  return new BorshWriter()
    .raw(options.discriminator ?? DISTRIBUTION_ACCOUNT_DISCRIMINATOR)
    .u8(options.version ?? 1)
    .u8(254)
    .u8(253)
    .u8(options.paused ?? 1)
    .publicKey(creator)
    .publicKey(mint)
    .publicKey(vault)
    .publicKey(verifier)
    .u64(7n)
    .u64(1_849_123_456_789_012_345n)
    .u64(1_000_000n)
    .u32(maxClaims)
    .u32(3)
    .i64(-5n)
    .i64(1_800_086_400n)
    .u64(5_000n)
    .u64(123_456n)
    .u64(3_000_000n)
    .raw(new Uint8Array(32).fill(9))
    .u64(700n)
    .u32(bitmap.length)
    .raw(Uint8Array.from(bitmap))
    .toBytes();
}

describe("decodeDistributionAccount", () => {
  it("reads every field of the spec's layout", () => {
    const data = accountBytes();
    expect(data.length).toBe(distributionAccountSize(20));
    expect(decodeDistributionAccount(data)).toEqual({
      version: 1,
      bump: 254,
      vaultBump: 253,
      paused: true,
      creator,
      mint,
      vault,
      verifier,
      distributionId: 7n,
      postId: 1_849_123_456_789_012_345n,
      amountPerClaim: 1_000_000n,
      maxClaims: 20,
      claimedCount: 3,
      startTs: -5n,
      endTs: 1_800_086_400n,
      feePerClaimLamports: 5_000n,
      feeBudgetLamports: 123_456n,
      totalClaimedAmount: 3_000_000n,
      requirementsHash: new Uint8Array(32).fill(9),
      priorityFeeCapLamports: 700n,
      claimedBitmap: Uint8Array.from([0b0000_0101, 0, 0b1000_0000]),
    });
  });

  it("refuses what is not a Distribution account of this version", () => {
    const data = accountBytes();
    expect(() => decodeDistributionAccount(accountBytes({ discriminator: new Uint8Array(8) }))).toThrow(
      new DistributionDecodeError("not a Distribution account: the discriminator differs"),
    );
    expect(() => decodeDistributionAccount(accountBytes({ version: 2 }))).toThrow(/unknown Distribution version 2/);
    expect(() => decodeDistributionAccount(accountBytes({ paused: 2 }))).toThrow(/paused is a bool but holds 2/);
    expect(() => decodeDistributionAccount(data.subarray(0, 100))).toThrow(
      /truncated Distribution account: vault needs 32 bytes at offset 76/,
    );
    expect(() => decodeDistributionAccount(data.subarray(0, data.length - 1))).toThrow(/truncated .*claimed_bitmap/);
    expect(() => decodeDistributionAccount(Uint8Array.from([...data, 0]))).toThrow(/1 unexpected bytes after the claimed bitmap/);
    expect(() => decodeDistributionAccount(accountBytes({ maxClaims: 25 }))).toThrow(
      /the claimed bitmap is 3 bytes, but 25 slots need 4/,
    );
  });
});

describe("the claimed bitmap", () => {
  const bitmap = Uint8Array.from([0b0000_0101, 0, 0b1000_0000]);

  it("stores slot s at byte s >> 3, bit s & 7, least significant first", () => {
    expect([0, 1, 2, 23].map((slot) => isSlotClaimed(bitmap, slot))).toEqual([true, false, true, true]);
    expect(unclaimedSlots(bitmap, 24)).toEqual([
      1,
      ...Array.from({ length: 20 }, (_, index) => index + 3).filter((s) => s !== 23),
    ]);
    expect(() => isSlotClaimed(bitmap, 24)).toThrow(/slot 24 is outside a bitmap of 24 slots/);
  });
});
