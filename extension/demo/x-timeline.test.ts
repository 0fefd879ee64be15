// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { SEED, seedWorld } from "../../backend/x-emulator/seed.ts";
import { EmulatorStore } from "../../backend/x-emulator/store.ts";
import { linkHostsFrom } from "../features/distribution-links.ts";
import { postSelectors, readPost } from "../features/post-scanner.ts";
import { timelinePosts } from "./x-site.ts";
import { timelinePage } from "./x-timeline.ts";

const ADDRESS = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const hosts = linkHostsFrom(["http://127.0.0.1:8787"]);

function seededStore(): EmulatorStore {
  const store = new EmulatorStore(() => Date.parse("2026-11-22T00:00:00Z"));
  seedWorld(store);
  return store;
}

function render(store: EmulatorStore, viewer = SEED.users.creator.username) {
  document.body.innerHTML = timelinePage(timelinePosts(store), { username: viewer, name: "Viewer" }, store.now());
  return [...document.querySelectorAll(postSelectors.post)].map((article) => readPost(article, hosts));
}

describe("the local x.com timeline", () => {
  it("shows the emulator's posts, newest first and without reposts, as the overlay reads X's markup", () => {
    const store = seededStore();
    const readings = render(store);
    expect(readings).toHaveLength(8);
    const giveaway = readings.find((reading) => reading.postId === SEED.posts.giveaway);
    expect(giveaway).toEqual({
      postId: SEED.posts.giveaway,
      authorHandle: SEED.users.creator.username,
      promoted: false,
      distribution: null,
      linksGiveaway: false,
    });
    const ids = readings.map((reading) => reading.postId ?? "");
    const reposts = store.timeline().filter((tweet) => tweet.references.some((reference) => reference.type === "retweeted"));
    for (const repost of reposts) expect(ids).not.toContain(repost.id);
  });

  it("renders a reply carrying a distribution link as X does, so the overlay finds the distribution", () => {
    const store = seededStore();
    const reply = store.reply({
      authorId: SEED.users.creator.id,
      tweetId: SEED.posts.giveaway,
      text: `Claim here: http://127.0.0.1:8787/d/${ADDRESS}`,
    });
    const [newest] = render(store);
    expect(newest).toEqual({
      postId: reply.id,
      authorHandle: SEED.users.creator.username,
      promoted: false,
      distribution: ADDRESS,
      linksGiveaway: true,
    });
    const anchor = document.querySelector('[data-testid="tweetText"] a[href^="https://t.co/"]');
    // The visible text is cut at 26 characters, as X cuts it; the whole URL sits in hidden spans.
    expect(anchor?.textContent).toContain("…");
    expect(document.querySelector('a[data-testid="AppTabBar_Profile_Link"]')?.getAttribute("href")).toBe(
      `/${SEED.users.creator.username}`,
    );
  });

  it("escapes post text instead of running it", () => {
    const store = seededStore();
    store.post({ authorId: SEED.users.newcomer.id, text: '<img src=x onerror="alert(1)"> hi' });
    render(store);
    expect(document.querySelector("article img")).toBeNull();
    expect(document.body.textContent).toContain('<img src=x onerror="alert(1)"> hi');
  });
});
