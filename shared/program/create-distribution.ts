import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { SystemProgram, TransactionInstruction } from "@solana/web3.js";
import { z } from "zod";
import { distributionProgramId } from "./ids.ts";
import { instructionData, toInstructionBuffer } from "./instruction-data.ts";
import { findDistributionAddress, findVaultAddress } from "./pda.ts";
import {
  bytes32Schema,
  i64InputSchema,
  parseBuilderInput,
  publicKeyInputSchema,
  tokenProgramInputSchema,
  u32InputSchema,
  u64InputSchema,
} from "./schemas.ts";

/**
 * Only what the wire format can carry is checked here. The rules (amount > 0, times, overflow) are the
 * program's, and distributionDraftSchema applies them to what people type before anything is signed.
 */
export const createDistributionInputSchema = z.object({
  creator: publicKeyInputSchema,
  mint: publicKeyInputSchema,
  /** The mint's token program: SPL Token (default) or Token-2022; the vault is created in it. */
  tokenProgram: tokenProgramInputSchema,
  /** Defaults to the creator's associated token account for the mint. */
  creatorTokenAccount: publicKeyInputSchema.optional(),
  verifier: publicKeyInputSchema,
  distributionId: u64InputSchema,
  amountPerClaim: u64InputSchema,
  maxClaims: u32InputSchema,
  startTs: i64InputSchema,
  endTs: i64InputSchema,
  feePerClaimLamports: u64InputSchema,
  feeBudgetLamports: u64InputSchema,
  requirementsHash: bytes32Schema,
  postId: u64InputSchema,
  /** The most priority fee per paid claim the fee budget reimburses the operator (0: batches carry none). */
  priorityFeeCapLamports: u64InputSchema.default(0n),
  programId: publicKeyInputSchema.default(distributionProgramId),
});

export type CreateDistributionInput = z.input<typeof createDistributionInputSchema>;

export function createDistributionInstruction(input: CreateDistributionInput): TransactionInstruction {
  const args = parseBuilderInput("createDistributionInstruction", createDistributionInputSchema, input);
  const distribution = findDistributionAddress(args.creator, args.distributionId, args.programId);
  const vault = findVaultAddress(distribution.address, args.programId);
  const creatorTokenAccount =
    args.creatorTokenAccount ?? getAssociatedTokenAddressSync(args.mint, args.creator, false, args.tokenProgram);
  const data = instructionData("create_distribution")
    .u64(args.distributionId)
    .u8(distribution.bump)
    .u8(vault.bump)
    .u64(args.amountPerClaim)
    .u32(args.maxClaims)
    .i64(args.startTs)
    .i64(args.endTs)
    .u64(args.feePerClaimLamports)
    .u64(args.feeBudgetLamports)
    .raw(args.requirementsHash)
    .u64(args.postId)
    .publicKey(args.verifier)
    .u64(args.priorityFeeCapLamports);
  return new TransactionInstruction({
    programId: args.programId,
    keys: [
      { pubkey: args.creator, isSigner: true, isWritable: true },
      { pubkey: distribution.address, isSigner: false, isWritable: true },
      { pubkey: vault.address, isSigner: false, isWritable: true },
      { pubkey: args.mint, isSigner: false, isWritable: false },
      { pubkey: creatorTokenAccount, isSigner: false, isWritable: true },
      { pubkey: args.tokenProgram, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
    ],
    data: toInstructionBuffer(data),
  });
}
