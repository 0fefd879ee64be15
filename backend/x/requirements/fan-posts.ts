import type { XTweet } from "../schemas.ts";
import type { RequirementContext } from "./context.ts";

/** users/:id/tweets' smallest page: the fan's post after the giveaway is usually among their last few. */
const USER_TWEETS_MIN_PAGE = 5;

/** search/recent covers 7 days; an hour of margin keeps a post at the edge from slipping through. */
const SEARCH_REACH_MS = 7 * 24 * 60 * 60 * 1000 - 60 * 60 * 1000;

/**
 * Finds the fan's own post (a reply, repost or quote) matching `matches`.
 * First search/recent narrowed with from:<fan>: one call, a handful of billed posts.
 * If that finds nothing and the giveaway post is older than search's 7 days, the fan's own timeline
 * (users/:fan/tweets, newest first, 5 posts then pages of 100) is read back to the post's creation
 * time, since nothing older can answer it: usually one more call, at most `timelinePages`.
 * A fan whose posts are protected is never in search's results: their timeline, which their own token
 * reads, is the only place, whatever the post's age.
 */
export async function findFanPost(
  context: RequirementContext,
  query: string,
  matches: (tweet: XTweet) => boolean,
  searchPages = 1,
): Promise<XTweet | undefined> {
  const { client, fan, post } = context;
  const isFans = (tweet: XTweet) => tweet.author_id === fan.xUserId && matches(tweet);
  const searchable = fan.profileOnRecord?.postsProtected !== true;
  if (searchable) {
    for await (const page of client.searchRecent(`${query} from:${fan.xUserId}`, fan.accessToken, {
      pageSize: 10,
      maxPages: searchPages,
    })) {
      const found = page.items.find(isFans);
      if (found) return found;
    }
    if (post.createdAt === undefined || context.now - post.createdAt < SEARCH_REACH_MS) return undefined;
  }
  for await (const page of client.userTweets(fan.xUserId, fan.accessToken, {
    firstPageSize: USER_TWEETS_MIN_PAGE,
    pageSize: 100,
    maxPages: context.paging.timelinePages,
  })) {
    const found = page.items.find(isFans);
    if (found) return found;
    const oldest = page.items.at(-1)?.created_at;
    // Nothing older than the giveaway post can answer it (a post of unknown date: up to timelinePages).
    if (oldest !== undefined && post.createdAt !== undefined && Date.parse(oldest) < post.createdAt) return undefined;
  }
  return undefined;
}

export function references(tweet: XTweet, type: "retweeted" | "quoted" | "replied_to", id: string): boolean {
  return tweet.referenced_tweets?.some((reference) => reference.type === type && reference.id === id) ?? false;
}

/**
 * A plain repost of someone else's post. X copies the original's `quoted` reference onto a repost
 * of a quote, so only the `retweeted` reference tells the fan's own quote or reply from a repost.
 */
export function isRepost(tweet: XTweet): boolean {
  return tweet.referenced_tweets?.some((reference) => reference.type === "retweeted") ?? false;
}
