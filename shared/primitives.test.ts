import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import { isSolanaAddress, publicKeySchema } from "./primitives.ts";

const base58Of = (length: number, fill: number) => bs58.encode(new Uint8Array(length).fill(fill));

describe("Solana addresses", () => {
  it("accepts base58 of exactly 32 bytes, again and again", () => {
    const address = base58Of(32, 7);
    for (let check = 0; check < 3; check++) expect(publicKeySchema.safeParse(address).success).toBe(true);
    // Leading zero bytes are "1"s in base58: still 32 bytes.
    expect(isSolanaAddress(bs58.encode(new Uint8Array([0, 0, ...new Uint8Array(30).fill(255)])))).toBe(true);
  });

  it("refuses other lengths, other alphabets and empty text, however often asked", () => {
    const refused = [base58Of(31, 9), base58Of(33, 9), `${base58Of(32, 9).slice(0, -1)}0`, "", "not an address"];
    for (let check = 0; check < 2; check++) {
      for (const text of refused) {
        expect(isSolanaAddress(text)).toBe(false);
        expect(publicKeySchema.safeParse(text).error?.issues[0]?.message).toBe(
          "must be a Solana address (base58 text of 32 bytes)",
        );
      }
    }
  });

  it("accepts the shortest and longest spellings of 32 bytes, and refuses any longer text", () => {
    expect(base58Of(32, 0)).toHaveLength(32);
    expect(isSolanaAddress(base58Of(32, 0))).toBe(true);
    expect(base58Of(32, 255)).toHaveLength(44);
    expect(isSolanaAddress(base58Of(32, 255))).toBe(true);
    expect(isSolanaAddress(base58Of(33, 0))).toBe(false);
    // Text a hostile client sends to make the decode (quadratic in length) hold the event loop.
    expect(publicKeySchema.safeParse("2".repeat(60_000)).success).toBe(false);
  });

  it("still answers right after it has seen more addresses than it remembers", () => {
    const first = base58Of(32, 1);
    expect(isSolanaAddress(first)).toBe(true);
    for (let index = 0; index < 10_050; index++) {
      const bytes = new Uint8Array(32).fill(3);
      new DataView(bytes.buffer).setUint32(0, index);
      expect(isSolanaAddress(bs58.encode(bytes))).toBe(true);
    }
    expect(isSolanaAddress(first)).toBe(true);
    expect(isSolanaAddress(base58Of(33, 1))).toBe(false);
  });
});
