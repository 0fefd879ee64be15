import { Keypair } from "@solana/web3.js";
import { beforeEach, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { openDatabase } from "../db/open-database.ts";
import { describeEachEngine, TestPostgres } from "../db/testing/engines.ts";
import { ClaimIntake, type IntakeRequest } from "./claim-intake.ts";

const address = () => Keypair.generate().publicKey.toBase58();

/** Each test's users are new, so tests sharing a database never collide on idempotency keys. */
let userBase = 1000;
function request(distribution: string, user: number, overrides: Partial<IntakeRequest> = {}): IntakeRequest {
  return {
    xUserId: String(userBase + user),
    distribution,
    maxClaims: 1000,
    wallet: address(),
    idempotencyKey: `key-${user}-0001`,
    ...overrides,
  };
}

async function slotsOf(database: Database, distribution: string): Promise<number[]> {
  const { rows } = await database.query<{ slot: number }>("SELECT slot FROM claims WHERE distribution = $1 ORDER BY slot", [
    distribution,
  ]);
  return rows.map((row) => row.slot);
}

describeEachEngine("claim intake", (database) => {
  beforeEach(() => {
    userBase += 1000;
  });

  it("gives concurrent requests distinct slots from 0 and queues each claim", async () => {
    const intake = new ClaimIntake(database());
    const distribution = address();
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, user) => intake.submit(request(distribution, user))));
    expect(outcomes.every((outcome) => outcome.kind === "created")).toBe(true);
    expect(await slotsOf(database(), distribution)).toEqual(Array.from({ length: 60 }, (_, slot) => slot));
    const claim = outcomes[0]?.kind === "created" ? outcomes[0].claim : undefined;
    expect(claim).toMatchObject({ status: "queued", distribution, xUserId: String(userBase) });
  });

  it("replays the same key and body, refuses the key with another body, and one claim per account", async () => {
    const intake = new ClaimIntake(database());
    const distribution = address();
    const first = request(distribution, 1);
    const created = await intake.submit(first);
    const [replayed, changedBody, secondKey] = await Promise.all([
      intake.submit({ ...first }),
      intake.submit({ ...first, wallet: address() }),
      intake.submit({ ...first, idempotencyKey: "another-key-1" }),
    ]);
    expect(created.kind).toBe("created");
    expect(replayed).toEqual({ kind: "replayed", claim: created.kind === "created" ? created.claim : undefined });
    expect(changedBody).toEqual({ kind: "idempotency_conflict" });
    expect(secondKey).toMatchObject({ kind: "already_claimed" });
    expect(await slotsOf(database(), distribution)).toEqual([0]);
  });

  it("resolves duplicates inside one group the same way as across groups", async () => {
    const intake = new ClaimIntake(database());
    const distribution = address();
    const wallet = address();
    const same = request(distribution, 7, { wallet });
    const outcomes = await Promise.all([
      intake.submit(same),
      intake.submit({ ...same }),
      intake.submit({ ...same, idempotencyKey: "other-key-7" }),
      intake.submit(request(distribution, 8, { wallet })),
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["created", "replayed", "already_claimed", "wallet_taken"]);
    const [created, replayed] = outcomes;
    expect(replayed?.kind === "replayed" && created?.kind === "created" && replayed.claim.id === created.claim.id).toBe(true);
  });

  it("never assigns a slot beyond max_claims", async () => {
    const intake = new ClaimIntake(database());
    const distribution = address();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, user) => intake.submit(request(distribution, user, { maxClaims: 5 }))),
    );
    expect(outcomes.filter((outcome) => outcome.kind === "sold_out")).toHaveLength(3);
    expect(await slotsOf(database(), distribution)).toEqual([0, 1, 2, 3, 4]);
  });
});

it("keeps slots unique when two backend instances take claims on one PostgreSQL server at once", async () => {
  const postgres = new TestPostgres();
  const url = await postgres.createDatabaseUrl();
  const [one, two] = [await openDatabase({ databaseUrl: url }), await openDatabase({ databaseUrl: url })];
  try {
    const distribution = address();
    const intakes = [new ClaimIntake(one), new ClaimIntake(two)];
    // Users 0-99 ask through both instances (the same person retrying elsewhere); only 90 slots exist.
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        intakes[index % 2]?.submit(request(distribution, index % 100, { maxClaims: 90, idempotencyKey: `k-${index}-key` })),
      ),
    );
    const created = outcomes.filter((outcome) => outcome?.kind === "created");
    expect(created).toHaveLength(90);
    expect(await slotsOf(one, distribution)).toEqual(Array.from({ length: 90 }, (_, slot) => slot));
    const { rows } = await one.query<{ users: string }>(
      "SELECT count(DISTINCT x_user_id) AS users FROM claims WHERE distribution = $1",
      [distribution],
    );
    expect(Number(rows[0]?.users)).toBe(90);
  } finally {
    await one.close();
    await two.close();
    postgres.stop();
  }
}, 120_000);
