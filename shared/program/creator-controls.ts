import { TransactionInstruction } from "@solana/web3.js";
import { z } from "zod";
import type { BorshWriter } from "./borsh.ts";
import { distributionProgramId } from "./ids.ts";
import { instructionData, toInstructionBuffer } from "./instruction-data.ts";
import { parseBuilderInput, publicKeyInputSchema } from "./schemas.ts";

/** Pause and resume take the creator (signer) and the distribution (writable). */
const creatorControlSchema = z.object({
  creator: publicKeyInputSchema,
  distribution: publicKeyInputSchema,
  programId: publicKeyInputSchema.default(distributionProgramId),
});

const setVerifierInputSchema = creatorControlSchema.extend({
  currentVerifier: publicKeyInputSchema,
  newVerifier: publicKeyInputSchema,
});

export type CreatorControlInput = z.input<typeof creatorControlSchema>;
export type SetVerifierInput = z.input<typeof setVerifierInputSchema>;

function creatorControlInstruction(args: z.output<typeof creatorControlSchema>, data: BorshWriter): TransactionInstruction {
  return new TransactionInstruction({
    programId: args.programId,
    keys: [
      { pubkey: args.creator, isSigner: true, isWritable: false },
      { pubkey: args.distribution, isSigner: false, isWritable: true },
    ],
    data: toInstructionBuffer(data),
  });
}

/**
 * Hands claim authorisation to another key, e.g. when the backend rotates its verifier: the creator
 * and the current verifier both sign, so neither can take the escrow's payouts alone.
 */
export function setVerifierInstruction(input: SetVerifierInput): TransactionInstruction {
  const args = parseBuilderInput("setVerifierInstruction", setVerifierInputSchema, input);
  return new TransactionInstruction({
    programId: args.programId,
    keys: [
      { pubkey: args.creator, isSigner: true, isWritable: false },
      { pubkey: args.currentVerifier, isSigner: true, isWritable: false },
      { pubkey: args.distribution, isSigner: false, isWritable: true },
    ],
    data: toInstructionBuffer(instructionData("set_verifier").publicKey(args.newVerifier)),
  });
}

/** Stops payouts until resume; pausing twice is harmless. */
export function pauseInstruction(input: CreatorControlInput): TransactionInstruction {
  return creatorControlInstruction(parseBuilderInput("pauseInstruction", creatorControlSchema, input), instructionData("pause"));
}

export function resumeInstruction(input: CreatorControlInput): TransactionInstruction {
  return creatorControlInstruction(
    parseBuilderInput("resumeInstruction", creatorControlSchema, input),
    instructionData("resume"),
  );
}
