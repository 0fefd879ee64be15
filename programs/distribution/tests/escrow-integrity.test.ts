import { ACCOUNT_SIZE, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { batchClaimInstruction } from "../../../shared/program/batch-claim.ts";
import { closeDistributionInstruction } from "../../../shared/program/close-distribution.ts";
import { createDistributionInstruction } from "../../../shared/program/create-distribution.ts";
import { pauseInstruction, setVerifierInstruction } from "../../../shared/program/creator-controls.ts";
import { CLOSED_DISTRIBUTION_DISCRIMINATOR } from "../../../shared/program/discriminators.ts";
import {
  batchInput,
  createdFixture,
  createInput,
  type Fixture,
  prepareFixture,
  programTestbed,
  readDistribution,
  recipients,
  sendClaims,
  sendClose,
  sendCreate,
  sendSetVerifier,
} from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest, expectRefused } from "./harness/invariant.ts";
import { FEE_PER_SIGNATURE, outcomeOf, type SendResult, toAddress } from "./harness/svm.ts";

// Each test here is an attack that moved tokens or lamports against the program before the escrow
// was hardened (issue 12); the invariant (vault + paid = deposit) is checked after every one.
checkInvariantAfterEachTest();

/** The creator's own token account of the giveaway's mint, where a thieving creator would pay slots. */
function creatorAsRecipient(fixture: Fixture): PublicKey {
  return getAssociatedTokenAddressSync(fixture.mint, fixture.creator.publicKey);
}

describe("nobody but the verifier ever pays a slot", () => {
  it("refuses the creator's one-transaction heist: make itself verifier, pay every slot to itself, close", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 5 });
    const heist = [
      setVerifierInstruction({
        creator: fixture.creator.publicKey,
        currentVerifier: fixture.creator.publicKey,
        distribution: fixture.distribution,
        newVerifier: fixture.creator.publicKey,
        programId,
      }),
      batchClaimInstruction({
        ...batchInput(
          fixture,
          [0, 1, 2, 3, 4].map((slot) => ({ slot, tokenAccount: creatorAsRecipient(fixture) })),
        ),
        verifier: fixture.creator.publicKey,
        feePayer: fixture.creator.publicKey,
      }),
      closeDistributionInstruction({
        creator: fixture.creator.publicKey,
        distribution: fixture.distribution,
        mint: fixture.mint,
        creatorTokenAccount: fixture.creatorTokenAccount,
        programId,
      }),
    ];
    expectRefused(fixture, "WrongVerifier", () => testbed.send(heist, [fixture.creator]));
    expect(testbed.tokenBalance(fixture.vault)).toBe(fixture.deposit);
    expect(readDistribution(fixture).verifier).toEqual(fixture.verifier.publicKey);
  });

  it("needs the current verifier's signature to rotate the verifier, not just its address", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    const rotation = setVerifierInstruction({
      creator: fixture.creator.publicKey,
      currentVerifier: fixture.verifier.publicKey,
      distribution: fixture.distribution,
      newVerifier: fixture.creator.publicKey,
      programId,
    });
    const verifierMeta = rotation.keys[1];
    if (verifierMeta) verifierMeta.isSigner = false;
    expectRefused(fixture, "MissingVerifierSignature", () => testbed.send([rotation], [fixture.creator]));
    const impostor = Keypair.generate();
    testbed.airdrop(impostor.publicKey, 1_000_000_000n);
    expectRefused(fixture, "WrongVerifier", () => sendSetVerifier(fixture, impostor.publicKey, impostor));
    expect(readDistribution(fixture).verifier).toEqual(fixture.verifier.publicKey);
  });

  it("lets the creator leave a vanished operator only by pausing and closing after the end", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 4 });
    const [fan] = recipients(fixture, 1);
    if (!fan) throw new Error("one recipient expected");
    expect(outcomeOf(sendClaims(fixture, [{ slot: 0, tokenAccount: fan.tokenAccount }]))).toBe("ok");
    const control = { creator: fixture.creator.publicKey, distribution: fixture.distribution, programId };
    expect(outcomeOf(testbed.send([pauseInstruction(control)], [fixture.creator]))).toBe("ok");
    expectRefused(fixture, "NotClosable", () => sendClose(fixture));
    testbed.setTime(fixture.terms.endTs + 1n);
    expect(outcomeOf(sendClose(fixture))).toBe("ok");
    expect(testbed.tokenBalance(fan.tokenAccount)).toBe(fixture.terms.amountPerClaim);
  });
});

describe("the operator never advances what it cannot recover", () => {
  it("refuses a fee budget that cannot pay one fee per slot, the old dialog's 0 included", () => {
    const { testbed, programId } = programTestbed();
    for (const feeBudgetLamports of [0n, 5_000n * 10n - 1n]) {
      const fixture = prepareFixture(testbed, programId, { maxClaims: 10, feePerClaimLamports: 5_000n, feeBudgetLamports });
      expectRefused(fixture, "FeeBudgetTooSmall", () => sendCreate(fixture));
      expect(testbed.accountData(fixture.distribution)).toBeUndefined();
    }
  });

  it("opens a fan's token account only while the budget beyond the unpaid slots' fees covers its rent", () => {
    const { testbed, programId } = programTestbed();
    const rent = testbed.rentExempt(ACCOUNT_SIZE);
    // Fees for 3 slots and rent for exactly one new account.
    const fixture = createdFixture(testbed, programId, {
      maxClaims: 3,
      feePerClaimLamports: 5_000n,
      feeBudgetLamports: 15_000n + rent,
    });
    const fans = [Keypair.generate(), Keypair.generate()].map((key) => key.publicKey);
    const feePayerBefore = testbed.lamports(fixture.feePayer.publicKey);

    expect(outcomeOf(sendClaims(fixture, [{ slot: 0, owner: fans[0] ?? PublicKey.default }]))).toBe("ok");
    // The fee payer put the rent into the new account and got all of it back, plus the claim's fee.
    expect(testbed.lamports(fixture.feePayer.publicKey)).toBe(feePayerBefore - 2n * FEE_PER_SIGNATURE + 5_000n);
    expect(readDistribution(fixture).feeBudgetLamports).toBe(10_000n);

    const feePayerBeforeRefusal = testbed.lamports(fixture.feePayer.publicKey);
    expectRefused(fixture, "FeeBudgetExhausted", () => sendClaims(fixture, [{ slot: 1, owner: fans[1] ?? PublicKey.default }]));
    expect(testbed.lamports(fixture.feePayer.publicKey)).toBe(feePayerBeforeRefusal - 2n * FEE_PER_SIGNATURE);
    expect(testbed.lamports(getAssociatedTokenAddressSync(fixture.mint, fans[1] ?? PublicKey.default))).toBe(0n);

    // A fan who already holds a token account is still paid, and its fee still reimbursed.
    const [holder] = recipients(fixture, 1);
    if (!holder) throw new Error("one recipient expected");
    expect(outcomeOf(sendClaims(fixture, [{ slot: 1, tokenAccount: holder.tokenAccount }]))).toBe("ok");
    expect(readDistribution(fixture)).toMatchObject({ claimedCount: 2, feeBudgetLamports: 5_000n });
  });

  it("reimburses a batch of new accounts exactly: the fee payer ends where it started but for signatures", () => {
    const { testbed, programId } = programTestbed();
    const rent = testbed.rentExempt(ACCOUNT_SIZE);
    const fixture = createdFixture(testbed, programId, { maxClaims: 8, feeBudgetLamports: 8n * (5_000n + rent) });
    const feePayerBefore = testbed.lamports(fixture.feePayer.publicKey);
    const owners = Array.from({ length: 8 }, () => Keypair.generate().publicKey);
    expect(
      outcomeOf(
        sendClaims(
          fixture,
          owners.map((owner, slot) => ({ slot, owner })),
        ),
      ),
    ).toBe("ok");
    expect(testbed.lamports(fixture.feePayer.publicKey)).toBe(
      feePayerBefore - 2n * FEE_PER_SIGNATURE + 8n * fixture.terms.feePerClaimLamports,
    );
  });
});

function distributionSeeds(fixture: Fixture, bump: number): Buffer[] {
  const id = Buffer.alloc(8);
  id.writeBigUInt64LE(fixture.distributionId);
  return [Buffer.from("distribution"), fixture.creator.publicKey.toBuffer(), id, Buffer.from([bump])];
}

function vaultSeeds(distribution: PublicKey, bump: number): Buffer[] {
  return [Buffer.from("vault"), distribution.toBuffer(), Buffer.from([bump])];
}

/** The address these seeds give, or undefined when they land on the curve. */
function programAddress(seeds: Buffer[], programId: PublicKey): PublicKey | undefined {
  try {
    return PublicKey.createProgramAddressSync(seeds, programId);
  } catch {
    return undefined;
  }
}

function canonicalBump(seedsOf: (bump: number) => Buffer[], programId: PublicKey): number {
  for (let bump = 255; bump >= 0; bump--) if (programAddress(seedsOf(bump), programId)) return bump;
  throw new Error("no bump is off the curve");
}

/** The highest bump below the canonical one that still gives a valid PDA: one the program must refuse. */
function nonCanonicalBump(seedsOf: (bump: number) => Buffer[], programId: PublicKey): number {
  for (let bump = canonicalBump(seedsOf, programId) - 1; bump >= 0; bump--) {
    if (programAddress(seedsOf(bump), programId)) return bump;
  }
  throw new Error("no lower bump is off the curve");
}

/** create_distribution at the distribution and vault addresses these bumps give. */
function createWithBumps(fixture: Fixture, bump: number, vaultBump: number): { send: () => SendResult; distribution: PublicKey } {
  const { programId } = fixture;
  const distribution = programAddress(distributionSeeds(fixture, bump), programId);
  const vault = distribution && programAddress(vaultSeeds(distribution, vaultBump), programId);
  if (!distribution || !vault) throw new Error("the bumps do not give program addresses");
  const instruction = createDistributionInstruction(createInput(fixture));
  // Borsh after the 8-byte discriminator: distribution_id u64, then bump and vault_bump.
  instruction.data[16] = bump;
  instruction.data[17] = vaultBump;
  setKey(instruction, 1, distribution);
  setKey(instruction, 2, vault);
  return { send: () => fixture.testbed.send([instruction], [fixture.creator]), distribution };
}

function setKey(instruction: TransactionInstruction, index: number, key: PublicKey): void {
  const meta = instruction.keys[index];
  if (!meta) throw new Error(`no account ${index}`);
  meta.pubkey = key;
}

describe("one distribution per (creator, id), at the address every client derives", () => {
  it("refuses a distribution at a non-canonical bump, instead of the canonical one or beside it", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    const bump = nonCanonicalBump((b) => distributionSeeds(fixture, b), programId);
    const shadowAddress = programAddress(distributionSeeds(fixture, bump), programId) ?? PublicKey.default;
    const shadow = createWithBumps(
      fixture,
      bump,
      canonicalBump((b) => vaultSeeds(shadowAddress, b), programId),
    );
    expect(shadow.distribution.equals(fixture.distribution)).toBe(false);
    expectRefused(fixture, "NonCanonicalBump", shadow.send);
    expect(testbed.accountData(shadow.distribution)).toBeUndefined();

    expect(outcomeOf(sendCreate(fixture))).toBe("ok");
    expectRefused(fixture, "NonCanonicalBump", shadow.send);
    expect(testbed.accountData(shadow.distribution)).toBeUndefined();
  });

  it("refuses a vault at a non-canonical bump, which the backend would never derive", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    const bump = canonicalBump((b) => distributionSeeds(fixture, b), programId);
    const vaultBump = nonCanonicalBump((b) => vaultSeeds(fixture.distribution, b), programId);
    expectRefused(fixture, "NonCanonicalBump", createWithBumps(fixture, bump, vaultBump).send);
    expect(testbed.accountData(fixture.distribution)).toBeUndefined();
  });
});

describe("a closed distribution stays closed", () => {
  function closedFixture() {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 2 });
    const fans = recipients(fixture, 2);
    expect(
      outcomeOf(
        sendClaims(
          fixture,
          fans.map((fan, slot) => ({ slot, tokenAccount: fan.tokenAccount })),
        ),
      ),
    ).toBe("ok");
    expect(outcomeOf(sendClose(fixture))).toBe("ok");
    return { testbed, programId, fixture, fans };
  }

  it("leaves an 8-byte tombstone that the program keeps, rent-exempt", () => {
    const { testbed, programId, fixture } = closedFixture();
    const account = testbed.svm.getAccount(toAddress(fixture.distribution));
    expect(account.exists && account.programAddress).toBe(programId.toBase58());
    expect(testbed.accountData(fixture.distribution)).toEqual(CLOSED_DISTRIBUTION_DISCRIMINATOR);
    expect(testbed.lamports(fixture.distribution)).toBe(testbed.rentExempt(8));
  });

  it("refuses a new distribution at the closed one's address, so paid slots cannot be paid again", () => {
    const { testbed, fixture, fans } = closedFixture();
    // The creator could fund a second deposit: the address, not the money, must stop it.
    testbed.mintTo(fixture.mint, fixture.creatorTokenAccount, fixture.deposit);
    fixture.creatorTokensBefore += fixture.deposit;
    expectRefused(fixture, "AccountAlreadyInUse", () => sendCreate(fixture));
    expectRefused(fixture, "DistributionClosed", () =>
      sendClaims(fixture, [{ slot: 0, tokenAccount: fans[0]?.tokenAccount ?? PublicKey.default }]),
    );
  });

  it("answers every instruction on the tombstone with DistributionClosed", () => {
    const { testbed, programId, fixture } = closedFixture();
    const control = { creator: fixture.creator.publicKey, distribution: fixture.distribution, programId };
    expectRefused(fixture, "DistributionClosed", () => sendClose(fixture));
    expectRefused(fixture, "DistributionClosed", () => testbed.send([pauseInstruction(control)], [fixture.creator]));
    expectRefused(fixture, "DistributionClosed", () => sendSetVerifier(fixture, Keypair.generate().publicKey));
  });
});
