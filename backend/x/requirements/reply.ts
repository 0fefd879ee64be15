import type { RequirementChecker } from "./context.ts";
import { findFanPost, isRepost, references } from "./fan-posts.ts";

/**
 * Reply to the post, optionally containing a phrase (case-insensitive). Cost: 1 call
 * (search/recent `in_reply_to_tweet_id:<post> from:<fan>`, 10 per page); more only when the fan
 * replied to it more than 10 times without the phrase, at most `replySearchPages`;
 * +1 (the fan's timeline) when unmet on a post older than 7 days.
 * A reply is a direct one: its `replied_to` reference is the post. conversation_id names the
 * thread's first post, so it cannot tell a reply to a giveaway that is itself a reply, and it would
 * count a reply to someone else's reply further down the thread.
 */
export const checkReply: RequirementChecker<{ type: "reply"; mustContain?: string }> = async (requirement, context) => {
  const phrase = requirement.mustContain?.toLocaleLowerCase();
  const postId = context.post.id;
  const reply = await findFanPost(
    context,
    `in_reply_to_tweet_id:${postId}`,
    (tweet) =>
      references(tweet, "replied_to", postId) && !isRepost(tweet) && (!phrase || tweet.text.toLocaleLowerCase().includes(phrase)),
    context.paging.replySearchPages,
  );
  if (reply) return { met: true, detail: "you replied to the post" };
  return {
    met: false,
    detail: requirement.mustContain
      ? `you have not replied with "${requirement.mustContain}" yet`
      : "you have not replied to the post yet",
  };
};
