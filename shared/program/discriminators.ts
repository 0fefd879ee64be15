import { sha256 } from "@noble/hashes/sha2.js";

/** Anchor's convention: the first 8 bytes of sha256("<namespace>:<name>"). */
function anchorDiscriminator(preimage: string): Uint8Array {
  return sha256(new TextEncoder().encode(preimage)).slice(0, 8);
}

export const INSTRUCTION_NAMES = [
  "create_distribution",
  "batch_claim",
  "close_distribution",
  "set_verifier",
  "pause",
  "resume",
] as const;

export type InstructionName = (typeof INSTRUCTION_NAMES)[number];

export const INSTRUCTION_DISCRIMINATORS: Readonly<Record<InstructionName, Uint8Array>> = Object.fromEntries(
  INSTRUCTION_NAMES.map((name) => [name, anchorDiscriminator(`global:${name}`)]),
) as Record<InstructionName, Uint8Array>;

export const DISTRIBUTION_ACCOUNT_DISCRIMINATOR = anchorDiscriminator("account:Distribution");

/** All a closed distribution keeps: the program holds its address forever with this 8-byte tombstone. */
export const CLOSED_DISTRIBUTION_DISCRIMINATOR = anchorDiscriminator("account:ClosedDistribution");
