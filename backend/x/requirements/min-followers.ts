import type { RequirementChecker } from "./context.ts";

/** At least N followers. Cost: nothing the day the fan signed in, else one users/me a day (a user, $0.010). */
export const checkMinFollowers: RequirementChecker<{ type: "min_followers"; minFollowers: number }> = async (
  requirement,
  context,
) => {
  const followers = (await context.fanProfile("followers_count"))?.followersCount;
  if (followers === undefined) return { met: false, detail: "X did not tell us how many followers you have" };
  return followers >= requirement.minFollowers
    ? { met: true, detail: `you have ${followers} followers` }
    : { met: false, detail: `you have ${followers} followers; at least ${requirement.minFollowers} are needed` };
};
