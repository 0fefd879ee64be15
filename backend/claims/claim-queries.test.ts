import { Keypair } from "@solana/web3.js";
import { beforeAll, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { ClaimIntake } from "./claim-intake.ts";
import { CLAIM_CONTEXT_SQL, claimContextReader } from "./claim-queries.ts";

const address = () => Keypair.generate().publicKey.toBase58();

/** An X account with a bound wallet, as the claim route finds them. */
async function fanWithWallet(database: Database, xUserId: string): Promise<string> {
  const wallet = address();
  await database.query(
    `INSERT INTO x_accounts (x_user_id, username, name, access_token_encrypted, access_token_expires_at, scopes)
     VALUES ($1, $2, 'Fan', 'sealed', now(), 'tweet.read')`,
    [xUserId, `fan${xUserId}`],
  );
  await database.query("INSERT INTO wallets (address, x_user_id) VALUES ($1, $2)", [wallet, xUserId]);
  return wallet;
}

describeEachEngine("claim context", (database) => {
  const distribution = address();
  const other = address();
  let claimed: { xUserId: string; wallet: string };
  let unclaimed: { xUserId: string; wallet: string };

  beforeAll(async () => {
    claimed = { xUserId: "7100000001", wallet: await fanWithWallet(database(), "7100000001") };
    unclaimed = { xUserId: "7100000002", wallet: await fanWithWallet(database(), "7100000002") };
    const intake = new ClaimIntake(database());
    await intake.submit({ ...claimed, distribution, maxClaims: 100, idempotencyKey: "context-key-1" });
    // Claims of another giveaway, so a plan that reads the whole table has rows to read.
    await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        intake.submit({
          xUserId: String(7_200_000_000 + index),
          distribution: other,
          maxClaims: 1000,
          wallet: address(),
          idempotencyKey: `context-other-${index}`,
        }),
      ),
    );
  });

  it("answers each request of a group with its wallet's owner and the account's earlier claim, in full", async () => {
    const read = claimContextReader(database());
    const stranger = address();
    const [again, fresh, unbound, elsewhere] = await Promise.all([
      read(distribution, claimed.xUserId, claimed.wallet),
      read(distribution, unclaimed.xUserId, unclaimed.wallet),
      read(distribution, unclaimed.xUserId, stranger),
      read(other, claimed.xUserId, claimed.wallet),
    ]);
    expect(again.walletOwner).toBe(claimed.xUserId);
    expect(again.earlier).toMatchObject({
      distribution,
      x_user_id: claimed.xUserId,
      wallet: claimed.wallet,
      slot: 0,
      status: "queued",
      idempotency_key: "context-key-1",
    });
    expect(again.earlier?.created_at).toBeInstanceOf(Date);
    expect(fresh).toEqual({ walletOwner: unclaimed.xUserId, earlier: undefined });
    expect(unbound).toEqual({ walletOwner: undefined, earlier: undefined });
    expect(elsewhere).toEqual({ walletOwner: claimed.xUserId, earlier: undefined });
  });

  it("looks each request up by index, never by reading every claim", async () => {
    const { rows } = await database().query<{ "QUERY PLAN": string }>(`EXPLAIN ${CLAIM_CONTEXT_SQL}`, [
      [distribution, other],
      [claimed.xUserId, unclaimed.xUserId],
      [claimed.wallet, unclaimed.wallet],
    ]);
    const plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
    expect(plan).toMatch(/Index (Only )?Scan using \w+ on claims/);
    expect(plan).not.toMatch(/Seq Scan on claims|Hash/);
  });
});
