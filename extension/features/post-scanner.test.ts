// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { distributionAddressInCard, distributionAddressInText, linkHostsFrom } from "./distribution-links.ts";
import { actionBarOf, isOwnContent, PostHub, type PostReading, postSelectors, readPost, scanPosts } from "./post-scanner.ts";
import { checkTimelineHealth, createMissReporter, type SelectorMiss } from "./selector-health.ts";
import {
  allFixtureFiles,
  type FixtureName,
  fixtureHtml,
  inCell,
  withCardLink,
  withTextLink,
  xTextLink,
} from "./testing/x-fixtures.ts";

const hosts = linkHostsFrom(["https://memefans.app", "http://127.0.0.1:8787"]);
const ADDRESS = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const OTHER_ADDRESS = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const link = (address = ADDRESS) => `https://memefans.app/d/${address}`;

function article(html: string): HTMLElement {
  const host = document.createElement("div");
  host.innerHTML = html;
  const found = host.querySelector<HTMLElement>(postSelectors.post);
  if (!found) throw new Error("no article in the fixture");
  return found;
}

/** The quoted post inside a quote post: X's clickable box holding the quoted author's line. */
function quotedBox(post: HTMLElement): HTMLElement {
  const box = [...post.querySelectorAll<HTMLElement>(postSelectors.quoteBox)].find((candidate) =>
    candidate.querySelector(postSelectors.userName),
  );
  if (!box) throw new Error("the fixture has no quoted post");
  return box;
}

/** X's video player as the captured ad shows it: wrapped in data-testid="placementTracking". */
function videoPlayer(): HTMLElement {
  const wrapper = document.createElement("div");
  wrapper.innerHTML =
    '<div data-testid="placementTracking"><div data-testid="videoPlayer"><div data-testid="videoComponent"><video preload="none" playsinline=""></video></div></div></div>';
  return wrapper.firstElementChild as HTMLElement;
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("distribution links", () => {
  it("reads the expanded URL X keeps in a t.co anchor's text, hidden tail included", () => {
    const post = article(withTextLink(fixtureHtml("basic"), link()));
    const anchor = post.querySelector('[data-testid="tweetText"] a[href^="https://t.co/"]');
    // What a person sees is cut short; the address is whole only with the aria-hidden tail.
    expect(anchor?.textContent).toContain("…");
    expect(readPost(post, hosts).distribution).toBe(ADDRESS);
  });

  it("ignores other hosts, non-addresses and addresses that are not 32 bytes", () => {
    expect(distributionAddressInText(`https://evil.example/d/${ADDRESS}`, hosts)).toBeNull();
    expect(distributionAddressInText("https://memefans.app/d/not-an-address", hosts)).toBeNull();
    expect(distributionAddressInText("https://memefans.app/d/1111111111111111111111111111111", hosts)).toBeNull();
    expect(distributionAddressInText(`127.0.0.1:8787/d/${ADDRESS}`, hosts)).toBe(ADDRESS);
  });

  it("takes our host only where a link starts, never inside another site's URL", () => {
    for (const elsewhere of [
      `https://evil.example/memefans.app/d/${ADDRESS}`,
      `https://evil.example/?u=memefans.app/d/${ADDRESS}`,
      `https://evil.example#memefans.app/d/${ADDRESS}`,
      `https://memefans.app.evil.example/d/${ADDRESS}`,
      `https://xmemefans.app/d/${ADDRESS}`,
    ]) {
      expect(distributionAddressInText(elsewhere, hosts), elsewhere).toBeNull();
    }
    for (const ours of [
      `Claim: https://memefans.app/d/${ADDRESS}`,
      `(memefans.app/d/${ADDRESS})`,
      `“https://memefans.app/d/${ADDRESS}”`,
      `line one\nmemefans.app/d/${ADDRESS}`,
    ]) {
      expect(distributionAddressInText(ours, hosts), ours).toBe(ADDRESS);
    }
  });

  it("reads the URL a t.co link goes to as one URL: our host inside another site's URL is not ours", () => {
    // X links the whole of each of these (twitter-text takes brackets, quotes and balanced parentheses
    // into a URL's path) and prints it as the anchor's text: the link goes to evil.example.
    for (const elsewhere of [
      `https://evil.example/(memefans.app/d/${ADDRESS})`,
      `https://evil.example/'memefans.app/d/${ADDRESS}`,
      `https://evil.example/[memefans.app/d/${ADDRESS}]`,
      `https://evil.example/?q="memefans.app/d/${ADDRESS}"`,
      `https://memefans.app@evil.example/d/${ADDRESS}`,
      `https://memefаns.app/d/${ADDRESS}`, // a Cyrillic "а"
    ]) {
      expect(readPost(article(withTextLink(fixtureHtml("basic"), elsewhere)), hosts), elsewhere).toMatchObject({
        distribution: null,
        linksGiveaway: false,
      });
    }
  });

  it("reads our link however people write it: www., upper case, a trailing slash, a query, a fragment, http", () => {
    const A43 = "So11111111111111111111111111111111111111112";
    for (const [ours, address] of [
      [`https://www.memefans.app/d/${ADDRESS}`, ADDRESS],
      [`HTTPS://MEMEFANS.APP/d/${ADDRESS}`, ADDRESS],
      [`https://memefans.app/d/${ADDRESS}/`, ADDRESS],
      [`https://memefans.app/d/${ADDRESS}?ref=x#claim`, ADDRESS],
      [`http://memefans.app/d/${A43}`, A43],
    ] as const) {
      expect(readPost(article(withTextLink(fixtureHtml("basic"), ours)), hosts).distribution, ours).toBe(address);
    }
  });

  it("knows a card of ours when the backend's URL has www. and X's card names the domain without it", () => {
    // X names a www. site without it: the 2025 capture's card links www.whitehouse.gov and reads
    // "whitehouse.gov" in its label and its "From" line.
    const wwwHosts = linkHostsFrom(["https://www.memefans.app"]);
    const post = article(withCardLink(fixtureHtml("cardOnly"), "memefans.app", "10 $WIF for each fan from @memecreator"));
    expect(readPost(post, wwwHosts)).toMatchObject({ distribution: null, linksGiveaway: true });
  });

  it("takes a link that is not t.co's from its href, never from the text its author wrote", () => {
    // X Articles render links as <a href="…"> with the author's own words as the text.
    const post = article(fixtureHtml("basic"));
    post
      .querySelector(postSelectors.text)
      ?.insertAdjacentHTML(
        "afterbegin",
        `<a href="https://evil.example/claim" role="link">https://memefans.app/d/${ADDRESS}</a> `,
      );
    expect(readPost(post, hosts)).toMatchObject({ distribution: null, linksGiveaway: false });
  });

  it("finds the link in a card whose domain is ours and whose title carries the address", () => {
    const post = article(withCardLink(fixtureHtml("card2025"), "memefans.app", `MEMEFANS giveaway ${ADDRESS}`));
    expect(readPost(post, hosts)).toMatchObject({ postId: "1981398750557065646", distribution: ADDRESS });

    const foreign = article(withCardLink(fixtureHtml("card2025"), "whitehouse.gov", `Look ${ADDRESS}`));
    const card = foreign.querySelector(postSelectors.card);
    expect(card && distributionAddressInCard(card, hosts)).toBeNull();
  });

  it("handles a card-only post without any text", () => {
    const post = article(withCardLink(fixtureHtml("cardOnly"), "memefans.app", `MEMEFANS giveaway ${ADDRESS}`));
    expect(post.querySelector(postSelectors.text)).toBeNull();
    expect(readPost(post, hosts)).toMatchObject({ postId: "1843978367558885854", distribution: ADDRESS });
    expect(readPost(article(fixtureHtml("cardOnly")), hosts)).toMatchObject({ distribution: null, linksGiveaway: false });
  });

  it("marks a card of ours whose title names amount and ticker, not the address, as linking a giveaway", () => {
    // What the claim page's og:title reads now: no 44-character address for people to see.
    const post = article(withCardLink(fixtureHtml("cardOnly"), "memefans.app", "10 $WIF for each fan from @memecreator"));
    expect(readPost(post, hosts)).toMatchObject({ postId: "1843978367558885854", distribution: null, linksGiveaway: true });
    const foreign = article(withCardLink(fixtureHtml("cardOnly"), "whitehouse.gov", "10 $WIF for each fan"));
    expect(readPost(foreign, hosts)).toMatchObject({ distribution: null, linksGiveaway: false });
  });
});

describe("reading a post", () => {
  const expected: Record<Exclude<FixtureName, "promoted">, { postId: string; authorHandle: string }> = {
    basic: { postId: "1841842569182929401", authorHandle: "jarvis_best" },
    image: { postId: "1841834132160077852", authorHandle: "thechosenberg" },
    quote2024: { postId: "1841911481241370703", authorHandle: "tenobrus" },
    cardOnly: { postId: "1843978367558885854", authorHandle: "stephenfhayes" },
    quoteCell2025: { postId: "1983130065320780162", authorHandle: "TestQuoter" },
    card2025: { postId: "1981398750557065646", authorHandle: "TestUser123" },
  };

  it.each(Object.entries(expected))("takes the id and author of %s from its <time> permalink", (name, want) => {
    expect(readPost(article(fixtureHtml(name as FixtureName)), hosts)).toMatchObject({
      ...want,
      promoted: false,
      distribution: null,
    });
  });

  it("knows every fixture file on disk", () => {
    expect(allFixtureFiles()).toHaveLength(Object.keys(expected).length + 1);
  });

  it("marks a promoted post, which has no permalink", () => {
    const reading = readPost(article(withTextLink(fixtureHtml("promoted"), link())), hosts);
    expect(reading).toMatchObject({ promoted: true, postId: null, distribution: ADDRESS });
  });

  it("marks an ad by its label in the reader's language, not by X's placementTracking wrapper", () => {
    const localized = fixtureHtml("promoted").replace(">Ad</span>", ">Anuncio</span>");
    expect(readPost(article(localized), hosts)).toMatchObject({ promoted: true, postId: null });
    const unwrapped = article(fixtureHtml("promoted"));
    for (const wrapper of unwrapped.querySelectorAll('[data-testid="placementTracking"]'))
      wrapper.replaceWith(...wrapper.childNodes);
    expect(readPost(unwrapped, hosts).promoted).toBe(true);
  });

  it.each(["quote2024", "quoteCell2025"] as const)("is not fooled by a video (placementTracking) in a %s quoted post", (name) => {
    const post = article(withTextLink(fixtureHtml(name), link()));
    quotedBox(post).append(videoPlayer());
    expect(readPost(post, hosts)).toMatchObject({ promoted: false, distribution: ADDRESS });
  });

  it("is not fooled by the post's own video either", () => {
    const post = article(withTextLink(fixtureHtml("basic"), link()));
    post.querySelector(postSelectors.text)?.after(videoPlayer());
    expect(readPost(post, hosts)).toMatchObject({ promoted: false, postId: "1841842569182929401", distribution: ADDRESS });
  });

  it("never takes a quoted post's permalink for the post's own", () => {
    const post = article(fixtureHtml("quoteCell2025"));
    post.querySelector(postSelectors.permalinkTime)?.parentElement?.remove();
    const quotedTime = quotedBox(post).querySelector("time");
    if (!quotedTime) throw new Error("the quoted post has no <time>");
    const permalink = document.createElement("a");
    permalink.setAttribute("href", "/OriginalAuthor/status/1983000000000000001");
    quotedTime.replaceWith(permalink);
    permalink.append(quotedTime);
    expect(readPost(post, hosts)).toMatchObject({ postId: null, authorHandle: null, promoted: false });
  });

  it("finds a scheme-relative link (//host/d/<address>), as X Articles render some", () => {
    const post = article(fixtureHtml("basic"));
    post
      .querySelector(postSelectors.text)
      ?.insertAdjacentHTML("afterbegin", `<a href="//memefans.app/d/${ADDRESS}" role="link">Claim the giveaway</a> `);
    expect(readPost(post, hosts)).toMatchObject({ postId: "1841842569182929401", distribution: ADDRESS });
  });

  it.each(["quote2024", "quoteCell2025"] as const)("gives a %s quote post only its own link, never the quoted one's", (name) => {
    const quotedOnly = readPost(article(withTextLink(fixtureHtml(name), link(), "quoted")), hosts);
    expect(quotedOnly.distribution).toBeNull();
    const both = withTextLink(withTextLink(fixtureHtml(name), link(OTHER_ADDRESS), "quoted"), link(), "outer");
    expect(readPost(article(both), hosts).distribution).toBe(ADDRESS);
  });
});

describe("a post's action bar", () => {
  /** A group as X draws a card's carousel or a poll: role=group, none of the post's buttons. */
  function carouselGroup(): HTMLElement {
    const group = document.createElement("div");
    group.setAttribute("role", "group");
    group.setAttribute("aria-roledescription", "carousel");
    group.innerHTML = '<div role="button" aria-label="Next slide"></div>';
    return group;
  }

  it.each(["basic", "cardOnly", "quote2024", "quoteCell2025", "card2025"] as const)(
    "is the group holding X's reply and like buttons in the %s capture",
    (name) => {
      const post = article(fixtureHtml(name));
      const bar = actionBarOf(post);
      expect(bar?.querySelector('[data-testid="reply"]')).not.toBeNull();
      expect(bar?.querySelector('[data-testid="like"]')).not.toBeNull();
    },
  );

  it("is never a carousel or poll X puts before it, in the post's card or its text", () => {
    const post = article(fixtureHtml("card2025"));
    const bar = actionBarOf(post);
    post.querySelector(postSelectors.card)?.prepend(carouselGroup());
    post.querySelector(postSelectors.text)?.after(carouselGroup());
    expect(post.querySelector(postSelectors.actionBar)).not.toBe(bar);
    expect(actionBarOf(post)).toBe(bar);
  });

  it("stands in with the post's last group outside its card when X renames its buttons, never with a quoted post's", () => {
    const post = article(fixtureHtml("quoteCell2025"));
    const bar = actionBarOf(post);
    for (const button of post.querySelectorAll("[data-testid]")) {
      if (button.matches(postSelectors.actionButton)) button.setAttribute("data-testid", "renamed");
    }
    quotedBox(post).append(carouselGroup());
    post.querySelector(postSelectors.text)?.after(carouselGroup());
    expect(actionBarOf(post)).toBe(bar);
  });

  it("is missing when the post shows no group at all", () => {
    const post = article(fixtureHtml("basic").replace('role="group"', 'role="toolbar"'));
    expect(actionBarOf(post)).toBeNull();
  });
});

describe("a Community Note", () => {
  /** X's "Readers added context" box, its sources linked through t.co as the post's own links are. */
  function communityNote(expandedUrl: string): string {
    return `<div data-testid="birdwatch-pivot"><span>Readers added context they thought people might want to know</span><div>${xTextLink(expandedUrl)}</div></div>`;
  }

  it("lends the post none of its links: its writers are not the post's author", () => {
    const post = article(fixtureHtml("basic"));
    post.querySelector(postSelectors.text)?.insertAdjacentHTML("afterend", communityNote(link()));
    expect(readPost(post, hosts)).toMatchObject({ postId: "1841842569182929401", distribution: null, linksGiveaway: false });
  });

  it("leaves the post's own link the post's", () => {
    const post = article(withTextLink(fixtureHtml("basic"), link()));
    post.querySelector(postSelectors.text)?.insertAdjacentHTML("beforebegin", communityNote(link(OTHER_ADDRESS)));
    expect(readPost(post, hosts)).toMatchObject({ distribution: ADDRESS, linksGiveaway: true });
  });
});

describe("a post's own content", () => {
  it("is what no clickable box holding an author line encloses, inside the article", () => {
    const post = article(withTextLink(fixtureHtml("quoteCell2025"), link(), "quoted"));
    const quotedLink = quotedBox(post).querySelector('a[href^="https://t.co/"]');
    const ownTime = post.querySelector(postSelectors.permalinkTime);
    if (!quotedLink || !ownTime) throw new Error("the fixture lacks the quoted link or the post's permalink");
    expect(isOwnContent(quotedLink, post)).toBe(false);
    expect(isOwnContent(ownTime, post)).toBe(true);
  });

  it("looks past a clickable box without an author line to the quoted post around it", () => {
    const post = article(withTextLink(fixtureHtml("quoteCell2025"), link(), "quoted"));
    const quotedText = quotedBox(post).querySelector(postSelectors.text);
    if (!quotedText) throw new Error("the quoted post has no text");
    const plainBox = document.createElement("div");
    plainBox.setAttribute("role", "link");
    quotedText.replaceWith(plainBox);
    plainBox.append(quotedText);
    expect(readPost(post, hosts)).toMatchObject({ distribution: null, linksGiveaway: false });
  });

  it("keeps the post's own link in a clickable box of its own, and ignores boxes around the article", () => {
    const post = article(withTextLink(fixtureHtml("basic"), link()));
    const text = post.querySelector(postSelectors.text);
    if (!text) throw new Error("the fixture has no text");
    const plainBox = document.createElement("div");
    plainBox.setAttribute("role", "link");
    text.replaceWith(plainBox);
    plainBox.append(text);
    // A page wrapping the whole article in a box with some author line does not make it a quote.
    const outer = document.createElement("div");
    outer.setAttribute("role", "link");
    outer.innerHTML = '<div data-testid="User-Name">Someone</div>';
    post.replaceWith(outer);
    outer.append(post);
    expect(readPost(post, hosts)).toMatchObject({ postId: "1841842569182929401", distribution: ADDRESS, linksGiveaway: true });
  });
});

interface Event {
  kind: "post" | "gone";
  article: HTMLElement;
  reading?: PostReading;
}

function startScanner(misses: SelectorMiss[] = []) {
  const hub = new PostHub();
  const events: Event[] = [];
  const controller = new AbortController();
  hub.subscribe(
    {
      onPost: (article, reading) => events.push({ kind: "post", article, reading }),
      onPostGone: (article) => events.push({ kind: "gone", article }),
    },
    controller.signal,
  );
  scanPosts({ root: document.body, hub, hosts: () => hosts, reportMiss: (miss) => misses.push(miss) }, controller.signal);
  return { hub, events, controller };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("scanning the page", () => {
  it("reports each post once, and a quote post with two links once", async () => {
    document.body.innerHTML = `<main>${[
      inCell(withTextLink(fixtureHtml("basic"), link())),
      withTextLink(withTextLink(fixtureHtml("quoteCell2025"), link(OTHER_ADDRESS), "quoted"), link(), "outer"),
      inCell(withTextLink(fixtureHtml("promoted"), link())),
    ].join("")}</main>`;
    const { events, hub } = startScanner();
    expect(events.map((event) => [event.reading?.postId, event.reading?.distribution, event.reading?.promoted])).toEqual([
      ["1841842569182929401", ADDRESS, false],
      ["1983130065320780162", ADDRESS, false],
      [null, ADDRESS, true],
    ]);
    // A re-render that changes nothing the overlay reads is not news.
    document.querySelector(postSelectors.text)?.append(document.createElement("span"));
    await settle();
    expect(events).toHaveLength(3);
    expect(hub.posts.size).toBe(3);
  });

  it("re-reads a recycled cell that now shows another post", async () => {
    document.body.innerHTML = inCell(withTextLink(fixtureHtml("basic"), link()));
    const { events } = startScanner();
    const recycled = document.querySelector<HTMLElement>(postSelectors.post);
    const next = article(fixtureHtml("card2025"));
    // The virtualized list keeps the <article> and swaps what is inside it.
    recycled?.replaceChildren(...next.childNodes);
    await settle();
    expect(events.at(-1)).toMatchObject({
      kind: "post",
      article: recycled,
      reading: { postId: "1981398750557065646", distribution: null },
    });
  });

  it("notices a permalink re-pointed in place (only the href changes)", async () => {
    document.body.innerHTML = inCell(fixtureHtml("basic"));
    const { events } = startScanner();
    document.querySelector(`${postSelectors.permalinkTime}`)?.parentElement?.setAttribute("href", "/someone/status/42");
    await settle();
    expect(events.at(-1)?.reading).toMatchObject({ postId: "42", authorHandle: "someone" });
  });

  it("follows SPA navigation: posts that leave are gone, new ones are read", async () => {
    document.body.innerHTML = `<main id="primary">${inCell(fixtureHtml("basic"))}${inCell(fixtureHtml("image"))}</main>`;
    const { events, hub } = startScanner();
    const main = document.getElementById("primary");
    main?.replaceChildren();
    main?.insertAdjacentHTML("beforeend", inCell(withTextLink(fixtureHtml("quote2024"), link())));
    await settle();
    expect(events.filter((event) => event.kind === "gone")).toHaveLength(2);
    expect(events.filter((event) => event.kind === "post").at(-1)?.reading).toMatchObject({
      postId: "1841911481241370703",
      distribution: ADDRESS,
    });
    expect(hub.posts.size).toBe(1);
  });

  it("reads a post whose article X serves without data-testid (an A/B build), as it reads any other", async () => {
    const bare = withTextLink(fixtureHtml("basic"), link()).replace(' data-testid="tweet"', "");
    document.body.innerHTML = inCell(bare);
    expect(document.querySelector('article[role="article"]:not([data-testid])')).not.toBeNull();
    const { events } = startScanner();
    expect(events).toMatchObject([{ kind: "post", reading: { postId: "1841842569182929401", distribution: ADDRESS } }]);
  });

  it("stops observing when aborted and retracts what it published", async () => {
    document.body.innerHTML = inCell(fixtureHtml("basic"));
    const { events, controller, hub } = startScanner();
    controller.abort();
    expect(hub.posts.size).toBe(0);
    document.body.insertAdjacentHTML("beforeend", inCell(fixtureHtml("image")));
    await settle();
    expect(events.map((event) => event.kind)).toEqual(["post"]);
  });
});

describe("selector misses", () => {
  it("reports a post without a permalink that carries a video but no Ad label", () => {
    const withoutTime = article(fixtureHtml("basic").replace(/<time[^>]*>.*?<\/time>/s, ""));
    withoutTime.querySelector(postSelectors.text)?.after(videoPlayer());
    document.body.append(withoutTime);
    const misses: SelectorMiss[] = [];
    scanPosts(
      { root: document.body, hub: new PostHub(), hosts: () => hosts, reportMiss: (miss) => misses.push(miss) },
      new AbortController().signal,
    );
    expect(misses.map((miss) => miss.detail)).toEqual(["a post without a status permalink: its id cannot be read"]);
  });

  it("reports a post whose permalink selector no longer matches, once", async () => {
    const withoutTime = fixtureHtml("basic").replace(/<time[^>]*>.*?<\/time>/s, "");
    document.body.innerHTML = inCell(withoutTime) + inCell(withoutTime);
    const sent: unknown[] = [];
    const reportMiss = createMissReporter(
      async (report) => sent.push(report),
      () => "https://x.com/home",
    );
    const misses: SelectorMiss[] = [];
    const hub = new PostHub();
    scanPosts(
      {
        root: document.body,
        hub,
        hosts: () => hosts,
        reportMiss: (miss) => {
          misses.push(miss);
          reportMiss(miss);
        },
      },
      new AbortController().signal,
    );
    expect(misses).toHaveLength(2);
    await settle();
    expect(sent).toEqual([
      {
        feature: "post-scanner",
        selector: 'article:is([data-testid="tweet"], [role="article"]:not([data-testid])) a[href*="/status/"] > time',
        detail: "a post without a status permalink: its id cannot be read",
        url: "https://x.com/home",
      },
    ]);
  });

  it("reports a timeline whose cells hold no post it recognises", () => {
    const renamed = fixtureHtml("basic").replace('data-testid="tweet"', 'data-testid="post"');
    document.body.innerHTML = Array.from({ length: 8 }, () => inCell(renamed)).join("");
    const misses: SelectorMiss[] = [];
    checkTimelineHealth(document, (miss) => misses.push(miss));
    expect(misses).toEqual([
      {
        feature: "post-scanner",
        selector: postSelectors.post,
        detail: "8 timeline cells show a post's permalink but no post matched",
      },
    ]);

    for (const recognised of [fixtureHtml("basic"), fixtureHtml("basic").replace(' data-testid="tweet"', "")]) {
      document.body.innerHTML = Array.from({ length: 8 }, () => inCell(recognised)).join("");
      checkTimelineHealth(document, (miss) => misses.push(miss));
    }
    expect(misses).toHaveLength(1);
  });

  it("reports nothing on a page of cells that show no post, such as a followers list", () => {
    // X's followers page is a column of cells, each a person's avatar and name line (a UserCell) and no
    // post. Built from the capture's own avatar and name line, without the post's time link.
    const post = article(fixtureHtml("basic"));
    const avatar = post.querySelector('[data-testid="Tweet-User-Avatar"]');
    const name = post.querySelector(postSelectors.userName);
    name?.querySelector(postSelectors.permalinkTime)?.parentElement?.remove();
    if (!avatar || !name) throw new Error("the capture lacks the avatar or the name line");
    const person = `<button role="button" data-testid="UserCell">${avatar.outerHTML}${name.outerHTML}</button>`;
    document.body.innerHTML = Array.from({ length: 20 }, () => inCell(person)).join("");
    const misses: SelectorMiss[] = [];
    checkTimelineHealth(document, (miss) => misses.push(miss));
    expect(misses).toEqual([]);
  });

  it("tries again when the service worker could not take the report", async () => {
    let attempts = 0;
    const report = createMissReporter(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error("worker restarting");
      },
      () => "https://x.com/home",
    );
    const miss = { feature: "claim-widget", selector: '[role="group"]' };
    report(miss);
    await settle();
    report(miss);
    report(miss);
    await settle();
    expect(attempts).toBe(2);
  });
});
