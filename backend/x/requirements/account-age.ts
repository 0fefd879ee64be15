import type { RequirementChecker } from "./context.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** X account at least D days old. Cost: nothing once the sign-in's users/me told the creation date. */
export const checkAccountAge: RequirementChecker<{ type: "account_age"; minDays: number }> = async (requirement, context) => {
  const createdAt = (await context.fanProfile("created_at"))?.createdAt;
  if (createdAt === undefined) return { met: false, detail: "X did not tell us when your account was created" };
  const ageDays = Math.floor((context.now - createdAt) / DAY_MS);
  return ageDays >= requirement.minDays
    ? { met: true, detail: `your account is ${ageDays} days old` }
    : { met: false, detail: `your account is ${ageDays} days old; it must be at least ${requirement.minDays} days old` };
};
