import type { EmulatedTweet, EmulatorStore, ReferenceType } from "./store.ts";

/**
 * The subset of X's search query language the emulator understands: terms joined by spaces (AND),
 * "-" to negate, "quoted phrases", keywords, and the operators below. Anything else (OR, groups,
 * unknown operators) is refused with a message, never silently ignored.
 */
type Predicate = (tweet: EmulatedTweet) => boolean;

export class SearchQueryError extends Error {}

const REFERENCE_OPERATORS: Record<string, ReferenceType> = {
  retweets_of_tweet_id: "retweeted",
  quotes_of_tweet_id: "quoted",
  in_reply_to_tweet_id: "replied_to",
};

const IS_OPERATORS: Record<string, ReferenceType> = { reply: "replied_to", retweet: "retweeted", quote: "quoted" };

export function parseSearchQuery(query: string, store: EmulatorStore): Predicate {
  const terms = query.match(/-?"[^"]*"|\S+/g) ?? [];
  if (terms.length === 0) throw new SearchQueryError("the query is empty");
  const predicates = terms.map((term) => {
    const negated = term.startsWith("-") && term.length > 1;
    const predicate = parseTerm(negated ? term.slice(1) : term, store);
    return negated ? (tweet: EmulatedTweet) => !predicate(tweet) : predicate;
  });
  return (tweet) => predicates.every((predicate) => predicate(tweet));
}

function parseTerm(term: string, store: EmulatorStore): Predicate {
  if (term === "OR" || term.startsWith("(") || term.endsWith(")")) {
    throw new SearchQueryError(`the emulator does not support "${term}" (OR and grouping)`);
  }
  if (term.startsWith('"')) return containsText(term.slice(1, -1));
  const colon = term.indexOf(":");
  if (colon <= 0) return containsText(term);
  const operator = term.slice(0, colon);
  const value = term.slice(colon + 1).replace(/^"(.*)"$/, "$1");
  if (!value) throw new SearchQueryError(`operator ${operator}: needs a value`);

  const referenceType = REFERENCE_OPERATORS[operator];
  if (referenceType) {
    return (tweet) => tweet.references.some((reference) => reference.type === referenceType && reference.id === value);
  }
  switch (operator) {
    case "from":
      return (tweet) => tweet.authorId === userIdFor(value, store);
    case "to":
      return (tweet) => tweet.inReplyToUserId !== undefined && tweet.inReplyToUserId === userIdFor(value, store);
    case "conversation_id":
      return (tweet) => tweet.conversationId === value;
    case "url":
      return containsText(value);
    case "is": {
      const type = IS_OPERATORS[value];
      if (!type) throw new SearchQueryError(`the emulator does not support is:${value}`);
      return (tweet) => tweet.references.some((reference) => reference.type === type);
    }
    default:
      throw new SearchQueryError(`the emulator does not support the operator ${operator}:`);
  }
}

/** from: and to: take a username or a numeric user id, as on X. */
function userIdFor(value: string, store: EmulatorStore): string | undefined {
  if (/^\d+$/.test(value) && store.users.has(value)) return value;
  return store.userByUsername(value.replace(/^@/, ""))?.id;
}

function containsText(needle: string): Predicate {
  const lowered = needle.toLowerCase();
  return (tweet) => tweet.text.toLowerCase().includes(lowered);
}
