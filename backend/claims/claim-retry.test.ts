import { createAssociatedTokenAccountIdempotentInstruction, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Claim, claimResponseSchema, MAX_CLAIM_RETRIES } from "../../shared/api/claims.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { startTestBackend, type TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { claimFromRow } from "./claim-rows.ts";
import { claimsPlugin } from "./claims-plugin.ts";
import { claimsBatcherService } from "./claims-service.ts";
import { fund, sendAndAwait, type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { type ClaimingFan, fanWithWallet, registerDistribution } from "./testing/registered-distribution.ts";

const MAX_CLAIMS = 10;

/** A fan whose payout failed for a reason they can mend claims again, on the same slot, a bounded number of times. */
describeEachEngine("claiming a failed claim again", (database) => {
  let backend: TestBackend;
  let distribution: TestDistribution;
  let address = "";
  let keyCounter = 0;

  beforeAll(async () => {
    backend = await startTestBackend(
      database(),
      {},
      { plugins: [claimsPlugin], background: [claimsBatcherService({ idleMs: 20 })] },
    );
    await fund(backend.context.connection, backend.feePayer.publicKey, 100);
    const creator = await backend.signIn(SEED.users.creator.username);
    // Every payout's fee and nothing more: a fan without a token account for the mint cannot be paid.
    distribution = await registerDistribution(
      backend,
      creator.sessionToken,
      [],
      MAX_CLAIMS,
      undefined,
      5_000n * BigInt(MAX_CLAIMS),
    );
    address = distribution.address.toBase58();
  }, 180_000);
  afterAll(() => backend?.close());

  const claim = (fan: ClaimingFan, wallet = fan.wallet, key = `retry-test-${++keyCounter}`) =>
    backend.request("POST", "/claims", {
      token: fan.sessionToken,
      headers: { "Idempotency-Key": key },
      body: { distribution: address, wallet },
    });

  async function settled(fan: ClaimingFan, id: string): Promise<Claim> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const response = await backend.request("GET", `/claims/${id}`, { token: fan.sessionToken });
      const { claim: current } = claimResponseSchema.parse(await response.json());
      if (current.status === "confirmed" || current.status === "failed") return current;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`claim ${id} did not settle`);
  }

  async function openTokenAccount(owner: PublicKey): Promise<void> {
    const payer = Keypair.generate();
    await fund(backend.context.connection, payer.publicKey, 1);
    const account = getAssociatedTokenAddressSync(distribution.mint, owner);
    await sendAndAwait(
      backend.context.connection,
      [payer],
      createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, account, owner, distribution.mint),
    );
  }

  it("pays the claim on its slot, to the wallet the new attempt names, once the fan has a token account", async () => {
    const fan = await fanWithWallet(backend, SEED.users.superfan.username);
    const first = await claim(fan, fan.wallet, "retry-test-first");
    expect(first.status).toBe(202);
    const { claim: accepted } = claimResponseSchema.parse(await first.json());
    const failed = await settled(fan, accepted.id);
    expect(failed).toMatchObject({ status: "failed", failureReason: "needs_token_account", retryable: true });

    // The same key still answers what it made.
    const replay = await claim(fan, fan.wallet, "retry-test-first");
    expect(replay.status).toBe(202);
    expect(claimResponseSchema.parse(await replay.json()).claim).toMatchObject({ id: accepted.id, status: "failed" });

    // The fan binds another wallet and opens its token account, then claims again naming it.
    const second = Keypair.generate();
    expect((await backend.bindWallet(fan.sessionToken, second)).status).toBe(200);
    await openTokenAccount(second.publicKey);
    const again = await claim(fan, second.publicKey.toBase58());
    expect(again.status).toBe(202);
    const { claim: retried } = claimResponseSchema.parse(await again.json());
    expect(retried).toMatchObject({
      id: accepted.id,
      slot: accepted.slot,
      status: "queued",
      wallet: second.publicKey.toBase58(),
    });
    expect(retried.retryable).toBeUndefined();

    const paid = await settled(fan, accepted.id);
    expect(paid.status).toBe("confirmed");
    expect(await tokenBalance(backend.context.connection, distribution.mint, second.publicKey)).toBe(distribution.amountPerClaim);
    // A paid claim is not claimed again.
    const afterPaid = await claim(fan, second.publicKey.toBase58());
    expect(afterPaid.status).toBe(409);
    expect(errorBodySchema.parse(await afterPaid.json()).error.code).toBe("already_claimed");
  });

  it(`stops after ${MAX_CLAIM_RETRIES} attempts that fail again`, async () => {
    const fan = await fanWithWallet(backend, SEED.users.casualFan.username);
    const { claim: accepted } = claimResponseSchema.parse(await (await claim(fan)).json());
    let current = await settled(fan, accepted.id);
    for (let retry = 1; retry <= MAX_CLAIM_RETRIES; retry++) {
      expect(current).toMatchObject({ status: "failed", retryable: true });
      const again = await claim(fan);
      expect(again.status).toBe(202);
      current = await settled(fan, accepted.id);
    }
    expect(current).toMatchObject({ status: "failed", failureReason: "needs_token_account", retryable: false });
    const refused = await claim(fan);
    expect(refused.status).toBe(409);
    const error = errorBodySchema.parse(await refused.json()).error;
    expect(error.code).toBe("already_claimed");
    expect((error.details as { claim: Claim }).claim).toMatchObject({ id: accepted.id, status: "failed", retryable: false });
  });
});

it("only failures a fan can mend, with retries left, are retryable", () => {
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
  expect(claimFromRow({ ...row, failure_reason: "Error processing Instruction 0: account is frozen" }).retryable).toBe(true);
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
