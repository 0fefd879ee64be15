import { z } from "zod";

/**
 * zod schemas for the parts of X API v2 responses the backend reads. They follow the recorded
 * responses in shared/fixtures/x-api-v2 and the OpenAPI components (User, Tweet, Problem):
 * every body is `{ data?, includes?, errors?, meta? }`, and unknown fields pass through untouched
 * so a new X field never breaks a check.
 */

const xId = z.string().regex(/^\d{1,19}$/, "X ids are decimal strings");

export const xUserSchema = z.looseObject({
  id: xId,
  name: z.string(),
  username: z.string(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  protected: z.boolean().optional(),
  profile_image_url: z.string().optional(),
  /**
   * How the user whose token asked relates to this one (following, followed_by, ...); user tokens only.
   * X leaves it out, rather than sending [], when the two accounts have no relationship at all.
   */
  connection_status: z.array(z.string()).optional(),
  public_metrics: z
    .looseObject({
      followers_count: z.number().int().nonnegative(),
      following_count: z.number().int().nonnegative(),
      tweet_count: z.number().int().nonnegative().optional(),
      listed_count: z.number().int().nonnegative().optional(),
    })
    .optional(),
});
export type XUser = z.output<typeof xUserSchema>;

export const xReferencedTweetSchema = z.looseObject({
  type: z.enum(["retweeted", "quoted", "replied_to"]),
  id: xId,
});

export const xTweetSchema = z.looseObject({
  id: xId,
  /** HTML-escaped by X (&amp; &lt; &gt;), and cut short for a post longer than 280 characters. */
  text: z.string(),
  /**
   * The part of `text` shown as the post, in code points: a reply's starts past the @mentions X puts
   * in front of it.
   */
  display_text_range: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
  /** The whole text of a post longer than 280 characters (HTML-escaped too). */
  note_tweet: z.looseObject({ text: z.string() }).optional(),
  edit_history_tweet_ids: z.array(xId).optional(),
  author_id: xId.optional(),
  conversation_id: xId.optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  in_reply_to_user_id: xId.optional(),
  referenced_tweets: z.array(xReferencedTweetSchema).optional(),
});
export type XTweet = z.output<typeof xTweetSchema>;

/**
 * A partial error inside a 200 body (`errors: [...]`), or a whole problem body (401/403/400).
 * RFC 7807 problem shape; `type` is a URI such as https://api.twitter.com/2/problems/resource-not-found.
 */
export const xProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  detail: z.string().optional(),
  status: z.number().int().optional(),
  resource_type: z.string().optional(),
  resource_id: z.string().optional(),
  parameter: z.string().optional(),
  value: z.unknown().optional(),
  reason: z.string().optional(),
  /** Of a usage-capped problem: which quota ran out ("Daily", "Monthly"). */
  period: z.string().optional(),
  registration_url: z.string().optional(),
  client_id: z.string().optional(),
});
export type XProblem = z.output<typeof xProblemSchema>;

export const xMetaSchema = z.looseObject({
  result_count: z.number().int().nonnegative().optional(),
  next_token: z.string().optional(),
  previous_token: z.string().optional(),
  newest_id: xId.optional(),
  oldest_id: xId.optional(),
});
export type XMeta = z.output<typeof xMetaSchema>;

const xIncludesSchema = z
  .looseObject({ users: z.array(xUserSchema).optional(), tweets: z.array(xTweetSchema).optional() })
  .optional();

/** A single-object lookup: `data` is missing when the id is unknown and `errors` says why. */
export function singleResponseSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({ data: item.optional(), includes: xIncludesSchema, errors: z.array(xProblemSchema).optional() });
}

/** A list page: `data` is missing when there are no results (meta.result_count is 0). */
export function pageResponseSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    data: z.array(item).optional(),
    includes: xIncludesSchema,
    errors: z.array(xProblemSchema).optional(),
    meta: xMetaSchema.optional(),
  });
}

/** Body of POST /2/oauth2/token on success. */
export const xTokenResponseSchema = z.looseObject({
  token_type: z.string().refine((type) => type.toLowerCase() === "bearer", "token_type must be bearer"),
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  scope: z.string(),
  refresh_token: z.string().min(1).optional(),
});
export type XTokenResponse = z.output<typeof xTokenResponseSchema>;

/** Body of POST /2/oauth2/token on failure (RFC 6749 section 5.2). */
export const xOAuthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});

export const NOT_FOUND_PROBLEM_TYPE = "https://api.twitter.com/2/problems/resource-not-found";
export const CLIENT_FORBIDDEN_PROBLEM_TYPE = "https://api.twitter.com/2/problems/client-forbidden";
export const UNSUPPORTED_AUTHENTICATION_PROBLEM_TYPE = "https://api.twitter.com/2/problems/unsupported-authentication";
/** A 429 whose cause is the X project's usage quota, not the endpoint's 15-minute window. */
export const USAGE_CAPPED_PROBLEM_TYPE = "https://api.twitter.com/2/problems/usage-capped";
