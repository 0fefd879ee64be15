import { ComputeBudgetProgram, Keypair } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { batchClaimInstruction } from "../../../shared/program/batch-claim.ts";
import {
  batchInput,
  type Fixture,
  prepareFixture,
  programTestbed,
  readDistribution,
  recipients,
  sendCreate,
} from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest, expectRefused } from "./harness/invariant.ts";
import { outcomeOf, type SendResult } from "./harness/svm.ts";

checkInvariantAfterEachTest();

const FEE = 200n;
const CAP = 1_000n;

/** A distribution of `maxClaims` slots whose budget is exactly (fee + cap) per slot. */
function cappedFixture(maxClaims: number): Fixture {
  const { testbed, programId } = programTestbed();
  const fixture = prepareFixture(testbed, programId, {
    maxClaims,
    feePerClaimLamports: FEE,
    feeBudgetLamports: (FEE + CAP) * BigInt(maxClaims),
  });
  expect(outcomeOf(sendCreate(fixture, { priorityFeeCapLamports: CAP }))).toBe("ok");
  return fixture;
}

/** Pays `count` holders in one batch carrying this compute budget. */
function payWithBudget(fixture: Fixture, count: number, budget: { units?: number; microLamports?: number }): SendResult {
  const instructions = [];
  if (budget.units !== undefined) instructions.push(ComputeBudgetProgram.setComputeUnitLimit({ units: budget.units }));
  if (budget.microLamports !== undefined)
    instructions.push(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: budget.microLamports }));
  const claims = recipients(fixture, count).map(({ tokenAccount }, slot) => ({ slot, tokenAccount }));
  instructions.push(batchClaimInstruction(batchInput(fixture, claims)));
  return fixture.testbed.send(instructions, [fixture.feePayer, fixture.verifier]);
}

describe("priority fees, reimbursed up to the creator's cap", () => {
  it("refuses a budget that does not reserve the cap for every slot", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId, {
      maxClaims: 10,
      feePerClaimLamports: FEE,
      feeBudgetLamports: (FEE + CAP) * 10n - 1n,
    });
    expectRefused(fixture, "FeeBudgetTooSmall", () => sendCreate(fixture, { priorityFeeCapLamports: CAP }));
    expect(readDistribution(cappedFixture(10)).priorityFeeCapLamports).toBe(CAP);
  });

  it("reimburses the batch's priority fee, ⌈limit × price / 10⁶⌉, when it is under the cap", () => {
    const fixture = cappedFixture(4);
    const before = readDistribution(fixture).feeBudgetLamports;
    // 200,000 units × 7,501 micro-lamports = 1,500.2 lamports, charged 1,501: under 4 × 1,000.
    expect(outcomeOf(payWithBudget(fixture, 4, { units: 200_000, microLamports: 7_501 }))).toBe("ok");
    expect(before - readDistribution(fixture).feeBudgetLamports).toBe(4n * FEE + 1_501n);
  });

  it("reimburses at most cap × claims, however much the batch bid", () => {
    const fixture = cappedFixture(3);
    const before = readDistribution(fixture).feeBudgetLamports;
    expect(outcomeOf(payWithBudget(fixture, 3, { units: 200_000, microLamports: 1_000_000 }))).toBe("ok");
    expect(before - readDistribution(fixture).feeBudgetLamports).toBe(3n * (FEE + CAP));
    expect(readDistribution(fixture).feeBudgetLamports).toBe(0n);
  });

  it("reimburses nothing for priority without both an explicit limit and a price", () => {
    for (const budget of [{ microLamports: 1_000_000 }, { units: 200_000 }, {}]) {
      const fixture = cappedFixture(2);
      const before = readDistribution(fixture).feeBudgetLamports;
      expect(outcomeOf(payWithBudget(fixture, 2, budget))).toBe("ok");
      expect(before - readDistribution(fixture).feeBudgetLamports).toBe(2n * FEE);
    }
  });

  it("reimburses a limit above what the runtime grants as the 1,400,000 units it charges", () => {
    const fixture = cappedFixture(3);
    const before = readDistribution(fixture).feeBudgetLamports;
    // Charged ⌈1,400,000 × 1 / 10⁶⌉ = 2 lamports; the limit as asked would have claimed 4,295.
    expect(outcomeOf(payWithBudget(fixture, 3, { units: 0xffff_ffff, microLamports: 1 }))).toBe("ok");
    expect(before - readDistribution(fixture).feeBudgetLamports).toBe(3n * FEE + 2n);
  });

  it("refuses to reimburse one transaction's fee to two batches in it, and pays both without a fee", () => {
    const twoBatches = (fixture: Fixture, budget: { units: number; microLamports: number } | undefined) => {
      // The token accounts exist before the transaction, whose refusal must leave every balance as it was.
      const [first, second] = recipients(fixture, 2).map(({ tokenAccount }, slot) => ({ slot, tokenAccount }));
      if (!first || !second) throw new Error("two recipients");
      return () =>
        fixture.testbed.send(
          [
            ...(budget
              ? [
                  ComputeBudgetProgram.setComputeUnitLimit({ units: budget.units }),
                  ComputeBudgetProgram.setComputeUnitPrice({ microLamports: budget.microLamports }),
                ]
              : []),
            batchClaimInstruction(batchInput(fixture, [first])),
            batchClaimInstruction(batchInput(fixture, [second])),
          ],
          [fixture.feePayer, fixture.verifier],
        );
    };
    const withFee = cappedFixture(2);
    expectRefused(withFee, "SharedPriorityFee", twoBatches(withFee, { units: 400_000, microLamports: 2_000 }));
    expect(readDistribution(withFee).claimedCount).toBe(0);

    const withoutFee = cappedFixture(2);
    const before = readDistribution(withoutFee).feeBudgetLamports;
    expect(outcomeOf(twoBatches(withoutFee, undefined)())).toBe("ok");
    expect(before - readDistribution(withoutFee).feeBudgetLamports).toBe(2n * FEE);
  });

  it("refuses any account but the instructions sysvar in its place", () => {
    const fixture = cappedFixture(1);
    const [holder] = recipients(fixture, 1);
    const instruction = batchClaimInstruction(
      batchInput(fixture, [{ slot: 0, tokenAccount: holder?.tokenAccount ?? Keypair.generate().publicKey }]),
    );
    const sysvar = instruction.keys[6];
    if (sysvar) sysvar.pubkey = Keypair.generate().publicKey;
    expectRefused(fixture, "InvalidInstructionsSysvar", () =>
      fixture.testbed.send([instruction], [fixture.feePayer, fixture.verifier]),
    );
  });
});
