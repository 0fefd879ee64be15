import bs58 from "bs58";
import { z } from "zod";
import { U64_MAX } from "./constants.ts";

/** How many addresses isSolanaAddress remembers as valid before it starts over. */
const REMEMBERED_ADDRESSES = 10_000;
const validAddresses = new Set<string>();
/** 32 bytes in base58: 32 characters when every byte is zero ("1" each), at most 44 otherwise. */
const MIN_ADDRESS_LENGTH = 32;
const MAX_ADDRESS_LENGTH = 44;

/**
 * Whether `text` is base58 that decodes to exactly 32 bytes. Valid answers are remembered: one claim
 * has its distribution and wallet checked on the way in and again by its response schema, the
 * distribution is the same for thousands of claims, and a base58 decode costs a few microseconds.
 */
export function isSolanaAddress(text: string): boolean {
  // Base58 decoding takes time in the square of the text's length: 60,000 characters held the event
  // loop for seconds. 32 bytes are 32 to 44 characters, so nothing outside that is decoded.
  if (text.length < MIN_ADDRESS_LENGTH || text.length > MAX_ADDRESS_LENGTH) return false;
  if (validAddresses.has(text)) return true;
  let valid: boolean;
  try {
    valid = bs58.decode(text).length === 32;
  } catch {
    valid = false;
  }
  if (valid) {
    if (validAddresses.size >= REMEMBERED_ADDRESSES) validAddresses.clear();
    validAddresses.add(text);
  }
  return valid;
}

/** A Solana address: base58 text that decodes to exactly 32 bytes. */
export const publicKeySchema = z.string().refine(isSolanaAddress, {
  message: "must be a Solana address (base58 text of 32 bytes)",
});

/** A u64 as JSON carries it: decimal text, so no number ever rounds it. */
export const u64TextSchema = z
  .string()
  .regex(/^\d{1,20}$/, "must be a whole number in the token's smallest unit, written as digits");

/**
 * A u64 amount in the token's smallest unit: decimal text on the wire (u64TextSchema), a bigint once
 * decoded. A codec, so `z.encode` writes the wire form back: one schema describes both sides.
 */
export const u64StringSchema = z.codec(
  u64TextSchema,
  z.bigint().max(U64_MAX, { message: "must fit in 64 bits (at most 18446744073709551615)" }),
  { decode: (text) => BigInt(text), encode: (value) => value.toString() },
);

/** X ids are 64-bit snowflakes, carried as decimal text as the X API does. */
export const xIdSchema = z.string().regex(/^\d{1,19}$/, "must be an X id: 1 to 19 digits");

/** Seconds since the Unix epoch, as Solana's Clock sysvar counts them. */
export const unixSecondsSchema = z
  .number()
  .int("must be whole seconds since 1970")
  .min(0, "must not be before 1970")
  .max(2 ** 40, "is too far in the future");

/** Raw units as a decimal amount of the token (no grouping), without losing precision to floating point. */
export function decimalTokenAmount(raw: bigint, decimals: number): string {
  if (decimals === 0) return raw.toString();
  const text = raw.toString().padStart(decimals + 1, "0");
  const whole = text.slice(0, -decimals);
  const fraction = text.slice(-decimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * A decimal amount of the token, as a person types it ("1.5"), in raw units (1500000 for 6 decimals).
 * Exact: more fraction digits than the token has is an error, never a rounding.
 */
export function rawTokenAmount(text: string, decimals: number): bigint {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text.trim()}" is not an amount: use digits and at most one decimal point`);
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > decimals) throw new Error(`this token has ${decimals} decimals; "${text.trim()}" has more`);
  const raw = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (raw > U64_MAX) throw new Error("the amount is larger than any token balance can be");
  return raw;
}
