import { type Connection, Keypair, type PublicKey, type SignatureStatus } from "@solana/web3.js";
import bs58 from "bs58";
import { beforeAll, expect, it } from "vitest";
import { DISTRIBUTION_ERROR_CODES } from "../../shared/program/index.ts";
import { defaultChainPrograms } from "../chain/default-programs.ts";
import { EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import type { Database } from "../db/database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { ClaimBatcher } from "./claim-batcher.ts";
import { ClaimIntake } from "./claim-intake.ts";
import { createTestDistribution, fund, type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { claimStatuses, queueClaims, runUntilSettled } from "./testing/queued-claims.ts";

/**
 * A batch of ours that landed must end its claims confirmed, whatever an RPC node says on the way: a
 * node behind the cluster answers "no status" for a transaction it has not caught up with, and a status
 * only processed may still change. A claim whose own batch set its slot's bit must never end
 * `slot_taken`, a final failure, while the fan holds the tokens.
 */
const verifier = Keypair.generate();
let chain: EmbeddedChain;
let connection: Connection;
/** Past a blockhash's 150 blocks of 400 ms. */
const PAST_EXPIRY_MS = 70_000;
/** Past the batcher's patience with a node that shows no status for an earlier batch (300 blocks past expiry). */
const PAST_PATIENCE_MS = 200_000;

beforeAll(async () => {
  chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  connection = inProcessConnection(chain);
  await fund(connection, verifier.publicKey, 1000);
});

type Statuses = Awaited<ReturnType<Connection["getSignatureStatuses"]>>;

/**
 * The connection, with getSignatureStatuses answered by `answer` (given the signatures and the real
 * answer) while it returns something, and by the chain otherwise: an RPC node answering as the test needs.
 */
function statusesAnsweredBy(answer: (signatures: string[], real: Statuses) => Statuses | undefined): Connection {
  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property !== "getSignatureStatuses") return Reflect.get(target, property, receiver);
      return async (...args: Parameters<Connection["getSignatureStatuses"]>) => {
        const real = await target.getSignatureStatuses(...args);
        return answer(args[0], real) ?? real;
      };
    },
  });
}

function liveDistribution(): Promise<TestDistribution> {
  return createTestDistribution(connection, { verifier: verifier.publicKey, maxClaims: 10, nowSeconds: chain.unixTimestamp() });
}

/** A node behind the cluster that has not seen our batches: no status for any, while `lagging()` says so. */
function lagging(isLagging: () => boolean): Connection {
  return statusesAnsweredBy((signatures, real) =>
    isLagging() ? { context: real.context, value: signatures.map(() => null) } : undefined,
  );
}

async function claimRows(database: Database, distribution: TestDistribution) {
  const { rows } = await database.query<{ status: string; failure_reason: string | null; signature: string | null }>(
    "SELECT status, failure_reason, signature FROM claims WHERE distribution = $1",
    [distribution.address.toBase58()],
  );
  return rows;
}

async function batchRows(database: Database, distribution: TestDistribution) {
  const { rows } = await database.query<{ status: string; signature: string }>(
    "SELECT status, signature FROM claim_batches WHERE distribution = $1 ORDER BY id",
    [distribution.address.toBase58()],
  );
  return rows;
}

describeEachEngine("a landed batch the RPC node was slow to show", (database) => {
  it("a landed batch answered no status once past its expiry ends confirmed by its signature, never slot_taken", async () => {
    const distribution = await liveDistribution();
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    let lagging = false;
    // Once, a node behind the cluster: it has not seen the batch yet.
    const rpc = statusesAnsweredBy((signatures, real) => {
      if (!lagging) return undefined;
      lagging = false;
      return { context: real.context, value: signatures.map(() => null) };
    });
    const batcher = new ClaimBatcher({ database: database(), connection: rpc, signers: { verifier } });
    await batcher.sendQueued();
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
    const [landed] = await batchRows(database(), distribution);

    chain.warp(PAST_EXPIRY_MS);
    lagging = true;
    await runUntilSettled(batcher, database(), distribution);

    expect(await claimRows(database(), distribution)).toEqual([
      { status: "confirmed", failure_reason: null, signature: landed?.signature },
    ]);
    expect(await batchRows(database(), distribution)).toEqual([{ status: "confirmed", signature: landed?.signature }]);
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
  });

  it("a batch that lands while its status is asked for, as its blockhash expires, is not taken for expired", async () => {
    const distribution = await liveDistribution();
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    // The node takes the batch but it reaches a leader only after the batcher's next status read, in
    // the last block its blockhash allows; the chain then moves on past that blockhash.
    let held: Buffer | undefined;
    const rpc = new Proxy(
      statusesAnsweredBy((_signatures, real) => {
        if (!held) return undefined;
        chain.send(held, { skipPreflight: true });
        held = undefined;
        chain.warp(PAST_EXPIRY_MS);
        return real;
      }),
      {
        get(target, property, receiver) {
          if (property !== "sendRawTransaction") return Reflect.get(target, property, receiver);
          return async (wire: Buffer) => {
            held = wire;
            return bs58.encode(wire.subarray(1, 65));
          };
        },
      },
    );
    const batcher = new ClaimBatcher({ database: database(), connection: rpc, signers: { verifier } });
    await batcher.sendQueued();
    await batcher.settleInFlight();
    // Asked before it landed, it had no status; its blockhash was still valid then, so it may yet land.
    expect(await claimStatuses(database(), distribution)).toEqual({ sent: 1 });

    await batcher.settleInFlight();
    expect(await claimStatuses(database(), distribution)).toEqual({ confirmed: 1 });
    expect((await batchRows(database(), distribution)).map((batch) => batch.status)).toEqual(["confirmed"]);
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
  });

  it("an error seen only at processed commitment settles nothing: the batch is confirmed once the cluster confirms it", async () => {
    const distribution = await liveDistribution();
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    // A fork's leader ran it after the distribution's end; the cluster confirms it on another fork.
    let forked = true;
    const rpc = statusesAnsweredBy((signatures, real) => {
      if (!forked) return undefined;
      forked = false;
      const failed: SignatureStatus = {
        slot: real.context.slot,
        confirmations: 0,
        err: { InstructionError: [1, { Custom: DISTRIBUTION_ERROR_CODES.Ended }] },
        confirmationStatus: "processed",
      };
      return { context: real.context, value: signatures.map(() => failed) };
    });
    const batcher = new ClaimBatcher({ database: database(), connection: rpc, signers: { verifier } });
    await batcher.sendQueued();
    await batcher.settleInFlight();
    expect(await claimStatuses(database(), distribution)).toEqual({ sent: 1 });

    await batcher.settleInFlight();
    expect(await claimRows(database(), distribution)).toEqual([
      { status: "confirmed", failure_reason: null, signature: (await batchRows(database(), distribution))[0]?.signature },
    ]);
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
  });

  it("a claim whose earlier batch the node shows no status for waits for it rather than fail slot_taken", async () => {
    const distribution = await liveDistribution();
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    // The node has not seen the batch when it settles nor the first two times the claim is screened.
    let lags = 0;
    const batcher = new ClaimBatcher({
      database: database(),
      connection: lagging(() => lags-- > 0),
      signers: { verifier },
      pausedRecheckMs: 0,
    });
    await batcher.sendQueued();
    const [landed] = await batchRows(database(), distribution);

    chain.warp(PAST_EXPIRY_MS);
    lags = 3;
    await runUntilSettled(batcher, database(), distribution);

    expect(await claimRows(database(), distribution)).toEqual([
      { status: "confirmed", failure_reason: null, signature: landed?.signature },
    ]);
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
  });

  it("a claim whose earlier batch the node never shows fails slot_taken once that batch's blockhash is long past", async () => {
    const distribution = await liveDistribution();
    await queueClaims(database(), distribution, 1);
    let lags = false;
    const batcher = new ClaimBatcher({
      database: database(),
      connection: lagging(() => lags),
      signers: { verifier },
      pausedRecheckMs: 0,
    });
    await batcher.sendQueued();

    chain.warp(PAST_EXPIRY_MS);
    lags = true;
    await batcher.runCycle();
    await batcher.runCycle();
    expect(await claimStatuses(database(), distribution)).toEqual({ queued: 1 });

    chain.warp(PAST_PATIENCE_MS);
    await runUntilSettled(batcher, database(), distribution);
    expect(await claimRows(database(), distribution)).toEqual([
      { status: "failed", failure_reason: "slot_taken", signature: null },
    ]);
  });

  it("a claim failing `ended` is first confirmed by its earlier batch, even when the distribution read lags too", async () => {
    const distribution = await liveDistribution();
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    const address = distribution.address.toBase58();
    // The distribution as it was before the batch set its slot's bit, answered by a node behind.
    const before = await connection.getAccountInfo(distribution.address, "confirmed");
    let lags = false;
    const rpc = new Proxy(
      lagging(() => {
        const lagged = lags;
        lags = false;
        return lagged;
      }),
      {
        get(target, property, receiver) {
          if (property !== "getAccountInfo") return Reflect.get(target, property, receiver);
          return async (...args: Parameters<Connection["getAccountInfo"]>) =>
            args[0].toBase58() === address ? before : target.getAccountInfo(...args);
        },
      },
    );
    const batcher = new ClaimBatcher({ database: database(), connection: rpc, signers: { verifier } });
    await batcher.sendQueued();
    const [landed] = await batchRows(database(), distribution);

    // Past expiry and the distribution's end; the node shows no status once, as the batch settles.
    chain.warp(3_700_000);
    lags = true;
    await runUntilSettled(batcher, database(), distribution);

    expect(await claimRows(database(), distribution)).toEqual([
      { status: "confirmed", failure_reason: null, signature: landed?.signature },
    ]);
    expect(await tokenBalance(connection, distribution.mint, wallet)).toBe(1_000n);
  });

  it("a claim that went back to the queue from a batch is claimed again only to the wallet that batch paid", async () => {
    const distribution = await liveDistribution();
    const [wallet] = (await queueClaims(database(), distribution, 1)) as [PublicKey];
    let lags = false;
    const batcher = new ClaimBatcher({ database: database(), connection: lagging(() => lags), signers: { verifier } });
    await batcher.sendQueued();
    const [landed] = await batchRows(database(), distribution);
    chain.warp(PAST_EXPIRY_MS);
    lags = true;
    await batcher.settleInFlight();
    lags = false;
    // Back in the queue with its landed batch remembered, the claim then fails for a reason the fan can mend.
    const { rows } = await database().query<{ id: string; x_user_id: string }>(
      "UPDATE claims SET status = 'failed', failure_reason = 'token_account_frozen' WHERE distribution = $1 RETURNING id, x_user_id",
      [distribution.address.toBase58()],
    );
    const [{ id, x_user_id: xUserId }] = rows as [{ id: string; x_user_id: string }];
    const intake = new ClaimIntake(database());
    const again = (to: PublicKey) =>
      intake.retry(id, {
        xUserId,
        distribution: distribution.address.toBase58(),
        maxClaims: distribution.maxClaims,
        wallet: to.toBase58(),
        idempotencyKey: `again-${to.toBase58()}`,
      });

    expect((await again(Keypair.generate().publicKey)).kind).toBe("already_claimed");
    expect((await again(wallet)).kind).toBe("retried");
    await runUntilSettled(batcher, database(), distribution);
    const { rows: paid } = await database().query<{ status: string; wallet: string; signature: string }>(
      "SELECT status, wallet, signature FROM claims WHERE id = $1",
      [id],
    );
    expect(paid).toEqual([{ status: "confirmed", wallet: wallet.toBase58(), signature: landed?.signature }]);
  });
});
