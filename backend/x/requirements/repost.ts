import type { RequirementChecker } from "./context.ts";
import { findFanPost, references } from "./fan-posts.ts";

/**
 * Repost the post. Cost: 1 call (search/recent `retweets_of_tweet_id:<post> from:<fan>`), which
 * returns the fan's repost or nothing; +1 (the fan's timeline) when unmet on a post older than 7 days.
 * retweeted_by would list only the latest 100 reposters.
 */
export const checkRepost: RequirementChecker<{ type: "repost" }> = async (_requirement, context) => {
  const postId = context.post.id;
  const repost = await findFanPost(context, `retweets_of_tweet_id:${postId}`, (tweet) => references(tweet, "retweeted", postId));
  return repost ? { met: true, detail: "you reposted the post" } : { met: false, detail: "you have not reposted the post yet" };
};
