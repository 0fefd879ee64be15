import { Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { MAX_CLAIMS } from "../../../shared/constants.ts";
import { batchClaimInstruction } from "../../../shared/program/batch-claim.ts";
import { closeDistributionInstruction } from "../../../shared/program/close-distribution.ts";
import { createDistributionInstruction } from "../../../shared/program/create-distribution.ts";
import { pauseInstruction, setVerifierInstruction } from "../../../shared/program/creator-controls.ts";
import {
  batchInput,
  createdFixture,
  createInput,
  DAY,
  type DistributionTerms,
  type Fixture,
  GENESIS_TIME,
  prepareFixture,
  programTestbed,
  readDistribution,
  recipients,
  sendClaims,
  sendClose,
  sendCreate,
  sendSetVerifier,
} from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest, expectRefused } from "./harness/invariant.ts";
import { outcomeOf } from "./harness/svm.ts";

checkInvariantAfterEachTest();

function withAttacker(fixture: Fixture): Keypair {
  const attacker = Keypair.generate();
  fixture.testbed.airdrop(attacker.publicKey, 10_000_000_000n);
  fixture.testbed.createAssociatedTokenAccount(attacker.publicKey, fixture.mint);
  return attacker;
}

describe("only the creator controls a distribution", () => {
  it("refuses close by anyone else, even after the end", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    const attacker = withAttacker(fixture);
    testbed.setTime(fixture.terms.endTs + 1n);
    expectRefused(fixture, "NotCreator", () => sendClose(fixture, attacker));
  });

  it("refuses close before the end while slots remain", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 3 });
    expect(
      outcomeOf(sendClaims(fixture, [{ slot: 0, tokenAccount: recipients(fixture, 1)[0]?.tokenAccount ?? PublicKey.default }])),
    ).toBe("ok");
    testbed.setTime(fixture.terms.endTs);
    expectRefused(fixture, "NotClosable", () => sendClose(fixture));
  });

  it("refuses set_verifier and pause by anyone else, and a default verifier from the creator", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    const attacker = withAttacker(fixture);
    const asAttacker = { creator: attacker.publicKey, distribution: fixture.distribution, programId };
    expectRefused(fixture, "NotCreator", () =>
      testbed.send(
        [setVerifierInstruction({ ...asAttacker, currentVerifier: fixture.verifier.publicKey, newVerifier: attacker.publicKey })],
        [attacker, fixture.verifier],
      ),
    );
    expectRefused(fixture, "NotCreator", () => testbed.send([pauseInstruction(asAttacker)], [attacker]));
    expectRefused(fixture, "InvalidVerifier", () => sendSetVerifier(fixture, PublicKey.default));
    expect(readDistribution(fixture).verifier).toEqual(fixture.verifier.publicKey);
    expect(readDistribution(fixture).paused).toBe(false);
  });

  it("refuses a creator instruction the creator did not sign", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    const instruction = pauseInstruction({ creator: fixture.creator.publicKey, distribution: fixture.distribution, programId });
    const creatorMeta = instruction.keys[0];
    if (creatorMeta) creatorMeta.isSigner = false;
    expectRefused(fixture, "MissingCreatorSignature", () => testbed.send([instruction]));
  });
});

describe("create_distribution refuses impossible terms", () => {
  const refusals: [string, Partial<DistributionTerms>, Parameters<typeof expectRefused>[1]][] = [
    ["amount × max claims overflowing u64", { amountPerClaim: 1n << 60n, maxClaims: 16 }, "DepositOverflow"],
    ["a zero amount per claim", { amountPerClaim: 0n }, "ZeroAmount"],
    ["zero claims", { maxClaims: 0 }, "InvalidMaxClaims"],
    ["more claims than the bitmap holds", { maxClaims: MAX_CLAIMS + 1, amountPerClaim: 1n }, "InvalidMaxClaims"],
    ["an end before the start", { startTs: GENESIS_TIME + DAY, endTs: GENESIS_TIME + DAY }, "InvalidTimeRange"],
    ["a run longer than 90 days", { endTs: GENESIS_TIME + 90n * DAY + 1n }, "InvalidTimeRange"],
    ["an end already past", { startTs: GENESIS_TIME - 2n * DAY, endTs: GENESIS_TIME - 1n }, "InvalidTimeRange"],
    [
      "a start more than 30 days ahead",
      { startTs: GENESIS_TIME + 30n * DAY + 1n, endTs: GENESIS_TIME + 31n * DAY },
      "InvalidTimeRange",
    ],
  ];

  it.each(refusals)("refuses %s", (_, terms, expected) => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId, terms);
    expectRefused(fixture, expected, () => sendCreate(fixture));
    expect(testbed.accountData(fixture.distribution)).toBeUndefined();
  });

  it("refuses the default key as verifier, and a second create at the same address", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    expectRefused(fixture, "InvalidVerifier", () => sendCreate(fixture, { verifier: PublicKey.default }));
    expect(outcomeOf(sendCreate(fixture))).toBe("ok");
    expectRefused(fixture, "AccountAlreadyInUse", () => sendCreate(fixture));
  });

  it("refuses a source token account the creator does not own", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    const stranger = Keypair.generate().publicKey;
    const strangers = testbed.createAssociatedTokenAccount(stranger, fixture.mint);
    expectRefused(fixture, "SourceNotCreatorTokenAccount", () => sendCreate(fixture, { creatorTokenAccount: strangers }));
  });
});

describe("create_distribution checks every account it is given", () => {
  function tamperedCreate(fixture: Fixture, tamper: (instruction: TransactionInstruction) => void) {
    const instruction = createDistributionInstruction(createInput(fixture));
    tamper(instruction);
    return () => fixture.testbed.send([instruction], [fixture.creator]);
  }

  it("refuses a vault or distribution address that is not its PDA", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    expectRefused(
      fixture,
      "VaultAddressMismatch",
      tamperedCreate(fixture, (instruction) => {
        const vault = instruction.keys[2];
        if (vault) vault.pubkey = PublicKey.unique();
      }),
    );
    expectRefused(
      fixture,
      "DistributionAddressMismatch",
      tamperedCreate(fixture, (instruction) => {
        instruction.data[16] = (instruction.data[16] ?? 0) ^ 1;
      }),
    );
  });

  it("refuses a mint that is not a mint, and a source account of another mint", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    expectRefused(
      fixture,
      "InvalidMint",
      tamperedCreate(fixture, (instruction) => {
        const mint = instruction.keys[3];
        if (mint) mint.pubkey = fixture.creatorTokenAccount;
      }),
    );
    const otherMint = testbed.createMint();
    const otherSource = testbed.createAssociatedTokenAccount(fixture.creator.publicKey, otherMint);
    expectRefused(fixture, "MintMismatch", () => sendCreate(fixture, { creatorTokenAccount: otherSource }));
  });

  it("is not blocked by lamports someone sent to the distribution address beforehand", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    testbed.airdrop(fixture.distribution, 1_000_000n);
    testbed.airdrop(fixture.vault, 1_000_000n);
    expect(outcomeOf(sendCreate(fixture))).toBe("ok");
    expect(readDistribution(fixture).maxClaims).toBe(fixture.terms.maxClaims);
  });

  it("close refuses a destination token account of another mint", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    testbed.setTime(fixture.terms.endTs + 1n);
    const otherMint = testbed.createMint();
    const otherAccount = testbed.createAssociatedTokenAccount(fixture.creator.publicKey, otherMint);
    expectRefused(fixture, "MintMismatch", () =>
      testbed.send(
        [
          closeDistributionInstruction({
            creator: fixture.creator.publicKey,
            distribution: fixture.distribution,
            mint: fixture.mint,
            creatorTokenAccount: otherAccount,
            programId,
          }),
        ],
        [fixture.creator],
      ),
    );
  });
});

describe("malformed instruction data", () => {
  function withData(instruction: TransactionInstruction, data: Uint8Array): TransactionInstruction {
    return new TransactionInstruction({ programId: instruction.programId, keys: instruction.keys, data: Buffer.from(data) });
  }

  it("refuses truncated, overlong and garbage create_distribution data", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId);
    const valid = createDistributionInstruction(createInput(fixture));
    const send = (data: Uint8Array) => () => testbed.send([withData(valid, data)], [fixture.creator]);
    expectRefused(fixture, "InvalidInstructionData", send(valid.data.subarray(0, valid.data.length - 1)));
    expectRefused(fixture, "InvalidInstructionData", send(Uint8Array.from([...valid.data, 0])));
    expectRefused(fixture, "InvalidInstructionData", send(valid.data.subarray(0, 5)));
    expectRefused(
      fixture,
      "UnknownInstruction",
      send(Uint8Array.from({ length: valid.data.length }, (_, index) => (index * 37 + 11) & 0xff)),
    );
    expect(testbed.accountData(fixture.distribution)).toBeUndefined();
  });

  it("refuses batch_claim data with a bad bool, a lying length or trailing bytes", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    const [fan] = recipients(fixture, 1);
    if (!fan) throw new Error("one recipient expected");
    const valid = batchClaimInstruction(batchInput(fixture, [{ slot: 0, tokenAccount: fan.tokenAccount }]));
    const send = (data: Uint8Array) => () => testbed.send([withData(valid, data)], [fixture.feePayer, fixture.verifier]);
    const body = [...valid.data];
    expectRefused(fixture, "InvalidInstructionData", send(Uint8Array.from([...body.slice(0, 14), 2])));
    expectRefused(fixture, "InvalidInstructionData", send(Uint8Array.from([...body.slice(0, 8), 5, 0, 0, 0, ...body.slice(12)])));
    expectRefused(fixture, "InvalidInstructionData", send(Uint8Array.from([...body, 0])));
    expectRefused(fixture, "InvalidInstructionData", send(Uint8Array.from(body.slice(0, 13))));
    expect(readDistribution(fixture).claimedCount).toBe(0);
  });
});
