import type { RequirementChecker } from "./context.ts";
import { findFanPost, references } from "./fan-posts.ts";

/**
 * Quote the post. Cost: 1 call (search/recent `quotes_of_tweet_id:<post> from:<fan>`);
 * +1 (the fan's timeline) when unmet on a post older than 7 days. The
 * creator-side quote_tweets endpoint would page through every quote of a popular post.
 */
export const checkQuote: RequirementChecker<{ type: "quote" }> = async (_requirement, context) => {
  const postId = context.post.id;
  const quote = await findFanPost(context, `quotes_of_tweet_id:${postId}`, (tweet) => references(tweet, "quoted", postId));
  return quote
    ? { met: true, detail: "you quoted the post" }
    : { met: false, detail: "quote the post first (no quote of it found)" };
};
