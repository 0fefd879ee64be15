import { ASSOCIATED_TOKEN_PROGRAM_ID } from "@solana/spl-token";
import {
  type AccountMeta,
  type PublicKey,
  SYSVAR_INSTRUCTIONS_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from "@solana/web3.js";
import { z } from "zod";
import { distributionProgramId } from "./ids.ts";
import { instructionData, toInstructionBuffer } from "./instruction-data.ts";
import { MAX_SLOT } from "./layout.ts";
import { findVaultAddress } from "./pda.ts";
import { AssociatedTokenAccount, associatedTokenAddress } from "./program-address.ts";
import { parseBuilderInput, publicKeyInputSchema, tokenProgramInputSchema } from "./schemas.ts";

const slotSchema = z
  .number()
  .int("a slot must be a whole number")
  .min(0, "a slot is at least 0")
  .max(MAX_SLOT, `a slot is at most ${MAX_SLOT}`);

/** An account findAssociatedTokenAddress derived (a look-alike object is refused). */
const derivedAccountSchema = z.custom<AssociatedTokenAccount>(AssociatedTokenAccount.isDerived, {
  message: "must be an account findAssociatedTokenAddress derived or an address",
});

/** Pays into the owner's associated token account, which the program creates first (idempotently) from the fee budget. */
const claimCreatingAccountSchema = z.object({
  slot: slotSchema,
  owner: publicKeyInputSchema,
  /**
   * Optional; when given it must be the owner's associated token account. As findAssociatedTokenAddress
   * returned it, it is checked by comparing keys; as an address, by deriving the owner's again.
   */
  tokenAccount: z.union([derivedAccountSchema, publicKeyInputSchema]).optional(),
});

/** Pays into an existing token account of the distribution's mint. */
const claimToExistingAccountSchema = z.object({ slot: slotSchema, tokenAccount: publicKeyInputSchema });

/**
 * Only what the wire format can carry is checked here; the program refuses out-of-range or repeated
 * slots itself, and the batcher is expected not to send them.
 */
export const batchClaimInputSchema = z.object({
  verifier: publicKeyInputSchema,
  /** Defaults to the verifier. */
  feePayer: publicKeyInputSchema.optional(),
  distribution: publicKeyInputSchema,
  /** Defaults to the vault PDA of the distribution. */
  vault: publicKeyInputSchema.optional(),
  /** The distribution's mint, which every payout's TransferChecked names. */
  mint: publicKeyInputSchema,
  /** The mint's token program: SPL Token (default) or Token-2022. */
  tokenProgram: tokenProgramInputSchema,
  // The creating variant goes first: zod drops unknown keys, so the other would swallow `owner`.
  claims: z.array(z.union([claimCreatingAccountSchema, claimToExistingAccountSchema])).min(1, "a batch needs at least one claim"),
  programId: publicKeyInputSchema.default(distributionProgramId),
});

export type BatchClaimInput = z.input<typeof batchClaimInputSchema>;
type BatchClaimArgs = z.output<typeof batchClaimInputSchema>;
type Claim = BatchClaimArgs["claims"][number];
type ClaimCreatingAccount = z.output<typeof claimCreatingAccountSchema>;

/** The owner's associated token account a claim opens; a given one that is not it is refused. */
function openedAccount(claim: ClaimCreatingAccount, index: number, args: BatchClaimArgs): PublicKey {
  const { tokenAccount } = claim;
  // Deriving costs tens of microseconds of main thread a claim; the batcher has every fan's derived already.
  if (AssociatedTokenAccount.isDerived(tokenAccount)) {
    if (tokenAccount.belongsTo(args.mint, claim.owner, args.tokenProgram)) return tokenAccount.address;
  } else {
    const associated = associatedTokenAddress(args.mint, claim.owner, args.tokenProgram);
    if (!tokenAccount || tokenAccount.equals(associated)) return associated;
  }
  throw new TypeError(`batchClaimInstruction: claims.${index}.tokenAccount is not the owner's associated token account`);
}

function recipientAccounts(claim: Claim, index: number, args: BatchClaimArgs): AccountMeta[] {
  if (!("owner" in claim)) return [{ pubkey: claim.tokenAccount, isSigner: false, isWritable: true }];
  return [
    { pubkey: openedAccount(claim, index, args), isSigner: false, isWritable: true },
    { pubkey: claim.owner, isSigner: false, isWritable: false },
  ];
}

export function batchClaimInstruction(input: BatchClaimInput): TransactionInstruction {
  const args = parseBuilderInput("batchClaimInstruction", batchClaimInputSchema, input);
  const keys: AccountMeta[] = [
    { pubkey: args.verifier, isSigner: true, isWritable: false },
    { pubkey: args.feePayer ?? args.verifier, isSigner: true, isWritable: true },
    { pubkey: args.distribution, isSigner: false, isWritable: true },
    { pubkey: args.vault ?? findVaultAddress(args.distribution, args.programId).address, isSigner: false, isWritable: true },
    { pubkey: args.mint, isSigner: false, isWritable: false },
    { pubkey: args.tokenProgram, isSigner: false, isWritable: false },
    // The program reads the compute budget instructions from it to reimburse the priority fee.
    { pubkey: SYSVAR_INSTRUCTIONS_PUBKEY, isSigner: false, isWritable: false },
  ];
  if (args.claims.some((claim) => "owner" in claim)) {
    keys.push(
      { pubkey: ASSOCIATED_TOKEN_PROGRAM_ID, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
    );
  }
  const data = instructionData("batch_claim").u32(args.claims.length);
  args.claims.forEach((claim, index) => {
    data.u16(claim.slot).bool("owner" in claim);
    keys.push(...recipientAccounts(claim, index, args));
  });
  return new TransactionInstruction({ programId: args.programId, keys, data: toInstructionBuffer(data) });
}
