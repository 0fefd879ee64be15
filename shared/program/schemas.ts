import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { z } from "zod";
import { U64_MAX } from "../constants.ts";
import { describeIssues } from "../distribution.ts";
import { publicKeySchema } from "../primitives.ts";

/** A PublicKey, or its base58 text as it arrives from JSON; always a PublicKey afterwards. */
export const publicKeyInputSchema = z
  .union([z.instanceof(PublicKey), publicKeySchema])
  .transform((key) => (typeof key === "string" ? new PublicKey(key) : key));

/** bigint, or a safe integer number, within [min, max]; always a bigint afterwards. */
function integerSchema(min: bigint, max: bigint, what: string) {
  return z
    .union([z.bigint(), z.number().int(`${what} must be a whole number`)])
    .transform((value) => BigInt(value))
    .refine((value) => value >= min && value <= max, { message: `${what} must be between ${min} and ${max}` });
}

export const u64InputSchema = integerSchema(0n, U64_MAX, "a u64");
export const i64InputSchema = integerSchema(-(1n << 63n), (1n << 63n) - 1n, "an i64");

export const u32InputSchema = z
  .number()
  .int("a u32 must be a whole number")
  .min(0)
  .max(2 ** 32 - 1);

export const bytes32Schema = z
  .instanceof(Uint8Array)
  .refine((bytes) => bytes.length === 32, { message: "must be exactly 32 bytes" });

/** Parses input for an instruction builder and names the builder in the error, so callers see where bad input came from. */
export function parseBuilderInput<Schema extends z.ZodType>(builder: string, schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new TypeError(`${builder}: ${describeIssues(result.error).join("; ")}`);
}

/**
 * The token program a mint belongs to, SPL Token by default: the mint account's owner tells which.
 * Anything else is refused here, as the program would refuse it.
 */
export const tokenProgramInputSchema = publicKeyInputSchema
  .refine((key) => key.equals(TOKEN_PROGRAM_ID) || key.equals(TOKEN_2022_PROGRAM_ID), {
    message: "must be the SPL Token or the Token-2022 program",
  })
  .default(TOKEN_PROGRAM_ID);
