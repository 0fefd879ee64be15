/**
 * `npm run bench:program`: sends real batch_claim transactions of the largest size that fits to the built
 * program in LiteSVM, prints a table, then one JSON object as the last line.
 */
import { statSync } from "node:fs";
import { ASSOCIATED_TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type AddressLookupTableAccount, ComputeBudgetProgram, Keypair } from "@solana/web3.js";
import { FailedTransactionMetadata, type TransactionMetadata } from "litesvm";
import { type BatchShape, maxClaimsPerLegacyTransaction, maxClaimsPerV0Transaction } from "../../shared/program/batch-size.ts";
import { TOKEN_ACCOUNT_SIZE } from "../../shared/program/layout.ts";
import {
  batchLookupTable,
  consecutiveClaims,
  legacyBatchBytes,
  type Recipient,
  v0BatchBytes,
} from "../distribution/tests/harness/batch-transactions.ts";
import {
  createdFixture,
  type Fixture,
  programTestbed,
  readDistribution,
  recipients,
} from "../distribution/tests/harness/distribution-fixture.ts";
import { PROGRAM_SO_PATH } from "../distribution/tests/harness/program-binary.ts";
import { logsOf, outcomeOf } from "../distribution/tests/harness/svm.ts";
import { createToken2022Mint } from "../distribution/tests/harness/token-2022.ts";
import { cpiUnitsByProgram, invocationsFromLogs } from "./compute-units.ts";

const FEE_PER_CLAIM = 5_000n;
/** Enough for any single batch here; the runtime's default is 200,000 per instruction. */
const COMPUTE_UNIT_LIMIT = 1_400_000;
const computeLimit = ComputeBudgetProgram.setComputeUnitLimit({ units: COMPUTE_UNIT_LIMIT });

interface BatchRun {
  claims: number;
  bytes: number;
  computeUnits: number;
  /** Lamports the fee payer spent on the transaction itself, before the program reimbursed anything. */
  feePayerCost: bigint;
  tokenTransferUnits: number;
  ataCreateUnits: number;
}

function measured(
  fixture: Fixture,
  claims: number,
  bytes: number,
  send: () => TransactionMetadata | FailedTransactionMetadata,
): BatchRun {
  const { testbed } = fixture;
  const payer = fixture.verifier.publicKey;
  const lamportsBefore = testbed.lamports(payer);
  const budgetBefore = readDistribution(fixture).feeBudgetLamports;
  const result = send();
  if (result instanceof FailedTransactionMetadata)
    throw new Error(`batch of ${claims} failed: ${outcomeOf(result)}\n${logsOf(result)}`);
  const reimbursed = budgetBefore - readDistribution(fixture).feeBudgetLamports;
  const cpis = cpiUnitsByProgram(invocationsFromLogs(result.logs()));
  return {
    claims,
    bytes,
    computeUnits: Number(result.computeUnitsConsumed()),
    feePayerCost: lamportsBefore - testbed.lamports(payer) + reimbursed,
    tokenTransferUnits: cpis.get(fixture.tokenProgram.toBase58())?.computeUnits ?? 0,
    ataCreateUnits: cpis.get(ASSOCIATED_TOKEN_PROGRAM_ID.toBase58())?.computeUnits ?? 0,
  };
}

function sendLegacy(fixture: Fixture, batch: Recipient[], firstSlot: number, shape: BatchShape): BatchRun {
  const bytes = legacyBatchBytes(fixture, consecutiveClaims(batch, firstSlot, shape.createAccounts ?? false), shape);
  return measured(fixture, batch.length, bytes.length, () => fixture.testbed.sendBytes(bytes));
}

function sendV0(
  fixture: Fixture,
  batch: Recipient[],
  firstSlot: number,
  shape: BatchShape,
  table: AddressLookupTableAccount,
): BatchRun {
  const bytes = v0BatchBytes(fixture, consecutiveClaims(batch, firstSlot, shape.createAccounts ?? false), table, shape);
  return measured(fixture, batch.length, bytes.length, () => fixture.testbed.sendBytes(bytes));
}

/** Sends one claim more than the capacity helper allows and returns why the runtime (or the size check) refused it. */
function refusalOfOneMore(send: () => BatchRun): string {
  try {
    send();
  } catch (error) {
    const first = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    return first.replace(/^batch of \d+ failed: /, "");
  }
  throw new Error("a batch one claim larger than the computed capacity landed: the capacity helper is wrong");
}

/** Fresh owners: with an associated token account already, or (for creation batches) without one. */
function newRecipients(fixture: Fixture, count: number, withAccounts: boolean): Recipient[] {
  if (withAccounts) return recipients(fixture, count);
  return Array.from({ length: count }, () => ({
    owner: Keypair.generate().publicKey,
    tokenAccount: Keypair.generate().publicKey,
  }));
}

function main(): void {
  const { testbed, programId } = programTestbed();
  // The CU breakdown reads every CPI's log line; the default 10 kB log limit would cut a full batch short.
  testbed.svm.withLogBytesLimit();
  const fixture = createdFixture(testbed, programId, {
    maxClaims: 1_000,
    feePerClaimLamports: FEE_PER_CLAIM,
    feeBudgetLamports: 10_000_000_000n,
  });
  let nextSlot = 0;
  const take = (count: number) => {
    const first = nextSlot;
    nextSlot += count;
    return first;
  };

  // Marginal cost: the same transaction shape with one claim and with two.
  const one = sendLegacy(fixture, newRecipients(fixture, 1, true), take(1), {});
  const two = sendLegacy(fixture, newRecipients(fixture, 2, true), take(2), {});

  const legacyShape: BatchShape = {};
  const legacyCapacity = maxClaimsPerLegacyTransaction(legacyShape);
  const legacy = sendLegacy(
    fixture,
    newRecipients(fixture, legacyCapacity.claims, true),
    take(legacyCapacity.claims),
    legacyShape,
  );
  const legacyLarger = newRecipients(fixture, legacyCapacity.claims + 1, true);
  const legacyRefusal = refusalOfOneMore(() => sendLegacy(fixture, legacyLarger, nextSlot, legacyShape));

  const createShape: BatchShape = { createAccounts: true, extraInstructions: [computeLimit] };
  const createCapacity = maxClaimsPerLegacyTransaction(createShape);
  const createBatch = newRecipients(fixture, createCapacity.claims, false);
  const created = sendLegacy(fixture, createBatch, take(createCapacity.claims), createShape);
  const createLarger = newRecipients(fixture, createCapacity.claims + 1, false);
  // The capacity counts the worst case: every address pre-funded, so the ATA program allocates and assigns.
  for (const { owner } of createLarger) testbed.airdrop(getAssociatedTokenAddressSync(fixture.mint, owner), 1_000_000n);
  const createRefusal = refusalOfOneMore(() => sendLegacy(fixture, createLarger, nextSlot, createShape));
  const ataRent = testbed.rentExempt(TOKEN_ACCOUNT_SIZE);

  const v0Shape: BatchShape = {};
  const v0Capacity = maxClaimsPerV0Transaction(v0Shape);
  const v0Batch = newRecipients(fixture, v0Capacity.claims, true);
  const v0Table = batchLookupTable(fixture, v0Batch, false);
  const v0 = sendV0(fixture, v0Batch, take(v0Capacity.claims), v0Shape, v0Table);
  const v0Larger = newRecipients(fixture, v0Capacity.claims + 1, true);
  const v0LargerTable = batchLookupTable(fixture, v0Larger, false);
  const v0Refusal = refusalOfOneMore(() => sendV0(fixture, v0Larger, nextSlot, v0Shape, v0LargerTable));

  const v0CreateShape: BatchShape = { createAccounts: true, extraInstructions: [computeLimit] };
  const v0CreateCapacity = maxClaimsPerV0Transaction(v0CreateShape);
  const v0CreateBatch = newRecipients(fixture, v0CreateCapacity.claims, false);
  const v0Created = sendV0(
    fixture,
    v0CreateBatch,
    take(v0CreateCapacity.claims),
    v0CreateShape,
    batchLookupTable(fixture, v0CreateBatch, true),
  );

  // The same full legacy batch for a pump.fun-shaped Token-2022 coin (metadata pointer + metadata).
  const pumpFun = createdFixture(
    testbed,
    programId,
    { maxClaims: 1_000, feePerClaimLamports: FEE_PER_CLAIM, feeBudgetLamports: 10_000_000_000n },
    createToken2022Mint(testbed, ["metadata"]),
  );
  const legacy2022 = sendLegacy(pumpFun, newRecipients(pumpFun, legacyCapacity.claims, true), 0, legacyShape);

  const separatePayer = maxClaimsPerLegacyTransaction({ separateFeePayer: true });
  const withPriorityFee = maxClaimsPerLegacyTransaction({
    extraInstructions: [computeLimit, ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1_000 })],
  });
  const marginal = two.computeUnits - one.computeUnits;
  const marginalTransfer = two.tokenTransferUnits - one.tokenTransferUnits;
  const perClaim = (run: BatchRun) => Math.round(run.computeUnits / run.claims);
  const soBytes = statSync(PROGRAM_SO_PATH).size;

  const rows: [string, string | number][] = [
    ["legacy tx: claims into existing accounts (verifier pays)", `${legacy.claims} (${legacy.bytes} B)`],
    ["  one more claim", legacyRefusal],
    ["legacy tx: claims, separate fee payer (computed)", `${separatePayer.claims} (${separatePayer.limitedBy})`],
    ["legacy tx: claims with CU limit + CU price ixs (computed)", `${withPriorityFee.claims} (${withPriorityFee.limitedBy})`],
    ["legacy tx: claims creating the ATA (+ CU limit ix)", `${created.claims} (${created.bytes} B)`],
    ["  one more claim, every address pre-funded by a griefer", createRefusal],
    ["v0 tx + lookup table: claims", `${v0.claims} (${v0.bytes} B)`],
    ["  one more claim", v0Refusal],
    [
      "v0 tx + lookup table: claims creating the ATA",
      `${v0Created.claims} (${v0Created.bytes} B; ${v0CreateCapacity.limitedBy})`,
    ],
    ["CU, full legacy batch", legacy.computeUnits],
    ["CU per claim, amortised over the full legacy batch", perClaim(legacy)],
    ["CU per claim, v0 batch", perClaim(v0)],
    ["CU per claim, Token-2022 pump.fun-shaped mint, full legacy batch", perClaim(legacy2022)],
    ["  of which Token-2022 TransferChecked executing", Math.round(legacy2022.tokenTransferUnits / legacy2022.claims)],
    ["CU per extra claim (batch of 2 minus batch of 1)", marginal],
    ["  of which SPL Token TransferChecked executing", marginalTransfer],
    ["  of which program + CPI overhead", marginal - marginalTransfer],
    ["CU, batch of 1 (fixed cost + 1 claim)", one.computeUnits],
    ["CU per claim creating the ATA", perClaim(created)],
    ["  of which ATA CreateIdempotent (incl. its own CPIs)", Math.round(created.ataCreateUnits / created.claims)],
    ["fee payer lamports per claim (signature fee, full legacy batch)", (Number(legacy.feePayerCost) / legacy.claims).toFixed(1)],
    ["fee payer lamports per claim, v0 batch", (Number(v0.feePayerCost) / v0.claims).toFixed(1)],
    ["reimbursed to the fee payer per claim (fee_per_claim_lamports)", Number(FEE_PER_CLAIM)],
    [
      `lookup table rent for ${v0Table.state.addresses.length} addresses (once per table, reclaimable)`,
      Number(testbed.lamports(v0Table.key)),
    ],
    ["ATA rent per created account (reimbursed from the budget)", Number(ataRent)],
    ["program .so bytes", soBytes],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`${"measurement".padEnd(width)} | value`);
  console.log(`${"-".repeat(width)}-|-${"-".repeat(40)}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)} | ${value}`);

  console.log(
    JSON.stringify({
      claims_per_tx_legacy: legacy.claims,
      claims_per_tx_v0_alt: v0.claims,
      cu_per_claim: perClaim(legacy),
      cu_per_claim_with_ata_creation: perClaim(created),
      cu_per_claim_token_2022: perClaim(legacy2022),
      lamports_per_claim_fee_payer: Math.round(Number(legacy.feePayerCost) / legacy.claims),
      so_bytes: soBytes,
    }),
  );
}

main();
