import type { XTweet } from "../schemas.ts";
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
  const phrase = requirement.mustContain === undefined ? undefined : comparable(requirement.mustContain);
  const postId = context.post.id;
  const reply = await findFanPost(
    context,
    `in_reply_to_tweet_id:${postId}`,
    (tweet) =>
      references(tweet, "replied_to", postId) && !isRepost(tweet) && (!phrase || comparable(writtenText(tweet)).includes(phrase)),
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

/**
 * What the fan wrote: the whole of a long post (note_tweet; X cuts `text` at 280 characters), without
 * the @mentions X puts in front of a reply (they are before display_text_range), X's HTML escapes undone.
 */
function writtenText(tweet: XTweet): string {
  const replyMentions = [...tweet.text].slice(0, tweet.display_text_range?.[0] ?? 0).join("");
  const whole = tweet.note_tweet?.text ?? tweet.text;
  return unescapeHtml(whole.startsWith(replyMentions) ? whole.slice(replyMentions.length) : whole);
}

/** X escapes these three in post text; &amp; goes last so an escaped "&lt;" stays "&lt;". */
function unescapeHtml(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/**
 * Compatibility forms folded (full-width "ｇｍ", ligatures) and case ignored the same way whatever the
 * server's locale (toLocaleLowerCase would turn "I" into a dotless "ı" under a Turkish one).
 */
function comparable(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}
