import type { RequirementChecker, RequirementResult } from "./context.ts";

const FOLLOWS: RequirementResult = { met: true, detail: "you follow the creator" };

/**
 * Follow the creator. Cost: one user (GET /2/users/:creator?user.fields=connection_status with the
 * fan's token), which X bills once a day however many fans ask: nearly nothing per fan. Only when X
 * leaves connection_status out does the check read the fan's follows (users/:fan/following, $0.010
 * per account listed, newest first, at most `followingPages` pages).
 */
export const checkFollow: RequirementChecker<{ type: "follow" }> = async (_requirement, context) => {
  const creator = await context.client.getUserConnection(context.post.creatorXUserId, context.fan.accessToken);
  const connection = creator.found ? creator.value.connection_status : undefined;
  if (connection !== undefined) {
    return connection.includes("following") ? FOLLOWS : { met: false, detail: "you do not follow the creator yet" };
  }
  const pages = context.client.following(context.fan.xUserId, context.fan.accessToken, {
    pageSize: 1000,
    maxPages: context.paging.followingPages,
  });
  for await (const page of pages) {
    if (page.items.some((user) => user.id === context.post.creatorXUserId)) return FOLLOWS;
  }
  return { met: false, detail: "you do not follow the creator yet" };
};
