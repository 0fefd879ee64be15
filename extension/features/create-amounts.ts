import { rawTokenAmount } from "../../shared/primitives.ts";

/** A typed token amount read in the token's own units, or the reason it is not one, worded for the field. */
export type AmountReading = { raw: bigint } | { problem: string };

/** Said of a token whose decimals neither the backend nor the RPC could read. */
export const UNKNOWN_DECIMALS_PROBLEM =
  "couldn't read this token's decimals from the chain, so no amount of it can be converted safely: try again in a moment";

/**
 * "2.5" of a 6-decimal token → 2,500,000 raw units. Each kind of mistake gets its own words: a
 * negative amount, text that is not a number at all, more decimals than the token has. Decimals
 * `null` (unknown) read no amount: guessing them would escrow a thousand or a million times too much.
 */
export function readTokenAmount(text: string, decimals: number | null): AmountReading {
  const typed = text.trim().replaceAll(",", "");
  if (!typed) return { problem: "enter an amount" };
  if (decimals === null) return { problem: UNKNOWN_DECIMALS_PROBLEM };
  if (/^-/.test(typed)) return { problem: "the amount cannot be negative" };
  if (!/^\d*\.?\d*$/.test(typed) || typed === ".")
    return { problem: `"${text.trim()}" is not a number: type an amount such as 10 or 2.5` };
  try {
    const raw = rawTokenAmount(typed.startsWith(".") ? `0${typed}` : typed, decimals);
    return raw === 0n ? { problem: "the amount must be above zero" } : { raw };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
