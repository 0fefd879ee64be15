import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { Testbed } from "../../programs/distribution/tests/harness/svm.ts";
import { createToken2022Mint } from "../../programs/distribution/tests/harness/token-2022.ts";
import {
  cleanText,
  METAPLEX_METADATA_PROGRAM_ID,
  metaplexMetadataAddress,
  readMetadataPointer,
  readMetaplexMetadata,
  readMintFacts,
  readPointedMetadata,
  readToken2022Metadata,
} from "./onchain-token.ts";
import { interfaceAccount, interfaceMetadataEntry, metaplexAccount, repointedMintPlan } from "./testing/metadata-accounts.ts";

describe("the mint's own facts", () => {
  it("reads decimals, supply and both authorities of a real Token-2022 mint, and refuses other owners", () => {
    const testbed = new Testbed();
    const freezer = Keypair.generate().publicKey;
    const mint = createToken2022Mint(testbed, ["metadata"], { decimals: 9, freezeAuthority: freezer });
    const data = testbed.accountData(mint);
    if (!data) throw new Error("the mint exists");
    expect(readMintFacts(TOKEN_2022_PROGRAM_ID, data)).toEqual({
      tokenProgram: "token-2022",
      decimals: 9,
      supply: 0n,
      mintAuthority: testbed.payer.publicKey.toBase58(),
      freezeAuthority: freezer.toBase58(),
      giveawayRefusal: null,
    });
    expect(readMintFacts(SystemProgram.programId, data)).toBeUndefined();
    // A Token-2022 mint's bytes are not a classic mint.
    expect(readMintFacts(TOKEN_PROGRAM_ID, data)).toBeUndefined();
    const classic = testbed.createMint(testbed.payer.publicKey, 2);
    expect(readMintFacts(TOKEN_PROGRAM_ID, testbed.accountData(classic) ?? new Uint8Array())).toMatchObject({
      tokenProgram: "spl-token",
      decimals: 2,
      freezeAuthority: null,
      giveawayRefusal: null,
    });
  });

  it("names the program's refusal of a mint whose amounts can be rescaled, before anyone signs a create", () => {
    const testbed = new Testbed();
    for (const extension of ["interestBearing", "scaledUiAmount"] as const) {
      const mint = createToken2022Mint(testbed, ["metadata", extension]);
      expect(readMintFacts(TOKEN_2022_PROGRAM_ID, testbed.accountData(mint) ?? new Uint8Array())?.giveawayRefusal).toBe(
        "MintAmountRescalable",
      );
    }
    const fee = createToken2022Mint(testbed, ["transferFee"]);
    expect(readMintFacts(TOKEN_2022_PROGRAM_ID, testbed.accountData(fee) ?? new Uint8Array())?.giveawayRefusal).toBe(
      "MintHasTransferFee",
    );
  });
});

describe("metadata on chain", () => {
  it("reads pump.fun's shape: the metadata extension inside the Token-2022 mint", () => {
    const testbed = new Testbed();
    const mint = createToken2022Mint(testbed, ["groupPointer", "metadata"], {
      metadata: { name: "Moo Deng", symbol: "MOODENG", uri: "https://ipfs.io/ipfs/bafkmoodeng" },
    });
    expect(readToken2022Metadata(testbed.accountData(mint) ?? new Uint8Array())).toEqual({
      name: "Moo Deng",
      symbol: "MOODENG",
      uri: "https://ipfs.io/ipfs/bafkmoodeng",
      source: "token-2022",
    });
    const bare = createToken2022Mint(testbed, ["mintCloseAuthority"]);
    expect(readToken2022Metadata(testbed.accountData(bare) ?? new Uint8Array())).toBeUndefined();
  });

  it("reads a Metaplex metadata account for its own mint only, without the NUL padding", () => {
    const mint = Keypair.generate().publicKey;
    const data = metaplexAccount(mint, "Bonk", "BONK", "https://arweave.net/bonk.json");
    expect(readMetaplexMetadata(data, mint)).toEqual({
      name: "Bonk",
      symbol: "BONK",
      uri: "https://arweave.net/bonk.json",
      source: "metaplex",
    });
    expect(readMetaplexMetadata(data, Keypair.generate().publicKey)).toBeUndefined();
    expect(readMetaplexMetadata(data.subarray(0, 80), mint)).toBeUndefined();
    const wrongKey = new Uint8Array(data);
    wrongKey[0] = 5;
    expect(readMetaplexMetadata(wrongKey, mint)).toBeUndefined();
  });

  it("finds the Metaplex account at the PDA every wallet derives", () => {
    // Wrapped SOL's metadata account, as explorers list it.
    const wrappedSol = new PublicKey("So11111111111111111111111111111111111111112");
    expect(metaplexMetadataAddress(wrappedSol).toBase58()).toBe("6dM4TqWyWJsbx7obrdLcviBkTafD5E8av61zfU6jq57X");
  });
});

/** A mint made as `repointedMintPlan` says, in the testbed. */
function repointedMint(testbed: Testbed, metadataAddress: PublicKey | null): PublicKey {
  const plan = repointedMintPlan(testbed.payer.publicKey, () => metadataAddress);
  testbed.sendOk(plan.instructions(testbed.rentExempt(plan.finalSize)), [testbed.payer, plan.mint]);
  return plan.mint.publicKey;
}

describe("the Token-2022 metadata pointer", () => {
  it("reads where a real mint's pointer names: itself, another account, or nothing; a mint without one has none", () => {
    const testbed = new Testbed();
    const pumpFun = createToken2022Mint(testbed, ["metadata"]);
    expect(readMetadataPointer(testbed.accountData(pumpFun) ?? new Uint8Array())).toEqual({ metadataAddress: pumpFun });
    const elsewhere = Keypair.generate().publicKey;
    const repointed = repointedMint(testbed, elsewhere);
    expect(readMetadataPointer(testbed.accountData(repointed) ?? new Uint8Array())).toEqual({ metadataAddress: elsewhere });
    const nowhere = repointedMint(testbed, null);
    expect(readMetadataPointer(testbed.accountData(nowhere) ?? new Uint8Array())).toEqual({ metadataAddress: null });
    const bare = createToken2022Mint(testbed, ["groupPointer"]);
    expect(readMetadataPointer(testbed.accountData(bare) ?? new Uint8Array())).toBeUndefined();
    expect(readMetadataPointer(testbed.accountData(testbed.createMint()) ?? new Uint8Array())).toBeUndefined();
  });

  it("reads the mint's own metadata when the pointer names the mint (pump.fun's shape)", () => {
    const testbed = new Testbed();
    const mint = createToken2022Mint(testbed, ["metadata"], { metadata: { name: "Moo Deng", symbol: "MOODENG", uri: "" } });
    const data = testbed.accountData(mint) ?? new Uint8Array();
    expect(readPointedMetadata(mint, mint, { owner: TOKEN_2022_PROGRAM_ID, data })).toMatchObject({
      name: "Moo Deng",
      symbol: "MOODENG",
      source: "token-2022",
    });
  });

  it("reads TokenMetadata kept by another program, for this mint only", () => {
    const mint = Keypair.generate().publicKey;
    const address = Keypair.generate().publicKey;
    const owner = Keypair.generate().publicKey;
    expect(readPointedMetadata(mint, address, { owner, data: interfaceAccount(mint, "Real", "REAL") })).toEqual({
      name: "Real",
      symbol: "REAL",
      uri: "",
      source: "token-2022",
    });
    const othersMetadata = interfaceAccount(Keypair.generate().publicKey, "Bonk", "BONK");
    expect(readPointedMetadata(mint, address, { owner, data: othersMetadata })).toBeUndefined();
  });

  it("reads an account of the Metaplex program as Metaplex metadata, wherever it is, for this mint only", () => {
    const mint = Keypair.generate().publicKey;
    const data = metaplexAccount(mint, "Bonk", "BONK", "https://arweave.net/bonk.json");
    const owner = METAPLEX_METADATA_PROGRAM_ID;
    expect(readPointedMetadata(mint, Keypair.generate().publicKey, { owner, data })).toMatchObject({
      name: "Bonk",
      source: "metaplex",
    });
    const othersMetadata = metaplexAccount(Keypair.generate().publicKey, "Bonk", "BONK", "");
    expect(readPointedMetadata(mint, metaplexMetadataAddress(mint), { owner, data: othersMetadata })).toBeUndefined();
  });

  it("finds nothing, and throws nothing, in truncated or garbage data", () => {
    const mint = Keypair.generate().publicKey;
    const entry = interfaceMetadataEntry(mint, "Real", "REAL");
    const withLength = (length: number) => {
      const changed = new Uint8Array(entry);
      new DataView(changed.buffer).setUint32(8, length, true);
      return changed;
    };
    const garbage = Uint8Array.from({ length: 300 }, (_, index) => (index * 151 + 7) % 256);
    const datas = [
      entry.subarray(0, entry.length - 10),
      entry.subarray(0, 10),
      withLength(0xffff_fff0),
      withLength(40),
      garbage,
      new Uint8Array([...entry.subarray(0, 8), 200, 0, 0, 0, ...garbage.subarray(0, 200)]),
      new Uint8Array(),
    ];
    for (const data of datas) {
      expect(readPointedMetadata(mint, Keypair.generate().publicKey, { owner: SystemProgram.programId, data })).toBeUndefined();
    }
  });
});

describe("what a token says about itself is cleaned and checked", () => {
  it("drops NULs, control and direction-override characters, and caps the length", () => {
    expect(cleanText("US\u202eDC\0\0\0", 16)).toBe("USDC");
    expect(cleanText("  \u0007Moo\u200bDeng ", 64)).toBe("MooDeng");
    expect(cleanText("🐸".repeat(40), 16)).toBe("🐸".repeat(16));
  });

  it("keeps emoji sequences and Persian joiners whole, and cuts between graphemes, never inside one", () => {
    for (const text of ["👨‍👩‍👧", "🏳️‍🌈", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "می‌خواهم"]) expect(cleanText(text, 16)).toBe(text);
    expect(cleanText(`A${"🇺🇸".repeat(20)}`, 16)).toBe(`A${"🇺🇸".repeat(15)}`);
    expect(cleanText("\u2067CSDU\u2069\u200e", 16)).toBe("CSDU");
  });

  it("calls text that would show blank empty", () => {
    for (const blank of ["\u2800", "\u3164", "\u2028", " \u00a0\u115f ", "\u200b\u0301"]) expect(cleanText(blank, 16)).toBe("");
    expect(cleanText("a\u2028b", 16)).toBe("a b");
  });
});
