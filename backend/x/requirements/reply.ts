import type { RequirementChecker } from "./context.ts";
import { findFanPost } from "./fan-posts.ts";

/**
 * Reply to the post, optionally containing a phrase (case-insensitive). Cost: 1 call
 * (search/recent `conversation_id:<post> from:<fan> is:reply`, 10 per page); more only when the fan
 * replied in the thread more than 10 times without the phrase, at most `replySearchPages`;
 * +1 (the fan's timeline) when unmet on a post older than 7 days.
 * A reply anywhere in the post's conversation counts, as it shows under the post.
 */
export const checkReply: RequirementChecker<{ type: "reply"; mustContain?: string }> = async (requirement, context) => {
  const phrase = requirement.mustContain?.toLocaleLowerCase();
  const reply = await findFanPost(
    context,
    `conversation_id:${context.post.id} is:reply`,
    (tweet) => tweet.conversation_id === context.post.id && (!phrase || tweet.text.toLocaleLowerCase().includes(phrase)),
    context.paging.replySearchPages,
  );
  if (reply) return { met: true, detail: "you replied to the post" };
  return {
    met: false,
    detail: requirement.mustContain
      ? `reply to the post with "${requirement.mustContain}" first (no such reply found)`
      : "reply to the post first (no reply found)",
  };
};
