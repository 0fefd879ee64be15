import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Claim, claimResponseSchema, MAX_CLAIM_RETRIES } from "../../shared/api/claims.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { claimFailureWords } from "../../shared/claim-failure-words.ts";
import { TOKEN_ACCOUNT_RENT_LAMPORTS } from "../../shared/fee-budget.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import type { TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { ClaimIntake } from "./claim-intake.ts";
import { claimFromRow } from "./claim-rows.ts";
import { openTokenAccount, setTokenAccountFrozen, type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { startPayingTestBackend } from "./testing/paying-backend.ts";
import { registerDistribution } from "./testing/registered-distribution.ts";

const MAX_CLAIMS = 10;

/** An intake on the backend's database, as the claim route writes through one. */
const intakeOf = (backend: TestBackend) => new ClaimIntake(backend.context.database);
/** The demo and test backends' fee per claim (FEE_PER_CLAIM_LAMPORTS' default), for every slot. */
const FEES = 5_000n * BigInt(MAX_CLAIMS);

/** A fan whose payout failed for a reason they can mend claims again, on the same slot, a bounded number of times. */
describeEachEngine("claiming a failed claim again", (database) => {
  let backend: TestBackend;
  let creatorSession = "";
  let keyCounter = 0;

  beforeAll(async () => {
    backend = await startPayingTestBackend(database());
    creatorSession = (await backend.signIn(SEED.users.creator.username)).sessionToken;
  }, 180_000);
  afterAll(() => backend?.close());

  /** A fan signed in as `username`, with a bound wallet whose keys the test holds. */
  async function fanOf(username: string) {
    const { sessionToken } = await backend.signIn(username);
    const wallet = Keypair.generate();
    expect((await backend.bindWallet(sessionToken, wallet)).status).toBe(200);
    return { sessionToken, wallet };
  }
  type Fan = Awaited<ReturnType<typeof fanOf>>;

  /** A giveaway whose mint its creator can freeze, and a fan whose token account for it the creator froze. */
  async function fanWithFrozenAccount(username: string) {
    const distribution = await registerDistribution(backend, creatorSession, [], MAX_CLAIMS, { freezable: true });
    const fan = await fanOf(username);
    await openTokenAccount(backend.context.connection, distribution.mint, fan.wallet.publicKey);
    await setTokenAccountFrozen(backend.context.connection, distribution, fan.wallet.publicKey, true);
    return { distribution, fan };
  }

  const claim = (fan: Fan, distribution: TestDistribution, wallet = fan.wallet.publicKey, key = `retry-key-${++keyCounter}`) =>
    backend.request("POST", "/claims", {
      token: fan.sessionToken,
      headers: { "Idempotency-Key": key },
      body: { distribution: distribution.address.toBase58(), wallet: wallet.toBase58() },
    });

  async function settled(fan: Fan, id: string): Promise<Claim> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const response = await backend.request("GET", `/claims/${id}`, { token: fan.sessionToken });
      const { claim: current } = claimResponseSchema.parse(await response.json());
      if (current.status === "confirmed" || current.status === "failed") return current;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`claim ${id} did not settle`);
  }

  it("pays the claim on its slot, to the wallet the new attempt names, once the fan mended what refused it", async () => {
    const { distribution, fan } = await fanWithFrozenAccount(SEED.users.superfan.username);
    const { connection } = backend.context;

    const first = await claim(fan, distribution, fan.wallet.publicKey, "retry-first");
    expect(first.status).toBe(202);
    const { claim: accepted } = claimResponseSchema.parse(await first.json());
    expect(await settled(fan, accepted.id)).toMatchObject({
      status: "failed",
      failureReason: "token_account_frozen",
      retryable: true,
    });
    // The same key still answers what it made.
    const replay = await claim(fan, distribution, fan.wallet.publicKey, "retry-first");
    expect(replay.status).toBe(202);
    expect(claimResponseSchema.parse(await replay.json()).claim).toMatchObject({ id: accepted.id, status: "failed" });

    // The fan binds another wallet and claims again naming it.
    const second = Keypair.generate();
    expect((await backend.bindWallet(fan.sessionToken, second)).status).toBe(200);
    const again = await claim(fan, distribution, second.publicKey);
    expect(again.status).toBe(202);
    const { claim: retried } = claimResponseSchema.parse(await again.json());
    expect(retried).toMatchObject({
      id: accepted.id,
      slot: accepted.slot,
      status: "queued",
      wallet: second.publicKey.toBase58(),
    });
    expect(retried.retryable).toBeUndefined();

    // The first attempt, sent again, is the same claim as it now stands; under another body, a conflict.
    const firstAgain = await claim(fan, distribution, fan.wallet.publicKey, "retry-first");
    expect(firstAgain.status).toBe(202);
    expect(claimResponseSchema.parse(await firstAgain.json()).claim).toMatchObject({ id: accepted.id, slot: accepted.slot });
    const firstOtherBody = await claim(fan, distribution, second.publicKey, "retry-first");
    expect(firstOtherBody.status).toBe(409);
    expect(errorBodySchema.parse(await firstOtherBody.json()).error.code).toBe("idempotency_conflict");

    expect(await settled(fan, accepted.id)).toMatchObject({ status: "confirmed" });
    const { rows: tries } = await database().query<{ retries: number; send_alone: boolean }>(
      "SELECT retries, send_alone FROM claims WHERE id = $1",
      [accepted.id],
    );
    // The batcher reads a frozen account before it packs: claimed again, the claim rode with others.
    expect(tries).toEqual([{ retries: 1, send_alone: false }]);
    expect(await tokenBalance(connection, distribution.mint, second.publicKey)).toBe(distribution.amountPerClaim);
    expect(await tokenBalance(connection, distribution.mint, fan.wallet.publicKey)).toBe(0n);
    // A paid claim is not claimed again.
    const afterPaid = await claim(fan, distribution, second.publicKey);
    expect(afterPaid.status).toBe(409);
    expect(errorBodySchema.parse(await afterPaid.json()).error.code).toBe("already_claimed");
  });

  it("refuses to claim again to an account that still refuses, spending no try; after the last try the claim is final", async () => {
    const { distribution, fan } = await fanWithFrozenAccount(SEED.users.casualFan.username);
    const { connection } = backend.context;
    const { claim: accepted } = claimResponseSchema.parse(await (await claim(fan, distribution)).json());
    expect(await settled(fan, accepted.id)).toMatchObject({ status: "failed", retryable: true });

    // Still frozen: refused before any X call, in the failure's words, and the claim is as it was.
    const stillFrozen = await claim(fan, distribution);
    expect(stillFrozen.status).toBe(409);
    expect(errorBodySchema.parse(await stillFrozen.json()).error).toMatchObject({
      code: "token_account_refuses",
      message: claimFailureWords("token_account_frozen"),
      details: { reason: "token_account_frozen" },
    });
    const retries = async () =>
      (await database().query<{ retries: number }>("SELECT retries FROM claims WHERE id = $1", [accepted.id])).rows[0]?.retries;
    expect(await retries()).toBe(0);

    // As the row stands after its last try (each try above would have failed as the first did).
    await database().query("UPDATE claims SET retries = $2 WHERE id = $1", [accepted.id, MAX_CLAIM_RETRIES]);
    await setTokenAccountFrozen(connection, distribution, fan.wallet.publicKey, false);
    const refused = await claim(fan, distribution);
    expect(refused.status).toBe(409);
    const error = errorBodySchema.parse(await refused.json()).error;
    expect(error.code).toBe("already_claimed");
    expect((error.details as { claim: Claim }).claim).toMatchObject({ id: accepted.id, status: "failed", retryable: false });
    // The write itself holds the bound too, whatever a caller read before it.
    const request = {
      xUserId: accepted.xUserId,
      distribution: accepted.distribution,
      maxClaims: MAX_CLAIMS,
      wallet: accepted.wallet,
    };
    expect(await intakeOf(backend).retry(accepted.id, { ...request, idempotencyKey: "retry-past-the-bound" })).toMatchObject({
      kind: "already_claimed",
    });
  });

  it("sends a claim claimed again alone, simulated, when only the chain could tell why it failed", async () => {
    const { distribution, fan } = await fanWithFrozenAccount(SEED.users.newcomer.username);
    const { connection } = backend.context;
    const { claim: accepted } = claimResponseSchema.parse(await (await claim(fan, distribution)).json());
    expect(await settled(fan, accepted.id)).toMatchObject({ status: "failed" });
    // As a batch refused for the chain's own reasons leaves it once retried alone (the batcher's words).
    const chainWords =
      "custom program error 36, which is not a distribution program error (it came from a program the transaction called)";
    await database().query("UPDATE claims SET failure_reason = $2 WHERE id = $1", [accepted.id, chainWords]);
    await setTokenAccountFrozen(connection, distribution, fan.wallet.publicKey, false);
    expect((await claim(fan, distribution)).status).toBe(202);
    expect(await settled(fan, accepted.id)).toMatchObject({ status: "confirmed" });
    const { rows } = await database().query<{ send_alone: boolean; claim_count: number }>(
      "SELECT claims.send_alone, batch.claim_count FROM claims JOIN claim_batches AS batch ON batch.id = claims.batch_id WHERE claims.id = $1",
      [accepted.id],
    );
    expect(rows).toEqual([{ send_alone: true, claim_count: 1 }]);
  });

  it("answers a key the fan used for another claim as an idempotency conflict when claiming again", async () => {
    const { connection } = backend.context;
    const { distribution: frozenOne, fan } = await fanWithFrozenAccount(SEED.users.superfan.username);
    const other = await registerDistribution(backend, creatorSession, [], MAX_CLAIMS);
    const { claim: failed } = claimResponseSchema.parse(await (await claim(fan, frozenOne)).json());
    expect(await settled(fan, failed.id)).toMatchObject({ status: "failed" });
    expect((await claim(fan, other, fan.wallet.publicKey, "retry-key-used-elsewhere")).status).toBe(202);

    await setTokenAccountFrozen(connection, frozenOne, fan.wallet.publicKey, false);
    const reused = await claim(fan, frozenOne, fan.wallet.publicKey, "retry-key-used-elsewhere");
    expect(reused.status).toBe(409);
    expect(errorBodySchema.parse(await reused.json()).error.code).toBe("idempotency_conflict");
    expect(await settled(fan, failed.id)).toMatchObject({ status: "failed", retryable: true });
  });

  it("refuses a wallet without a token account once the budget opens no more, before the claim takes a slot", async () => {
    const distribution = await registerDistribution(backend, creatorSession, [], MAX_CLAIMS, { feeBudgetLamports: FEES });
    const fan = await fanOf(SEED.users.quietFan.username);
    const refused = await claim(fan, distribution);
    expect(refused.status).toBe(409);
    expect(errorBodySchema.parse(await refused.json()).error.code).toBe("needs_token_account");
    const { rows } = await database().query("SELECT 1 FROM claims WHERE distribution = $1", [distribution.address.toBase58()]);
    expect(rows).toHaveLength(0);

    await openTokenAccount(backend.context.connection, distribution.mint, fan.wallet.publicKey);
    const accepted = await claim(fan, distribution);
    expect(accepted.status).toBe(202);
    const { claim: taken } = claimResponseSchema.parse(await accepted.json());
    expect(await settled(fan, taken.id)).toMatchObject({ status: "confirmed" });
  });

  it("a payout the budget could open an account for at the claim but not at payout fails needs_token_account, then pays once the fan opened one", async () => {
    // Enough for one opening: the two fans below pass the claim's check together, and only one is opened.
    const distribution = await registerDistribution(backend, creatorSession, [], MAX_CLAIMS, {
      feeBudgetLamports: FEES + TOKEN_ACCOUNT_RENT_LAMPORTS,
    });
    const fans = [await fanOf(SEED.users.superfan.username), await fanOf(SEED.users.casualFan.username)];
    const accepted = await Promise.all(
      fans.map(async (fan) => claimResponseSchema.parse(await (await claim(fan, distribution)).json()).claim),
    );
    const outcomes = await Promise.all(fans.map((fan, index) => settled(fan, accepted[index]?.id as string)));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["confirmed", "failed"]);
    const index = outcomes.findIndex((outcome) => outcome.status === "failed");
    const [fan, failed] = [fans[index] as Fan, outcomes[index] as Claim];
    expect(failed).toMatchObject({ failureReason: "needs_token_account", retryable: true });

    await openTokenAccount(backend.context.connection, distribution.mint, fan.wallet.publicKey);
    expect((await claim(fan, distribution)).status).toBe(202);
    expect(await settled(fan, failed.id)).toMatchObject({ status: "confirmed" });
    expect(await tokenBalance(backend.context.connection, distribution.mint, fan.wallet.publicKey)).toBe(
      distribution.amountPerClaim,
    );
  });
});

describe("a claim's retryable flag", () => {
  it("is set for failures a fan can mend, with retries left", () => {
    const row = {
      id: "00000000-0000-4000-8000-000000000000",
      distribution: "11111111111111111111111111111111",
      x_user_id: "1",
      wallet: "11111111111111111111111111111111",
      slot: 0,
      status: "failed" as const,
      signature: null,
      failure_reason: "needs_token_account",
      retries: 0,
      idempotency_key: "key-key-key",
      request_hash: "hash",
      created_at: new Date(0),
      updated_at: new Date(0),
    };
    expect(claimFromRow(row).retryable).toBe(true);
    expect(claimFromRow({ ...row, failure_reason: "token_account_frozen" }).retryable).toBe(true);
    expect(claimFromRow({ ...row, failure_reason: "Error processing Instruction 0: custom program error: 0x11" }).retryable).toBe(
      true,
    );
    for (const final of [
      "slot_taken",
      "ended",
      "distribution_closed",
      "verifier_changed",
      "not_a_distribution",
      "slot_out_of_range",
    ]) {
      expect(claimFromRow({ ...row, failure_reason: final }).retryable).toBe(false);
    }
    expect(claimFromRow({ ...row, retries: MAX_CLAIM_RETRIES }).retryable).toBe(false);
    expect(claimFromRow({ ...row, status: "queued", failure_reason: null }).retryable).toBeUndefined();
  });
});
