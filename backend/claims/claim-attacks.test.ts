import { createAssociatedTokenAccountInstruction, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { beforeAll, expect, it } from "vitest";
import { TOKEN_ACCOUNT_RENT_LAMPORTS } from "../../shared/fee-budget.ts";
import { pauseInstruction, resumeInstruction, setVerifierInstruction } from "../../shared/program/index.ts";
import { defaultChainPrograms } from "../chain/default-programs.ts";
import { EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import type { Database } from "../db/database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { signBatch } from "./batch-transaction.ts";
import { ClaimBatcher } from "./claim-batcher.ts";
import { ClaimIntake } from "./claim-intake.ts";
import { mintRef } from "./distribution-chain-state.ts";
import { createTestDistribution, fund, sendAndAwait, type TestDistribution, tokenBalance } from "./testing/chain-fixtures.ts";
import { runUntilSettled } from "./testing/queued-claims.ts";

/**
 * The issue 12 attacks on the backend's side, against the real program in LiteSVM, the real batcher and
 * PostgreSQL: a claim is `confirmed` only when a batch of ours that carried it landed, whatever the
 * bitmap says; a distribution that leaves our verifier or pauses is read from the chain before every
 * batch; the operator never pays rent the fee budget does not cover.
 */
const verifier = Keypair.generate();
let chain: EmbeddedChain;
let connection: Connection;

beforeAll(async () => {
  chain = new EmbeddedChain({ programs: defaultChainPrograms() });
  connection = inProcessConnection(chain);
  await fund(connection, verifier.publicKey, 1000);
});

interface QueuedClaim {
  id: string;
  slot: number;
  wallet: PublicKey;
}

let userCounter = 0;
async function queueClaims(database: Database, distribution: TestDistribution, wallets: PublicKey[]): Promise<QueuedClaim[]> {
  const intake = new ClaimIntake(database);
  const claims: QueuedClaim[] = [];
  for (const wallet of wallets) {
    userCounter++;
    const outcome = await intake.submit({
      xUserId: String(userCounter),
      distribution: distribution.address.toBase58(),
      maxClaims: distribution.maxClaims,
      wallet: wallet.toBase58(),
      idempotencyKey: `attack-${userCounter}`,
    });
    if (outcome.kind !== "created") throw new Error(`the claim was not queued: ${outcome.kind}`);
    claims.push({ id: outcome.claim.id, slot: outcome.claim.slot, wallet });
  }
  return claims;
}

const freshWallets = (count: number) => Array.from({ length: count }, () => Keypair.generate().publicKey);

async function claimStates(database: Database, distribution: TestDistribution): Promise<Map<number, string>> {
  const { rows } = await database.query<{ slot: number; status: string; failure_reason: string | null }>(
    "SELECT slot, status, failure_reason FROM claims WHERE distribution = $1",
    [distribution.address.toBase58()],
  );
  return new Map(rows.map((row) => [row.slot, row.failure_reason ? `${row.status}: ${row.failure_reason}` : row.status]));
}

async function batchesRecorded(database: Database, distribution: TestDistribution): Promise<number> {
  const { rows } = await database.query<{ count: string }>(
    "SELECT count(*) AS count FROM claim_batches WHERE distribution = $1",
    [distribution.address.toBase58()],
  );
  return Number(rows[0]?.count);
}

function liveDistribution(maxClaims: number, budget?: { feeBudgetLamports: bigint }): Promise<TestDistribution> {
  return createTestDistribution(connection, {
    verifier: verifier.publicKey,
    maxClaims,
    nowSeconds: chain.unixTimestamp(),
    ...budget,
  });
}

/** What someone else holding the verifier key (a compromised or second operator) does: pays `slot` to its own wallet. */
async function payElsewhere(distribution: TestDistribution, slot: number): Promise<PublicKey> {
  const thief = Keypair.generate();
  await fund(connection, thief.publicKey, 1);
  const batch = signBatch(
    { verifier, feePayer: thief },
    distribution.address.toBase58(),
    await mintRef(connection, distribution.mint),
    [{ slot, wallet: thief.publicKey.toBase58(), createAccount: true }],
    (await connection.getLatestBlockhash()).blockhash,
  );
  await connection.sendRawTransaction(batch.wire);
  expect(await tokenBalance(connection, distribution.mint, thief.publicKey)).toBe(distribution.amountPerClaim);
  return thief.publicKey;
}

describeEachEngine("claim batcher under attack", (database) => {
  it("a queued claim whose slot someone else paid ends slot_taken without a send; the others are paid", async () => {
    const distribution = await liveDistribution(10);
    const claims = await queueClaims(database(), distribution, freshWallets(3));
    await payElsewhere(distribution, 1);
    const sentSizes: number[] = [];
    const batcher = new ClaimBatcher({
      database: database(),
      connection,
      signers: { verifier },
      hooks: { onBatchSent: (size) => sentSizes.push(size) },
    });
    await runUntilSettled(batcher, database(), distribution);

    expect(await claimStates(database(), distribution)).toEqual(
      new Map([
        [0, "confirmed"],
        [1, "failed: slot_taken"],
        [2, "confirmed"],
      ]),
    );
    expect(sentSizes).toEqual([2]);
    const balances = await Promise.all(claims.map((claim) => tokenBalance(connection, distribution.mint, claim.wallet)));
    expect(balances).toEqual([distribution.amountPerClaim, 0n, distribution.amountPerClaim]);
  });

  it("a slot paid by someone else just before our batch lands: that claim ends slot_taken, never confirmed", async () => {
    const distribution = await liveDistribution(10);
    const claims = await queueClaims(database(), distribution, freshWallets(3));
    // Our batch is signed and recorded; on its way to the cluster, the other key's payment of slot 2 gets there first.
    let raced = false;
    const racing = new Proxy(connection, {
      get(target, property, receiver) {
        if (property !== "sendRawTransaction") return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Connection["sendRawTransaction"]>) => {
          if (!raced) {
            raced = true;
            await payElsewhere(distribution, 2);
          }
          return target.sendRawTransaction(...args);
        };
      },
    });
    const confirmedSlots: number[] = [];
    const batcher = new ClaimBatcher({ database: database(), connection: racing, signers: { verifier } });
    for (let cycle = 0; cycle < 20; cycle++) {
      await batcher.runCycle();
      const states = await claimStates(database(), distribution);
      for (const [slot, state] of states) if (state === "confirmed" && !confirmedSlots.includes(slot)) confirmedSlots.push(slot);
      if (![...states.values()].some((state) => state === "queued" || state === "sent")) break;
    }

    expect(raced).toBe(true);
    expect(confirmedSlots.sort()).toEqual([0, 1]);
    expect((await claimStates(database(), distribution)).get(2)).toBe("failed: slot_taken");
    expect(await tokenBalance(connection, distribution.mint, claims[2]?.wallet as PublicKey)).toBe(0n);
    for (const claim of claims.slice(0, 2))
      expect(await tokenBalance(connection, distribution.mint, claim.wallet)).toBe(distribution.amountPerClaim);
  });

  it("a distribution moved to another verifier fails its claims verifier_changed at the next batch, sending nothing", async () => {
    const distribution = await liveDistribution(10);
    const claims = await queueClaims(database(), distribution, freshWallets(2));
    // The creator and the current verifier both sign: the rotation the program allows.
    await sendAndAwait(
      connection,
      [distribution.creator, verifier],
      setVerifierInstruction({
        creator: distribution.creator.publicKey,
        currentVerifier: verifier.publicKey,
        distribution: distribution.address,
        newVerifier: Keypair.generate().publicKey,
      }),
    );
    const batcher = new ClaimBatcher({ database: database(), connection, signers: { verifier } });
    await runUntilSettled(batcher, database(), distribution);

    expect([...(await claimStates(database(), distribution)).values()]).toEqual([
      "failed: verifier_changed",
      "failed: verifier_changed",
    ]);
    expect(await batchesRecorded(database(), distribution)).toBe(0);
    for (const claim of claims) expect(await tokenBalance(connection, distribution.mint, claim.wallet)).toBe(0n);
  });

  it("a paused distribution's claims stay queued with nothing sent, and are paid once it resumes", async () => {
    const distribution = await liveDistribution(10);
    const claims = await queueClaims(database(), distribution, freshWallets(3));
    const control = { creator: distribution.creator.publicKey, distribution: distribution.address };
    await sendAndAwait(connection, [distribution.creator], pauseInstruction(control));
    const batcher = new ClaimBatcher({ database: database(), connection, signers: { verifier }, pausedRecheckMs: 0 });
    for (let cycle = 0; cycle < 5; cycle++) await batcher.runCycle();

    expect([...(await claimStates(database(), distribution)).values()]).toEqual(["queued", "queued", "queued"]);
    expect(await batchesRecorded(database(), distribution)).toBe(0);

    await sendAndAwait(connection, [distribution.creator], resumeInstruction(control));
    await runUntilSettled(batcher, database(), distribution);
    expect([...(await claimStates(database(), distribution)).values()]).toEqual(["confirmed", "confirmed", "confirmed"]);
    for (const claim of claims)
      expect(await tokenBalance(connection, distribution.mint, claim.wallet)).toBe(distribution.amountPerClaim);
  });

  it("opens token accounts only while the fee budget covers their rent; the fee payer never loses lamports", async () => {
    const maxClaims = 10;
    const feePerClaim = 5_000n;
    // Every payout's fee, and the rent of exactly one new token account.
    const distribution = await liveDistribution(maxClaims, {
      feeBudgetLamports: feePerClaim * BigInt(maxClaims) + TOKEN_ACCOUNT_RENT_LAMPORTS,
    });
    const holders = freshWallets(2);
    const payer = Keypair.generate();
    await fund(connection, payer.publicKey, 1);
    await sendAndAwait(
      connection,
      [payer],
      ...holders.map((holder) =>
        createAssociatedTokenAccountInstruction(
          payer.publicKey,
          getAssociatedTokenAddressSync(distribution.mint, holder, true),
          holder,
          distribution.mint,
        ),
      ),
    );
    const newcomers = freshWallets(3);
    const claims = await queueClaims(database(), distribution, [...newcomers, ...holders]);
    const before = await connection.getBalance(verifier.publicKey);
    await runUntilSettled(
      new ClaimBatcher({ database: database(), connection, signers: { verifier } }),
      database(),
      distribution,
    );
    const after = await connection.getBalance(verifier.publicKey);

    const states = await claimStates(database(), distribution);
    const bySlot = claims.map((claim) => states.get(claim.slot));
    expect(bySlot.slice(3)).toEqual(["confirmed", "confirmed"]);
    expect(bySlot.slice(0, 3).sort()).toEqual(["confirmed", "failed: needs_token_account", "failed: needs_token_account"]);
    const paid = await Promise.all(claims.map((claim) => tokenBalance(connection, distribution.mint, claim.wallet)));
    expect(paid.filter((balance) => balance === distribution.amountPerClaim)).toHaveLength(3);
    const opened = await connection.getMultipleAccountsInfo(
      newcomers.map((wallet) => getAssociatedTokenAddressSync(distribution.mint, wallet, true)),
    );
    expect(opened.filter(Boolean)).toHaveLength(1);
    expect(after).toBeGreaterThanOrEqual(before);
  });
});
