import { z } from "zod";
import { MAX_CLAIMS, MAX_DURATION_SECONDS, MAX_START_AHEAD_SECONDS, U64_MAX } from "./constants.ts";
import { publicKeySchema, u64StringSchema, unixSecondsSchema, xIdSchema } from "./primitives.ts";
import { requirementsSchema } from "./requirements.ts";

/**
 * What a creator fills in to post a giveaway. Amounts are raw token units (u64) as digit strings;
 * times are Unix seconds. The same schema validates the extension's form and the backend's routes.
 */
export const distributionDraftSchema = z
  .object({
    mint: publicKeySchema,
    amountPerClaim: u64StringSchema.refine((amount) => amount > 0n, {
      message: "the amount per claim must be above zero",
    }),
    maxClaims: z
      .number({ error: "the number of claims must be a number" })
      .int("the number of claims must be a whole number")
      .min(1, "there must be at least 1 claim")
      .max(MAX_CLAIMS, `there can be at most ${MAX_CLAIMS.toLocaleString("en-US")} claims`),
    startsAt: unixSecondsSchema,
    endsAt: unixSecondsSchema,
    requirements: requirementsSchema,
    postId: xIdSchema,
    /** Lamports escrowed to reimburse the operator's fee payer for each paid claim. */
    feeBudgetLamports: u64StringSchema.default(0n),
    /** The most priority fee per paid claim the budget reimburses, so batches still land on a busy cluster. */
    priorityFeeCapLamports: u64StringSchema.default(0n),
  })
  // zod runs this even when a field above failed, so each cross-field check first confirms that
  // the fields it combines are themselves valid; otherwise the person would see a second, wrong message.
  .superRefine((draft, context) => {
    const amountIsValid = typeof draft.amountPerClaim === "bigint" && draft.amountPerClaim <= U64_MAX;
    const maxClaimsIsValid = Number.isSafeInteger(draft.maxClaims) && draft.maxClaims >= 1;
    if (amountIsValid && maxClaimsIsValid && draft.amountPerClaim * BigInt(draft.maxClaims) > U64_MAX) {
      context.addIssue({
        code: "custom",
        path: ["amountPerClaim"],
        message: "amount per claim × number of claims is more than a token account can hold (2^64 - 1 units)",
      });
    }
    if (typeof draft.startsAt !== "number" || typeof draft.endsAt !== "number") return;
    if (draft.endsAt <= draft.startsAt) {
      context.addIssue({ code: "custom", path: ["endsAt"], message: "the end must be after the start" });
    } else if (draft.endsAt - draft.startsAt > MAX_DURATION_SECONDS) {
      context.addIssue({ code: "custom", path: ["endsAt"], message: "a giveaway can run for at most 90 days" });
    }
  });

export type DistributionDraft = z.output<typeof distributionDraftSchema>;
export type DistributionDraftInput = z.input<typeof distributionDraftSchema>;

/** The tokens the creator escrows when posting: every slot fully funded up front. */
export function totalDeposit(draft: Pick<DistributionDraft, "amountPerClaim" | "maxClaims">): bigint {
  return draft.amountPerClaim * BigInt(draft.maxClaims);
}

/**
 * Checks that only make sense against a clock, kept out of the schema so the schema stays pure:
 * the backend and the form both call this with their own "now".
 */
export function timingProblems(
  draft: Pick<DistributionDraft, "startsAt" | "endsAt">,
  nowSeconds: number,
): Partial<Record<"startsAt" | "endsAt", string>> {
  return {
    ...(draft.startsAt > nowSeconds + MAX_START_AHEAD_SECONDS
      ? { startsAt: "a giveaway can start at most 30 days from now" }
      : {}),
    ...(draft.endsAt <= nowSeconds ? { endsAt: "the end is already in the past" } : {}),
  };
}

/** Turns zod issues into "field: message" lines a person can act on. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
}
