import { type Account, ExtensionType } from "@solana/spl-token";
import {
  type Connection,
  Keypair,
  type PublicKey,
  SendTransactionError,
  type SimulateTransactionConfig,
  SystemProgram,
  Transaction,
  type VersionedTransaction,
} from "@solana/web3.js";
import { beforeAll, expect, it } from "vitest";
import { decodeDistributionAccount } from "../../shared/program/index.ts";
import { defaultChainPrograms } from "../chain/default-programs.ts";
import { EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { decideBatchFailure } from "./batch-failure.ts";
import {
  associatedTokenAccount,
  type BatchClaimEntry,
  batchCapacity,
  bumpTriesToOpen,
  COMPUTE_UNITS_PER_BUMP_TRY,
  type MintRef,
  signBatch,
} from "./batch-transaction.ts";
import { ClaimBatcher } from "./claim-batcher.ts";
import { claimProgress, findClaim } from "./claim-queries.ts";
import { mintRef, refusalOf } from "./distribution-chain-state.ts";
import {
  createTestDistribution,
  fund,
  openTokenAccountRequiringMemos,
  sendAndAwait,
  type TestDistribution,
  tokenBalance,
} from "./testing/chain-fixtures.ts";
import { claimStatuses, queueClaims, queueClaimsFor, runUntilSettled } from "./testing/queued-claims.ts";

const verifier = Keypair.generate();
let chain: EmbeddedChain;

beforeAll(async () => {
  chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  await fund(inProcessConnection(chain), verifier.publicKey, 1000);
});

/** A distribution open now on the test chain, whose claims `verifier` may batch. */
function liveDistribution(connection: Connection, maxClaims: number): Promise<TestDistribution> {
  return createTestDistribution(connection, { verifier: verifier.publicKey, maxClaims, nowSeconds: chain.unixTimestamp() });
}

/** The same for a pump.fun-shaped Token-2022 coin, paid into fans' Token-2022 accounts. */
function livePumpFunDistribution(connection: Connection): Promise<TestDistribution> {
  return createTestDistribution(connection, {
    verifier: verifier.publicKey,
    maxClaims: 10,
    nowSeconds: chain.unixTimestamp(),
    token2022: { name: "Moo Deng", symbol: "MOODENG", uri: "https://ipfs.io/ipfs/bafkmoodeng" },
  });
}

/** Signs `entries` as one batch with the test's verifier, as the batcher would, and sends it. */
async function sendSigned(connection: Connection, distribution: TestDistribution, entries: BatchClaimEntry[]): Promise<string> {
  const { blockhash } = await connection.getLatestBlockhash();
  const mint = await mintRef(connection, distribution.mint);
  const batch = signBatch({ verifier }, distribution.address.toBase58(), mint, entries, blockhash);
  return connection.sendRawTransaction(batch.wire);
}

/** A fresh wallet whose associated token account the account program finds after `accepts(tries)` bump tries. */
function walletOpenedAfter(mint: MintRef, accepts: (tries: number) => boolean): PublicKey {
  for (;;) {
    const wallet = Keypair.generate().publicKey;
    if (accepts(bumpTriesToOpen(mint, wallet.toBase58()))) return wallet;
  }
}

async function onChainState(distribution: TestDistribution) {
  const account = await inProcessConnection(chain).getAccountInfo(distribution.address);
  if (!account) throw new Error("the distribution is gone");
  return decodeDistributionAccount(account.data);
}

describeEachEngine("claim batcher", (database) => {
  it("moves claims queued → sent → confirmed, packing full batches and paying each wallet once", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await liveDistribution(connection, 100);
    const wallets = await queueClaims(database(), distribution, 40);
    const transitions: Record<string, number> = {};
    const batchSizes: number[] = [];
    const batcher = new ClaimBatcher({
      database: database(),
      connection,
      signers: { verifier },
      hooks: {
        onTransition: (state, count) => {
          transitions[state] = (transitions[state] ?? 0) + count;
        },
        onBatchSent: (size) => batchSizes.push(size),
      },
    });
    await runUntilSettled(batcher, database(), distribution);

    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 40 });
    expect(transitions).toEqual({ sent: 40, confirmed: 40 });
    const capacity = batchCapacity({ verifier });
    expect(Math.max(...batchSizes)).toBe(capacity.creating);
    expect(batchSizes.reduce((sum, size) => sum + size, 0)).toBe(40);
    for (const wallet of wallets)
      expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
    const state = await onChainState(distribution);
    expect(state.claimedCount).toBe(40);
    const { rows } = await database().query<{ signature: string | null }>(
      "SELECT signature FROM claims WHERE distribution = $1",
      [distribution.address.toBase58()],
    );
    const landed = await connection.getSignatureStatuses(rows.map((row) => row.signature as string));
    expect(landed.value.every((status) => status?.err === null)).toBe(true);
  });

  it("tells a queued fan the stage and, behind a long queue, the wait the recent pace of payments gives", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await liveDistribution(connection, 300);
    await queueClaims(database(), distribution, 14);
    await runUntilSettled(
      new ClaimBatcher({ database: database(), connection, signers: { verifier } }),
      database(),
      distribution,
    );
    await queueClaims(database(), distribution, 200);
    const { rows } = await database().query<{ id: string }>(
      "SELECT id FROM claims WHERE distribution = $1 AND status = 'queued' ORDER BY created_at DESC, id DESC LIMIT 1",
      [distribution.address.toBase58()],
    );
    const last = await findClaim(database(), rows[0]?.id ?? "");
    if (!last) throw new Error("the last queued claim is gone");
    // 199 claims of this test ahead, paid at the pace of the last 10 s (this test's 14 and what other tests paid).
    const progress = await claimProgress(database(), last);
    expect(progress.stage).toBe("queued");
    const { rows: pace } = await database().query<{ paid: string }>(
      "SELECT coalesce(sum(claim_count), 0) AS paid FROM claim_batches WHERE status = 'confirmed' AND updated_at > now() - interval '10 seconds'",
    );
    expect(Number(pace[0]?.paid)).toBeGreaterThanOrEqual(14);
    expect(progress.estimateSeconds).toBeGreaterThanOrEqual(Math.floor(200 / (Number(pace[0]?.paid) / 10)));
    const paid = await findClaim(
      database(),
      (
        await database().query<{ id: string }>("SELECT id FROM claims WHERE distribution = $1 AND status = 'confirmed' LIMIT 1", [
          distribution.address.toBase58(),
        ])
      ).rows[0]?.id ?? "",
    );
    if (!paid) throw new Error("no paid claim");
    expect(await claimProgress(database(), paid)).toEqual({ stage: "paid" });
  });

  it("carries one measure across account-opening batches whose bump searches differ, and every batch lands", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await liveDistribution(connection, 100);
    const mint = await mintRef(connection, distribution.mint);
    const perBatch = batchCapacity({ verifier }).creating;
    // The measured batch opens accounts found at the first try; the next ones need five or more each,
    // which a measure reused as it is (even with its headroom) would not cover.
    const cheap = Array.from({ length: perBatch }, () => walletOpenedAfter(mint, (tries) => tries === 1));
    const dear = Array.from({ length: 2 * perBatch }, () => walletOpenedAfter(mint, (tries) => tries >= 5));
    await queueClaimsFor(database(), distribution, cheap);
    await queueClaimsFor(database(), distribution, dear);
    // Simulations of this distribution's batches (other tests' claims may share the batcher's cycles).
    let simulations = 0;
    const simulate = connection.simulateTransaction.bind(connection);
    connection.simulateTransaction = ((transaction: VersionedTransaction, config?: SimulateTransactionConfig) => {
      if (transaction.message.staticAccountKeys.some((key) => key.equals(distribution.address))) simulations++;
      return simulate(transaction, config);
    }) as typeof connection.simulateTransaction;
    const batcher = new ClaimBatcher({ database: database(), connection, signers: { verifier } });
    await runUntilSettled(batcher, database(), distribution);
    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 3 * perBatch });
    const { rows: batches } = await database().query<{ claim_count: number; status: string }>(
      "SELECT claim_count, status FROM claim_batches WHERE distribution = $1",
      [distribution.address.toBase58()],
    );
    expect(batches).toEqual(Array.from({ length: 3 }, () => ({ claim_count: perBatch, status: "confirmed" })));
    expect(simulations).toBe(1);
    for (const wallet of [...cheap, ...dear])
      expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
  });

  it("opens and pays a fan's account whose address someone sent lamports to first", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await liveDistribution(connection, 10);
    const mint = await mintRef(connection, distribution.mint);
    const [griefed, plain] = await queueClaims(database(), distribution, 2);
    await sendAndAwait(
      connection,
      [verifier],
      SystemProgram.transfer({
        fromPubkey: verifier.publicKey,
        toPubkey: associatedTokenAccount(mint, (griefed as PublicKey).toBase58()),
        lamports: 1_000_000,
      }),
    );
    const batcher = new ClaimBatcher({ database: database(), connection, signers: { verifier } });
    await runUntilSettled(batcher, database(), distribution);
    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 2 });
    for (const wallet of [griefed, plain])
      expect(await tokenBalance(connection, distribution.mint, wallet as PublicKey)).toBe(distribution.amountPerClaim);
  });

  it("pays a pump.fun coin (Token-2022) into fans' Token-2022 accounts, opening them from the budget", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await livePumpFunDistribution(connection);
    const wallets = await queueClaims(database(), distribution, 6);
    const batcher = new ClaimBatcher({ database: database(), connection, signers: { verifier } });
    await runUntilSettled(batcher, database(), distribution);
    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 6 });
    for (const wallet of wallets)
      expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
    expect((await onChainState(distribution)).claimedCount).toBe(6);
  });

  it("fails a claim whose Token-2022 account requires memos before any batch carries it, and pays the others", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await livePumpFunDistribution(connection);
    // The fan opened their account and turned on "require memos on incoming transfers", as a wallet lets them.
    const fan = Keypair.generate();
    await fund(connection, fan.publicKey, 1);
    await openTokenAccountRequiringMemos(connection, fan, distribution.mint, fan);
    const others = await queueClaims(database(), distribution, 3);
    await queueClaimsFor(database(), distribution, [fan.publicKey]);
    await runUntilSettled(
      new ClaimBatcher({ database: database(), connection, signers: { verifier } }),
      database(),
      distribution,
    );
    const { rows } = await database().query<{ status: string; failure_reason: string | null; batch_id: string | null }>(
      "SELECT status, failure_reason, batch_id FROM claims WHERE distribution = $1 AND wallet = $2",
      [distribution.address.toBase58(), fan.publicKey.toBase58()],
    );
    // No batch carried it: nothing was sent that the chain would refuse, so no fee went unreimbursed.
    expect(rows).toEqual([{ status: "failed", failure_reason: "token_account_requires_memo", batch_id: null }]);
    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 3, failed: 1 });
    for (const wallet of others)
      expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
    expect(await tokenBalance(connection, distribution.mint, fan.publicKey)).toBe(0n);
  });

  it("fails claims with a reason once the distribution has ended, and pays nothing", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await liveDistribution(connection, 10);
    const [wallet] = await queueClaims(database(), distribution, 1);
    // Move this chain's clock past the end: the program itself refuses the batch.
    chain.warp((distribution.endTs - chain.unixTimestamp() + 5) * 1000);
    await runUntilSettled(
      new ClaimBatcher({ database: database(), connection, signers: { verifier } }),
      database(),
      distribution,
    );
    const { rows } = await database().query<{ status: string; failure_reason: string }>(
      "SELECT status, failure_reason FROM claims WHERE distribution = $1",
      [distribution.address.toBase58()],
    );
    expect(rows).toEqual([{ status: "failed", failure_reason: "ended" }]);
    expect(await tokenBalance(connection, distribution.mint, wallet as PublicKey)).toBe(0n);
  });

  it("recovers a batch cut off mid-flight: landed ones confirm, unsent ones are re-sent after expiry, none paid twice", async () => {
    const connection = inProcessConnection(chain);
    const distribution = await liveDistribution(connection, 100);
    const wallets = await queueClaims(database(), distribution, 30);
    // The first instance's network dies during sending: every other transaction never leaves,
    // and the answers to those that did are lost too. Then the instance is gone.
    let sends = 0;
    const flaky = new Proxy(connection, {
      get(target, property, receiver) {
        if (property !== "sendRawTransaction") return Reflect.get(target, property, receiver);
        return async (...args: Parameters<typeof connection.sendRawTransaction>) => {
          sends++;
          if (sends % 2 === 0) await target.sendRawTransaction(...args);
          throw new TypeError("fetch failed");
        };
      },
    });
    const first = new ClaimBatcher({ database: database(), connection: flaky, signers: { verifier }, leaseMs: 1_000 });
    await first.sendQueued();
    expect(await claimStatuses(database(), distribution)).toEqual({ sent: 30 });

    // Restarted as a new instance before the unsent blockhashes expire: only the landed batches settle.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = new ClaimBatcher({ database: database(), connection, signers: { verifier }, leaseMs: 1_000 });
    await second.settleInFlight();
    const midway = await claimStatuses(database(), distribution);
    expect(midway.confirmed).toBeGreaterThan(0);
    expect(midway.sent).toBeGreaterThan(0);

    chain.warp(61_000);
    await runUntilSettled(second, database(), distribution);
    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 30 });
    for (const wallet of wallets)
      expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
    expect((await onChainState(distribution)).claimedCount).toBe(30);
    const { rows } = await database().query<{ status: string; count: string }>(
      "SELECT status, count(*) AS count FROM claim_batches WHERE distribution = $1 GROUP BY status ORDER BY status",
      [distribution.address.toBase58()],
    );
    expect(rows.map((row) => row.status)).toEqual(["confirmed", "expired"]);
  });
});

it("a re-sent landed batch is refused whole with SlotAlreadyClaimed, which sends the batcher to sort the taken slots", async () => {
  const connection = inProcessConnection(chain);
  const distribution = await liveDistribution(connection, 10);
  const wallet = Keypair.generate().publicKey;
  const entries = [{ slot: 3, wallet: wallet.toBase58(), createAccount: true }];
  await sendSigned(connection, distribution, entries);
  chain.warp(1_000);
  const error = await sendSigned(connection, distribution, entries).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SendTransactionError);
  expect(decideBatchFailure(error, 1)).toEqual({ action: "sort_taken_slots" });
  expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(distribution.amountPerClaim);
});

it("a payout the fee budget cannot open a token account for is refused whole, then failed needs_token_account alone", async () => {
  const connection = inProcessConnection(chain);
  // Every payout's fee and nothing more: no token account can be opened.
  const distribution = await createTestDistribution(connection, {
    verifier: verifier.publicKey,
    maxClaims: 10,
    nowSeconds: chain.unixTimestamp(),
    feeBudgetLamports: 5_000n * 10n,
  });
  const entries = [0, 1].map((slot) => ({ slot, wallet: Keypair.generate().publicKey.toBase58(), createAccount: true }));
  const error = await sendSigned(connection, distribution, entries).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SendTransactionError);
  expect(decideBatchFailure(error, 2)).toEqual({ action: "isolate", reason: "needs_token_account" });
  expect(decideBatchFailure(error, 1)).toEqual({ action: "fail", reason: "needs_token_account" });
  expect((await onChainState(distribution)).claimedCount).toBe(0);
});

it("the account program spends COMPUTE_UNITS_PER_BUMP_TRY on each bump it tries: the batcher's model of what an opening costs", async () => {
  const connection = inProcessConnection(chain);
  const distribution = await liveDistribution(connection, 10);
  const mint = await mintRef(connection, distribution.mint);
  const { blockhash } = await connection.getLatestBlockhash();
  const unitsToOpen = async (tries: number) => {
    const wallet = walletOpenedAfter(mint, (found) => found === tries).toBase58();
    const batch = signBatch(
      { verifier },
      distribution.address.toBase58(),
      mint,
      [{ slot: 0, wallet, createAccount: true }],
      blockhash,
    );
    const { value } = await connection.simulateTransaction(Transaction.from(batch.wire));
    expect(value.err).toBeNull();
    return value.unitsConsumed as number;
  };
  // Beyond the bump search, an opening's cost moves only by a few units: the programs compare the
  // fan's keys with others byte by byte and stop at the first difference.
  const first = await unitsToOpen(1);
  expect(Math.abs((await unitsToOpen(2)) - first - COMPUTE_UNITS_PER_BUMP_TRY)).toBeLessThanOrEqual(50);
  expect(Math.abs((await unitsToOpen(4)) - first - 3 * COMPUTE_UNITS_PER_BUMP_TRY)).toBeLessThanOrEqual(50);
});

it("reads a frozen account, and a Token-2022 account requiring incoming memos, as refusing a payout; a plain one as taking it", () => {
  const account = (fields: { isFrozen?: boolean; memo?: boolean }): Account => {
    const tlvData = Buffer.alloc(fields.memo === undefined ? 0 : 5);
    if (fields.memo !== undefined) {
      tlvData.writeUInt16LE(ExtensionType.MemoTransfer, 0);
      tlvData.writeUInt16LE(1, 2);
      tlvData[4] = fields.memo ? 1 : 0;
    }
    return { isFrozen: fields.isFrozen ?? false, tlvData } as Account;
  };
  expect(refusalOf(account({}))).toBeUndefined();
  expect(refusalOf(account({ isFrozen: true }))).toBe("token_account_frozen");
  expect(refusalOf(account({ memo: true }))).toBe("token_account_requires_memo");
  expect(refusalOf(account({ memo: false }))).toBeUndefined();
});
