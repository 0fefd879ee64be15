import type { Response } from "express";
import type { EmulatedTweet, EmulatedUser, EmulatorStore } from "./store.ts";

/**
 * X API v2 wire format, as recorded in shared/fixtures/x-api-v2: objects carry only the default
 * fields plus the ones asked for in user.fields / tweet.fields; problems are RFC 7807 bodies with
 * https://api.twitter.com/2/problems/* types.
 */

const PROBLEMS = "https://api.twitter.com/2/problems";

export function requestedFields(value: unknown): Set<string> {
  return new Set(typeof value === "string" ? value.split(",").map((field) => field.trim()) : []);
}

/**
 * `viewerId` is the user whose token asked: connection_status (following, followed_by) is about
 * them. X leaves it out for app-only tokens, and also when the two accounts have no relationship
 * ("omitted in the response if there is no connection"): it never sends an empty list.
 */
export function renderUser(
  store: EmulatorStore,
  user: EmulatedUser,
  fields: Set<string>,
  viewerId?: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
  if (fields.has("connection_status") && viewerId !== undefined) {
    const connection = [
      ...(store.isFollowing(viewerId, user.id) ? ["following"] : []),
      ...(store.isFollowing(user.id, viewerId) ? ["followed_by"] : []),
    ];
    if (connection.length > 0) body.connection_status = connection;
  }
  if (fields.has("created_at")) body.created_at = new Date(user.createdAt).toISOString();
  if (fields.has("protected")) body.protected = user.protected;
  if (fields.has("verified")) body.verified = false;
  if (fields.has("description")) body.description = "";
  if (fields.has("profile_image_url")) {
    body.profile_image_url = `https://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg`;
  }
  if (fields.has("public_metrics")) {
    body.public_metrics = {
      followers_count: store.followersCount(user.id),
      following_count: store.followingCount(user.id),
      tweet_count: store.tweetCount(user.id),
      listed_count: 0,
    };
  }
  return body;
}

/** X cuts `text` here and sends the whole post in note_tweet. */
const TEXT_LIMIT = 280;

/**
 * `text` as X sends it: HTML-escaped (&amp; &lt; &gt;), as in the recorded responses, and cut at
 * 280 characters for a longer post, whose whole text is in note_tweet when asked for.
 * display_text_range counts code points of the unescaped text.
 */
export function renderTweet(tweet: EmulatedTweet, fields: Set<string>): Record<string, unknown> {
  const characters = [...tweet.text];
  const shown = characters.slice(0, TEXT_LIMIT);
  const body: Record<string, unknown> = { edit_history_tweet_ids: [tweet.id], id: tweet.id, text: escapeHtml(shown.join("")) };
  if (fields.has("author_id")) body.author_id = tweet.authorId;
  if (fields.has("conversation_id")) body.conversation_id = tweet.conversationId;
  if (fields.has("created_at")) body.created_at = new Date(tweet.createdAt).toISOString();
  if (fields.has("in_reply_to_user_id") && tweet.inReplyToUserId) body.in_reply_to_user_id = tweet.inReplyToUserId;
  if (fields.has("referenced_tweets") && tweet.references.length > 0) body.referenced_tweets = tweet.references;
  if (fields.has("lang")) body.lang = "en";
  if (fields.has("display_text_range")) body.display_text_range = [tweet.displayStart, shown.length];
  if (fields.has("note_tweet") && characters.length > TEXT_LIMIT) body.note_tweet = { text: escapeHtml(tweet.text) };
  return body;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The 200-with-errors entry X sends for an unknown id. */
export function notFoundEntry(resourceType: "user" | "tweet", parameter: string, value: string) {
  const noun = parameter === "username" ? "username" : parameter === "ids" ? "ids" : "id";
  return {
    value,
    detail: `Could not find ${resourceType} with ${noun}: [${value}].`,
    title: "Not Found Error",
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: `${PROBLEMS}/resource-not-found`,
  };
}

/** 400 invalid-request, shaped like the recorded "too many ids" answer. */
export function sendInvalidRequest(response: Response, parameter: string, value: string, message: string): void {
  response.status(400).json({
    errors: [{ parameters: { [parameter]: [value] }, message }],
    title: "Invalid Request",
    detail: "One or more parameters to your request was invalid.",
    type: `${PROBLEMS}/invalid-request`,
  });
}

export function sendUnauthorized(response: Response): void {
  response.status(401).json({ title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });
}

export function sendClientNotEnrolled(response: Response, clientId: string): void {
  response.status(403).json({
    client_id: clientId,
    detail:
      "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
    registration_url: "https://developer.twitter.com/en/docs/projects/overview",
    title: "Client Forbidden",
    required_enrollment: "Appropriate Level of API Access",
    reason: "client-not-enrolled",
    type: `${PROBLEMS}/client-forbidden`,
  });
}

export function sendUnsupportedAuthentication(response: Response): void {
  response.status(403).json({
    title: "Unsupported Authentication",
    detail:
      "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
    type: `${PROBLEMS}/unsupported-authentication`,
    status: 403,
  });
}

export function sendMissingScope(response: Response): void {
  response.status(403).json({ title: "Forbidden", type: "about:blank", status: 403, detail: "Forbidden" });
}

/** X's 429 body is plain text, as recorded. */
export function sendRateLimited(response: Response): void {
  // setHeader keeps X's exact spelling; Express would rewrite it to "text/plain; charset=utf-8".
  response.status(429).setHeader("content-type", "text/plain;charset=utf-8");
  response.end("Rate limit exceeded\n");
}

/** Opaque-looking pagination tokens that only this emulator can read back. */
export function encodePageToken(offset: number): string {
  return `${(offset * 7919 + 104729).toString(36)}n${offset.toString(36)}`;
}

export function decodePageToken(token: string): number | undefined {
  const match = /^([0-9a-z]+)n([0-9a-z]+)$/.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  const offset = Number.parseInt(match[2], 36);
  return (offset * 7919 + 104729).toString(36) === match[1] ? offset : undefined;
}
