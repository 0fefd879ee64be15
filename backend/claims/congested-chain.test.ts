import { Keypair, type PublicKey } from "@solana/web3.js";
import { beforeAll, expect, it } from "vitest";
import { tokenAccountRent } from "../../shared/fee-budget.ts";
import { type DistributionAccount, decodeDistributionAccount } from "../../shared/program/index.ts";
import { defaultChainPrograms } from "../chain/default-programs.ts";
import { type Congestion, EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import type { Database } from "../db/database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { ClaimBatcher } from "./claim-batcher.ts";
import { createTestDistribution, fund, type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { claimStatuses, queueClaims } from "./testing/queued-claims.ts";

const verifier = Keypair.generate();
let chain: EmbeddedChain;
const FEE_PER_CLAIM = 5_000n;
const CAP_PER_CLAIM = 20_000n;
const RENT = tokenAccountRent("spl-token");
/** Past a blockhash's 150 blocks of 400 ms. */
const PAST_EXPIRY_MS = 70_000;

beforeAll(async () => {
  chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  await fund(inProcessConnection(chain), verifier.publicKey, 1000);
});

async function onChain(distribution: TestDistribution): Promise<DistributionAccount> {
  const account = await inProcessConnection(chain).getAccountInfo(distribution.address);
  if (!account) throw new Error("the distribution is gone");
  return decodeDistributionAccount(account.data);
}

/** A distribution whose budget covers each claim's fee, priority cap and token account. */
function cappedDistribution(maxClaims: number): Promise<TestDistribution> {
  return createTestDistribution(inProcessConnection(chain), {
    verifier: verifier.publicKey,
    maxClaims,
    nowSeconds: chain.unixTimestamp(),
    feePerClaimLamports: FEE_PER_CLAIM,
    priorityFeeCapLamports: CAP_PER_CLAIM,
    feeBudgetLamports: (FEE_PER_CLAIM + CAP_PER_CLAIM + RENT) * BigInt(maxClaims),
  });
}

/** Cycles of the batcher, each followed by `between` (e.g. time passing past blockhash expiry), until nothing waits. */
async function settleWith(batcher: ClaimBatcher, database: Database, distribution: TestDistribution, between: () => void) {
  for (let round = 0; round < 12; round++) {
    await batcher.runCycle();
    const counts = await claimStatuses(database, distribution);
    if (!counts.queued && !counts.sent) return round;
    between();
  }
  throw new Error(`claims never settled: ${JSON.stringify(await claimStatuses(database, distribution))}`);
}

interface CongestedSetup {
  distribution: TestDistribution;
  wallets: PublicKey[];
  /** The distribution on chain before any claim was paid. */
  before: DistributionAccount;
  batcher: ClaimBatcher;
}

/**
 * A capped giveaway made while the chain is calm (the fixtures bid nothing), then `claims` claims queued
 * and `work` run on a busy chain, calm again afterwards whatever happens.
 */
async function onCongestedChain(
  database: Database,
  claims: number,
  congestion: Congestion,
  work: (setup: CongestedSetup) => Promise<void>,
): Promise<void> {
  const distribution = await cappedDistribution(claims);
  chain.congest(congestion);
  try {
    const wallets = await queueClaims(database, distribution, claims);
    const before = await onChain(distribution);
    const batcher = new ClaimBatcher({ database, connection: inProcessConnection(chain), signers: { verifier } });
    await work({ distribution, wallets, before, batcher });
  } finally {
    chain.congest(undefined);
  }
}

/** What the budget paid beyond each claim's fee and token account: the priority fees reimbursed. */
function priorityReimbursed(before: DistributionAccount, after: DistributionAccount, claims: number): bigint {
  return before.feeBudgetLamports - after.feeBudgetLamports - (FEE_PER_CLAIM + RENT) * BigInt(claims);
}

describeEachEngine("claims on a congested chain", (database) => {
  it("bids the recent prioritization fee, lands, and the creator pays no more priority fee than the cap", async () => {
    await onCongestedChain(
      database(),
      9,
      { requiredMicroLamports: 50_000 },
      async ({ distribution, wallets, before, batcher }) => {
        // Recent slots show the price: the first bid lands, no blockhash needs to expire.
        expect(await settleWith(batcher, database(), distribution, () => {})).toBe(0);
        expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 9 });
        for (const wallet of wallets)
          expect(await tokenBalance(inProcessConnection(chain), distribution.mint, wallet)).toBe(1_000n);
        const after = await onChain(distribution);
        expect(after.claimedCount).toBe(9);
        const reimbursed = priorityReimbursed(before, after, 9);
        expect(reimbursed).toBeGreaterThan(0n);
        expect(reimbursed).toBeLessThanOrEqual(CAP_PER_CLAIM * 9n);
      },
    );
  });

  it("re-sends a batch outbid by a fee spike with a higher fee after its blockhash expired, paying each slot once", async () => {
    // The recent slots show a fifth of what it now takes: bids of 50,000, 100,000 and 200,000 expire unlanded.
    await onCongestedChain(
      database(),
      5,
      { requiredMicroLamports: 250_000, reportedMicroLamports: 50_000 },
      async ({ distribution, wallets, before, batcher }) => {
        const rounds = await settleWith(batcher, database(), distribution, () => chain.warp(PAST_EXPIRY_MS));
        expect(rounds).toBeGreaterThanOrEqual(2);
        expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 5 });
        const { rows } = await database().query<{ status: string; count: string }>(
          "SELECT status, count(*) AS count FROM claim_batches WHERE distribution = $1 GROUP BY status",
          [distribution.address.toBase58()],
        );
        const batches = Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
        expect(batches.expired).toBeGreaterThanOrEqual(2);
        expect(batches.confirmed).toBe(1);
        for (const wallet of wallets)
          expect(await tokenBalance(inProcessConnection(chain), distribution.mint, wallet)).toBe(1_000n);
        const after = await onChain(distribution);
        expect(after.claimedCount).toBe(5);
        expect(priorityReimbursed(before, after, 5)).toBeLessThanOrEqual(CAP_PER_CLAIM * 5n);
      },
    );
  });

  it("a batch re-sent by another instance bids from the step the expired ones reached, paying each slot once", async () => {
    await onCongestedChain(
      database(),
      4,
      { requiredMicroLamports: 250_000, reportedMicroLamports: 50_000 },
      async ({ distribution, wallets, before }) => {
        // Each round is a new instance (a restart, or another replica): it sends, then settles what it
        // sent once the blockhash has expired. Only the escalation kept in the database lets it bid higher.
        let rounds = 0;
        while ((await claimStatuses(database(), distribution)).queued) {
          if (++rounds > 8) throw new Error(`still unpaid: ${JSON.stringify(await claimStatuses(database(), distribution))}`);
          const instance = new ClaimBatcher({
            database: database(),
            connection: inProcessConnection(chain),
            signers: { verifier },
          });
          await instance.sendQueued();
          chain.warp(PAST_EXPIRY_MS);
          await instance.settleInFlight();
        }
        expect(rounds).toBeGreaterThanOrEqual(3);
        expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 4 });
        for (const wallet of wallets)
          expect(await tokenBalance(inProcessConnection(chain), distribution.mint, wallet)).toBe(1_000n);
        expect(priorityReimbursed(before, await onChain(distribution), 4)).toBeLessThanOrEqual(CAP_PER_CLAIM * 4n);
      },
    );
  });

  it("never bids past the cap: claims wait unpaid while the cluster wants more, and are paid once it calms", async () => {
    await onCongestedChain(
      database(),
      3,
      { requiredMicroLamports: 1_000_000_000 },
      async ({ distribution, wallets, before, batcher }) => {
        for (let round = 0; round < 4; round++) {
          await batcher.runCycle();
          chain.warp(PAST_EXPIRY_MS);
        }
        expect((await claimStatuses(database(), distribution)).confirmed).toBeUndefined();
        expect(await onChain(distribution)).toEqual(before);
        chain.congest(undefined);
        await settleWith(batcher, database(), distribution, () => chain.warp(PAST_EXPIRY_MS));
        expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 3 });
        for (const wallet of wallets)
          expect(await tokenBalance(inProcessConnection(chain), distribution.mint, wallet)).toBe(1_000n);
        expect(priorityReimbursed(before, await onChain(distribution), 3)).toBeLessThanOrEqual(CAP_PER_CLAIM * 3n);
      },
    );
  });
});
