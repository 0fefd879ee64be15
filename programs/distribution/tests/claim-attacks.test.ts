import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { batchClaimInstruction } from "../../../shared/program/batch-claim.ts";
import { pauseInstruction } from "../../../shared/program/creator-controls.ts";
import { describeTransactionFailure } from "../../../shared/program/explain-error.ts";
import {
  batchInput,
  createdFixture,
  DAY,
  type Fixture,
  GENESIS_TIME,
  programTestbed,
  readDistribution,
  recipients,
  sendClaims,
  sendClose,
} from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest, expectRefused } from "./harness/invariant.ts";
import { logsOf, outcomeOf } from "./harness/svm.ts";

checkInvariantAfterEachTest();

function openDistribution(overrides: Parameters<typeof createdFixture>[2] = {}) {
  const { testbed, programId } = programTestbed();
  const fixture = createdFixture(testbed, programId, overrides);
  const fans = recipients(fixture, 3);
  const tokenAccount = (index: number): PublicKey => {
    const fan = fans[index];
    if (!fan) throw new Error(`no recipient ${index}`);
    return fan.tokenAccount;
  };
  return { testbed, fixture, tokenAccount };
}

/** A batch_claim whose accounts the test rewrites before sending: what an attacker controls. */
function sendTampered(
  fixture: Fixture,
  claims: Parameters<typeof sendClaims>[1],
  tamper: (instruction: TransactionInstruction) => void,
  signers = [fixture.feePayer, fixture.verifier],
) {
  const instruction = batchClaimInstruction(batchInput(fixture, claims));
  tamper(instruction);
  return fixture.testbed.send([instruction], signers);
}

describe("batch_claim refuses claims the verifier did not sign", () => {
  it("refuses a batch signed by another key in the verifier's place", () => {
    const { fixture, tokenAccount } = openDistribution();
    const attacker = Keypair.generate();
    fixture.testbed.airdrop(attacker.publicKey, 1_000_000_000n);
    expectRefused(fixture, "WrongVerifier", () =>
      sendClaims({ ...fixture, verifier: attacker, feePayer: attacker }, [{ slot: 0, tokenAccount: tokenAccount(0) }]),
    );
  });

  it.each([
    { role: "verifier", index: 0, expected: "MissingVerifierSignature" as const },
    { role: "fee payer", index: 1, expected: "MissingFeePayerSignature" as const },
  ])("refuses a batch naming the $role without its signature", ({ index, expected }) => {
    const { fixture, tokenAccount } = openDistribution();
    const otherSigner = index === 0 ? fixture.feePayer : fixture.verifier;
    expectRefused(fixture, expected, () =>
      sendTampered(
        fixture,
        [{ slot: 0, tokenAccount: tokenAccount(0) }],
        (instruction) => {
          const unsigned = instruction.keys[index];
          if (unsigned) unsigned.isSigner = false;
        },
        [otherSigner],
      ),
    );
  });
});

describe("batch_claim pays each slot at most once", () => {
  it("refuses a slot twice in one batch", () => {
    const { fixture, tokenAccount } = openDistribution();
    expectRefused(fixture, "DuplicateSlotInBatch", () =>
      sendClaims(fixture, [
        { slot: 4, tokenAccount: tokenAccount(0) },
        { slot: 4, tokenAccount: tokenAccount(1) },
      ]),
    );
  });

  it("refuses a batch with any slot claimed before, whole: nothing in it is paid", () => {
    const { testbed, fixture, tokenAccount } = openDistribution();
    const amount = fixture.terms.amountPerClaim;
    expect(outcomeOf(sendClaims(fixture, [{ slot: 1, tokenAccount: tokenAccount(0) }]))).toBe("ok");
    expectRefused(fixture, "SlotAlreadyClaimed", () => sendClaims(fixture, [{ slot: 1, tokenAccount: tokenAccount(1) }]));
    expectRefused(fixture, "SlotAlreadyClaimed", () =>
      sendClaims(fixture, [
        { slot: 2, tokenAccount: tokenAccount(2) },
        { slot: 1, tokenAccount: tokenAccount(1) },
      ]),
    );
    expect([0, 1, 2].map((index) => testbed.tokenBalance(tokenAccount(index)))).toEqual([amount, 0n, 0n]);
    expect(readDistribution(fixture).claimedCount).toBe(1);
    expect(readDistribution(fixture).claimedBitmap[0]).toBe(0b10);
  });

  it("refuses slots at or beyond max claims", () => {
    const { fixture, tokenAccount } = openDistribution({ maxClaims: 10 });
    for (const slot of [10, 65_535]) {
      expectRefused(fixture, "SlotOutOfRange", () =>
        sendClaims(fixture, [
          { slot: 0, tokenAccount: tokenAccount(0) },
          { slot, tokenAccount: tokenAccount(1) },
        ]),
      );
    }
  });
});

describe("batch_claim checks every account it is given", () => {
  it("refuses a recipient of another mint", () => {
    const { testbed, fixture } = openDistribution();
    const otherMint = testbed.createMint();
    const foreign = testbed.createAssociatedTokenAccount(Keypair.generate().publicKey, otherMint);
    expectRefused(fixture, "RecipientMintMismatch", () => sendClaims(fixture, [{ slot: 0, tokenAccount: foreign }]));
  });

  it("refuses a recipient that is not a token account", () => {
    const { testbed, fixture } = openDistribution();
    const wallet = Keypair.generate().publicKey;
    testbed.airdrop(wallet, 1_000_000_000n);
    expectRefused(fixture, "RecipientNotTokenAccount", () => sendClaims(fixture, [{ slot: 0, tokenAccount: wallet }]));
    // Owned by SPL Token but a mint, not an account.
    expectRefused(fixture, "RecipientNotTokenAccount", () => sendClaims(fixture, [{ slot: 0, tokenAccount: fixture.mint }]));
    // 165 bytes owned by SPL Token but never initialized.
    const blank = PublicKey.unique();
    testbed.forgeAccount(blank, TOKEN_PROGRAM_ID, new Uint8Array(165));
    expectRefused(fixture, "RecipientNotTokenAccount", () => sendClaims(fixture, [{ slot: 0, tokenAccount: blank }]));
  });

  it("refuses a substituted vault", () => {
    const { testbed, fixture, tokenAccount } = openDistribution();
    const attackerVault = testbed.createTokenAccount(Keypair.generate().publicKey, fixture.mint);
    expectRefused(fixture, "VaultMismatch", () =>
      sendClaims(fixture, [{ slot: 0, tokenAccount: tokenAccount(0) }], { vault: attackerVault }),
    );
  });

  it("refuses another token program: the other token program, or none at all", () => {
    const { fixture, tokenAccount } = openDistribution();
    for (const substitute of [TOKEN_2022_PROGRAM_ID, SystemProgram.programId]) {
      expectRefused(fixture, "InvalidTokenProgram", () =>
        sendTampered(fixture, [{ slot: 0, tokenAccount: tokenAccount(0) }], (instruction) => {
          const tokenProgram = instruction.keys[5];
          if (tokenProgram) tokenProgram.pubkey = substitute;
        }),
      );
    }
  });

  it("refuses a batch with fewer recipient accounts than claims", () => {
    const { fixture, tokenAccount } = openDistribution();
    expectRefused(fixture, "NotEnoughAccounts", () =>
      sendTampered(
        fixture,
        [
          { slot: 0, tokenAccount: tokenAccount(0) },
          { slot: 1, tokenAccount: tokenAccount(1) },
        ],
        (instruction) => {
          instruction.keys.pop();
        },
      ),
    );
  });
});

describe("batch_claim refuses a substituted distribution account", () => {
  /** A copy of the real distribution's data with the attacker as verifier, at an address the attacker chose. */
  function forgedDistribution(fixture: Fixture, attacker: PublicKey, owner: PublicKey, discriminatorByte?: number): PublicKey {
    const data = fixture.testbed.accountData(fixture.distribution);
    if (!data) throw new Error("the distribution account is missing");
    const forged = Uint8Array.from(data);
    // verifier lives after discriminator, version, bumps, paused and three pubkeys: 8 + 4 + 96.
    forged.set(attacker.toBytes(), 108);
    if (discriminatorByte !== undefined) forged[0] = discriminatorByte;
    const address = PublicKey.unique();
    fixture.testbed.forgeAccount(address, owner, forged);
    return address;
  }

  function attack(
    name: "DistributionNotOwnedByProgram" | "InvalidDiscriminator" | "DistributionAddressMismatch",
    owner: (fixture: Fixture) => PublicKey,
    discriminatorByte?: number,
  ) {
    const { testbed, fixture, tokenAccount } = openDistribution();
    const attacker = Keypair.generate();
    testbed.airdrop(attacker.publicKey, 1_000_000_000n);
    const fake = forgedDistribution(fixture, attacker.publicKey, owner(fixture), discriminatorByte);
    const data = testbed.accountData(fixture.distribution);
    expectRefused(fixture, name, () =>
      sendClaims({ ...fixture, verifier: attacker, feePayer: attacker }, [{ slot: 0, tokenAccount: tokenAccount(0) }], {
        distribution: fake,
        vault: fixture.vault,
      }),
    );
    expect(testbed.accountData(fixture.distribution)).toEqual(data);
  }

  it("refuses one owned by another program", () => {
    attack("DistributionNotOwnedByProgram", () => SystemProgram.programId);
  });

  it("refuses a program-owned account without the Distribution discriminator", () => {
    attack("InvalidDiscriminator", (fixture) => fixture.programId, 0xff);
  });

  it("refuses a well-formed Distribution at an address that is not its PDA", () => {
    attack("DistributionAddressMismatch", (fixture) => fixture.programId);
  });
});

describe("batch_claim honours the distribution's state", () => {
  it("refuses claims before the start", () => {
    const { fixture, tokenAccount } = openDistribution({ startTs: GENESIS_TIME + DAY, endTs: GENESIS_TIME + 2n * DAY });
    expectRefused(fixture, "NotStarted", () => sendClaims(fixture, [{ slot: 0, tokenAccount: tokenAccount(0) }]));
  });

  it("refuses claims after the end", () => {
    const { testbed, fixture, tokenAccount } = openDistribution();
    testbed.setTime(fixture.terms.endTs + 1n);
    expectRefused(fixture, "Ended", () => sendClaims(fixture, [{ slot: 0, tokenAccount: tokenAccount(0) }]));
  });

  it("refuses claims while paused", () => {
    const { testbed, fixture, tokenAccount } = openDistribution();
    testbed.sendOk(
      [
        pauseInstruction({
          creator: fixture.creator.publicKey,
          distribution: fixture.distribution,
          programId: fixture.programId,
        }),
      ],
      [fixture.creator],
    );
    const result = expectRefused(fixture, "Paused", () => sendClaims(fixture, [{ slot: 0, tokenAccount: tokenAccount(0) }]));
    // What the backend and the extension show for this failure, read from the runtime's real logs.
    expect(describeTransactionFailure({ logs: logsOf(result).split("\n") })).toBe(
      "The distribution is paused (Paused, error 6032)",
    );
  });

  it("refuses claims after close", () => {
    const { testbed, fixture, tokenAccount } = openDistribution();
    testbed.setTime(fixture.terms.endTs + 1n);
    expect(outcomeOf(sendClose(fixture))).toBe("ok");
    testbed.setTime(fixture.terms.endTs - 1n);
    expectRefused(fixture, "DistributionClosed", () => sendClaims(fixture, [{ slot: 0, tokenAccount: tokenAccount(0) }]));
  });

  it("refuses an empty batch", () => {
    const { fixture, tokenAccount } = openDistribution();
    expectRefused(fixture, "EmptyBatch", () =>
      sendTampered(fixture, [{ slot: 0, tokenAccount: tokenAccount(0) }], (instruction) => {
        instruction.data = Buffer.from([...instruction.data.subarray(0, 8), 0, 0, 0, 0]);
        instruction.keys.pop();
      }),
    );
  });
});

describe("batch_claim guards the accounts it creates and pays", () => {
  it("refuses paying the vault itself, which would count a claim while no token leaves", () => {
    const { fixture } = openDistribution();
    expectRefused(fixture, "RecipientNotTokenAccount", () => sendClaims(fixture, [{ slot: 0, tokenAccount: fixture.vault }]));
  });

  it("refuses account creation with another mint or another associated token program", () => {
    const { testbed, fixture } = openDistribution();
    const owner = Keypair.generate().publicKey;
    const otherMint = testbed.createMint();
    expectRefused(fixture, "MintMismatch", () =>
      sendTampered(fixture, [{ slot: 0, owner }], (instruction) => {
        const mint = instruction.keys[4];
        if (mint) mint.pubkey = otherMint;
      }),
    );
    expectRefused(fixture, "InvalidAssociatedTokenProgram", () =>
      sendTampered(fixture, [{ slot: 0, owner }], (instruction) => {
        const associatedTokenProgram = instruction.keys[7];
        if (associatedTokenProgram) associatedTokenProgram.pubkey = TOKEN_PROGRAM_ID;
      }),
    );
    expectRefused(fixture, "InvalidSystemProgram", () =>
      sendTampered(fixture, [{ slot: 0, owner }], (instruction) => {
        const systemProgram = instruction.keys[8];
        if (systemProgram) systemProgram.pubkey = TOKEN_PROGRAM_ID;
      }),
    );
  });

  it("lets the associated token program refuse an account that is not the owner's, paying nothing", () => {
    const { testbed, fixture } = openDistribution();
    const owner = Keypair.generate().publicKey;
    const before = testbed.tokenBalancesOfMint(fixture.mint);
    const result = sendTampered(fixture, [{ slot: 0, owner }], (instruction) => {
      const recipientAccount = instruction.keys[9];
      if (recipientAccount) recipientAccount.pubkey = PublicKey.unique();
    });
    expect(outcomeOf(result)).not.toBe("ok");
    expect(logsOf(result)).toMatch(/ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL failed/);
    expect(testbed.tokenBalancesOfMint(fixture.mint)).toEqual(before);
  });
});
