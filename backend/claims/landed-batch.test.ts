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
});
