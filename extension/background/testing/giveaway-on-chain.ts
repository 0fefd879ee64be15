import { Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import { defaultChainPrograms } from "../../../backend/chain/default-programs.ts";
import { EmbeddedChain } from "../../../backend/chain/embedded-chain.ts";
import { inProcessConnection, inProcessFetch } from "../../../backend/chain/in-process-fetch.ts";
import { createTestDistribution, type TestDistribution } from "../../../backend/claims/testing/chain-fixtures.ts";
import { approvalAnswerer } from "./approval-answerer.ts";
import { testServices } from "./test-services.ts";

/**
 * The service worker's services against the embedded chain with the real programs, a live giveaway
 * of 5 claims on it, and the built-in wallet holding the key `walletOf` picks (the giveaway's creator,
 * a fan), unlocked: where the handlers that sign are tested. `answering` answers their approval windows.
 */
export async function giveawayOnChain(
  name: string,
  {
    walletOf,
    ...distribution
  }: { walletOf(giveaway: TestDistribution): Keypair; amountPerClaim?: bigint; feeBudgetLamports?: bigint },
) {
  const chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  const connection = inProcessConnection(chain);
  const giveaway = await createTestDistribution(connection, {
    verifier: Keypair.generate().publicKey,
    maxClaims: 5,
    nowSeconds: Math.floor(Date.now() / 1000),
    ...distribution,
  });
  const clock = { now: Date.now() };
  const { services, browser } = await testServices(name, clock);
  services.fetch = inProcessFetch(chain);
  await services.vault.importSecret(bs58.encode(walletOf(giveaway).secretKey), "a long password");
  const answering = approvalAnswerer(browser.openedApprovals, services.approvals);
  return { chain, connection, giveaway, clock, services, answering, close: () => services.db.close() };
}
