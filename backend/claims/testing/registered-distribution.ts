import { type RequirementInput, requirementsHash, requirementsSchema } from "../../../shared/requirements.ts";
import type { TestBackend } from "../../http/testing/test-backend.ts";
import { SEED } from "../../x-emulator/seed.ts";
import { createTestDistribution, type TestDistribution } from "./chain-fixtures.ts";

/**
 * A live distribution on the test backend's chain with the backend's verifier and fee, on the
 * emulator's giveaway post, registered by the post's author: what a fan can claim over HTTP.
 */
export async function registeredTestDistribution(
  backend: TestBackend,
  options: { requirements: RequirementInput[]; maxClaims: number },
): Promise<TestDistribution> {
  const chain = backend.chain;
  if (!chain) throw new Error("the test backend runs the embedded chain");
  const distribution = await createTestDistribution(backend.context.connection, {
    verifier: backend.verifier.publicKey,
    maxClaims: options.maxClaims,
    nowSeconds: chain.unixTimestamp(),
    feePerClaimLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS,
    requirementsHash: requirementsHash(requirementsSchema.parse(options.requirements)) as Uint8Array<ArrayBuffer>,
    postId: BigInt(SEED.posts.giveaway),
  });
  const creator = await backend.signIn(SEED.users.creator.username);
  const registered = await backend.request("POST", "/distributions", {
    token: creator.sessionToken,
    body: { address: distribution.address.toBase58(), postId: SEED.posts.giveaway, requirements: options.requirements },
  });
  if (registered.status !== 201) throw new Error(`registration answered ${registered.status}: ${await registered.text()}`);
  return distribution;
}
