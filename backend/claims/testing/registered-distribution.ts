import { Keypair } from "@solana/web3.js";
import type { ClaimRules } from "../../../shared/api/distributions.ts";
import { type RequirementInput, requirementsHash, requirementsSchema } from "../../../shared/requirements.ts";
import type { TestBackend } from "../../http/testing/test-backend.ts";
import { SEED } from "../../x-emulator/seed.ts";
import { createTestDistribution, type TestDistribution } from "./chain-fixtures.ts";

export interface RegistrationOptions {
  /** By default the API's. */
  claimRules?: ClaimRules;
  /** The creator's fee budget; by default enough to open every fan's token account. */
  feeBudgetLamports?: bigint;
  /** The creator keeps the mint's freeze authority, so a test can freeze a fan's token account. */
  freezable?: boolean;
}

/** Registers a distribution of the seeded giveaway post, created on the embedded chain. */
export async function registerDistribution(
  backend: TestBackend,
  creatorSession: string,
  requirements: RequirementInput[],
  maxClaims: number,
  { claimRules, feeBudgetLamports, freezable }: RegistrationOptions = {},
): Promise<TestDistribution> {
  const distribution = await createTestDistribution(backend.context.connection, {
    verifier: backend.verifier.publicKey,
    maxClaims,
    ...(feeBudgetLamports === undefined ? {} : { feeBudgetLamports }),
    ...(freezable ? { freezable } : {}),
    nowSeconds: backend.chain?.unixTimestamp() ?? Math.floor(Date.now() / 1000),
    feePerClaimLamports: backend.context.config.FEE_PER_CLAIM_LAMPORTS,
    requirementsHash: requirementsHash(requirementsSchema.parse(requirements)) as Uint8Array<ArrayBuffer>,
    postId: BigInt(SEED.posts.giveaway),
  });
  const response = await backend.request("POST", "/distributions", {
    token: creatorSession,
    body: { address: distribution.address.toBase58(), postId: SEED.posts.giveaway, requirements, claimRules },
  });
  if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  return distribution;
}

/** A fan signed in as `username` with a freshly bound wallet. */
export interface ClaimingFan {
  sessionToken: string;
  wallet: string;
}

export async function fanWithWallet(backend: TestBackend, username: string): Promise<ClaimingFan> {
  const { sessionToken } = await backend.signIn(username);
  const wallet = Keypair.generate();
  const bound = await backend.bindWallet(sessionToken, wallet);
  if (bound.status !== 200) throw new Error(`binding a wallet answered ${bound.status}: ${await bound.text()}`);
  return { sessionToken, wallet: wallet.publicKey.toBase58() };
}

/** POST /claims as `fan`, with one Idempotency-Key per fan and distribution. */
export function claimAs(backend: TestBackend, fan: ClaimingFan, distribution: string): Promise<Response> {
  return backend.request("POST", "/claims", {
    token: fan.sessionToken,
    headers: { "Idempotency-Key": `test-${distribution}-${fan.wallet}` },
    body: { distribution, wallet: fan.wallet },
  });
}

/**
 * A live distribution on the test backend's chain with the backend's verifier and fee, on the
 * emulator's giveaway post, registered by the post's author: what a fan can claim over HTTP.
 */
export async function registeredTestDistribution(
  backend: TestBackend,
  { requirements, maxClaims, ...options }: { requirements: RequirementInput[]; maxClaims: number } & RegistrationOptions,
): Promise<TestDistribution> {
  const creator = await backend.signIn(SEED.users.creator.username);
  return registerDistribution(backend, creator.sessionToken, requirements, maxClaims, options);
}
