import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { type BatchClaimInput, batchClaimInstruction } from "../../../../shared/program/batch-claim.ts";
import { closeDistributionInstruction } from "../../../../shared/program/close-distribution.ts";
import { type CreateDistributionInput, createDistributionInstruction } from "../../../../shared/program/create-distribution.ts";
import { setVerifierInstruction } from "../../../../shared/program/creator-controls.ts";
import { type DistributionAccount, decodeDistributionAccount } from "../../../../shared/program/distribution-account.ts";
import { distributionProgramId } from "../../../../shared/program/ids.ts";
import { findDistributionAddress, findVaultAddress } from "../../../../shared/program/pda.ts";
import { readProgramBinary } from "./program-binary.ts";
import { logsOf, outcomeOf, type SendResult, Testbed, toAddress } from "./svm.ts";
import { deployThroughUpgradeableLoader } from "./upgradeable-loader.ts";

/** 2027-01-15: a fixed "now" so time checks never depend on the machine's clock. */
export const GENESIS_TIME = 1_800_000_000n;
export const DAY = 86_400n;
const SOL = 1_000_000_000n;
/** Tokens the creator holds beyond the deposit, so a wrong transfer amount shows. */
const CREATOR_SPARE = 1_000n;

export type DeployMethod = "addProgram" | "upgradeable loader";

/** A Testbed with the distribution program loaded, its clock at GENESIS_TIME. */
export function programTestbed(method: DeployMethod = "addProgram"): { testbed: Testbed; programId: PublicKey } {
  const testbed = new Testbed();
  const binary = readProgramBinary();
  testbed.setTime(GENESIS_TIME);
  if (method === "addProgram") {
    testbed.svm.addProgram(toAddress(distributionProgramId), binary);
    return { testbed, programId: distributionProgramId };
  }
  return { testbed, programId: deployThroughUpgradeableLoader(testbed, binary) };
}

export interface DistributionTerms {
  amountPerClaim: bigint;
  maxClaims: number;
  startTs: bigint;
  endTs: bigint;
  feePerClaimLamports: bigint;
  feeBudgetLamports: bigint;
}

export interface Fixture {
  testbed: Testbed;
  programId: PublicKey;
  creator: Keypair;
  verifier: Keypair;
  /** The backend's fee payer, reimbursed from the fee budget. */
  feePayer: Keypair;
  mint: PublicKey;
  /** The mint's token program: SPL Token, or Token-2022 for a mint made by token-2022.ts. */
  tokenProgram: PublicKey;
  creatorTokenAccount: PublicKey;
  distributionId: bigint;
  distribution: PublicKey;
  vault: PublicKey;
  terms: DistributionTerms;
  deposit: bigint;
  creatorTokensBefore: bigint;
}

/** Every fixture prepared since the last invariant check (see invariant.ts). */
export const liveFixtures: Fixture[] = [];

/** Unless a test says otherwise, the budget covers every slot's fee plus 0.01 SOL for opening accounts. */
function defaultTerms(overrides: Partial<DistributionTerms>): DistributionTerms {
  const maxClaims = overrides.maxClaims ?? 100;
  const feePerClaimLamports = overrides.feePerClaimLamports ?? 5_000n;
  return {
    amountPerClaim: 1_000_000n,
    maxClaims,
    startTs: GENESIS_TIME,
    endTs: GENESIS_TIME + DAY,
    feePerClaimLamports,
    feeBudgetLamports: feePerClaimLamports * BigInt(Math.max(maxClaims, 0)) + 10_000_000n,
    ...overrides,
  };
}

/**
 * A creator with a fresh mint funded for the deposit, a verifier and a fee payer; the distribution is
 * not created yet. The fixture joins the invariant check that runs after every test.
 */
export function prepareFixture(
  testbed: Testbed,
  programId: PublicKey,
  overrides: Partial<DistributionTerms> = {},
  mint: PublicKey = testbed.createMint(),
): Fixture {
  const terms = defaultTerms(overrides);
  const creator = Keypair.generate();
  const verifier = Keypair.generate();
  const feePayer = Keypair.generate();
  for (const key of [creator, verifier, feePayer]) testbed.airdrop(key.publicKey, 100n * SOL);
  const creatorTokenAccount = testbed.createAssociatedTokenAccount(creator.publicKey, mint);
  const product = terms.amountPerClaim * BigInt(terms.maxClaims);
  // An impossible deposit (overflow) still gets a funded creator, so the program's own check is what fails.
  const deposit = product < 1n << 64n ? product : 0n;
  testbed.mintTo(mint, creatorTokenAccount, deposit + CREATOR_SPARE);
  const distributionId = BigInt(liveFixtures.length + 1);
  const distribution = findDistributionAddress(creator.publicKey, distributionId, programId).address;
  const fixture: Fixture = {
    testbed,
    programId,
    creator,
    verifier,
    feePayer,
    mint,
    tokenProgram: testbed.tokenProgramOf(mint),
    creatorTokenAccount,
    distributionId,
    distribution,
    vault: findVaultAddress(distribution, programId).address,
    terms,
    deposit,
    creatorTokensBefore: deposit + CREATOR_SPARE,
  };
  liveFixtures.push(fixture);
  return fixture;
}

export function createInput(fixture: Fixture): CreateDistributionInput {
  return {
    creator: fixture.creator.publicKey,
    mint: fixture.mint,
    tokenProgram: fixture.tokenProgram,
    creatorTokenAccount: fixture.creatorTokenAccount,
    verifier: fixture.verifier.publicKey,
    distributionId: fixture.distributionId,
    amountPerClaim: fixture.terms.amountPerClaim,
    maxClaims: fixture.terms.maxClaims,
    startTs: fixture.terms.startTs,
    endTs: fixture.terms.endTs,
    feePerClaimLamports: fixture.terms.feePerClaimLamports,
    feeBudgetLamports: fixture.terms.feeBudgetLamports,
    requirementsHash: new Uint8Array(32).fill(7),
    postId: 1_849_123_456_789_012_345n,
    programId: fixture.programId,
  };
}

export function sendCreate(fixture: Fixture, overrides: Partial<CreateDistributionInput> = {}): SendResult {
  return fixture.testbed.send([createDistributionInstruction({ ...createInput(fixture), ...overrides })], [fixture.creator]);
}

/** A prepared and created distribution: the starting point of most tests. */
export function createdFixture(
  testbed: Testbed,
  programId: PublicKey,
  overrides: Partial<DistributionTerms> = {},
  mint?: PublicKey,
): Fixture {
  const fixture = prepareFixture(testbed, programId, overrides, mint);
  const result = sendCreate(fixture);
  if (outcomeOf(result) !== "ok") throw new Error(`create_distribution failed: ${outcomeOf(result)}\n${logsOf(result)}`);
  return fixture;
}

/** Owners with an associated token account of the fixture's mint, ready to receive claims. */
export function recipients(fixture: Fixture, count: number): { owner: PublicKey; tokenAccount: PublicKey }[] {
  return Array.from({ length: count }, () => {
    const owner = Keypair.generate().publicKey;
    return { owner, tokenAccount: fixture.testbed.createAssociatedTokenAccount(owner, fixture.mint) };
  });
}

export function batchInput(fixture: Fixture, claims: BatchClaimInput["claims"]): BatchClaimInput {
  return {
    verifier: fixture.verifier.publicKey,
    feePayer: fixture.feePayer.publicKey,
    distribution: fixture.distribution,
    mint: fixture.mint,
    tokenProgram: fixture.tokenProgram,
    claims,
    programId: fixture.programId,
  };
}

/** batch_claim signed by the fixture's fee payer and verifier. */
export function sendClaims(
  fixture: Fixture,
  claims: BatchClaimInput["claims"],
  overrides: Partial<BatchClaimInput> = {},
): SendResult {
  return fixture.testbed.send(
    [batchClaimInstruction({ ...batchInput(fixture, claims), ...overrides })],
    [fixture.feePayer, fixture.verifier],
  );
}

export function sendClose(fixture: Fixture, signer: Keypair = fixture.creator): SendResult {
  return fixture.testbed.send(
    [
      closeDistributionInstruction({
        creator: signer.publicKey,
        distribution: fixture.distribution,
        mint: fixture.mint,
        creatorTokenAccount: getAssociatedTokenAddressSync(fixture.mint, signer.publicKey, false, fixture.tokenProgram),
        tokenProgram: fixture.tokenProgram,
        programId: fixture.programId,
      }),
    ],
    [signer],
  );
}

/** The creator's set_verifier, signed by the creator and by `currentVerifier` (consenting or not). */
export function sendSetVerifier(
  fixture: Fixture,
  newVerifier: PublicKey,
  currentVerifier: Keypair = fixture.verifier,
): SendResult {
  const instruction = setVerifierInstruction({
    creator: fixture.creator.publicKey,
    currentVerifier: currentVerifier.publicKey,
    distribution: fixture.distribution,
    newVerifier,
    programId: fixture.programId,
  });
  const signers = currentVerifier === fixture.creator ? [fixture.creator] : [fixture.creator, currentVerifier];
  return fixture.testbed.send([instruction], signers);
}

export function readDistribution(fixture: Fixture): DistributionAccount {
  const data = fixture.testbed.accountData(fixture.distribution);
  if (!data) throw new Error("the distribution account does not exist");
  return decodeDistributionAccount(data);
}
