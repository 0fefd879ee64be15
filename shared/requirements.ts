import { sha256 } from "@noble/hashes/sha2.js";
import { z } from "zod";
import { MAX_REPLY_PHRASE_LENGTH, MAX_REQUIREMENTS } from "./constants.ts";
import { publicKeySchema, u64StringSchema } from "./primitives.ts";

const followCreator = z.object({ type: z.literal("follow") });
const likePost = z.object({ type: z.literal("like") });
const repostPost = z.object({ type: z.literal("repost") });
const quotePost = z.object({ type: z.literal("quote") });
const replyToPost = z.object({
  type: z.literal("reply"),
  /** When set, the reply must contain this text (case-insensitive). */
  mustContain: z
    .string()
    .trim()
    .min(1, "the reply phrase must not be empty; leave it out to accept any reply")
    .max(MAX_REPLY_PHRASE_LENGTH, `the reply phrase must fit in one post (${MAX_REPLY_PHRASE_LENGTH} characters)`)
    .optional(),
});
const holdToken = z.object({
  type: z.literal("hold_token"),
  mint: publicKeySchema,
  /** Raw units of the mint, compared with the fan's summed token accounts. */
  minAmount: u64StringSchema.refine((amount) => amount > 0n, { message: "the amount to hold must be above zero" }),
});
const accountAge = z.object({
  type: z.literal("account_age"),
  minDays: z
    .number()
    .int("days must be a whole number")
    .min(1, "days must be at least 1")
    .max(7300, "days must be at most 7300 (20 years)"),
});
const minFollowers = z.object({
  type: z.literal("min_followers"),
  minFollowers: z
    .number()
    .int("followers must be a whole number")
    .min(1, "followers must be at least 1")
    .max(1_000_000_000, "followers must be at most 1,000,000,000"),
});

/**
 * The bot defences among the requirements, on in the create dialog unless the creator turns them off:
 * farmed accounts are mostly days old with a handful of followers.
 */
export const DEFAULT_MIN_ACCOUNT_AGE_DAYS = 30;
export const DEFAULT_MIN_FOLLOWERS = 10;

export const requirementSchema = z.discriminatedUnion(
  "type",
  [followCreator, likePost, repostPost, replyToPost, quotePost, holdToken, accountAge, minFollowers],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? "unknown requirement type: use follow, like, repost, reply, quote, hold_token, account_age or min_followers"
        : undefined,
  },
);

export type Requirement = z.output<typeof requirementSchema>;
export type RequirementInput = z.input<typeof requirementSchema>;
export type RequirementType = Requirement["type"];

/** The key that makes two requirements "the same": one per type, but one hold_token per mint. */
function requirementKey(requirement: Requirement): string {
  return requirement.type === "hold_token" ? `hold_token:${requirement.mint}` : requirement.type;
}

export const requirementsSchema = z
  .array(requirementSchema)
  .max(MAX_REQUIREMENTS, `at most ${MAX_REQUIREMENTS} requirements`)
  .superRefine((requirements, context) => {
    const seen = new Set<string>();
    requirements.forEach((requirement, index) => {
      const key = requirementKey(requirement);
      if (seen.has(key)) {
        context.addIssue({
          code: "custom",
          path: [index],
          message: `"${key}" is listed twice; keep one`,
        });
      }
      seen.add(key);
    });
  });

/**
 * The canonical text of a requirement set: requirements sorted by their key, object keys sorted,
 * amounts as decimal strings. Its sha256 is stored on chain, so the terms cannot change after
 * posting, and the backend recomputes it to refuse a registration whose requirements differ.
 */
export function canonicalRequirements(requirements: readonly Requirement[]): string {
  const sorted = [...requirements].sort((a, b) => compareText(requirementKey(a), requirementKey(b)));
  return JSON.stringify(sorted.map(canonicalValue));
}

export function requirementsHash(requirements: readonly Requirement[]): Uint8Array {
  return sha256(new TextEncoder().encode(canonicalRequirements(requirements)));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonicalValue(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => compareText(a, b));
    return Object.fromEntries(entries.map(([key, field]) => [key, canonicalValue(field)]));
  }
  return value;
}
