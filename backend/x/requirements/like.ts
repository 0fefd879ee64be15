import type { RequirementChecker } from "./context.ts";

/**
 * Like the post. Cost: 1 call (GET /2/users/:fan/liked_tweets, 100 per page, most recent like first);
 * a fan claiming right after liking finds it on the first page, at most `likedTweetsPages` calls.
 * liking_users is no alternative: X returns only the latest 100 likers of a post.
 */
export const checkLike: RequirementChecker<{ type: "like" }> = async (_requirement, context) => {
  const pages = context.client.likedTweets(context.fan.xUserId, context.fan.accessToken, {
    pageSize: 100,
    maxPages: context.paging.likedTweetsPages,
  });
  for await (const page of pages) {
    if (page.items.some((tweet) => tweet.id === context.post.id)) return { met: true, detail: "you liked the post" };
  }
  return { met: false, detail: "like the post first (it is not among your recent likes)" };
};
