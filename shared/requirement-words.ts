import type { Requirement } from "./requirements.ts";
import { shortAddress } from "./tokens/token-label.ts";

/** A checklist line in people's words, and X's web intent that does it when there is one. */
export interface RequirementWords {
  text: string;
  action?: { label: string; url: string };
}

/**
 * Each requirement in people's words, with the X web intent that fulfils it (X's own confirmation
 * for a follow, like, repost or reply, signed in as the fan): the claim page and the extension's card
 * both show these, and the fan comes back to a checklist that checks again.
 */
export function requirementWords(requirement: Requirement, postId: string, creatorHandle: string | undefined): RequirementWords {
  const creator = creatorHandle ? `@${creatorHandle}` : "the creator";
  const post = encodeURIComponent(postId);
  switch (requirement.type) {
    case "follow":
      return {
        text: `Follow ${creator}`,
        ...(creatorHandle
          ? {
              action: {
                label: `Follow ${creator}`,
                url: `https://x.com/intent/follow?screen_name=${encodeURIComponent(creatorHandle)}`,
              },
            }
          : {}),
      };
    case "like":
      return { text: "Like the post", action: { label: "Like", url: `https://x.com/intent/like?tweet_id=${post}` } };
    case "repost":
      return { text: "Repost the post", action: { label: "Repost", url: `https://x.com/intent/retweet?tweet_id=${post}` } };
    case "reply": {
      const phrase = requirement.mustContain;
      const text = phrase ? `&text=${encodeURIComponent(phrase)}` : "";
      return {
        text: phrase ? `Reply to the post with “${phrase}”` : "Reply to the post",
        action: { label: "Reply", url: `https://x.com/intent/post?in_reply_to=${post}${text}` },
      };
    }
    case "quote":
      return {
        text: "Quote the post",
        action: {
          label: "Quote",
          url: `https://x.com/intent/post?url=${encodeURIComponent(`https://x.com/i/status/${postId}`)}`,
        },
      };
    case "hold_token":
      return { text: `Hold at least ${requirement.minAmount} raw units of the token ${shortAddress(requirement.mint)}` };
    case "account_age":
      return { text: `Have an X account at least ${requirement.minDays} days old` };
    case "min_followers":
      return { text: `Have at least ${requirement.minFollowers} followers on X` };
  }
}
