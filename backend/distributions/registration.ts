import type { PublicKey } from "@solana/web3.js";
import type { RegisterDistributionBody } from "../../shared/api/distributions.ts";
import { type DistributionAccount, findDistributionAddress } from "../../shared/program/index.ts";
import { requirementsHash } from "../../shared/requirements.ts";

export interface Mismatch {
  field: string;
  /** What the chain holds (or what this backend requires, for verifier and fee). */
  onChain: string;
  submitted: string;
}

export interface RegistrationExpectations {
  /** This backend's verifier key: claims are only paid when the account names it. */
  verifier: string;
  feePerClaimLamports: bigint;
  programId: PublicKey;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/**
 * Every way the account on chain disagrees with the registration: the submitted post id and
 * requirements (by their hash), the optional draft terms, and the two terms this backend imposes
 * (its own verifier, its fee per claim). Empty means the registration may be stored.
 */
export function registrationMismatches(
  address: string,
  account: DistributionAccount,
  body: RegisterDistributionBody,
  expected: RegistrationExpectations,
): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const compare = (field: string, onChain: string, submitted: string | undefined) => {
    if (submitted !== undefined && onChain !== submitted) mismatches.push({ field, onChain, submitted });
  };
  const derived = findDistributionAddress(account.creator, account.distributionId, expected.programId).address.toBase58();
  compare("address", derived, address);
  compare("postId", account.postId.toString(), body.postId);
  compare("requirementsHash", hex(account.requirementsHash), hex(requirementsHash(body.requirements)));
  compare("verifier", account.verifier.toBase58(), expected.verifier);
  compare("feePerClaimLamports", account.feePerClaimLamports.toString(), expected.feePerClaimLamports.toString());
  compare("mint", account.mint.toBase58(), body.mint);
  compare("amountPerClaim", account.amountPerClaim.toString(), body.amountPerClaim?.toString());
  compare("maxClaims", String(account.maxClaims), body.maxClaims?.toString());
  compare("startsAt", account.startTs.toString(), body.startsAt?.toString());
  compare("endsAt", account.endTs.toString(), body.endsAt?.toString());
  compare("feeBudgetLamports", account.feeBudgetLamports.toString(), body.feeBudgetLamports?.toString());
  return mismatches;
}
