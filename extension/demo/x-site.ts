import type { BrowserContext } from "@playwright/test";
import { z } from "zod";
import type { EmulatorStore } from "../../backend/x-emulator/store.ts";
import { applyIntent, intentPage } from "./x-intents.ts";
import { type TimelinePost, timelinePage } from "./x-timeline.ts";

/** How many posts the home timeline shows, newest first. */
const TIMELINE_LENGTH = 8;

const replyBodySchema = z.object({ postId: z.string().regex(/^\d{1,19}$/), text: z.string().trim().min(1).max(280) });

/** The emulated world's posts, as a home timeline shows them (reposts are not posts of their own). */
export function timelinePosts(store: EmulatorStore): TimelinePost[] {
  return store
    .timeline()
    .filter((tweet) => !tweet.references.some((reference) => reference.type === "retweeted"))
    .slice(0, TIMELINE_LENGTH)
    .map((tweet) => {
      const author = store.users.get(tweet.authorId);
      return {
        id: tweet.id,
        username: author?.username ?? "unknown",
        name: author?.name ?? "Unknown",
        text: tweet.text,
        createdAt: tweet.createdAt,
      };
    });
}

/**
 * Serves https://x.com and https://twitter.com in one browser context from the X API emulator's
 * world, signed in as `viewer` (an emulated account's username). A reply posted in the page's
 * composer becomes an emulated reply, so the next load of the timeline shows it, as X would; X's web
 * intents (x-intents.ts) record follows, likes, reposts and replies the same way.
 * X's CDNs answer empty: nothing leaves the machine.
 */
export async function serveXSite(context: BrowserContext, store: EmulatorStore, viewer: () => string): Promise<void> {
  const account = () => {
    const user = store.userByUsername(viewer());
    if (!user) throw new Error(`the X API emulator has no account @${viewer()}`);
    return user;
  };
  await context.route(/^https:\/\/(x|twitter)\.com\//, async (route) => {
    const request = route.request();
    const { pathname } = new URL(request.url());
    if (request.method() === "POST" && pathname === "/i/api/reply") {
      const body = replyBodySchema.safeParse(request.postDataJSON());
      if (!body.success) return route.fulfill({ status: 400, body: "the reply needs a post id and some text" });
      const reply = store.reply({ authorId: account().id, tweetId: body.data.postId, text: body.data.text });
      return route.fulfill({ status: 201, contentType: "application/json", body: JSON.stringify({ id: reply.id }) });
    }
    if (request.method() === "POST" && pathname === "/i/api/intent") {
      const done = applyIntent(request.postDataJSON(), account(), store);
      return done.ok
        ? route.fulfill({ status: 201, contentType: "application/json", body: "{}" })
        : route.fulfill({ status: 400, body: done.error });
    }
    if (request.resourceType() !== "document") return route.fulfill({ status: 204, body: "" });
    const intent = intentPage(new URL(request.url()), store);
    if (intent) return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: intent });
    const user = account();
    return route.fulfill({
      status: 200,
      contentType: "text/html; charset=utf-8",
      body: timelinePage(timelinePosts(store), { username: user.username, name: user.name }),
    });
  });
  await context.route(/^https:\/\/(pbs|video|abs)\.twimg\.com\//, (route) => route.fulfill({ status: 204, body: "" }));
}
