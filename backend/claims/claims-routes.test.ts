import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { claimListResponseSchema, claimResponseSchema } from "../../shared/api/claims.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import type { RequirementInput } from "../../shared/requirements.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import type { TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { startPayingTestBackend } from "./testing/paying-backend.ts";
import { registeredTestDistribution } from "./testing/registered-distribution.ts";

const requirements: RequirementInput[] = [{ type: "follow" }, { type: "like" }];

async function errorOf(response: Response) {
  return errorBodySchema.parse(await response.json()).error;
}

describeEachEngine("claims over HTTP", (database) => {
  let backend: TestBackend;
  let distribution: TestDistribution;
  let keyCounter = 0;
  const newKey = () => `test-key-${++keyCounter}-${Date.now()}`;

  beforeAll(async () => {
    backend = await startPayingTestBackend(database());
    const _connection = backend.context.connection;
    distribution = await registeredTestDistribution(backend, { requirements, maxClaims: 1 });
  }, 120_000);
  afterAll(() => backend?.close());

  /** `key: null` sends no Idempotency-Key header. */
  const claim = (token: string | undefined, body: unknown, key: string | null = newKey()) =>
    backend.request("POST", "/claims", {
      ...(token ? { token } : {}),
      body,
      headers: key === null ? {} : { "Idempotency-Key": key },
    });

  it("verifies, queues and pays a claim; retries with the same key return it; the batcher confirms it on chain", async () => {
    const fan = await backend.signIn(SEED.users.superfan.username);
    const wallet = Keypair.generate();
    expect((await backend.bindWallet(fan.sessionToken, wallet)).status).toBe(200);
    const body = { distribution: distribution.address.toBase58(), wallet: wallet.publicKey.toBase58() };
    const key = newKey();

    const first = await claim(fan.sessionToken, body, key);
    expect(first.status).toBe(202);
    const { claim: accepted } = claimResponseSchema.parse(await first.json());
    expect(accepted).toMatchObject({ slot: 0, xUserId: SEED.users.superfan.id, wallet: body.wallet });

    const retried = await claim(fan.sessionToken, body, key);
    expect(retried.status).toBe(202);
    expect(claimResponseSchema.parse(await retried.json()).claim.id).toBe(accepted.id);

    const otherBody = await claim(fan.sessionToken, { ...body, wallet: Keypair.generate().publicKey.toBase58() }, key);
    expect(otherBody.status).toBe(409);
    expect((await errorOf(otherBody)).code).toBe("idempotency_conflict");
    const otherKey = await claim(fan.sessionToken, body);
    expect(otherKey.status).toBe(409);
    expect((await errorOf(otherKey)).code).toBe("already_claimed");

    let current = accepted;
    const stages = new Set<string | undefined>();
    for (let attempt = 0; attempt < 100 && current.status !== "confirmed"; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = claimResponseSchema.parse(
        await (await backend.request("GET", `/claims/${accepted.id}`, { token: fan.sessionToken })).json(),
      ).claim;
      stages.add(current.stage);
    }
    expect(current.status).toBe("confirmed");
    // Every answer names the real stage, which agrees with the status; a paid claim is "paid".
    expect(current.stage).toBe("paid");
    expect([...stages].every((stage) => stage && ["queued", "sending", "confirming", "paid"].includes(stage))).toBe(true);
    // The claim names the fan's X account and wallet: only that fan reads it.
    expect((await backend.request("GET", `/claims/${accepted.id}`)).status).toBe(401);
    const otherFan = await backend.signIn(SEED.users.casualFan.username);
    expect((await backend.request("GET", `/claims/${accepted.id}`, { token: otherFan.sessionToken })).status).toBe(404);
    expect(current.signature).toEqual(expect.any(String));
    expect(await tokenBalance(backend.context.connection, distribution.mint, wallet.publicKey)).toBe(distribution.amountPerClaim);

    const mine = claimListResponseSchema.parse(
      await (await backend.request("GET", "/me/claims", { token: fan.sessionToken })).json(),
    );
    expect(mine.claims.map((entry) => entry.id)).toContain(accepted.id);
    const metrics = await (await backend.request("GET", "/metrics")).text();
    expect(metrics).toMatch(/memefans_claim_transitions_total\{state="confirmed"\} [1-9]/);
    expect(metrics).toMatch(/memefans_batch_claims_count [1-9]/);
  });

  it("refuses unmet requirements with the checklist, a wallet of another account, and a sold-out giveaway", async () => {
    const newcomer = await backend.signIn(SEED.users.newcomer.username);
    const newcomerWallet = Keypair.generate();
    await backend.bindWallet(newcomer.sessionToken, newcomerWallet);
    const unmet = await claim(newcomer.sessionToken, {
      distribution: distribution.address.toBase58(),
      wallet: newcomerWallet.publicKey.toBase58(),
    });
    expect(unmet.status).toBe(403);
    const error = await errorOf(unmet);
    expect(error.code).toBe("requirements_not_met");
    expect((error.details as { checks: { met: boolean }[] }).checks.some((check) => !check.met)).toBe(true);

    const casual = await backend.signIn(SEED.users.casualFan.username);
    const elsewhere = await claim(casual.sessionToken, {
      distribution: distribution.address.toBase58(),
      wallet: newcomerWallet.publicKey.toBase58(),
    });
    expect(elsewhere.status).toBe(403);
    expect((await errorOf(elsewhere)).code).toBe("wallet_bound_elsewhere");

    const casualWallet = Keypair.generate();
    await backend.bindWallet(casual.sessionToken, casualWallet);
    const soldOut = await claim(casual.sessionToken, {
      distribution: distribution.address.toBase58(),
      wallet: casualWallet.publicKey.toBase58(),
    });
    expect(soldOut.status).toBe(409);
    expect((await errorOf(soldOut)).code).toBe("sold_out");
  });

  it("answers bad input with a 4xx naming the problem", async () => {
    const fan = await backend.signIn(SEED.users.superfan.username);
    const body = { distribution: distribution.address.toBase58(), wallet: Keypair.generate().publicKey.toBase58() };
    expect((await claim(undefined, body)).status).toBe(401);
    const noKey = await claim(fan.sessionToken, body, null);
    expect(noKey.status).toBe(400);
    expect((await errorOf(noKey)).message).toMatch(/Idempotency-Key/);
    const badBody = await claim(fan.sessionToken, { distribution: "nope" });
    expect(badBody.status).toBe(400);
    expect((await errorOf(badBody)).code).toBe("validation_failed");
    const unknown = await claim(fan.sessionToken, { ...body, distribution: Keypair.generate().publicKey.toBase58() });
    expect(unknown.status).toBe(404);
    expect((await backend.request("GET", "/claims/not-a-uuid", { token: fan.sessionToken })).status).toBe(400);
    expect((await backend.request("GET", `/claims/${crypto.randomUUID()}`, { token: fan.sessionToken })).status).toBe(404);
    expect((await backend.request("GET", "/me/claims")).status).toBe(401);
  });
});
