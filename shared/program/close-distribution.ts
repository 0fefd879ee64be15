import { TransactionInstruction } from "@solana/web3.js";
import { z } from "zod";
import { distributionProgramId } from "./ids.ts";
import { instructionData, toInstructionBuffer } from "./instruction-data.ts";
import { findVaultAddress } from "./pda.ts";
import { parseBuilderInput, publicKeyInputSchema, tokenProgramInputSchema } from "./schemas.ts";

export const closeDistributionInputSchema = z.object({
  creator: publicKeyInputSchema,
  distribution: publicKeyInputSchema,
  /** Defaults to the vault PDA of the distribution. */
  vault: publicKeyInputSchema.optional(),
  /** The distribution's mint, which the return transfer names. */
  mint: publicKeyInputSchema,
  /** Receives the vault's remaining tokens; must be a token account of the mint owned by the creator. */
  creatorTokenAccount: publicKeyInputSchema,
  /** The mint's token program: SPL Token (default) or Token-2022. */
  tokenProgram: tokenProgramInputSchema,
  programId: publicKeyInputSchema.default(distributionProgramId),
});

export type CloseDistributionInput = z.input<typeof closeDistributionInputSchema>;

export function closeDistributionInstruction(input: CloseDistributionInput): TransactionInstruction {
  const args = parseBuilderInput("closeDistributionInstruction", closeDistributionInputSchema, input);
  return new TransactionInstruction({
    programId: args.programId,
    keys: [
      { pubkey: args.creator, isSigner: true, isWritable: true },
      { pubkey: args.distribution, isSigner: false, isWritable: true },
      { pubkey: args.vault ?? findVaultAddress(args.distribution, args.programId).address, isSigner: false, isWritable: true },
      { pubkey: args.mint, isSigner: false, isWritable: false },
      { pubkey: args.creatorTokenAccount, isSigner: false, isWritable: true },
      { pubkey: args.tokenProgram, isSigner: false, isWritable: false },
    ],
    data: toInstructionBuffer(instructionData("close_distribution")),
  });
}
