import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Requirement, requirementSchema } from "../../shared/requirements.ts";
import { type RunningXApiEmulator, startXApiEmulator } from "../x-emulator/listen.ts";
import { SEED } from "../x-emulator/seed.ts";
import { createXApiClient } from "./client.ts";
import { ManualClock } from "./manual-clock.ts";
import { verifyRequirements } from "./requirements/verify.ts";

/**
 * The client talks to the real X API: every request the requirement checks send must be one X's own
 * OpenAPI document accepts (declared query parameters, max_results within range, fields X knows).
 */
interface Parameter {
  name?: string;
  in?: string;
  $ref?: string;
  schema?: { type?: string; minimum?: number; maximum?: number; items?: { enum?: string[] } };
}
interface OpenApi {
  paths: Record<string, { get?: { parameters?: Parameter[] } }>;
  components: { parameters: Record<string, Parameter> };
}

const openapi = JSON.parse(
  readFileSync(new URL("../../../shared/fixtures/x-api-v2/openapi/x-api-v2-openapi-2.159.json", import.meta.url), "utf8"),
) as OpenApi;

function parametersOf(template: string): Parameter[] {
  return (openapi.paths[template]?.get?.parameters ?? []).map((parameter) =>
    parameter.$ref ? (openapi.components.parameters[parameter.$ref.split("/").at(-1) ?? ""] ?? parameter) : parameter,
  );
}

/** X's path template for a request path: /2/users/123/liked_tweets → /2/users/{id}/liked_tweets. */
function templateOf(path: string): string | undefined {
  // A literal path (/2/users/me) wins over a template that would also match it (/2/users/{id}).
  if (openapi.paths[path]?.get) return path;
  return Object.keys(openapi.paths).find(
    (template) =>
      new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path) && openapi.paths[template]?.get !== undefined,
  );
}

/** What X's document says is wrong with a request, or nothing. */
function problemsWith(url: URL): string[] {
  const template = templateOf(url.pathname);
  if (!template) return [`${url.pathname} is not a GET path of X's API`];
  const declared = new Map(
    parametersOf(template)
      .filter((parameter) => parameter.in === "query")
      .map((parameter) => [parameter.name, parameter]),
  );
  const problems: string[] = [];
  for (const [name, value] of url.searchParams) {
    const parameter = declared.get(name);
    if (!parameter) {
      problems.push(`${template}: ${name} is not a parameter`);
      continue;
    }
    const { schema } = parameter;
    if (schema?.type === "integer") {
      const number = Number(value);
      if (schema.minimum !== undefined && number < schema.minimum)
        problems.push(`${template}: ${name}=${value} < ${schema.minimum}`);
      if (schema.maximum !== undefined && number > schema.maximum)
        problems.push(`${template}: ${name}=${value} > ${schema.maximum}`);
    }
    const allowed = schema?.items?.enum;
    if (schema?.type === "array" && allowed) {
      for (const item of value.split(",")) {
        if (!allowed.includes(item)) problems.push(`${template}: ${name} has no ${item}`);
      }
    }
  }
  return problems;
}

const { users, posts } = SEED;
const clock = new ManualClock(Date.parse("2026-11-20T12:00:00Z"));
let emulator: RunningXApiEmulator;

beforeAll(async () => {
  emulator = await startXApiEmulator({ now: () => clock.now() });
});
afterAll(() => emulator.close());

describe("requests the requirement checks send", () => {
  it("are all declared by X's OpenAPI document, for every requirement type and the fallbacks", async () => {
    const sent: URL[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(new URL(String(input)));
      return fetch(input, init);
    };
    const client = createXApiClient({ baseUrl: emulator.url, clock, fetch: recording });
    const all: Requirement[] = [
      { type: "follow" },
      { type: "like" },
      { type: "repost" },
      { type: "reply", mustContain: SEED.replyPhrase },
      { type: "quote" },
      { type: "account_age", minDays: 30 },
      { type: "min_followers", minFollowers: 10 },
    ].map((input) => requirementSchema.parse(input));
    const check = (fan: keyof typeof users, post: { id: string; creatorXUserId: string; createdAt?: number }) =>
      verifyRequirements(
        { client, now: () => clock.now(), tokenBalanceOf: async () => 0n },
        {
          fan: { xUserId: users[fan].id, accessToken: emulator.issueUserToken(users[fan].id).access_token },
          post,
          requirements: all,
        },
      );
    // Everything met, then nothing met (every page), then a post past search's 7 days (the timeline).
    await check("superfan", { id: posts.giveaway, creatorXUserId: users.creator.id });
    await check("newcomer", { id: posts.giveaway, creatorXUserId: users.creator.id });
    const old = emulator.store.tweets.get(posts.oldPost);
    await check("casualFan", { id: posts.oldPost, creatorXUserId: users.creator.id, createdAt: old?.createdAt });

    const paths = new Set(sent.map((url) => templateOf(url.pathname)));
    expect([...paths].sort()).toEqual([
      "/2/tweets/search/recent",
      "/2/users/me",
      "/2/users/{id}",
      "/2/users/{id}/liked_tweets",
      "/2/users/{id}/tweets",
    ]);
    expect(sent.flatMap(problemsWith)).toEqual([]);
  });

  it("would be caught if they were not", () => {
    expect(problemsWith(new URL("https://api.x.com/2/users/1/liked_tweets?max_results=1&tweet.fields=author_id,mood"))).toEqual([
      "/2/users/{id}/liked_tweets: max_results=1 < 5",
      "/2/users/{id}/liked_tweets: tweet.fields has no mood",
    ]);
    expect(problemsWith(new URL("https://api.x.com/2/tweets/search/recent?query=a&max_results=5&nonsense=1"))).toEqual([
      "/2/tweets/search/recent: max_results=5 < 10",
      "/2/tweets/search/recent: nonsense is not a parameter",
    ]);
  });
});
