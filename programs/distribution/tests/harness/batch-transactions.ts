import { ASSOCIATED_TOKEN_PROGRAM_ID } from "@solana/spl-token";
import {
  type AddressLookupTableAccount,
  MessageV0,
  PACKET_DATA_SIZE,
  type PublicKey,
  Transaction,
  type TransactionInstruction,
  VersionedTransaction,
} from "@solana/web3.js";
import { type BatchClaimInput, batchClaimInstruction } from "../../../../shared/program/batch-claim.ts";
import type { BatchShape } from "../../../../shared/program/batch-size.ts";
import type { Fixture } from "./distribution-fixture.ts";
import { createLookupTable } from "./lookup-table.ts";

export interface Recipient {
  owner: PublicKey;
  tokenAccount: PublicKey;
}

/** Claims for consecutive slots, paying existing accounts or creating each owner's associated account. */
export function consecutiveClaims(
  recipients: Recipient[],
  firstSlot: number,
  createAccounts: boolean,
): BatchClaimInput["claims"] {
  return recipients.map(({ owner, tokenAccount }, index) =>
    createAccounts ? { slot: firstSlot + index, owner } : { slot: firstSlot + index, tokenAccount },
  );
}

/** The verifier signs and pays: one signature, the smallest transaction, as the capacity helpers assume by default. */
function instructions(fixture: Fixture, claims: BatchClaimInput["claims"], shape: BatchShape): TransactionInstruction[] {
  const batch = batchClaimInstruction({
    verifier: fixture.verifier.publicKey,
    distribution: fixture.distribution,
    mint: fixture.mint,
    tokenProgram: fixture.tokenProgram,
    claims,
    programId: fixture.programId,
  });
  return [...(shape.extraInstructions ?? []), batch];
}

function checkedSize(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length > PACKET_DATA_SIZE)
    throw new Error(`Transaction too large: ${what} is ${bytes.length} > ${PACKET_DATA_SIZE} bytes`);
  return bytes;
}

/** A signed legacy batch_claim transaction; web3.js itself refuses one over 1232 bytes. */
export function legacyBatchBytes(fixture: Fixture, claims: BatchClaimInput["claims"], shape: BatchShape = {}): Uint8Array {
  const transaction = new Transaction({
    feePayer: fixture.verifier.publicKey,
    recentBlockhash: fixture.testbed.svm.latestBlockhash(),
  }).add(...instructions(fixture, claims, shape));
  transaction.sign(fixture.verifier);
  return checkedSize(transaction.serialize(), `a legacy batch of ${claims.length}`);
}

/** A signed v0 batch_claim transaction whose accounts come from `table`. */
export function v0BatchBytes(
  fixture: Fixture,
  claims: BatchClaimInput["claims"],
  table: AddressLookupTableAccount,
  shape: BatchShape = {},
): Uint8Array {
  const message = MessageV0.compile({
    payerKey: fixture.verifier.publicKey,
    instructions: instructions(fixture, claims, shape),
    recentBlockhash: fixture.testbed.svm.latestBlockhash(),
    addressLookupTableAccounts: [table],
  });
  const transaction = new VersionedTransaction(message);
  transaction.sign([fixture.verifier]);
  return checkedSize(transaction.serialize(), `a v0 batch of ${claims.length}`);
}

/** A lookup table with every account of the batch that may come from one: all but signers and the program. */
export function batchLookupTable(fixture: Fixture, recipients: Recipient[], createAccounts: boolean): AddressLookupTableAccount {
  const perClaim = recipients.flatMap(({ owner, tokenAccount }) => (createAccounts ? [owner] : [tokenAccount]));
  const shared = [fixture.distribution, fixture.vault, fixture.tokenProgram, fixture.mint, ASSOCIATED_TOKEN_PROGRAM_ID];
  return createLookupTable(fixture.testbed, [...shared, ...perClaim]);
}
