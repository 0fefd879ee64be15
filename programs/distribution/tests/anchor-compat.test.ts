import { BN, BorshCoder, type Idl } from "@coral-xyz/anchor";
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { beforeAll, describe, expect, it } from "vitest";
import { batchClaimInstruction } from "../../../shared/program/batch-claim.ts";
import { closeDistributionInstruction } from "../../../shared/program/close-distribution.ts";
import { createDistributionInstruction } from "../../../shared/program/create-distribution.ts";
import { pauseInstruction, resumeInstruction, setVerifierInstruction } from "../../../shared/program/creator-controls.ts";
import {
  DISTRIBUTION_ACCOUNT_DISCRIMINATOR,
  INSTRUCTION_DISCRIMINATORS,
  INSTRUCTION_NAMES,
} from "../../../shared/program/discriminators.ts";
import { type DistributionAccount, decodeDistributionAccount } from "../../../shared/program/distribution-account.ts";
import { DISTRIBUTION_ERRORS } from "../../../shared/program/errors.ts";
import { findDistributionAddress, findVaultAddress } from "../../../shared/program/pda.ts";
import { DISTRIBUTION_PROGRAM_ID } from "../../../shared/program/program-id.ts";
import { createdFixture, programTestbed, recipients, sendClaims } from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest } from "./harness/invariant.ts";
import { readIdl } from "./harness/program-binary.ts";
import { logsOf, outcomeOf } from "./harness/svm.ts";

checkInvariantAfterEachTest();

/** What an Anchor client would build, and what our builders must match byte for byte. */
interface Case {
  name: (typeof INSTRUCTION_NAMES)[number];
  ours: TransactionInstruction;
  /** Arguments as Anchor's coder takes them: IDL (snake_case) names, BN for 64-bit integers. */
  anchorArgs: Record<string, unknown>;
}

const creator = Keypair.generate().publicKey;
const verifier = Keypair.generate().publicKey;
const mint = PublicKey.unique();
const distribution = findDistributionAddress(creator, 42n);
const vault = findVaultAddress(distribution.address);
const requirementsHash = Uint8Array.from({ length: 32 }, (_, index) => index * 7);
const recipient = PublicKey.unique();
const newOwner = Keypair.generate().publicKey;

const cases: Case[] = [
  {
    name: "create_distribution",
    ours: createDistributionInstruction({
      creator,
      mint,
      verifier,
      distributionId: 42n,
      amountPerClaim: 18_000_000_000_000_000_000n,
      maxClaims: 1,
      startTs: -1n,
      endTs: 1_800_086_400n,
      feePerClaimLamports: 5_000n,
      feeBudgetLamports: 987_654_321n,
      requirementsHash,
      postId: 1_849_123_456_789_012_345n,
    }),
    anchorArgs: {
      distribution_id: new BN(42),
      bump: distribution.bump,
      vault_bump: vault.bump,
      amount_per_claim: new BN("18000000000000000000"),
      max_claims: 1,
      start_ts: new BN(-1),
      end_ts: new BN(1_800_086_400),
      fee_per_claim_lamports: new BN(5_000),
      fee_budget_lamports: new BN(987_654_321),
      requirements_hash: [...requirementsHash],
      post_id: new BN("1849123456789012345"),
      verifier,
    },
  },
  {
    name: "batch_claim",
    ours: batchClaimInstruction({
      verifier,
      distribution: distribution.address,
      mint,
      claims: [
        { slot: 0, tokenAccount: recipient },
        { slot: 65_535, owner: newOwner },
        { slot: 258, tokenAccount: recipient },
      ],
    }),
    anchorArgs: {
      claims: [
        { slot: 0, create_recipient_account: false },
        { slot: 65_535, create_recipient_account: true },
        { slot: 258, create_recipient_account: false },
      ],
    },
  },
  {
    name: "close_distribution",
    ours: closeDistributionInstruction({ creator, distribution: distribution.address, mint, creatorTokenAccount: recipient }),
    anchorArgs: {},
  },
  {
    name: "set_verifier",
    ours: setVerifierInstruction({
      creator,
      currentVerifier: recipient,
      distribution: distribution.address,
      newVerifier: verifier,
    }),
    anchorArgs: { new_verifier: verifier },
  },
  { name: "pause", ours: pauseInstruction({ creator, distribution: distribution.address }), anchorArgs: {} },
  { name: "resume", ours: resumeInstruction({ creator, distribution: distribution.address }), anchorArgs: {} },
];

interface IdlInstructionShape {
  name: string;
  discriminator: number[];
  accounts: { name: string; writable?: boolean; signer?: boolean }[];
}

/** Anchor returns BN, PublicKey, Buffer and number arrays; compare them as bigint, base58 and bytes. */
function plain(value: unknown): unknown {
  if (BN.isBN(value)) return BigInt((value as BN).toString());
  if (value instanceof PublicKey) return value.toBase58();
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  return value;
}

/** Our decoder's camelCase fields under the IDL's snake_case names. */
function asIdlFields(account: DistributionAccount): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(account).map(([key, value]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), plain(value)]),
  );
}

describe("Anchor compatibility of the checked-in IDL", () => {
  let idl: Idl;
  let coder: BorshCoder;

  beforeAll(() => {
    idl = readIdl() as Idl;
    coder = new BorshCoder(idl);
  });

  it("names the program and carries the spec's discriminators", () => {
    expect(idl.address).toBe(DISTRIBUTION_PROGRAM_ID);
    const instructions = idl.instructions as unknown as IdlInstructionShape[];
    expect(instructions.map((instruction) => instruction.name).sort()).toEqual([...INSTRUCTION_NAMES].sort());
    for (const instruction of instructions) {
      expect(instruction.discriminator, instruction.name).toEqual([
        ...INSTRUCTION_DISCRIMINATORS[instruction.name as (typeof INSTRUCTION_NAMES)[number]],
      ]);
    }
    expect(idl.accounts?.find((account) => account.name === "Distribution")?.discriminator).toEqual([
      ...DISTRIBUTION_ACCOUNT_DISCRIMINATOR,
    ]);
  });

  it.each(cases)(
    "$name: Anchor's coder encodes exactly our builder's data, and decodes it back",
    ({ name, ours, anchorArgs }) => {
      expect([...coder.instruction.encode(name, anchorArgs)]).toEqual([...ours.data]);
      const decoded = coder.instruction.decode(ours.data);
      expect(decoded?.name).toBe(name);
      expect(plain(decoded?.data)).toEqual(plain(anchorArgs));
    },
  );

  it.each(cases)("$name: the IDL's accounts have our builder's order, signers and writability", ({ name, ours }) => {
    const instruction = (idl.instructions as unknown as IdlInstructionShape[]).find((candidate) => candidate.name === name);
    const idlFlags = (instruction?.accounts ?? []).map((account) => [account.signer ?? false, account.writable ?? false]);
    // batch_claim's mint, ATA program and system program come only with account creation; recipients are remaining accounts.
    const fixedCount = name === "batch_claim" ? 8 : ours.keys.length;
    expect(idlFlags).toEqual(ours.keys.slice(0, fixedCount).map((key) => [key.isSigner, key.isWritable]));
  });

  it("lists the spec's errors with their codes, worded as our error table words them", () => {
    expect(idl.errors?.map((error) => [error.code, error.name, error.msg])).toEqual(
      DISTRIBUTION_ERRORS.map((error) => [error.code, error.name, error.message]),
    );
  });

  it("decodes a Distribution account written by the program exactly as our decoder does", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 21 });
    const [first, second] = recipients(fixture, 2);
    if (!first || !second) throw new Error("two recipients expected");
    const claimed = sendClaims(fixture, [
      { slot: 0, tokenAccount: first.tokenAccount },
      { slot: 20, tokenAccount: second.tokenAccount },
    ]);
    expect(outcomeOf(claimed), logsOf(claimed)).toBe("ok");
    const data = testbed.accountData(fixture.distribution);
    if (!data) throw new Error("the distribution account is missing");
    const ours = decodeDistributionAccount(data);
    expect(ours.claimedCount).toBe(2);
    expect(plain(coder.accounts.decode("Distribution", Buffer.from(data)))).toEqual(asIdlFields(ours));
  });
});
