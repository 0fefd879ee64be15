/** The emulator's world: users, posts and the relations between them, newest relation last. */

export interface EmulatedUser {
  id: string;
  username: string;
  name: string;
  createdAt: number;
  /** Followers beyond the seeded accounts, so an account can look popular without thousands of rows. */
  extraFollowers: number;
  /** X's protected account: its posts are left out of search. */
  protected: boolean;
}

export type ReferenceType = "retweeted" | "quoted" | "replied_to";

export interface EmulatedTweet {
  id: string;
  authorId: string;
  text: string;
  createdAt: number;
  conversationId: string;
  inReplyToUserId?: string;
  references: { type: ReferenceType; id: string }[];
  /** Code points of the "@author " X puts in front of a reply's text (display_text_range starts past them); else 0. */
  displayStart: number;
}

interface Edge {
  from: string;
  to: string;
  at: number;
}

/** X's snowflake epoch (2010-11-04); ids made from it sort by creation time as real ids do. */
const SNOWFLAKE_EPOCH = 1288834974657n;

export class EmulatorStore {
  readonly users = new Map<string, EmulatedUser>();
  readonly tweets = new Map<string, EmulatedTweet>();
  /** user → tweet */
  readonly likes: Edge[] = [];
  /** follower → followed */
  readonly follows: Edge[] = [];
  #sequence = 0n;

  constructor(readonly now: () => number) {}

  clear(): void {
    this.users.clear();
    this.tweets.clear();
    this.likes.length = 0;
    this.follows.length = 0;
  }

  /** A snowflake-shaped id for something created at `at`. */
  newId(at: number): string {
    this.#sequence = (this.#sequence + 1n) % 4096n;
    return (((BigInt(Math.floor(at)) - SNOWFLAKE_EPOCH) << 22n) | this.#sequence).toString();
  }

  addUser(input: {
    username: string;
    name: string;
    createdAt?: number;
    extraFollowers?: number;
    id?: string;
    protected?: boolean;
  }): EmulatedUser {
    if (this.userByUsername(input.username)) throw new EmulatorConflict(`username @${input.username} is taken`);
    const createdAt = input.createdAt ?? this.now();
    const user: EmulatedUser = {
      id: input.id ?? this.newId(createdAt),
      username: input.username,
      name: input.name,
      createdAt,
      extraFollowers: input.extraFollowers ?? 0,
      protected: input.protected ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  userByUsername(username: string): EmulatedUser | undefined {
    const wanted = username.toLowerCase();
    for (const user of this.users.values()) if (user.username.toLowerCase() === wanted) return user;
    return undefined;
  }

  post(input: { authorId: string; text: string; createdAt?: number; id?: string }): EmulatedTweet {
    const author = this.#user(input.authorId);
    const createdAt = input.createdAt ?? this.now();
    const id = input.id ?? this.newId(createdAt);
    return this.#store({
      id,
      authorId: author.id,
      text: input.text,
      createdAt,
      conversationId: id,
      references: [],
      displayStart: 0,
    });
  }

  reply(input: { authorId: string; tweetId: string; text: string; createdAt?: number }): EmulatedTweet {
    const author = this.#user(input.authorId);
    const parent = this.#tweet(input.tweetId);
    const createdAt = input.createdAt ?? this.now();
    const parentAuthor = this.#user(parent.authorId);
    const mention = `@${parentAuthor.username} `;
    return this.#store({
      id: this.newId(createdAt),
      authorId: author.id,
      text: `${mention}${input.text}`,
      displayStart: [...mention].length,
      createdAt,
      conversationId: parent.conversationId,
      inReplyToUserId: parent.authorId,
      references: [{ type: "replied_to", id: parent.id }],
    });
  }

  quote(input: { authorId: string; tweetId: string; text: string; createdAt?: number }): EmulatedTweet {
    const author = this.#user(input.authorId);
    const quoted = this.#tweet(input.tweetId);
    const createdAt = input.createdAt ?? this.now();
    const id = this.newId(createdAt);
    const quotedAuthor = this.#user(quoted.authorId);
    return this.#store({
      id,
      authorId: author.id,
      text: `${input.text} https://x.com/${quotedAuthor.username}/status/${quoted.id}`,
      displayStart: 0,
      createdAt,
      conversationId: id,
      references: [{ type: "quoted", id: quoted.id }],
    });
  }

  /**
   * A repost is a post of its own on X, "RT @author: text", referencing the original; a repost of a
   * quote also carries the quote's `quoted` reference, as X's do (search's quotes_of_tweet_id: finds it too).
   */
  repost(input: { authorId: string; tweetId: string; createdAt?: number }): EmulatedTweet {
    const author = this.#user(input.authorId);
    const original = this.#tweet(input.tweetId);
    const existing = this.repostsOf(original.id).find((tweet) => tweet.authorId === author.id);
    if (existing) return existing;
    const createdAt = input.createdAt ?? this.now();
    const id = this.newId(createdAt);
    const originalAuthor = this.#user(original.authorId);
    return this.#store({
      id,
      authorId: author.id,
      text: `RT @${originalAuthor.username}: ${original.text}`.slice(0, 140),
      displayStart: 0,
      createdAt,
      conversationId: id,
      references: [
        { type: "retweeted", id: original.id },
        ...original.references.filter((reference) => reference.type === "quoted"),
      ],
    });
  }

  unrepost(authorId: string, tweetId: string): boolean {
    const repost = this.repostsOf(tweetId).find((tweet) => tweet.authorId === authorId);
    return repost ? this.tweets.delete(repost.id) : false;
  }

  like(userId: string, tweetId: string, at = this.now()): void {
    this.#user(userId);
    this.#tweet(tweetId);
    if (!this.likes.some((edge) => edge.from === userId && edge.to === tweetId))
      this.likes.push({ from: userId, to: tweetId, at });
  }

  unlike(userId: string, tweetId: string): boolean {
    return removeEdge(this.likes, userId, tweetId);
  }

  follow(followerId: string, followedId: string, at = this.now()): void {
    this.#user(followerId);
    this.#user(followedId);
    if (followerId === followedId) throw new EmulatorConflict("an account cannot follow itself");
    if (!this.follows.some((edge) => edge.from === followerId && edge.to === followedId)) {
      this.follows.push({ from: followerId, to: followedId, at });
    }
  }

  unfollow(followerId: string, followedId: string): boolean {
    return removeEdge(this.follows, followerId, followedId);
  }

  isFollowing(followerId: string, followedId: string): boolean {
    return this.follows.some((edge) => edge.from === followerId && edge.to === followedId);
  }

  followersCount(userId: string): number {
    const user = this.#user(userId);
    return user.extraFollowers + this.follows.filter((edge) => edge.to === userId).length;
  }

  followingCount(userId: string): number {
    return this.follows.filter((edge) => edge.from === userId).length;
  }

  tweetCount(userId: string): number {
    let count = 0;
    for (const tweet of this.tweets.values()) if (tweet.authorId === userId) count++;
    return count;
  }

  /** Newest relation first, as X lists likes and follows. */
  likedBy(userId: string): EmulatedTweet[] {
    return newestFirst(this.likes.filter((edge) => edge.from === userId)).flatMap((edge) => this.#maybeTweet(edge.to));
  }

  likersOf(tweetId: string): EmulatedUser[] {
    return newestFirst(this.likes.filter((edge) => edge.to === tweetId)).flatMap((edge) => this.#maybeUser(edge.from));
  }

  followedBy(userId: string): EmulatedUser[] {
    return newestFirst(this.follows.filter((edge) => edge.from === userId)).flatMap((edge) => this.#maybeUser(edge.to));
  }

  repostsOf(tweetId: string): EmulatedTweet[] {
    return this.#tweetsReferencing("retweeted", tweetId);
  }

  quotesOf(tweetId: string): EmulatedTweet[] {
    return this.#tweetsReferencing("quoted", tweetId);
  }

  /** A user's own posts, newest first; X serves the latest 3200. */
  postsBy(userId: string): EmulatedTweet[] {
    return this.timeline()
      .filter((tweet) => tweet.authorId === userId)
      .slice(0, 3200);
  }

  /** Every post, newest first. */
  timeline(): EmulatedTweet[] {
    return [...this.tweets.values()].sort((a, b) => b.createdAt - a.createdAt || compareIds(b.id, a.id));
  }

  #tweetsReferencing(type: ReferenceType, tweetId: string): EmulatedTweet[] {
    return this.timeline().filter((tweet) =>
      tweet.references.some((reference) => reference.type === type && reference.id === tweetId),
    );
  }

  #store(tweet: EmulatedTweet): EmulatedTweet {
    this.tweets.set(tweet.id, tweet);
    return tweet;
  }

  #user(id: string): EmulatedUser {
    const user = this.users.get(id);
    if (!user) throw new EmulatorNotFound(`no user ${id}`);
    return user;
  }

  #tweet(id: string): EmulatedTweet {
    const tweet = this.tweets.get(id);
    if (!tweet) throw new EmulatorNotFound(`no post ${id}`);
    return tweet;
  }

  #maybeUser(id: string): EmulatedUser[] {
    const user = this.users.get(id);
    return user ? [user] : [];
  }

  #maybeTweet(id: string): EmulatedTweet[] {
    const tweet = this.tweets.get(id);
    return tweet ? [tweet] : [];
  }
}

export class EmulatorNotFound extends Error {}
export class EmulatorConflict extends Error {}

function removeEdge(edges: Edge[], from: string, to: string): boolean {
  const index = edges.findIndex((edge) => edge.from === from && edge.to === to);
  if (index >= 0) edges.splice(index, 1);
  return index >= 0;
}

function newestFirst(edges: Edge[]): Edge[] {
  // Later pushes win ties, so two likes in the same millisecond still list the last one first.
  return edges
    .map((edge, index) => ({ edge, index }))
    .sort((a, b) => b.edge.at - a.edge.at || b.index - a.index)
    .map(({ edge }) => edge);
}

export function compareIds(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference > 0n ? 1 : -1;
}
