import type { RequirementChecker } from "./context.ts";

/**
 * Follow the creator. Cost: 1 call (GET /2/users/:fan/following, 1000 accounts per page, newest
 * follows first), more only for fans who follow over 1000 accounts and followed the creator long ago;
 * at most `followingPages`. The creator side (followers) would page through every follower instead.
 */
export const checkFollow: RequirementChecker<{ type: "follow" }> = async (_requirement, context) => {
  const pages = context.client.following(context.fan.xUserId, context.fan.accessToken, {
    pageSize: 1000,
    maxPages: context.paging.followingPages,
  });
  let checked = 0;
  for await (const page of pages) {
    if (page.items.some((user) => user.id === context.post.creatorXUserId)) {
      return { met: true, detail: "you follow the creator" };
    }
    checked += page.items.length;
  }
  return { met: false, detail: `follow the creator first (not among your ${checked} followed accounts)` };
};
