import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { Testbed } from "../../programs/distribution/tests/harness/svm.ts";
import { createToken2022Mint } from "../../programs/distribution/tests/harness/token-2022.ts";
import {
  cleanText,
  metaplexMetadataAddress,
  readMetaplexMetadata,
  readMintFacts,
  readToken2022Metadata,
} from "./onchain-token.ts";

function borshString(text: string, paddedTo: number): Uint8Array {
  const bytes = new Uint8Array(paddedTo);
  bytes.set(new TextEncoder().encode(text));
  const out = new Uint8Array(4 + paddedTo);
  new DataView(out.buffer).setUint32(0, paddedTo, true);
  out.set(bytes, 4);
  return out;
}

/** A Metaplex MetadataV1 account as the program writes it: fixed-width, NUL-padded strings, then more fields. */
function metaplexAccount(mint: PublicKey, name: string, symbol: string, uri: string): Uint8Array {
  return new Uint8Array([
    4,
    ...Keypair.generate().publicKey.toBytes(),
    ...mint.toBytes(),
    ...borshString(name, 32),
    ...borshString(symbol, 10),
    ...borshString(uri, 200),
    // seller_fee_basis_points, creators: None, primary_sale_happened, is_mutable ...
    0xf4,
    0x01,
    0,
    0,
    1,
  ]);
}

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
    });
    expect(readMintFacts(SystemProgram.programId, data)).toBeUndefined();
    // A Token-2022 mint's bytes are not a classic mint.
    expect(readMintFacts(TOKEN_PROGRAM_ID, data)).toBeUndefined();
    const classic = testbed.createMint(testbed.payer.publicKey, 2);
    expect(readMintFacts(TOKEN_PROGRAM_ID, testbed.accountData(classic) ?? new Uint8Array())).toMatchObject({
      tokenProgram: "spl-token",
      decimals: 2,
      freezeAuthority: null,
    });
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
