import type { EmulatorStore } from "./store.ts";

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

/** Fixed ids of the seeded world, so tests and the end-to-end story can name them. */
export const SEED = {
  users: {
    /** The creator who posts the giveaway; ten years old, thousands of followers. */
    creator: { id: "1399000000000000001", username: "memecreator" },
    /** Did everything: follows, liked, reposted, replied "gm memefans", quoted; 2 years old. */
    superfan: { id: "1399000000000000002", username: "superfan" },
    /** Follows and liked only; 3 years old, 40 followers. */
    casualFan: { id: "1399000000000000003", username: "casualfan" },
    /** Created yesterday, no followers, did nothing yet. */
    newcomer: { id: "1399000000000000004", username: "newcomer" },
    /** Old account with 2 followers; replied without the phrase. */
    quietFan: { id: "1399000000000000005", username: "quietfan" },
  },
  posts: {
    /** The giveaway post, 2 hours old. */
    giveaway: "1860000000000000100",
    /** An older post by the creator, 10 days old: outside search/recent's 7-day window. */
    oldPost: "1850000000000000100",
  },
  /** What the superfan's reply contains. */
  replyPhrase: "gm memefans",
  /** Extra accounts that liked the giveaway, so liking_users hits X's 100-account cap. */
  crowdSize: 120,
  /** Other posts the superfan liked before the giveaway, so liked_tweets needs pages. */
  superfanOtherLikes: 12,
} as const;

/** Fills an empty store with the seeded world; times are relative to the store's clock. */
export function seedWorld(store: EmulatorStore): void {
  const now = store.now();
  const { users, posts } = SEED;
  const user = (key: keyof typeof users, name: string, ageDays: number, extraFollowers: number) =>
    store.addUser({ id: users[key].id, username: users[key].username, name, createdAt: now - ageDays * DAY, extraFollowers });

  const creator = user("creator", "Meme Creator", 3650, 5000);
  const superfan = user("superfan", "Super Fan", 730, 250);
  const casualFan = user("casualFan", "Casual Fan", 1100, 40);
  user("newcomer", "New Comer", 1, 0);
  const quietFan = user("quietFan", "Quiet Fan", 900, 2);

  store.post({ id: posts.oldPost, authorId: creator.id, text: "last week's meme", createdAt: now - 10 * DAY });
  for (let index = 0; index < SEED.superfanOtherLikes; index++) {
    const other = store.post({ authorId: creator.id, text: `meme #${index + 1}`, createdAt: now - (30 - index) * HOUR });
    store.like(superfan.id, other.id, now - (30 - index) * HOUR);
  }
  const giveaway = store.post({
    id: posts.giveaway,
    authorId: creator.id,
    text: "Giveaway! Follow, like, repost and reply to claim $MEME",
    createdAt: now - 2 * HOUR,
  });

  for (let index = 0; index < SEED.crowdSize; index++) {
    const member = store.addUser({
      username: `crowd${index + 1}`,
      name: `Crowd ${index + 1}`,
      createdAt: now - (400 + index) * DAY,
    });
    store.like(member.id, giveaway.id, now - 100 * 60 * 1000 + index);
  }

  for (const fan of [superfan, casualFan, quietFan]) store.follow(fan.id, creator.id, now - 300 * DAY);
  store.like(casualFan.id, giveaway.id, now - 90 * 60 * 1000);
  store.like(superfan.id, giveaway.id, now - 60 * 60 * 1000);
  store.repost({ authorId: superfan.id, tweetId: giveaway.id, createdAt: now - 59 * 60 * 1000 });
  store.reply({
    authorId: superfan.id,
    tweetId: giveaway.id,
    text: `${SEED.replyPhrase}, count me in`,
    createdAt: now - 58 * 60 * 1000,
  });
  store.quote({ authorId: superfan.id, tweetId: giveaway.id, text: "this one is good", createdAt: now - 57 * 60 * 1000 });
  store.reply({ authorId: quietFan.id, tweetId: giveaway.id, text: "nice", createdAt: now - 50 * 60 * 1000 });
  store.reply({ authorId: superfan.id, tweetId: posts.oldPost, text: `${SEED.replyPhrase} again`, createdAt: now - 9 * DAY });
}
