import { createHash } from "node:crypto";
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  getAssociatedTokenAddressSync,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import { Keypair, PublicKey, SYSVAR_INSTRUCTIONS_PUBKEY, SystemProgram } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { batchClaimInstruction } from "./batch-claim.ts";
import { closeDistributionInstruction } from "./close-distribution.ts";
import { createDistributionInstruction } from "./create-distribution.ts";
import { pauseInstruction, resumeInstruction, setVerifierInstruction } from "./creator-controls.ts";
import { DISTRIBUTION_ACCOUNT_DISCRIMINATOR, INSTRUCTION_DISCRIMINATORS } from "./discriminators.ts";
import { distributionProgramId } from "./ids.ts";
import { findDistributionAddress, findVaultAddress } from "./pda.ts";
import { AssociatedTokenAccount, findAssociatedTokenAddress } from "./program-address.ts";

const creator = Keypair.generate().publicKey;
const verifier = PublicKey.unique();
const mint = PublicKey.unique();

function sha256Prefix(text: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(text).digest().subarray(0, 8));
}

const createArgs = {
  creator,
  mint,
  verifier,
  distributionId: 7n,
  amountPerClaim: 1_000_000n,
  maxClaims: 300,
  startTs: 1_800_000_000n,
  endTs: 1_800_086_400n,
  feePerClaimLamports: 5_000n,
  feeBudgetLamports: 2_000_000n,
  requirementsHash: new Uint8Array(32).fill(9),
  postId: 1_849_123_456_789_012_345n,
};

describe("discriminators", () => {
  it("are the first 8 bytes of sha256 of Anchor's preimages", () => {
    for (const [name, discriminator] of Object.entries(INSTRUCTION_DISCRIMINATORS)) {
      expect(discriminator).toEqual(sha256Prefix(`global:${name}`));
    }
    expect(DISTRIBUTION_ACCOUNT_DISCRIMINATOR).toEqual(sha256Prefix("account:Distribution"));
  });
});

describe("PDAs", () => {
  it("derive the distribution from creator and the id as u64 LE, and the vault from the distribution", () => {
    const idBytes = new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]);
    const [expected, bump] = PublicKey.findProgramAddressSync(
      [Buffer.from("distribution"), creator.toBuffer(), idBytes],
      distributionProgramId,
    );
    const distribution = findDistributionAddress(creator, 7n);
    expect(distribution).toEqual({ address: expected, bump });
    const [vault] = PublicKey.findProgramAddressSync([Buffer.from("vault"), expected.toBuffer()], distributionProgramId);
    expect(findVaultAddress(expected).address).toEqual(vault);
    expect(findDistributionAddress(creator, 8n).address).not.toEqual(expected);
  });
});

describe("create_distribution", () => {
  it("encodes every argument at the spec's offset and lists the accounts in order", () => {
    const instruction = createDistributionInstruction(createArgs);
    const data = new Uint8Array(instruction.data);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const distribution = findDistributionAddress(creator, 7n);
    const vault = findVaultAddress(distribution.address);
    expect(data.length).toBe(8 + 8 + 1 + 1 + 8 + 4 + 8 + 8 + 8 + 8 + 32 + 8 + 32 + 8);
    expect(data.subarray(0, 8)).toEqual(sha256Prefix("global:create_distribution"));
    expect(view.getBigUint64(8, true)).toBe(7n);
    expect(data[16]).toBe(distribution.bump);
    expect(data[17]).toBe(vault.bump);
    expect(view.getBigUint64(18, true)).toBe(1_000_000n);
    expect(view.getUint32(26, true)).toBe(300);
    expect(view.getBigInt64(30, true)).toBe(1_800_000_000n);
    expect(view.getBigInt64(38, true)).toBe(1_800_086_400n);
    expect(view.getBigUint64(46, true)).toBe(5_000n);
    expect(view.getBigUint64(54, true)).toBe(2_000_000n);
    expect(data.subarray(62, 94)).toEqual(new Uint8Array(32).fill(9));
    expect(view.getBigUint64(94, true)).toBe(1_849_123_456_789_012_345n);
    expect(new PublicKey(data.subarray(102, 134))).toEqual(verifier);
    // The priority fee cap per claim, 0 unless given.
    expect(view.getBigUint64(134, true)).toBe(0n);
    const capped = new Uint8Array(createDistributionInstruction({ ...createArgs, priorityFeeCapLamports: 1_000n }).data);
    expect(new DataView(capped.buffer, capped.byteOffset).getBigUint64(134, true)).toBe(1_000n);
    expect(instruction.keys.map(({ pubkey, isSigner, isWritable }) => [pubkey.toBase58(), isSigner, isWritable])).toEqual([
      [creator.toBase58(), true, true],
      [distribution.address.toBase58(), false, true],
      [vault.address.toBase58(), false, true],
      [mint.toBase58(), false, false],
      [getAssociatedTokenAddressSync(mint, creator).toBase58(), false, true],
      [TOKEN_PROGRAM_ID.toBase58(), false, false],
      [SystemProgram.programId.toBase58(), false, false],
    ]);
  });

  it("takes base58 text and numbers too, as they arrive from JSON", () => {
    const fromText = createDistributionInstruction({
      ...createArgs,
      creator: creator.toBase58(),
      mint: mint.toBase58(),
      verifier: verifier.toBase58(),
      distributionId: 7,
      startTs: 1_800_000_000,
    });
    expect(fromText.data).toEqual(createDistributionInstruction(createArgs).data);
  });

  it("refuses what the wire format cannot carry, naming the field", () => {
    expect(() => createDistributionInstruction({ ...createArgs, amountPerClaim: 1n << 64n })).toThrow(
      /createDistributionInstruction: amountPerClaim: a u64 must be between 0 and 18446744073709551615/,
    );
    expect(() => createDistributionInstruction({ ...createArgs, mint: "not-a-key" })).toThrow(/mint: must be a Solana address/);
    expect(() => createDistributionInstruction({ ...createArgs, requirementsHash: new Uint8Array(31) })).toThrow(
      /requirementsHash: must be exactly 32 bytes/,
    );
    expect(() => createDistributionInstruction({ ...createArgs, maxClaims: 2 ** 32 })).toThrow(/maxClaims/);
  });
});

describe("batch_claim", () => {
  const distribution = findDistributionAddress(creator, 7n).address;
  const existing = PublicKey.unique();
  const owner = PublicKey.unique();

  it("lays out the fixed accounts, then one recipient per claim", () => {
    const feePayer = PublicKey.unique();
    const instruction = batchClaimInstruction({
      verifier,
      feePayer,
      distribution,
      mint,
      claims: [
        { slot: 3, tokenAccount: existing },
        { slot: 65_535, tokenAccount: existing },
      ],
    });
    expect(new Uint8Array(instruction.data)).toEqual(
      new Uint8Array([...sha256Prefix("global:batch_claim"), 2, 0, 0, 0, 3, 0, 0, 0xff, 0xff, 0]),
    );
    expect(instruction.keys.map(({ pubkey, isSigner, isWritable }) => [pubkey.toBase58(), isSigner, isWritable])).toEqual([
      [verifier.toBase58(), true, false],
      [feePayer.toBase58(), true, true],
      [distribution.toBase58(), false, true],
      [findVaultAddress(distribution).address.toBase58(), false, true],
      [mint.toBase58(), false, false],
      [TOKEN_PROGRAM_ID.toBase58(), false, false],
      [SYSVAR_INSTRUCTIONS_PUBKEY.toBase58(), false, false],
      [existing.toBase58(), false, true],
      [existing.toBase58(), false, true],
    ]);
  });

  it("adds the ATA and system programs once, and the owner after each account it creates", () => {
    const instruction = batchClaimInstruction({
      verifier,
      distribution,
      mint,
      claims: [
        { slot: 0, owner },
        { slot: 1, tokenAccount: existing },
      ],
    });
    expect([...instruction.data.subarray(8)]).toEqual([2, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    expect(instruction.keys.slice(1, 2)[0]?.pubkey).toEqual(verifier);
    expect(instruction.keys.slice(4).map(({ pubkey, isWritable }) => [pubkey.toBase58(), isWritable])).toEqual([
      [mint.toBase58(), false],
      [TOKEN_PROGRAM_ID.toBase58(), false],
      [SYSVAR_INSTRUCTIONS_PUBKEY.toBase58(), false],
      [ASSOCIATED_TOKEN_PROGRAM_ID.toBase58(), false],
      [SystemProgram.programId.toBase58(), false],
      [getAssociatedTokenAddressSync(mint, owner, true).toBase58(), true],
      [owner.toBase58(), false],
      [existing.toBase58(), true],
    ]);
  });

  it("refuses claims it cannot encode or accounts the program could not create", () => {
    const base = { verifier, distribution, mint };
    expect(() => batchClaimInstruction({ ...base, claims: [] })).toThrow(/claims: a batch needs at least one claim/);
    expect(() => batchClaimInstruction({ ...base, claims: [{ slot: 65_536, tokenAccount: existing }] })).toThrow(
      /a slot is at most 65535/,
    );
    expect(() => batchClaimInstruction({ ...base, tokenProgram: SystemProgram.programId, claims: [{ slot: 1, owner }] })).toThrow(
      /tokenProgram: must be the SPL Token or the Token-2022 program/,
    );
    expect(() => batchClaimInstruction({ ...base, claims: [{ slot: 1, owner, tokenAccount: existing }] })).toThrow(
      /claims.0.tokenAccount is not the owner's associated token account/,
    );
  });

  it("takes an owner's account findAssociatedTokenAddress derived as it is, and refuses one of another owner, mint or token program", () => {
    const base = { verifier, distribution, mint };
    const derived = findAssociatedTokenAddress(mint, owner, TOKEN_PROGRAM_ID);
    const given = batchClaimInstruction({ ...base, claims: [{ slot: 0, owner, tokenAccount: derived }] });
    expect(given.keys).toEqual(batchClaimInstruction({ ...base, claims: [{ slot: 0, owner }] }).keys);
    expect(given.keys.at(-2)?.pubkey.toBase58()).toBe(getAssociatedTokenAddressSync(mint, owner, true).toBase58());
    const notTheirs = [
      findAssociatedTokenAddress(mint, PublicKey.unique(), TOKEN_PROGRAM_ID),
      findAssociatedTokenAddress(PublicKey.unique(), owner, TOKEN_PROGRAM_ID),
      findAssociatedTokenAddress(mint, owner, TOKEN_2022_PROGRAM_ID),
    ];
    for (const tokenAccount of notTheirs) {
      expect(() =>
        batchClaimInstruction({
          ...base,
          claims: [
            { slot: 1, tokenAccount: existing },
            { slot: 2, owner, tokenAccount },
          ],
        }),
      ).toThrow(/claims.1.tokenAccount is not the owner's associated token account/);
    }
    // Only findAssociatedTokenAddress makes one: a copy with another address is no derived account.
    const lookAlike = { ...derived, address: existing, belongsTo: () => true };
    expect(() =>
      batchClaimInstruction({
        ...base,
        claims: [{ slot: 0, owner, tokenAccount: lookAlike as unknown as AssociatedTokenAccount }],
      }),
    ).toThrow(/claims.0: Invalid input/);
    const forged = Object.assign(Object.create(AssociatedTokenAccount.prototype), { ...derived, address: existing });
    expect(AssociatedTokenAccount.isDerived(forged)).toBe(false);
    expect(
      () => new AssociatedTokenAccount(Symbol("findAssociatedTokenAddress"), mint, owner, TOKEN_PROGRAM_ID, existing, 255),
    ).toThrow(/only findAssociatedTokenAddress makes an AssociatedTokenAccount/);
  });
});

describe("creator instructions", () => {
  const distribution = PublicKey.unique();
  const accounts = (instruction: ReturnType<typeof pauseInstruction>) =>
    instruction.keys.map(({ pubkey, isSigner, isWritable }) => [pubkey.toBase58(), isSigner, isWritable]);

  it("close_distribution has no args and names the mint, the creator's token account and the token program", () => {
    const creatorTokenAccount = PublicKey.unique();
    const instruction = closeDistributionInstruction({
      creator,
      distribution,
      mint,
      creatorTokenAccount,
      tokenProgram: TOKEN_2022_PROGRAM_ID,
    });
    expect(new Uint8Array(instruction.data)).toEqual(sha256Prefix("global:close_distribution"));
    expect(accounts(instruction)).toEqual([
      [creator.toBase58(), true, true],
      [distribution.toBase58(), false, true],
      [findVaultAddress(distribution).address.toBase58(), false, true],
      [mint.toBase58(), false, false],
      [creatorTokenAccount.toBase58(), false, true],
      [TOKEN_2022_PROGRAM_ID.toBase58(), false, false],
    ]);
  });

  it("set_verifier takes the creator, the consenting current verifier and the distribution", () => {
    const currentVerifier = PublicKey.unique();
    const newVerifier = PublicKey.unique();
    const setVerifier = setVerifierInstruction({ creator, currentVerifier, distribution, newVerifier });
    expect(new Uint8Array(setVerifier.data)).toEqual(
      new Uint8Array([...sha256Prefix("global:set_verifier"), ...newVerifier.toBytes()]),
    );
    expect(accounts(setVerifier)).toEqual([
      [creator.toBase58(), true, false],
      [currentVerifier.toBase58(), true, false],
      [distribution.toBase58(), false, true],
    ]);
  });

  it("pause and resume take the creator and the distribution", () => {
    expect(new Uint8Array(pauseInstruction({ creator, distribution }).data)).toEqual(sha256Prefix("global:pause"));
    expect(new Uint8Array(resumeInstruction({ creator, distribution }).data)).toEqual(sha256Prefix("global:resume"));
    for (const instruction of [pauseInstruction({ creator, distribution }), resumeInstruction({ creator, distribution })]) {
      expect(accounts(instruction)).toEqual([
        [creator.toBase58(), true, false],
        [distribution.toBase58(), false, true],
      ]);
    }
  });
});
