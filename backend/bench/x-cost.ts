import {
  createAssociatedTokenAccountInstruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { Keypair, type PublicKey } from "@solana/web3.js";
import type { RequirementInput } from "../../shared/requirements.ts";
import { createHeldMint, fund, sendAndAwait } from "../claims/testing/chain-fixtures.ts";
import { type TestBackend, xApiCallCount } from "../http/testing/test-backend.ts";
import type { RunningXApiEmulator } from "../x-emulator/listen.ts";
import { SEED } from "../x-emulator/seed.ts";

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;

/** A typical giveaway: follow, like and repost. */
export const TYPICAL_REQUIREMENTS: RequirementInput[] = [{ type: "follow" }, { type: "like" }, { type: "repost" }];
/** All eight requirement types. */
export const ALL_REQUIREMENTS = (holdMint: string): RequirementInput[] => [
  ...TYPICAL_REQUIREMENTS,
  { type: "reply", mustContain: SEED.replyPhrase },
  { type: "quote" },
  { type: "account_age", minDays: 30 },
  { type: "min_followers", minFollowers: 10 },
  { type: "hold_token", mint: holdMint, minAmount: "1" },
];

/** A mint whose `give` puts one token in a wallet: what a hold_token requirement asks for. */
export async function heldToken(backend: TestBackend): Promise<{ mint: PublicKey; give(wallet: Keypair): Promise<void> }> {
  const { connection } = backend.context;
  const authority = Keypair.generate();
  await fund(connection, authority.publicKey, 10);
  const mint = await createHeldMint(connection, { authority, owner: authority.publicKey, amount: 1n, decimals: 0 });
  return {
    mint,
    async give(wallet) {
      const account = getAssociatedTokenAddressSync(mint, wallet.publicKey);
      await sendAndAwait(
        connection,
        [authority],
        createAssociatedTokenAccountInstruction(authority.publicKey, account, wallet.publicKey, mint),
        createMintToInstruction(mint, account, authority.publicKey, 1n),
      );
    },
  };
}

/** How the fans of the measured world look: what a fan's first pages of follows and likes hold. */
const WORLD = {
  /** Accounts a fan follows besides the creator, most followed after the creator. */
  follows: 150,
  followsAfterCreator: 120,
  /** Posts a fan liked recently, two of them after the giveaway. */
  likes: 60,
  likesAfterGiveaway: 2,
} as const;

/**
 * Adds `count` fans to the emulator who do everything a giveaway asks, among realistic activity:
 * they follow 150 accounts (the creator long ago), liked 60 posts (two after the giveaway), and have
 * an account two years old with 50 followers.
 */
export function addActiveFans(emulator: RunningXApiEmulator, count: number, prefix: string): string[] {
  const { store } = emulator;
  const now = store.now();
  const popular = Array.from({ length: WORLD.follows }, (_, index) => {
    const username = `${prefix}pop${index}`;
    return store.userByUsername(username) ?? store.addUser({ username, name: username, createdAt: now - 2000 * DAY });
  });
  const popularPosts = popular
    .slice(0, WORLD.likes)
    .map((account, index) =>
      store.post({ authorId: account.id, text: `popular post ${index}`, createdAt: now - 3 * DAY + index * MINUTE }),
    );
  const usernames: string[] = [];
  for (let index = 0; index < count; index++) {
    const fan = store.addUser({
      username: `${prefix}fan${index}`,
      name: `Fan ${index}`,
      createdAt: now - 730 * DAY,
      extraFollowers: 50,
    });
    const followedAt = (position: number) => now - 400 * DAY + position * DAY;
    popular.slice(0, WORLD.follows - WORLD.followsAfterCreator).forEach((account, position) => {
      store.follow(fan.id, account.id, followedAt(position));
    });
    store.follow(fan.id, SEED.users.creator.id, followedAt(WORLD.follows - WORLD.followsAfterCreator));
    popular.slice(WORLD.follows - WORLD.followsAfterCreator).forEach((account, position) => {
      store.follow(fan.id, account.id, followedAt(WORLD.follows - WORLD.followsAfterCreator + 1 + position));
    });
    popularPosts.forEach((post, position) => {
      const after = position >= WORLD.likes - WORLD.likesAfterGiveaway;
      store.like(fan.id, post.id, after ? now - 5 * MINUTE + position : now - 2 * DAY + position * MINUTE);
    });
    store.like(fan.id, SEED.posts.giveaway, now - 20 * MINUTE);
    store.repost({ authorId: fan.id, tweetId: SEED.posts.giveaway, createdAt: now - 19 * MINUTE });
    store.reply({ authorId: fan.id, tweetId: SEED.posts.giveaway, text: `${SEED.replyPhrase}!`, createdAt: now - 18 * MINUTE });
    store.quote({ authorId: fan.id, tweetId: SEED.posts.giveaway, text: "look at this", createdAt: now - 17 * MINUTE });
    usernames.push(fan.username);
  }
  return usernames;
}

export interface XCostRun {
  verifiedClaims: number;
  /** What X would bill for verifying them (sign-ins excluded: a fan signs in once for every giveaway). */
  microUsd: number;
  xCalls: number;
}

/**
 * Fans sign in, bind a wallet (holding `holdMint` when given) and claim a distribution with
 * `requirements`, each once; returns what X would bill for the checks, by the emulator's bill.
 */
export async function claimAndBill(
  backend: TestBackend,
  distribution: string,
  usernames: string[],
  giveWallet: (wallet: Keypair) => Promise<void> = async () => {},
): Promise<XCostRun> {
  const emulator = backend.emulator;
  if (!emulator) throw new Error("the X cost is measured against the emulator");
  const fans: { sessionToken: string; wallet: Keypair; username: string }[] = [];
  for (const username of usernames) {
    const fan = await backend.signIn(username);
    const wallet = Keypair.generate();
    await giveWallet(wallet);
    const bound = await backend.bindWallet(fan.sessionToken, wallet);
    if (bound.status !== 200) throw new Error(`binding a wallet answered ${bound.status}: ${await bound.text()}`);
    fans.push({ sessionToken: fan.sessionToken, wallet, username });
  }
  const callsBefore = await xApiCallCount(backend);
  const billBefore = emulator.billing.totals.microUsd;
  let verifiedClaims = 0;
  for (const fan of fans) {
    const response = await backend.request("POST", "/claims", {
      token: fan.sessionToken,
      headers: { "Idempotency-Key": `x-cost-${distribution}-${fan.username}` },
      body: { distribution, wallet: fan.wallet.publicKey.toBase58() },
    });
    if (response.status !== 202) throw new Error(`${fan.username}'s claim answered ${response.status}: ${await response.text()}`);
    verifiedClaims++;
  }
  return {
    verifiedClaims,
    microUsd: emulator.billing.totals.microUsd - billBefore,
    xCalls: (await xApiCallCount(backend)) - callsBefore,
  };
}

/** Dollars per verified claim, to a tenth of a cent of a cent. */
export function usdPerClaim(run: XCostRun): number {
  return Number((run.microUsd / run.verifiedClaims / 1_000_000).toFixed(5));
}
