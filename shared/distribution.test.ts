import { describe, expect, it } from "vitest";
import { MAX_CLAIMS, MAX_START_AHEAD_SECONDS } from "./constants.ts";
import {
  type DistributionDraftInput,
  describeIssues,
  distributionDraftSchema,
  timingProblems,
  totalDeposit,
} from "./distribution.ts";
import { canonicalRequirements, requirementSchema, requirementsHash, requirementsSchema } from "./requirements.ts";

const USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const BONK = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";

const validDraft: DistributionDraftInput = {
  mint: USDC,
  amountPerClaim: "1000000",
  maxClaims: 100,
  startsAt: 1_800_000_000,
  endsAt: 1_800_086_400,
  postId: "1849123456789012345",
  requirements: [{ type: "follow" }, { type: "like" }, { type: "reply", mustContain: "gm" }],
};

function problemsOf(input: unknown): string[] {
  const result = distributionDraftSchema.safeParse(input);
  if (result.success) return [];
  return describeIssues(result.error);
}

describe("distribution draft", () => {
  it("accepts a complete giveaway and turns amounts into bigints", () => {
    const draft = distributionDraftSchema.parse(validDraft);
    expect(draft.amountPerClaim).toBe(1_000_000n);
    expect(draft.feeBudgetLamports).toBe(0n);
    expect(totalDeposit(draft)).toBe(100_000_000n);
  });

  it("names the field and the fix for each mistake", () => {
    expect(problemsOf({ ...validDraft, mint: "not-a-key" })).toEqual([
      "mint: must be a Solana address (base58 text of 32 bytes)",
    ]);
    expect(problemsOf({ ...validDraft, amountPerClaim: "0" })).toEqual([
      "amountPerClaim: the amount per claim must be above zero",
    ]);
    expect(problemsOf({ ...validDraft, amountPerClaim: "1.5" })).toEqual([
      "amountPerClaim: must be a whole number in the token's smallest unit, written as digits",
    ]);
    expect(problemsOf({ ...validDraft, maxClaims: 0 })).toEqual(["maxClaims: there must be at least 1 claim"]);
    expect(problemsOf({ ...validDraft, maxClaims: MAX_CLAIMS + 1 })).toEqual(["maxClaims: there can be at most 65,536 claims"]);
    expect(problemsOf({ ...validDraft, endsAt: validDraft.startsAt })).toEqual(["endsAt: the end must be after the start"]);
    expect(problemsOf({ ...validDraft, endsAt: validDraft.startsAt + 91 * 86_400 })).toEqual([
      "endsAt: a giveaway can run for at most 90 days",
    ]);
    expect(problemsOf({ ...validDraft, postId: "https://x.com/a/status/1" })).toEqual([
      "postId: must be an X id: 1 to 19 digits",
    ]);
  });

  it("refuses a deposit that overflows a u64 token amount", () => {
    expect(problemsOf({ ...validDraft, amountPerClaim: "18446744073709551615", maxClaims: 2 })).toEqual([
      "amountPerClaim: amount per claim × number of claims is more than a token account can hold (2^64 - 1 units)",
    ]);
    expect(problemsOf({ ...validDraft, amountPerClaim: "18446744073709551616" })).toEqual([
      "amountPerClaim: must fit in 64 bits (at most 18446744073709551615)",
    ]);
  });

  it("reports an end already past, or a start more than 30 days ahead, only against a clock", () => {
    const draft = distributionDraftSchema.parse(validDraft);
    expect(timingProblems(draft, draft.endsAt + 1)).toEqual({ endsAt: "the end is already in the past" });
    expect(timingProblems(draft, draft.startsAt)).toEqual({});
    expect(timingProblems(draft, draft.startsAt - MAX_START_AHEAD_SECONDS)).toEqual({});
    expect(timingProblems(draft, draft.startsAt - MAX_START_AHEAD_SECONDS - 1)).toEqual({
      startsAt: "a giveaway can start at most 30 days from now",
    });
  });
});

describe("requirements", () => {
  it("parses every requirement type", () => {
    const all = requirementsSchema.parse([
      { type: "follow" },
      { type: "like" },
      { type: "repost" },
      { type: "reply" },
      { type: "quote" },
      { type: "hold_token", mint: BONK, minAmount: "500" },
      { type: "account_age", minDays: 30 },
      { type: "min_followers", minFollowers: 10 },
    ]);
    expect(all.map((requirement) => requirement.type)).toEqual([
      "follow",
      "like",
      "repost",
      "reply",
      "quote",
      "hold_token",
      "account_age",
      "min_followers",
    ]);
  });

  it("explains an unknown type, a duplicate and an empty reply phrase", () => {
    const unknown = requirementSchema.safeParse({ type: "subscribe" });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toMatch(/unknown requirement type: use follow, like/);

    const duplicate = requirementsSchema.safeParse([{ type: "like" }, { type: "like" }]);
    expect(duplicate.error?.issues.map((issue) => issue.message)).toEqual(['"like" is listed twice; keep one']);

    const emptyPhrase = requirementSchema.safeParse({ type: "reply", mustContain: "   " });
    expect(emptyPhrase.error?.issues[0]?.message).toBe("the reply phrase must not be empty; leave it out to accept any reply");
  });

  it("allows one hold_token requirement per mint", () => {
    const twoMints = requirementsSchema.safeParse([
      { type: "hold_token", mint: BONK, minAmount: "1" },
      { type: "hold_token", mint: USDC, minAmount: "1" },
    ]);
    expect(twoMints.success).toBe(true);
    const sameMint = requirementsSchema.safeParse([
      { type: "hold_token", mint: BONK, minAmount: "1" },
      { type: "hold_token", mint: BONK, minAmount: "2" },
    ]);
    expect(sameMint.success).toBe(false);
  });

  it("refuses more than eight requirements", () => {
    const many = Array.from({ length: 9 }, (_, index) => ({ type: "hold_token", mint: index % 2 ? BONK : USDC, minAmount: "1" }));
    expect(requirementsSchema.safeParse(many).error?.issues.map((issue) => issue.message)).toContain("at most 8 requirements");
  });

  it("hashes the same set the same way whatever its order, and a changed term differently", () => {
    const a = requirementsSchema.parse([{ type: "like" }, { type: "reply", mustContain: "gm" }, { type: "follow" }]);
    const b = requirementsSchema.parse([{ type: "follow" }, { type: "reply", mustContain: "gm" }, { type: "like" }]);
    const changed = requirementsSchema.parse([{ type: "follow" }, { type: "reply", mustContain: "gn" }, { type: "like" }]);
    expect(canonicalRequirements(a)).toBe('[{"type":"follow"},{"type":"like"},{"mustContain":"gm","type":"reply"}]');
    expect(Buffer.from(requirementsHash(a)).toString("hex")).toBe(Buffer.from(requirementsHash(b)).toString("hex"));
    expect(Buffer.from(requirementsHash(changed)).toString("hex")).not.toBe(Buffer.from(requirementsHash(a)).toString("hex"));
  });

  it("writes hold amounts as decimal text in the canonical form", () => {
    const set = requirementsSchema.parse([{ type: "hold_token", mint: BONK, minAmount: "18446744073709551615" }]);
    expect(canonicalRequirements(set)).toBe(`[{"minAmount":"18446744073709551615","mint":"${BONK}","type":"hold_token"}]`);
  });
});
