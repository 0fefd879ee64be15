import { PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { Testbed } from "./harness/svm.ts";

// The harness itself runs on real SPL Token instructions; if it miscounted, every invariant check would too.
describe("the LiteSVM testbed", () => {
  it("creates a mint and token accounts through SPL Token and reads their balances", () => {
    const testbed = new Testbed();
    const mint = testbed.createMint();
    const owner = PublicKey.unique();
    const associated = testbed.createAssociatedTokenAccount(owner, mint);
    const other = testbed.createTokenAccount(owner, mint);
    testbed.mintTo(mint, associated, 42n);
    expect(testbed.tokenBalance(associated)).toBe(42n);
    expect(testbed.tokenBalance(other)).toBe(0n);
    expect(testbed.tokenBalance(PublicKey.unique())).toBeUndefined();
    expect(testbed.tokenBalancesOfMint(mint)).toEqual(
      new Map([
        [associated.toBase58(), 42n],
        [other.toBase58(), 0n],
      ]),
    );
    expect(testbed.tokenBalancesOfMint(testbed.createMint()).size).toBe(0);
  });

  it("moves the clock", () => {
    const testbed = new Testbed();
    testbed.setTime(1_900_000_000n);
    expect(testbed.now()).toBe(1_900_000_000n);
  });
});
