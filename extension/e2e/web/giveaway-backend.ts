import { PublicKey } from "@solana/web3.js";
import { fund, type TestDistribution, tokenBalance } from "../../../backend/claims/testing/chain-fixtures.ts";
import { registeredTestDistribution } from "../../../backend/claims/testing/registered-distribution.ts";
import { backendClient } from "../../../backend/http/testing/test-backend.ts";
import type { RequirementInput } from "../../../shared/requirements.ts";
import type { DemoBackend } from "../../demo/demo-backend.ts";

/** The demo backend (embedded chain, X emulator, batcher) with a fee payer that can pay for batches. */
export async function fundedBackend(backend: DemoBackend) {
  const client = backendClient(backend.url);
  await fund(backend.context.connection, backend.feePayer.publicKey, 100);
  return {
    /** A live giveaway on the emulator's giveaway post, registered by its author. */
    giveaway: (requirements: RequirementInput[], maxClaims: number): Promise<TestDistribution> =>
      registeredTestDistribution({ ...backend, ...client }, { requirements, maxClaims }),
    /** The fan's balance of the giveaway's token, from the chain. */
    balance: (distribution: TestDistribution, wallet: string) =>
      tokenBalance(backend.context.connection, distribution.mint, new PublicKey(wallet)),
  };
}
