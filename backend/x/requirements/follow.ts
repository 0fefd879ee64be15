import type { RequirementChecker } from "./context.ts";

/**
 * Follow the creator. Cost: one user (GET /2/users/:creator?user.fields=connection_status with the
 * fan's token), which X bills once a day however many fans ask: nearly nothing per fan. X leaves
 * connection_status out when the fan and the creator have no relationship at all, so a missing field
 * is "not following", never a reason to page through the fan's follows ($0.010 per account listed).
 */
export const checkFollow: RequirementChecker<{ type: "follow" }> = async (_requirement, context) => {
  const creator = await context.client.getUserConnection(context.post.creatorXUserId, context.fan.accessToken);
  // X answers a suspended or deleted account with a not-found entry: there is no one to follow.
  if (!creator.found) return { met: false, detail: "the creator's X account is suspended or gone, so it cannot be followed" };
  return creator.value.connection_status?.includes("following")
    ? { met: true, detail: "you follow the creator" }
    : { met: false, detail: "you do not follow the creator yet" };
};
