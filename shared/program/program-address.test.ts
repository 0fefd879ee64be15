import { createHash } from "node:crypto";
import { getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { associatedTokenAddress, isOnCurve } from "./program-address.ts";

describe("program addresses", () => {
  it("decides the curve check as @solana/web3.js does, for hashes and for wallet keys", () => {
    const hashes = Array.from({ length: 3_000 }, (_, index) => createHash("sha256").update(`point ${index}`).digest());
    const keys = Array.from({ length: 200 }, () => Keypair.generate().publicKey.toBytes());
    const decisions = [...hashes, ...keys].map((bytes) => [isOnCurve(bytes), PublicKey.isOnCurve(bytes)]);
    expect(decisions.filter(([fast, reference]) => fast !== reference)).toEqual([]);
    // Both answers occur, so the comparison above can fail either way.
    expect(new Set(decisions.map(([fast]) => fast))).toEqual(new Set([true, false]));
  });

  it("treats the sign bit as x's sign and the small edge values as the runtime does", () => {
    const identityY = new Uint8Array(32);
    identityY[0] = 1;
    expect(isOnCurve(identityY)).toBe(PublicKey.isOnCurve(identityY));
    const withSign = Uint8Array.from(Keypair.generate().publicKey.toBytes());
    withSign[31] = (withSign[31] as number) ^ 0x80;
    expect(isOnCurve(withSign)).toBe(true);
  });

  it("derives the same associated token accounts as spl-token for both token programs", () => {
    const mint = Keypair.generate().publicKey;
    for (const tokenProgram of [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]) {
      for (let index = 0; index < 200; index++) {
        const owner = Keypair.generate().publicKey;
        expect(associatedTokenAddress(mint, owner, tokenProgram).toBase58()).toBe(
          getAssociatedTokenAddressSync(mint, owner, true, tokenProgram).toBase58(),
        );
      }
    }
  });
});
