import { type Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { beforeAll, expect, it } from "vitest";
import { defaultChainPrograms } from "../chain/default-programs.ts";
import { EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import type { BatchSigners } from "./batch-transaction.ts";
import { ClaimBatcher } from "./claim-batcher.ts";
import { createTestDistribution, fund, type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { claimStatuses, queueClaims, runUntilSettled } from "./testing/queued-claims.ts";

/**
 * A backend with a fee payer apart from its verifier (FEE_PAYER_KEYPAIR) signs its batches twice, and
 * the runtime charges each signature, while a giveaway reimburses its fee per claim: no batch may cost
 * the operator's keys more than it returns, and a lone fan is still paid at once.
 */
let chain: EmbeddedChain;
let connection: Connection;

beforeAll(() => {
  chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  connection = inProcessConnection(chain);
});

/** A verifier and a separate fee payer; the verifier holds `verifierSol`. */
async function separateKeys(verifierSol: number): Promise<Required<BatchSigners>> {
  const signers = { verifier: Keypair.generate(), feePayer: Keypair.generate() };
  await fund(connection, signers.feePayer.publicKey, 10);
  if (verifierSol) await fund(connection, signers.verifier.publicKey, verifierSol);
  return signers;
}

/** A live giveaway at the default fee per claim (5,000 lamports). */
function liveDistribution(verifier: PublicKey): Promise<TestDistribution> {
  return createTestDistribution(connection, { verifier, maxClaims: 10, nowSeconds: chain.unixTimestamp() });
}

const balances = (signers: Required<BatchSigners>) =>
  Promise.all([connection.getBalance(signers.feePayer.publicKey), connection.getBalance(signers.verifier.publicKey)]);

describeEachEngine("batches with a separate fee payer", (database) => {
  it("pays a lone claim at once, and leaves neither the fee payer nor the verifier lower than before", async () => {
    const signers = await separateKeys(1);
    const distribution = await liveDistribution(signers.verifier.publicKey);
    // The fan has no token account yet: the batch also advances its rent.
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    const [feePayerBefore, verifierBefore] = await balances(signers);
    await runUntilSettled(new ClaimBatcher({ database: database(), connection, signers }), database(), distribution);

    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 1 });
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
    const [feePayerAfter, verifierAfter] = await balances(signers);
    expect(feePayerAfter).toBeGreaterThanOrEqual(feePayerBefore);
    expect(verifierAfter).toBeGreaterThanOrEqual(verifierBefore);
  });

  it("sends claims that share a batch with the fee payer, whose two signatures their fees reimburse", async () => {
    const signers = await separateKeys(1);
    const distribution = await liveDistribution(signers.verifier.publicKey);
    const wallets = await queueClaims(database(), distribution, 2);
    const [feePayerBefore, verifierBefore] = await balances(signers);
    await runUntilSettled(new ClaimBatcher({ database: database(), connection, signers }), database(), distribution);

    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 2 });
    for (const wallet of wallets) expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
    expect(await balances(signers)).toEqual([feePayerBefore, verifierBefore]);
  });

  it("keeps a lone claim queued while the verifier holds nothing to sign it alone, and pays it once funded", async () => {
    const signers = await separateKeys(0);
    const distribution = await liveDistribution(signers.verifier.publicKey);
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    const feePayerBefore = await connection.getBalance(signers.feePayer.publicKey);
    const batcher = new ClaimBatcher({ database: database(), connection, signers });
    for (let cycle = 0; cycle < 3; cycle++) await batcher.runCycle();

    expect(await claimStatuses(database(), distribution)).toEqual({ queued: 1 });
    expect(await connection.getBalance(signers.feePayer.publicKey)).toBe(feePayerBefore);

    await fund(connection, signers.verifier.publicKey, 1);
    // The claim waits out its retry delay (the database's clock, which the test does not move).
    await database().query("UPDATE claims SET not_before = NULL WHERE distribution = $1", [distribution.address.toBase58()]);
    await runUntilSettled(batcher, database(), distribution);
    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 1 });
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
    expect(await connection.getBalance(signers.feePayer.publicKey)).toBeGreaterThanOrEqual(feePayerBefore);
  });
});
