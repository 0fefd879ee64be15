import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_APP_BEARER_TOKEN } from "./app.ts";
import { type RunningXApiEmulator, startXApiEmulator } from "./listen.ts";
import { componentSchema, conformanceErrors, loadOpenApi, responseSchema } from "./openapi-conformance.ts";
import { SEED } from "./seed.ts";

/** Faithfulness: the emulator's answers against X's recorded responses and X's OpenAPI document. */
const FIXTURES = new URL("../../../shared/fixtures/x-api-v2/", import.meta.url);
const openapi = loadOpenApi(new URL("openapi/x-api-v2-openapi-2.159.json", FIXTURES).pathname);

interface Recorded {
  response: { code: number; headers: [string, string][]; body: unknown };
}
function postman(name: string): Recorded {
  return JSON.parse(readFileSync(new URL(`twitterdev-postman/${name}`, FIXTURES), "utf8")) as Recorded;
}
function header(recorded: Recorded, name: string): string | undefined {
  return recorded.response.headers.find(([key]) => key === name)?.[1];
}
function keys(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

const { users, posts } = SEED;
let emulator: RunningXApiEmulator;
let fanToken = "";

/** `token` "" sends no Authorization header. */
async function get(path: string, token = fanToken) {
  const response = await fetch(`${emulator.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get("content-type")?.includes("json")) body = JSON.parse(text);
  return {
    status: response.status,
    headers: response.headers,
    body: body as Record<string, unknown> & { meta?: Record<string, unknown> },
  };
}

function expectConforms(path: string, body: unknown, status = "200") {
  expect(conformanceErrors(openapi, responseSchema(openapi, path, "get", status), body)).toEqual([]);
}

beforeAll(async () => {
  emulator = await startXApiEmulator({
    notEnrolledClientIds: ["unenrolled-app"],
    clients: [{ clientId: "memefans-local" }, { clientId: "unenrolled-app" }],
    rateLimits: { "users/by/username/:username": 3 },
  });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  fanToken = emulator.issueUserToken(users.superfan.id).access_token;
});

describe("the OpenAPI conformance check itself", () => {
  it("accepts X's own recorded user and rejects an invented field", () => {
    const recorded = postman("19-user-by-id-200-fields-pinned-tweet.json").response.body;
    expectConforms("/2/users/{id}", recorded);
    const invented = { data: { ...(recorded as { data: object }).data, favourite_meme: "doge" } };
    expect(conformanceErrors(openapi, responseSchema(openapi, "/2/users/{id}", "get", "200"), invented)).toEqual([
      '$.data: "favourite_meme" is not declared by X\'s schema',
    ]);
  });
});

describe("X API emulator, compared with recorded X responses", () => {
  it("answers a default user lookup with the recorded keys, headers and content type", async () => {
    const recorded = postman("30-user-by-username-200-default.json");
    const answer = await get(`/2/users/by/username/${users.creator.username}`);
    expect(answer.status).toBe(200);
    expect(keys(answer.body)).toEqual(keys(recorded.response.body));
    expect(keys(answer.body.data)).toEqual(keys((recorded.response.body as { data: object }).data));
    expect(answer.headers.get("content-type")).toBe(header(recorded, "content-type"));
    for (const name of ["x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"]) {
      expect(answer.headers.get(name)).toMatch(/^\d+$/);
    }
    expectConforms("/2/users/by/username/{username}", answer.body);
  });

  it("reports an unknown username as a not-found entry in errors, with status 200", async () => {
    const recorded = postman("32-user-by-username-200-user-not-found.json").response.body as { errors: object[] };
    const answer = await get("/2/users/by/username/nobodyhere");
    expect(answer.status).toBe(200);
    expect(keys(answer.body)).toEqual(["errors"]);
    const entry = (answer.body.errors as object[])[0];
    expect(keys(entry)).toEqual([...keys(recorded.errors[0]), "resource_id"].sort());
    expect(entry).toMatchObject({ parameter: "username", value: "nobodyhere", resource_type: "user", title: "Not Found Error" });
    expectConforms("/2/users/by/username/{username}", answer.body);
  });

  it("reports an unknown post id like the recorded deleted post", async () => {
    const recorded = postman("06-tweet-by-id-200-deleted-tweet-not-found-error.json").response.body as { errors: object[] };
    const answer = await get("/2/tweets/1276230436478386177");
    expect((answer.body.errors as object[])[0]).toMatchObject({
      ...recorded.errors[0],
      detail: "Could not find tweet with id: [1276230436478386177].",
    });
  });

  it("answers 401 with the recorded body when the token is missing or unknown", async () => {
    const recorded = postman("52-stream-rules-401-unauthorized.json");
    for (const token of ["", "not-a-token"]) {
      const answer = await get("/2/users/me", token);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(recorded.response.body);
    }
  });

  it("answers 403 client-not-enrolled with the recorded problem's keys for a configured app", async () => {
    const recorded = postman("46-stream-rules-403-client-not-enrolled.json").response.body;
    const token = emulator.issueUserToken(users.superfan.id, { clientId: "unenrolled-app" }).access_token;
    const answer = await get("/2/users/me", token);
    expect(answer.status).toBe(403);
    expect(keys(answer.body)).toEqual(keys(recorded));
    expect(answer.body).toMatchObject({
      reason: "client-not-enrolled",
      type: "https://api.twitter.com/2/problems/client-forbidden",
    });
    // Real X sends client_id and required_enrollment, which the schema leaves out: differ only where X does.
    const recordedDrift = conformanceErrors(openapi, componentSchema("Problem"), recorded);
    expect(recordedDrift.length).toBeGreaterThan(0);
    expect(conformanceErrors(openapi, componentSchema("Problem"), answer.body)).toEqual(recordedDrift);
  });

  it("answers 429 like the recorded one once the endpoint's window is used up", async () => {
    const recorded = postman("29-user-by-username-429-rate-limit.json");
    const statuses: number[] = [];
    let last = await get("/2/users/by/username/superfan");
    statuses.push(last.status);
    for (let call = 0; call < 3; call++) {
      last = await get("/2/users/by/username/superfan");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last.body).toBe(recorded.response.body);
    expect(last.headers.get("content-type")).toBe(header(recorded, "content-type"));
    expect(last.headers.get("x-rate-limit-limit")).toBe("3");
    expect(last.headers.get("x-rate-limit-remaining")).toBe("0");
    expect(Number(last.headers.get("x-rate-limit-reset"))).toBeGreaterThan(Date.now() / 1000);
    // Another user's window is separate, as X counts per user and app.
    const other = emulator.issueUserToken(users.casualFan.id).access_token;
    expect((await get("/2/users/by/username/superfan", other)).status).toBe(200);
  });

  it("pages recent search with the recorded meta keys and next_token", async () => {
    const recorded = postman("42-search-recent-200-default.json").response.body as { meta: object };
    const first = await get(`/2/tweets/search/recent?query=${encodeURIComponent(`meme from:${users.creator.username}`)}`);
    expect(keys(first.body)).toEqual(["data", "meta"]);
    expect(keys(first.body.meta)).toEqual(keys(recorded.meta));
    expect(first.body.meta?.result_count).toBe(10);
    expectConforms("/2/tweets/search/recent", first.body);
    const second = await get(
      `/2/tweets/search/recent?query=${encodeURIComponent(`meme from:${users.creator.username}`)}&next_token=${String(first.body.meta?.next_token)}`,
    );
    expect(second.body.meta?.result_count).toBe(SEED.superfanOtherLikes + 1 - 10);
    expect(second.body.meta?.next_token).toBeUndefined();
    const ids = [...(first.body.data as { id: string }[]), ...(second.body.data as { id: string }[])].map((tweet) => tweet.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("pages liked_tweets like the recorded tweepy cassette", async () => {
    const cassette = JSON.parse(
      readFileSync(new URL("tweepy-cassettes/test_client_get_liked_tweets.decoded.json", FIXTURES), "utf8"),
    ) as {
      interactions: { response: { body: { meta: object; data: object[] } } }[];
    };
    const recordedBody = cassette.interactions[0]?.response.body;
    const answer = await get(`/2/users/${users.superfan.id}/liked_tweets?max_results=5`);
    expect(keys(answer.body)).toEqual(keys(recordedBody));
    expect(keys(answer.body.meta)).toEqual(keys(recordedBody?.meta));
    expect(keys((answer.body.data as object[])[0])).toEqual(keys(recordedBody?.data[0]));
    expectConforms("/2/users/{id}/liked_tweets", answer.body);
  });

  it("serves every endpoint the client uses in X's documented shapes", async () => {
    const tweetFields =
      "tweet.fields=author_id,conversation_id,created_at,referenced_tweets,in_reply_to_user_id,display_text_range,note_tweet";
    // A long reply, so the answers carry note_tweet and a display_text_range past the reply's @mention.
    emulator.store.reply({ authorId: users.superfan.id, tweetId: posts.giveaway, text: "gm & wagmi ".repeat(30) });
    const userFields = "user.fields=created_at,public_metrics,profile_image_url,protected";
    const answers: [string, string][] = [
      ["/2/users/me", `/2/users/me?${userFields}`],
      ["/2/users/{id}", `/2/users/${users.newcomer.id}?${userFields}`],
      ["/2/tweets/{id}", `/2/tweets/${posts.giveaway}?${tweetFields}`],
      ["/2/tweets/{id}/liking_users", `/2/tweets/${posts.giveaway}/liking_users?${userFields}`],
      ["/2/tweets/{id}/retweeted_by", `/2/tweets/${posts.giveaway}/retweeted_by`],
      ["/2/tweets/{id}/quote_tweets", `/2/tweets/${posts.giveaway}/quote_tweets?${tweetFields}`],
      ["/2/users/{id}/following", `/2/users/${users.superfan.id}/following?${userFields}`],
      ["/2/users/{id}/tweets", `/2/users/${users.superfan.id}/tweets?${tweetFields}`],
      ["/2/tweets/search/recent", `/2/tweets/search/recent?query=conversation_id:${posts.giveaway}&${tweetFields}`],
    ];
    for (const [path, url] of answers) {
      const answer = await get(url);
      expect(answer.status, url).toBe(200);
      expect(answer.body.data, url).toBeDefined();
      expectConforms(path, answer.body);
    }
  });

  it("answers a bad parameter with X's invalid-request problem", async () => {
    const recorded = postman("15-tweets-by-ids-400-too-many-ids.json").response.body;
    const answer = await get(`/2/users/${users.superfan.id}/liked_tweets?max_results=500`);
    expect(answer.status).toBe(400);
    expect(keys(answer.body)).toEqual(keys(recorded));
    expect((answer.body.errors as { message: string }[])[0]?.message).toBe(
      "The `max_results` query parameter value [500] is not between 5 and 100",
    );
    const query = await get(`/2/tweets/search/recent?query=${encodeURIComponent("(a OR b)")}`);
    expect(query.status).toBe(400);
  });

  it("lists only the latest 100 likers of a post, as X does", async () => {
    const answer = await get(`/2/tweets/${posts.giveaway}/liking_users`);
    expect(answer.body.meta?.result_count).toBe(100);
    expect(answer.body.meta?.next_token).toBeUndefined();
    expect((answer.body.data as { id: string }[])[0]?.id).toBe(users.superfan.id);
  });

  it("searches only the last 7 days", async () => {
    const query = encodeURIComponent(`conversation_id:${posts.oldPost} from:${users.superfan.id}`);
    const answer = await get(`/2/tweets/search/recent?query=${query}`);
    expect(answer.body).toEqual({ meta: { result_count: 0 } });
  });

  it("understands the search operators the client sends, by username or id", async () => {
    const search = async (query: string) => {
      const answer = await get(
        `/2/tweets/search/recent?query=${encodeURIComponent(query)}&tweet.fields=author_id,referenced_tweets`,
      );
      return ((answer.body.data ?? []) as { author_id: string; referenced_tweets?: { type: string }[] }[]).map(
        (tweet) =>
          `${tweet.author_id === users.superfan.id ? "superfan" : tweet.author_id}:${tweet.referenced_tweets?.[0]?.type ?? "post"}`,
      );
    };
    expect(await search(`retweets_of_tweet_id:${posts.giveaway} from:${users.superfan.id}`)).toEqual(["superfan:retweeted"]);
    expect(await search(`quotes_of_tweet_id:${posts.giveaway} from:superfan`)).toEqual(["superfan:quoted"]);
    expect(await search(`conversation_id:${posts.giveaway} from:superfan is:reply "GM MEMEFANS"`)).toEqual([
      "superfan:replied_to",
    ]);
    expect(await search(`conversation_id:${posts.giveaway} from:superfan -is:reply`)).toEqual([]);
    expect(await search(`from:superfan -is:retweet -is:quote`)).toEqual(["superfan:replied_to"]);
  });

  it("sends a post's text HTML-escaped and cut at 280 characters, the whole in note_tweet, the reply's @mention before display_text_range", async () => {
    const long = `gm & <wagmi> ${"x".repeat(300)}`;
    const reply = emulator.store.reply({ authorId: users.superfan.id, tweetId: posts.giveaway, text: long });
    const answer = await get(`/2/tweets/${reply.id}?tweet.fields=display_text_range,note_tweet`);
    const data = answer.body.data as { text: string; display_text_range: number[]; note_tweet: { text: string } };
    const mention = `@${users.creator.username} `;
    expect(data.text.startsWith(`${mention}gm &amp; &lt;wagmi&gt; xxx`)).toBe(true);
    expect(data.display_text_range).toEqual([mention.length, 280]);
    expect(data.note_tweet.text).toBe(`${mention}gm &amp; &lt;wagmi&gt; ${"x".repeat(300)}`);
    const short = await get(`/2/tweets/${posts.giveaway}?tweet.fields=display_text_range,note_tweet`);
    expect(short.body.data).not.toHaveProperty("note_tweet");
    expectConforms("/2/tweets/{id}", answer.body);
  });

  it("refuses app-only tokens on user-context endpoints", async () => {
    expect((await get("/2/users/me", DEFAULT_APP_BEARER_TOKEN)).status).toBe(403);
    expect((await get(`/2/users/${users.creator.id}`, DEFAULT_APP_BEARER_TOKEN)).status).toBe(200);
  });
});

describe("X API emulator admin API", () => {
  async function admin(method: string, path: string, body: unknown) {
    const response = await fetch(`${emulator.url}/__emulator/${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("lets a script make a fan like, follow and reply, and reset undoes it", async () => {
    const newcomer = emulator.issueUserToken(users.newcomer.id).access_token;
    const likes = () => get(`/2/users/${users.newcomer.id}/liked_tweets`, newcomer);
    expect((await likes()).body).toEqual({ meta: { result_count: 0 } });
    expect((await admin("POST", "likes", { userId: "@newcomer", postId: posts.giveaway })).status).toBe(201);
    expect((await admin("POST", "follows", { followerId: users.newcomer.id, followedId: "@memecreator" })).status).toBe(201);
    expect((await admin("POST", "replies", { userId: "@newcomer", postId: posts.giveaway, text: "GM MEMEFANS" })).status).toBe(
      201,
    );
    expect(((await likes()).body.data as { id: string }[]).map((tweet) => tweet.id)).toEqual([posts.giveaway]);
    const following = await get(`/2/users/${users.newcomer.id}/following`, newcomer);
    expect((following.body.data as { id: string }[]).map((user) => user.id)).toEqual([users.creator.id]);

    expect((await admin("POST", "reset", {})).status).toBe(200);
    expect((await get(`/2/users/${users.newcomer.id}/liked_tweets`, newcomer)).status).toBe(401);
    expect(emulator.store.likedBy(users.newcomer.id)).toEqual([]);
  });

  it("refuses a bad admin body with the reason", async () => {
    const answer = await admin("POST", "likes", { userId: "@newcomer", postId: "not-an-id" });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain("postId");
    expect((await admin("POST", "likes", { userId: "@ghost", postId: posts.giveaway })).status).toBe(404);
  });
});
