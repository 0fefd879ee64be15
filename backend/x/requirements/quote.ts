import type { RequirementChecker } from "./context.ts";
import { findFanPost, isRepost, references } from "./fan-posts.ts";

/**
 * Quote the post. Cost: 1 call (search/recent `quotes_of_tweet_id:<post> from:<fan>`);
 * +1 (the fan's timeline) when unmet on a post older than 7 days. The
 * creator-side quote_tweets endpoint would page through every quote of a popular post.
 * The fan's repost of someone else's quote carries that quote's `quoted` reference and is found by
 * the same search: it is a repost, not the fan quoting the post.
 */
export const checkQuote: RequirementChecker<{ type: "quote" }> = async (_requirement, context) => {
  const postId = context.post.id;
  const quote = await findFanPost(
    context,
    `quotes_of_tweet_id:${postId}`,
    (tweet) => references(tweet, "quoted", postId) && !isRepost(tweet),
  );
  return quote ? { met: true, detail: "you quoted the post" } : { met: false, detail: "you have not quoted the post yet" };
};
