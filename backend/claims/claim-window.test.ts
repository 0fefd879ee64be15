import { createFreezeAccountInstruction, createThawAccountInstruction, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { beforeAll, expect, it } from "vitest";
import { findVaultAddress } from "../../shared/program/index.ts";
import { defaultChainPrograms } from "../chain/default-programs.ts";
import { EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import type { Database } from "../db/database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { ClaimBatcher } from "./claim-batcher.ts";
import { createTestDistribution, fund, sendAndAwait, type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { queueClaims, runUntilSettled } from "./testing/queued-claims.ts";

/**
 * A batch the program refuses still costs its fee, and nothing reimburses it. The batcher reads the
 * distribution's window on the chain's clock and its vault before sending: it sends nothing the chain
 * would refuse for them, even right after measuring a batch of the same shape (which it would
 * otherwise reuse without simulating).
 */
const verifier = Keypair.generate();
let chain: EmbeddedChain;
let connection: Connection;
/** createTestDistribution's giveaways run from 60 s before `nowSeconds` to an hour after it. */
const HOUR = 3_600;

beforeAll(async () => {
  chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  connection = inProcessConnection(chain);
  await fund(connection, verifier.publicKey, 1000);
});

/** A giveaway whose end is `endsIn` seconds away on the chain's clock (and start `endsIn` − 3,660 s). */
function distributionEndingIn(endsIn: number, options: { freezable?: boolean } = {}): Promise<TestDistribution> {
  return createTestDistribution(connection, {
    verifier: verifier.publicKey,
    maxClaims: 10,
    nowSeconds: chain.unixTimestamp() - HOUR + endsIn,
    ...options,
  });
}

/** A batcher that has just paid one claim of `distribution`, so it holds a measure of a one-claim batch's shape. */
async function batcherWithMeasure(database: Database, distribution: TestDistribution, rpc = connection): Promise<ClaimBatcher> {
  const batcher = new ClaimBatcher({ database, connection: rpc, signers: { verifier }, pausedRecheckMs: 0 });
  const [first] = (await queueClaims(database, distribution, 1)) as [PublicKey];
  await runUntilSettled(batcher, database, distribution);
  expect(await tokenBalance(connection, distribution.mint, first)).toBe(1_000n);
  return batcher;
}

async function claimOf(database: Database, wallet: PublicKey) {
  const { rows } = await database.query<{ status: string; failure_reason: string | null; batch_id: string | null }>(
    "SELECT status, failure_reason, batch_id FROM claims WHERE wallet = $1",
    [wallet.toBase58()],
  );
  return rows[0];
}

const verifierBalance = () => connection.getBalance(verifier.publicKey);

describeEachEngine("claims at the edges of a giveaway's window", (database) => {
  it("fails a claim `ended` without any batch once the chain's clock is past the end", async () => {
    const distribution = await distributionEndingIn(HOUR);
    const batcher = await batcherWithMeasure(database(), distribution);
    chain.warp((distribution.endTs - chain.unixTimestamp() + 5) * 1000);
    const [late] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    const before = await verifierBalance();
    await runUntilSettled(batcher, database(), distribution);

    expect(await claimOf(database(), late)).toEqual({ status: "failed", failure_reason: "ended", batch_id: null });
    expect(await verifierBalance()).toBe(before);
  });

  it("keeps a claim queued, sending nothing, until the chain's clock reaches the start, then pays it", async () => {
    // Starts in a minute.
    const distribution = await distributionEndingIn(HOUR + 120);
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    const batcher = new ClaimBatcher({ database: database(), connection, signers: { verifier } });
    await batcher.runCycle();

    const { rows } = await database().query<{ status: string; batch_id: string | null; waits: boolean }>(
      "SELECT status, batch_id, not_before > now() + interval '50 seconds' AS waits FROM claims WHERE wallet = $1",
      [wallet.toBase58()],
    );
    expect(rows).toEqual([{ status: "queued", batch_id: null, waits: true }]);
    const { rows: batches } = await database().query("SELECT id FROM claim_batches WHERE distribution = $1", [
      distribution.address.toBase58(),
    ]);
    expect(batches).toEqual([]);

    chain.warp(61_000);
    // The database's clock, which the test does not move, would hold it for the minute.
    await database().query("UPDATE claims SET not_before = NULL WHERE wallet = $1", [wallet.toBase58()]);
    await runUntilSettled(batcher, database(), distribution);
    expect(await claimOf(database(), wallet)).toMatchObject({ status: "confirmed" });
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
  });

  it("simulates a batch near the end rather than reuse a measure: one the end overtakes is never sent", async () => {
    const distribution = await distributionEndingIn(20);
    // The end passes while the batch is built (after the cycle read the chain's clock).
    let overtake: PublicKey | undefined;
    const rpc = new Proxy(connection, {
      get(target, property, receiver) {
        if (property !== "getMultipleAccountsInfo") return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Connection["getMultipleAccountsInfo"]>) => {
          if (overtake && args[0].some((key) => key.equals(overtake as PublicKey))) {
            overtake = undefined;
            chain.warp((distribution.endTs - chain.unixTimestamp() + 5) * 1000);
          }
          return target.getMultipleAccountsInfo(...args);
        };
      },
    });
    const batcher = await batcherWithMeasure(database(), distribution, rpc);
    const [late] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    overtake = getAssociatedTokenAddressSync(distribution.mint, late);
    const before = await verifierBalance();
    await runUntilSettled(batcher, database(), distribution);

    expect(overtake).toBeUndefined();
    expect(await claimOf(database(), late)).toMatchObject({ status: "failed", failure_reason: "ended" });
    expect(await tokenBalance(connection, distribution.mint, late)).toBe(0n);
    expect(await verifierBalance()).toBe(before);
  });

  it("keeps claims queued, sending nothing, while the creator has the vault frozen, and pays them once thawed", async () => {
    const distribution = await distributionEndingIn(HOUR, { freezable: true });
    const batcher = await batcherWithMeasure(database(), distribution);
    const vault = findVaultAddress(distribution.address).address;
    const { creator, mint } = distribution;
    await sendAndAwait(connection, [creator], createFreezeAccountInstruction(vault, mint, creator.publicKey));
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    const before = await verifierBalance();
    for (let cycle = 0; cycle < 3; cycle++) await batcher.runCycle();

    expect(await claimOf(database(), wallet)).toEqual({ status: "queued", failure_reason: null, batch_id: null });
    expect(await verifierBalance()).toBe(before);

    await sendAndAwait(connection, [creator], createThawAccountInstruction(vault, mint, creator.publicKey));
    await runUntilSettled(batcher, database(), distribution);
    expect(await claimOf(database(), wallet)).toMatchObject({ status: "confirmed" });
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
  });
});
