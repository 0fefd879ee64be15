import { rawTokenAmount } from "../../shared/primitives.ts";

/** A typed token amount read in the token's own units, or the reason it is not one, worded for the field. */
export type AmountReading = { raw: bigint } | { problem: string };

/**
 * "2.5" of a 6-decimal token → 2,500,000 raw units. Each kind of mistake gets its own words: a
 * negative amount, text that is not a number at all, more decimals than the token has.
 */
export function readTokenAmount(text: string, decimals: number): AmountReading {
  const typed = text.trim().replaceAll(",", "");
  if (!typed) return { problem: "enter an amount" };
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
