import { getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { batchClaimInstruction } from "../../../shared/program/batch-claim.ts";
import type { DistributionErrorName } from "../../../shared/program/errors.ts";
import { mintExtensionRefusal } from "../../../shared/program/mint-extensions.ts";
import {
  batchInput,
  createdFixture,
  prepareFixture,
  programTestbed,
  readDistribution,
  recipients,
  sendClaims,
  sendClose,
  sendCreate,
} from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest, expectRefused } from "./harness/invariant.ts";
import { logsOf, outcomeOf, type Testbed } from "./harness/svm.ts";
import { createToken2022Mint, type MintExtension } from "./harness/token-2022.ts";

// Every mint here is a real Token-2022 mint, made with the extension's own instructions in LiteSVM's
// Token-2022 program; the invariant (vault + paid = deposit) is checked after every test.
checkInvariantAfterEachTest();

function pumpFunMint(testbed: Testbed): PublicKey {
  return createToken2022Mint(testbed, ["metadata"], {
    metadata: { name: "dogwifhat", symbol: "WIF", uri: "https://example.com/wif.json" },
  });
}

describe("a pump.fun coin (Token-2022, metadata pointer to itself + token metadata)", () => {
  it("is escrowed, paid into existing and newly opened Token-2022 accounts, and closed", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, { maxClaims: 4 }, pumpFunMint(testbed));
    expect(fixture.tokenProgram).toEqual(TOKEN_2022_PROGRAM_ID);
    expect(testbed.tokenBalance(fixture.vault)).toBe(fixture.deposit);

    const [holder] = recipients(fixture, 1);
    const newcomer = Keypair.generate().publicKey;
    if (!holder) throw new Error("one recipient expected");
    const result = sendClaims(fixture, [
      { slot: 0, tokenAccount: holder.tokenAccount },
      { slot: 1, owner: newcomer },
    ]);
    expect(outcomeOf(result), logsOf(result)).toBe("ok");
    const opened = getAssociatedTokenAddressSync(fixture.mint, newcomer, true, TOKEN_2022_PROGRAM_ID);
    expect(testbed.tokenBalance(holder.tokenAccount)).toBe(fixture.terms.amountPerClaim);
    expect(testbed.tokenBalance(opened)).toBe(fixture.terms.amountPerClaim);
    // Token-2022's associated accounts carry ImmutableOwner: 170 bytes, not 165.
    expect(testbed.accountData(opened)?.length).toBe(170);
    expect(readDistribution(fixture).claimedCount).toBe(2);

    testbed.setTime(fixture.terms.endTs + 1n);
    expect(outcomeOf(sendClose(fixture))).toBe("ok");
    expect(testbed.tokenBalance(fixture.vault)).toBeUndefined();
  });

  it("refuses the classic token program in place of the vault's own", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, {}, pumpFunMint(testbed));
    const [fan] = recipients(fixture, 1);
    if (!fan) throw new Error("one recipient expected");
    expectRefused(fixture, "InvalidTokenProgram", () =>
      sendClaims(fixture, [{ slot: 0, tokenAccount: fan.tokenAccount }], { tokenProgram: TOKEN_PROGRAM_ID }),
    );
  });

  it("refuses a classic token account as recipient of a Token-2022 giveaway", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, {}, pumpFunMint(testbed));
    const classicMint = testbed.createMint();
    const classicAccount = testbed.createAssociatedTokenAccount(Keypair.generate().publicKey, classicMint);
    expectRefused(fixture, "RecipientNotTokenAccount", () => sendClaims(fixture, [{ slot: 0, tokenAccount: classicAccount }]));
  });

  it("creates a Token-2022 giveaway with the classic program named, never", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId, {}, pumpFunMint(testbed));
    expectRefused(fixture, "InvalidMint", () => sendCreate(fixture, { tokenProgram: TOKEN_PROGRAM_ID }));
  });
});

describe("Token-2022 extensions, judged one by one at create", () => {
  const allowed: MintExtension[] = ["mintCloseAuthority", "groupPointer"];

  /** The creator's pre-check (shared/program/mint-extensions.ts) reads the mint as the program judges it. */
  function precheck(testbed: Testbed, mint: PublicKey): DistributionErrorName | undefined {
    const data = testbed.accountData(mint);
    if (!data) throw new Error("the mint exists");
    return mintExtensionRefusal(data)?.name;
  }

  it.each(allowed)("allows %s, which cannot touch escrowed tokens, and pays through it", (extension) => {
    const { testbed, programId } = programTestbed();
    const mint = createToken2022Mint(testbed, [extension, "metadata"]);
    expect(precheck(testbed, mint)).toBeUndefined();
    const fixture = createdFixture(testbed, programId, {}, mint);
    const [fan] = recipients(fixture, 1);
    if (!fan) throw new Error("one recipient expected");
    expect(outcomeOf(sendClaims(fixture, [{ slot: 0, tokenAccount: fan.tokenAccount }]))).toBe("ok");
    expect(testbed.tokenBalance(fan.tokenAccount)).toBe(fixture.terms.amountPerClaim);
  });

  const refused: [MintExtension, DistributionErrorName][] = [
    ["transferFee", "MintHasTransferFee"],
    ["permanentDelegate", "MintHasPermanentDelegate"],
    ["transferHook", "MintHasTransferHook"],
    ["nonTransferable", "MintNonTransferable"],
    ["defaultFrozen", "MintHasDefaultAccountState"],
    ["pausable", "MintPausable"],
    // Their authority can rescale what wallets show at any time: the card's "1 TOKEN" would be 0.001 in the wallet.
    ["interestBearing", "MintAmountRescalable"],
    ["scaledUiAmount", "MintAmountRescalable"],
  ];

  it.each(refused)("refuses %s with %s, and nothing is created", (extension, expected) => {
    const { testbed, programId } = programTestbed();
    const mint = createToken2022Mint(testbed, ["metadata", extension]);
    expect(precheck(testbed, mint)).toBe(expected);
    const fixture = prepareFixture(testbed, programId, {}, mint);
    expectRefused(fixture, expected, () => sendCreate(fixture));
    expect(testbed.accountData(fixture.distribution)).toBeUndefined();
    expect(testbed.accountData(fixture.vault)).toBeUndefined();
  });

  it("refuses confidential transfers (written into a real mint's extension list)", () => {
    const { testbed, programId } = programTestbed();
    const fixture = prepareFixture(testbed, programId, {}, pumpFunMint(testbed));
    const data = testbed.accountData(fixture.mint);
    if (!data) throw new Error("the mint exists");
    // No JavaScript builder initializes ConfidentialTransferMint, so it is appended as Token-2022 lays
    // it out: type 4, 65 bytes of value (authority, auto-approve flag, auditor key).
    const withConfidential = new Uint8Array([...data, 4, 0, 65, 0, ...new Uint8Array(65)]);
    testbed.forgeAccount(fixture.mint, TOKEN_2022_PROGRAM_ID, withConfidential);
    expect(precheck(testbed, fixture.mint)).toBe("MintHasConfidentialTransfers");
    expectRefused(fixture, "MintHasConfidentialTransfers", () => sendCreate(fixture));
    expect(testbed.accountData(fixture.distribution)).toBeUndefined();
  });
});

describe("batch_claim names the mint for TransferChecked", () => {
  it("refuses another mint in the mint's place", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId, {}, pumpFunMint(testbed));
    const [fan] = recipients(fixture, 1);
    if (!fan) throw new Error("one recipient expected");
    const otherMint = pumpFunMint(testbed);
    const instruction = batchClaimInstruction({
      ...batchInput(fixture, [{ slot: 0, tokenAccount: fan.tokenAccount }]),
      mint: otherMint,
    });
    expectRefused(fixture, "MintMismatch", () => testbed.send([instruction], [fixture.feePayer, fixture.verifier]));
  });
});
