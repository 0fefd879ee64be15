import type { RequirementChecker } from "./context.ts";

/** At least N followers. Cost: the fan's profile, one call shared with account_age. */
export const checkMinFollowers: RequirementChecker<{ type: "min_followers"; minFollowers: number }> = async (
  requirement,
  context,
) => {
  const followers = (await context.fanProfile())?.public_metrics?.followers_count;
  if (followers === undefined) return { met: false, detail: "X did not tell us how many followers you have" };
  return followers >= requirement.minFollowers
    ? { met: true, detail: `you have ${followers} followers` }
    : { met: false, detail: `you have ${followers} followers; at least ${requirement.minFollowers} are needed` };
};
