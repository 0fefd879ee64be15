import { afterEach, expect } from "vitest";
import { isClosedDistributionAccount } from "../../../../shared/program/distribution-account.ts";
import type { DistributionErrorName } from "../../../../shared/program/errors.ts";
import { type Fixture, liveFixtures, readDistribution } from "./distribution-fixture.ts";
import { logsOf, outcomeOf, type SendResult, toAddress } from "./svm.ts";

function isOpen(fixture: Fixture): boolean {
  const account = fixture.testbed.svm.getAccount(toAddress(fixture.distribution));
  return account.exists && account.programAddress === fixture.programId.toBase58() && !isClosedDistributionAccount(account.data);
}

/**
 * vault balance + total paid = deposit while the distribution is open; after close the vault is gone and
 * the creator holds everything that was not paid. "Paid" is measured on chain: the balances of every
 * other token account of the fixture's own mint.
 */
export function assertInvariant(fixture: Fixture): void {
  const balances = fixture.testbed.tokenBalancesOfMint(fixture.mint);
  const vault = balances.get(fixture.vault.toBase58());
  const creator = balances.get(fixture.creatorTokenAccount.toBase58()) ?? 0n;
  let paid = 0n;
  for (const [account, balance] of balances) {
    if (account !== fixture.vault.toBase58() && account !== fixture.creatorTokenAccount.toBase58()) paid += balance;
  }
  if (isOpen(fixture)) {
    const state = readDistribution(fixture);
    expect(vault, "vault balance + total paid = deposit").toBe(fixture.deposit - paid);
    expect(state.totalClaimedAmount, "total_claimed_amount = tokens held by recipients").toBe(paid);
    expect(BigInt(state.claimedCount) * state.amountPerClaim).toBe(paid);
    expect(creator).toBe(fixture.creatorTokensBefore - fixture.deposit);
  } else {
    expect(vault, "no vault without an open distribution").toBeUndefined();
    expect(creator + paid, "the creator holds everything not paid").toBe(fixture.creatorTokensBefore);
  }
}

/** Registers the invariant check after every test of the calling file. */
export function checkInvariantAfterEachTest(): void {
  afterEach(() => {
    const fixtures = liveFixtures.splice(0);
    for (const fixture of fixtures) assertInvariant(fixture);
  });
}

/**
 * Sends, then asserts the specific program error and that not one token of the fixture's mint moved.
 */
export function expectRefused(fixture: Fixture, expected: DistributionErrorName, send: () => SendResult): SendResult {
  const before = fixture.testbed.tokenBalancesOfMint(fixture.mint);
  const result = send();
  expect(outcomeOf(result), logsOf(result)).toBe(expected);
  expect(fixture.testbed.tokenBalancesOfMint(fixture.mint)).toEqual(before);
  return result;
}
