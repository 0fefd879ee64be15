import type { RequirementChecker } from "./context.ts";

/** The smallest max_results liked_tweets takes (X's OpenAPI: 5 to 100). */
const LIKED_TWEETS_MIN_PAGE = 5;

/**
 * Like the post. Cost: 1 call (GET /2/users/:fan/liked_tweets, most recent like first) of X's
 * minimum 5 likes ($0.001 each): a fan claiming right after liking finds it there. Further pages
 * hold 100, at most `likedTweetsPages` calls. liking_users is no alternative: X returns only the
 * latest 100 likers of a post, and likes are private to the fan's own token since 2024.
 */
export const checkLike: RequirementChecker<{ type: "like" }> = async (_requirement, context) => {
  const pages = context.client.likedTweets(context.fan.xUserId, context.fan.accessToken, {
    firstPageSize: LIKED_TWEETS_MIN_PAGE,
    pageSize: 100,
    maxPages: context.paging.likedTweetsPages,
  });
  for await (const page of pages) {
    if (page.items.some((tweet) => tweet.id === context.post.id)) return { met: true, detail: "you liked the post" };
  }
  return { met: false, detail: "you have not liked the post yet" };
};
