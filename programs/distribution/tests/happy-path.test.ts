import { ACCOUNT_SIZE, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { isSlotClaimed } from "../../../shared/program/bitmap.ts";
import { pauseInstruction, resumeInstruction, setVerifierInstruction } from "../../../shared/program/creator-controls.ts";
import { distributionAccountSize } from "../../../shared/program/layout.ts";
import { findDistributionAddress, findVaultAddress } from "../../../shared/program/pda.ts";
import {
  createdFixture,
  DAY,
  type DeployMethod,
  type Fixture,
  GENESIS_TIME,
  prepareFixture,
  programTestbed,
  readDistribution,
  recipients,
  sendClaims,
  sendClose,
  sendCreate,
} from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest } from "./harness/invariant.ts";
import { FEE_PER_SIGNATURE, logsOf, outcomeOf, type SendResult } from "./harness/svm.ts";

checkInvariantAfterEachTest();

function expectOk(result: SendResult): void {
  expect(outcomeOf(result), logsOf(result)).toBe("ok");
}

function claimsFor(owners: { tokenAccount: Keypair["publicKey"] }[], firstSlot: number) {
  return owners.map(({ tokenAccount }, index) => ({ slot: firstSlot + index, tokenAccount }));
}

/** create → two batches → close after the end, with every lamport and token accounted for. */
function runGiveaway(method: DeployMethod): Fixture {
  const { testbed, programId } = programTestbed(method);
  const fixture = prepareFixture(testbed, programId, {
    maxClaims: 30,
    feePerClaimLamports: 5_000n,
    feeBudgetLamports: 1_000_000n,
  });
  const { amountPerClaim, feePerClaimLamports, feeBudgetLamports } = fixture.terms;
  const creatorLamports = testbed.lamports(fixture.creator.publicKey);

  expectOk(sendCreate(fixture));
  const distributionRent = testbed.rentExempt(distributionAccountSize(30));
  const vaultRent = testbed.rentExempt(ACCOUNT_SIZE);
  expect(testbed.accountData(fixture.distribution)?.length).toBe(distributionAccountSize(30));
  expect(testbed.lamports(fixture.distribution)).toBe(distributionRent + feeBudgetLamports);
  expect(testbed.lamports(fixture.creator.publicKey)).toBe(
    creatorLamports - distributionRent - feeBudgetLamports - vaultRent - FEE_PER_SIGNATURE,
  );
  expect(testbed.tokenBalance(fixture.vault)).toBe(fixture.deposit);
  const created = readDistribution(fixture);
  expect(created).toMatchObject({
    version: 1,
    bump: findDistributionAddress(fixture.creator.publicKey, fixture.distributionId, programId).bump,
    vaultBump: findVaultAddress(fixture.distribution, programId).bump,
    paused: false,
    creator: fixture.creator.publicKey,
    mint: fixture.mint,
    vault: fixture.vault,
    verifier: fixture.verifier.publicKey,
    distributionId: fixture.distributionId,
    postId: 1_849_123_456_789_012_345n,
    amountPerClaim,
    maxClaims: 30,
    claimedCount: 0,
    startTs: GENESIS_TIME,
    endTs: GENESIS_TIME + DAY,
    feePerClaimLamports,
    feeBudgetLamports,
    totalClaimedAmount: 0n,
    requirementsHash: new Uint8Array(32).fill(7),
    claimedBitmap: new Uint8Array(4),
  });

  const fans = recipients(fixture, 15);
  const feePayerLamports = testbed.lamports(fixture.feePayer.publicKey);
  expectOk(sendClaims(fixture, claimsFor(fans.slice(0, 10), 0)));
  expectOk(sendClaims(fixture, claimsFor(fans.slice(10), 10)));
  for (const fan of fans) expect(testbed.tokenBalance(fan.tokenAccount)).toBe(amountPerClaim);
  const afterClaims = readDistribution(fixture);
  expect(afterClaims.claimedCount).toBe(15);
  expect(afterClaims.totalClaimedAmount).toBe(15n * amountPerClaim);
  expect(afterClaims.feeBudgetLamports).toBe(feeBudgetLamports - 15n * feePerClaimLamports);
  expect([0, 14, 15, 29].map((slot) => isSlotClaimed(afterClaims.claimedBitmap, slot))).toEqual([true, true, false, false]);
  // The batch's fee payer signs two transactions (with the verifier) and is paid 5,000 per claim.
  expect(testbed.lamports(fixture.feePayer.publicKey)).toBe(
    feePayerLamports - 2n * 2n * FEE_PER_SIGNATURE + 15n * feePerClaimLamports,
  );
  expect(testbed.lamports(fixture.distribution)).toBe(distributionRent + afterClaims.feeBudgetLamports);

  testbed.setTime(GENESIS_TIME + DAY + 1n);
  const creatorBeforeClose = testbed.lamports(fixture.creator.publicKey);
  expectOk(sendClose(fixture));
  expect(testbed.tokenBalance(fixture.creatorTokenAccount)).toBe(fixture.creatorTokensBefore - 15n * amountPerClaim);
  expect(testbed.tokenBalance(fixture.vault)).toBeUndefined();
  // The tombstone keeps the rent of its 8 bytes; the creator gets back the rest of both rents and the
  // fee budget nobody used.
  const tombstoneRent = testbed.rentExempt(8);
  expect(testbed.lamports(fixture.distribution)).toBe(tombstoneRent);
  expect(testbed.lamports(fixture.creator.publicKey)).toBe(
    creatorBeforeClose + distributionRent - tombstoneRent + afterClaims.feeBudgetLamports + vaultRent - FEE_PER_SIGNATURE,
  );
  return fixture;
}

describe("a giveaway from start to finish", () => {
  it("creates, pays two batches and closes, returning the remainder and the unused fee budget", () => {
    runGiveaway("addProgram");
  });

  it("runs the same way when deployed through the BPF upgradeable loader", () => {
    const fixture = runGiveaway("upgradeable loader");
    expect(fixture.programId.toBase58()).not.toBe("MFansDist1111111111111111111111111111111111");
  });

  it("closes before the end once every slot is claimed", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 3 });
    expectOk(sendClaims(fixture, claimsFor(recipients(fixture, 3), 0)));
    expectOk(sendClose(fixture));
    expect(testbed.tokenBalance(fixture.creatorTokenAccount)).toBe(fixture.creatorTokensBefore - fixture.deposit);
  });

  it("reimburses the fee payer one fee per payout, down to an empty budget after the last slot", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 3, feePerClaimLamports: 5_000n, feeBudgetLamports: 15_000n });
    const before = testbed.lamports(fixture.feePayer.publicKey);
    expectOk(sendClaims(fixture, claimsFor(recipients(fixture, 2), 0)));
    expect(testbed.lamports(fixture.feePayer.publicKey)).toBe(before - 2n * FEE_PER_SIGNATURE + 10_000n);
    expect(readDistribution(fixture).feeBudgetLamports).toBe(5_000n);
    expectOk(sendClaims(fixture, claimsFor(recipients(fixture, 1), 2)));
    expect(readDistribution(fixture)).toMatchObject({ claimedCount: 3, feeBudgetLamports: 0n });
  });
});

describe("creating recipients' token accounts inside batch_claim", () => {
  it("creates the associated accounts and reimburses their rent and the claim fee from the budget", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { feePerClaimLamports: 5_000n, feeBudgetLamports: 100_000_000n });
    const owners = [Keypair.generate(), Keypair.generate(), Keypair.generate()].map((key) => key.publicKey);
    const [alreadyHasOne] = recipients(fixture, 1);
    if (!alreadyHasOne) throw new Error("one recipient expected");
    const feePayerBefore = testbed.lamports(fixture.feePayer.publicKey);
    const rent = testbed.rentExempt(ACCOUNT_SIZE);

    const result = sendClaims(fixture, [
      ...owners.map((owner, slot) => ({ slot, owner })),
      // Idempotent: an owner whose account exists is paid without a rent reimbursement.
      { slot: 3, owner: alreadyHasOne.owner },
    ]);
    expectOk(result);
    for (const owner of owners) {
      expect(testbed.tokenBalance(getAssociatedTokenAddressSync(fixture.mint, owner))).toBe(fixture.terms.amountPerClaim);
    }
    expect(testbed.tokenBalance(alreadyHasOne.tokenAccount)).toBe(fixture.terms.amountPerClaim);
    // The fee payer advanced three rents to the ATA program and got them back: only the claim fees remain.
    expect(testbed.lamports(fixture.feePayer.publicKey)).toBe(feePayerBefore - 2n * FEE_PER_SIGNATURE + 4n * 5_000n);
    expect(readDistribution(fixture).feeBudgetLamports).toBe(100_000_000n - 4n * 5_000n - 3n * rent);
  });
});

describe("creator controls", () => {
  it("pause stops claims until resume; set_verifier hands claiming to the new key", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    const [first, second, third] = recipients(fixture, 3);
    if (!first || !second || !third) throw new Error("three recipients expected");
    const control = { creator: fixture.creator.publicKey, distribution: fixture.distribution, programId };

    expectOk(testbed.send([pauseInstruction(control)], [fixture.creator]));
    expectOk(testbed.send([pauseInstruction(control)], [fixture.creator]));
    expect(readDistribution(fixture).paused).toBe(true);
    expect(outcomeOf(sendClaims(fixture, [{ slot: 0, tokenAccount: first.tokenAccount }]))).toBe("Paused");
    expectOk(testbed.send([resumeInstruction(control)], [fixture.creator]));
    expect(readDistribution(fixture).paused).toBe(false);
    expectOk(sendClaims(fixture, [{ slot: 0, tokenAccount: first.tokenAccount }]));

    const newVerifier = Keypair.generate();
    testbed.airdrop(newVerifier.publicKey, 1_000_000_000n);
    const rotation = setVerifierInstruction({
      ...control,
      currentVerifier: fixture.verifier.publicKey,
      newVerifier: newVerifier.publicKey,
    });
    expectOk(testbed.send([rotation], [fixture.creator, fixture.verifier]));
    expect(readDistribution(fixture).verifier).toEqual(newVerifier.publicKey);
    expect(outcomeOf(sendClaims(fixture, [{ slot: 1, tokenAccount: second.tokenAccount }]))).toBe("WrongVerifier");
    const withNewVerifier = { ...fixture, verifier: newVerifier };
    expectOk(sendClaims(withNewVerifier, [{ slot: 1, tokenAccount: second.tokenAccount }]));
    expect(testbed.tokenBalance(second.tokenAccount)).toBe(fixture.terms.amountPerClaim);
  });
});
