import { createHash, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { Keypair } from "@solana/web3.js";
import { expect, it } from "vitest";
import { DEFAULT_CLAIM_RULES } from "../../shared/api/distributions.ts";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { MIGRATIONS_DIRECTORY } from "../db/migrate.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { DistributionStore, type NewDistribution } from "./distribution-store.ts";

/** The backfill's expression, read from the migration itself, so the test checks the SQL that ran. */
const MIGRATION = readFileSync(`${MIGRATIONS_DIRECTORY}/191_post_bucket.sql`, "utf8");
const BACKFILL_EXPRESSION = /SET post_bucket = (.+);/.exec(MIGRATION)?.[1];

function registration(postId: string, registeredOrder: number): NewDistribution {
  return {
    address: Keypair.generate().publicKey.toBase58(),
    postId,
    creator: Keypair.generate().publicKey.toBase58(),
    creatorXUserId: "1001",
    mint: "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263",
    tokenDecimals: 5,
    amountPerClaim: 1_000n,
    maxClaims: 10,
    claimedCount: registeredOrder,
    startsAt: 1_700_000_000,
    endsAt: 1_800_000_000,
    paused: false,
    requirements: [],
    requirementsHash: "00".repeat(32),
    feeBudgetLamports: 0n,
    feePerClaimLamports: 0n,
    priorityFeeCapLamports: 0n,
    verifier: Keypair.generate().publicKey.toBase58(),
    claimRules: DEFAULT_CLAIM_RULES,
  };
}

/** Post ids after `start` that fall in `start`'s bucket (node's own SHA-256, to find them quickly). */
function idsInBucketOf(start: bigint, count: number): string[] {
  const bucketOf = (id: string) => createHash("sha256").update(id, "utf8").digest("hex").slice(0, 4);
  const wanted = bucketOf(start.toString());
  const found = [start.toString()];
  for (let id = start + 1n; found.length < count; id++) if (bucketOf(id.toString()) === wanted) found.push(id.toString());
  return found;
}

describeEachEngine("post buckets", (database) => {
  it("computes the same bucket in SQL (the migration's backfill) as in TypeScript, for many ids", async () => {
    expect(BACKFILL_EXPRESSION).toBeDefined();
    const ids = Array.from({ length: 2_000 }, (_, index) =>
      index < 10 ? "9".repeat(index + 1) : `${randomInt(1, 2 ** 47)}${randomInt(0, 10_000)}`,
    );
    const computed = await database().query<{ post_id: string; bucket: string }>(
      `SELECT post_id, ${BACKFILL_EXPRESSION} AS bucket FROM unnest($1::text[]) AS post_id`,
      [ids],
    );
    expect(computed.rows).toHaveLength(ids.length);
    for (const row of computed.rows) expect(row.bucket, row.post_id).toBe(postIdBucket(row.post_id));
    // The values spread over the buckets: a constant answer would agree with nothing above, but check anyway.
    expect(new Set(computed.rows.map((row) => row.bucket)).size).toBeGreaterThan(1_900);
  });

  it("stores the TypeScript bucket at registration and answers buckets in turns, naming the overfull one", async () => {
    const store = new DistributionStore(database());
    await database().query(
      `INSERT INTO x_accounts (x_user_id, username, name, access_token_encrypted, access_token_expires_at, scopes)
       VALUES ('1001', 'creator', 'Creator', 'sealed', now(), 'tweet.read') ON CONFLICT DO NOTHING`,
    );
    const crowded = idsInBucketOf(1_870_000_000_000_000_000n, 4);
    const alone = "1870000000000000999";
    for (const [order, postId] of [...crowded, alone].entries())
      expect(await store.insert(registration(postId, order))).toBe(true);
    const stored = await database().query<{ post_id: string; post_bucket: string }>(
      "SELECT post_id, post_bucket FROM distributions WHERE post_id = ANY($1::text[])",
      [[...crowded, alone]],
    );
    for (const row of stored.rows) expect(row.post_bucket).toBe(postIdBucket(row.post_id));

    const [crowdedBucket, aloneBucket] = [postIdBucket(crowded[0] as string), postIdBucket(alone)];
    const everything = await store.byBuckets([crowdedBucket, aloneBucket], 100);
    expect(everything.rows.map((row) => row.post_id).sort()).toEqual([...crowded, alone].sort());
    expect(everything.overfull).toEqual([]);

    // Three places: the lone bucket still gets its turn, the crowded one gives two and is named.
    const capped = await store.byBuckets([crowdedBucket, aloneBucket], 3);
    expect(capped.rows).toHaveLength(3);
    expect(capped.rows.map((row) => row.post_id)).toContain(alone);
    expect(capped.overfull).toEqual([crowdedBucket]);
    expect((await store.byBuckets(["ffff"], 10)).rows.filter((row) => postIdBucket(row.post_id) !== "ffff")).toEqual([]);
  });
});
