import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Claim, claimResponseSchema } from "../../shared/api/claims.ts";
import { distributionResponseSchema } from "../../shared/api/distributions.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { pauseInstruction, resumeInstruction, setVerifierInstruction } from "../../shared/program/index.ts";
import type { RequirementInput } from "../../shared/requirements.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { startTestBackend, type TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { claimsPlugin } from "./claims-plugin.ts";
import { sendAndAwait, type TestDistribution } from "./testing/chain-fixtures.ts";
import { registeredTestDistribution } from "./testing/registered-distribution.ts";

const requirements: RequirementInput[] = [{ type: "follow" }, { type: "like" }];

/** Longer than the distribution status's chain refresh (2 s) and the claim route's cache of it (1 s). */
const CHAIN_REREAD_MS = 2_500;
const afterChainReread = () => new Promise((resolve) => setTimeout(resolve, CHAIN_REREAD_MS));

/**
 * What a fan and the claim route see of a distribution's state on chain, with no batcher running (the
 * claims stay queued): a pause shows on the claim as the reason it waits; a distribution moved to another
 * verifier fails its queued claims and refuses new ones, saying why.
 */
describeEachEngine("claims follow the distribution on chain", (database) => {
  let backend: TestBackend;
  let distribution: TestDistribution;
  const keys = { next: 0 };

  beforeAll(async () => {
    backend = await startTestBackend(database(), {}, { plugins: [claimsPlugin] });
    distribution = await registeredTestDistribution(backend, { requirements, maxClaims: 5 });
  }, 120_000);
  afterAll(() => backend?.close());

  /** The fan's session (claim details are the fan's own) and the POST /claims answer. */
  async function claimAs(username: string): Promise<{ session: string; response: Response }> {
    const fan = await backend.signIn(username);
    const wallet = Keypair.generate();
    expect((await backend.bindWallet(fan.sessionToken, wallet)).status).toBe(200);
    const response = await backend.request("POST", "/claims", {
      token: fan.sessionToken,
      body: { distribution: distribution.address.toBase58(), wallet: wallet.publicKey.toBase58() },
      headers: { "Idempotency-Key": `chain-status-${++keys.next}-${Date.now()}` },
    });
    return { session: fan.sessionToken, response };
  }

  it("shows a queued claim as waiting for the paused giveaway, then fails it and refuses new claims once the verifier changed", async () => {
    const { session, response: accepted } = await claimAs(SEED.users.superfan.username);
    const claimStatus = async (id: string): Promise<Claim> =>
      claimResponseSchema.parse(await (await backend.request("GET", `/claims/${id}`, { token: session })).json()).claim;
    expect(accepted.status).toBe(202);
    const { claim } = claimResponseSchema.parse(await accepted.json());
    expect(claim.status).toBe("queued");
    expect((await claimStatus(claim.id)).waitingFor).toBeUndefined();

    const connection = backend.context.connection;
    const control = { creator: distribution.creator.publicKey, distribution: distribution.address };
    await sendAndAwait(connection, [distribution.creator], pauseInstruction(control));
    await afterChainReread();
    expect(await claimStatus(claim.id)).toMatchObject({ status: "queued", waitingFor: "paused" });

    await sendAndAwait(connection, [distribution.creator], resumeInstruction(control));
    await sendAndAwait(
      connection,
      [distribution.creator, backend.verifier],
      setVerifierInstruction({
        creator: distribution.creator.publicKey,
        currentVerifier: backend.verifier.publicKey,
        distribution: distribution.address,
        newVerifier: Keypair.generate().publicKey,
      }),
    );
    await afterChainReread();
    expect(await claimStatus(claim.id)).toMatchObject({ status: "failed", failureReason: "verifier_changed" });
    const shown = distributionResponseSchema.parse(
      await (await backend.request("GET", `/distributions/${distribution.address.toBase58()}`)).json(),
    );
    expect(shown.distribution).toMatchObject({ verifierChanged: true, paused: false });

    const { response: refused } = await claimAs(SEED.users.casualFan.username);
    expect(refused.status).toBe(409);
    const error = errorBodySchema.parse(await refused.json()).error;
    expect(error.code).toBe("verifier_changed");
    expect(error.message).toMatch(/another verifier/);
  }, 60_000);
});
