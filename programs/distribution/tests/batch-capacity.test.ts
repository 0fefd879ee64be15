import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { ComputeBudgetProgram, Keypair } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { type BatchShape, maxClaimsPerLegacyTransaction, maxClaimsPerV0Transaction } from "../../../shared/program/batch-size.ts";
import {
  batchLookupTable,
  consecutiveClaims,
  legacyBatchBytes,
  type Recipient,
  v0BatchBytes,
} from "./harness/batch-transactions.ts";
import { createdFixture, type Fixture, programTestbed, readDistribution, recipients } from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest } from "./harness/invariant.ts";
import { logsOf, outcomeOf } from "./harness/svm.ts";

checkInvariantAfterEachTest();

// The client's capacity helpers are what the batcher trusts: the largest batch they allow must land in the
// real runtime, and one claim more must be refused.
function openDistribution(): Fixture {
  const { testbed, programId } = programTestbed();
  return createdFixture(testbed, programId, { maxClaims: 200, feeBudgetLamports: 1_000_000_000n });
}

function withoutAccounts(count: number): Recipient[] {
  return Array.from({ length: count }, () => ({
    owner: Keypair.generate().publicKey,
    tokenAccount: Keypair.generate().publicKey,
  }));
}

describe("the largest batch the capacity helpers allow", () => {
  it("lands in a legacy transaction; one claim more does not fit", () => {
    const fixture = openDistribution();
    const { claims } = maxClaimsPerLegacyTransaction();
    const batch = recipients(fixture, claims + 1);
    expect(() => legacyBatchBytes(fixture, consecutiveClaims(batch, 0, false))).toThrow(/Transaction too large/);
    const result = fixture.testbed.sendBytes(legacyBatchBytes(fixture, consecutiveClaims(batch.slice(0, claims), 0, false)));
    expect(outcomeOf(result), logsOf(result)).toBe("ok");
    expect(readDistribution(fixture).claimedCount).toBe(claims);
  });

  it("lands in a v0 transaction with a lookup table; one claim more exceeds the account locks", () => {
    const fixture = openDistribution();
    const { claims } = maxClaimsPerV0Transaction();
    const batch = recipients(fixture, claims + 1);
    const tooMany = fixture.testbed.sendBytes(
      v0BatchBytes(fixture, consecutiveClaims(batch, 0, false), batchLookupTable(fixture, batch, false)),
    );
    expect(outcomeOf(tooMany)).toBe("TooManyAccountLocks");
    const fitting = batch.slice(0, claims);
    const result = fixture.testbed.sendBytes(
      v0BatchBytes(fixture, consecutiveClaims(fitting, 0, false), batchLookupTable(fixture, fitting, false)),
    );
    expect(outcomeOf(result), logsOf(result)).toBe("ok");
    expect(readDistribution(fixture).claimedCount).toBe(claims);
  });

  it("lands when every claim creates its account, even if someone pre-funded every one of those addresses", () => {
    const fixture = openDistribution();
    const shape: BatchShape = {
      createAccounts: true,
      extraInstructions: [ComputeBudgetProgram.setComputeUnitLimit({ units: 1_400_000 })],
    };
    const { claims } = maxClaimsPerLegacyTransaction(shape);
    const batch = withoutAccounts(claims + 1);
    // Pre-funded addresses make the ATA program allocate and assign instead of creating: two more CPIs each.
    for (const { owner } of batch) fixture.testbed.airdrop(getAssociatedTokenAddressSync(fixture.mint, owner), 1_000_000n);
    const tooMany = fixture.testbed.sendBytes(legacyBatchBytes(fixture, consecutiveClaims(batch, 0, true), shape));
    expect(outcomeOf(tooMany)).toBe("MaxInstructionTraceLengthExceeded");
    const result = fixture.testbed.sendBytes(
      legacyBatchBytes(fixture, consecutiveClaims(batch.slice(0, claims), 0, true), shape),
    );
    expect(outcomeOf(result), logsOf(result)).toBe("ok");
    expect(readDistribution(fixture).claimedCount).toBe(claims);
  });
});
