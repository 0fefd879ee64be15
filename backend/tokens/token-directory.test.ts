import { type AccountInfo, type Commitment, type Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Token2022MintPlan, token2022MintPlan } from "../../programs/distribution/tests/harness/token-2022.ts";
import type { TokenIdentity } from "../../shared/api/tokens.ts";
import { METAPLEX_METADATA_PROGRAM_ID, metaplexMetadataAddress } from "../../shared/tokens/onchain-token.ts";
import {
  interfaceAccount,
  interfaceMetadataEntry,
  metaplexAccount,
  repointedMintPlan,
} from "../../shared/tokens/testing/metadata-accounts.ts";
import { tokenRisks } from "../../shared/tokens/token-label.ts";
import { EmbeddedChain } from "../chain/embedded-chain.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import { createHeldMint, fund, sendAndAwait } from "../claims/testing/chain-fixtures.ts";
import { type LoopbackServer, startLoopbackServer } from "./testing/loopback-server.ts";
import { TokenDirectory } from "./token-directory.ts";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

let chain: EmbeddedChain;
let server: LoopbackServer;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  chain = new EmbeddedChain();
  server = await startLoopbackServer((request, response) => {
    requests.push(request.url ?? "");
    if (request.url === "/moodeng.json")
      return response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ name: "Moo Deng", image: "/moodeng.png" }));
    if (request.url === "/moodeng.png") return response.writeHead(200, { "content-type": "image/png" }).end(PNG);
    if (request.url === "/bom.json") return response.writeHead(200).end(`\uFEFF${JSON.stringify({ image: "/moodeng.png" })}`);
    if (request.url === "/svg.json") return response.writeHead(200).end(JSON.stringify({ image: "/evil.svg" }));
    if (request.url === "/evil.svg") return response.writeHead(200, { "content-type": "image/png" }).end("<svg onload=alert(1)>");
    response.writeHead(404).end();
  });
  base = server.base;
});

afterAll(() => server.close());

/** Makes the mint `plan` describes on the chain, `authority` paying and as every authority. */
async function createMint(authority: Keypair, plan: Token2022MintPlan) {
  const connection = inProcessConnection(chain);
  await fund(connection, authority.publicKey);
  const rent = BigInt(await connection.getMinimumBalanceForRentExemption(plan.finalSize));
  await sendAndAwait(connection, [authority, plan.mint], ...plan.instructions(rent));
  return plan.mint.publicKey;
}

async function pumpFunMint(name: string, symbol: string, uri: string, freezeAuthority: PublicKey | null = null) {
  const authority = Keypair.generate();
  const plan = token2022MintPlan(authority.publicKey, ["metadata"], { metadata: { name, symbol, uri }, freezeAuthority });
  return { mint: (await createMint(authority, plan)).toBase58(), authority };
}

/** A mint whose metadata pointer was moved off the "Fake" metadata stored in it, to `metadataAddress(mint)`. */
async function repointedMint(metadataAddress: (mint: PublicKey) => PublicKey | null) {
  const authority = Keypair.generate();
  return createMint(authority, repointedMintPlan(authority.publicKey, metadataAddress));
}

/**
 * The chain's RPC with `written` as if their programs had written them (the embedded chain has no Metaplex
 * or metadata-interface program), and the keys of every account read, one array per round trip.
 */
function chainWith(written: Map<string, AccountInfo<Buffer>>) {
  const connection = inProcessConnection(chain);
  const reads: string[][] = [];
  const withWritten = (key: PublicKey, account: AccountInfo<Buffer> | null) => written.get(key.toBase58()) ?? account;
  const rpc = Object.assign(Object.create(connection), {
    getMultipleAccountsInfo: async (keys: PublicKey[], commitment: Commitment) => {
      reads.push(keys.map((key) => key.toBase58()));
      const accounts = await connection.getMultipleAccountsInfo(keys, commitment);
      return accounts.map((account, index) => withWritten(keys[index] as PublicKey, account));
    },
    getAccountInfo: async (key: PublicKey, commitment: Commitment) => {
      reads.push([key.toBase58()]);
      return withWritten(key, await connection.getAccountInfo(key, commitment));
    },
  }) as Connection;
  return { rpc, reads };
}

function account(owner: PublicKey, data: Uint8Array): AccountInfo<Buffer> {
  return { owner, data: Buffer.from(data), lamports: 1_000_000, executable: false };
}

function directory(now = () => Date.now(), connection: Connection = inProcessConnection(chain)) {
  return new TokenDirectory({
    connection,
    publicUrl: "https://memefans.test",
    offchain: { ipfsGateway: "https://ipfs.io/ipfs/", allowLoopback: true, timeoutMs: 2_000 },
    now,
  });
}

describe("a token's identity comes from the chain", () => {
  it("names a pump.fun coin from its Token-2022 metadata and serves its logo, fetched once", async () => {
    const freezer = Keypair.generate().publicKey;
    const { mint, authority } = await pumpFunMint("Moo Deng", "MOODENG", `${base}/moodeng.json`, freezer);
    const tokens = directory();
    expect(await tokens.identity(mint)).toEqual({
      mint,
      verified: true,
      tokenProgram: "token-2022",
      decimals: 6,
      name: "Moo Deng",
      symbol: "MOODENG",
      metadataSource: "token-2022",
      logoUrl: `https://memefans.test/tokens/${mint}/logo`,
      freezeAuthority: freezer.toBase58(),
      mintAuthority: authority.publicKey.toBase58(),
      impersonates: null,
      giveawayRefusal: null,
    });
    expect(await tokens.logo(mint)).toEqual({ bytes: PNG, contentType: "image/png" });
    const fetches = requests.length;
    await Promise.all([tokens.identity(mint), tokens.identity(mint), tokens.logo(mint)]);
    expect(requests.length).toBe(fetches);
  });

  it("says, before a creator signs, that the program refuses a giveaway of a mint whose amount its authority can rescale", async () => {
    const authority = Keypair.generate();
    const mint = await createMint(authority, token2022MintPlan(authority.publicKey, ["metadata", "interestBearing"]));
    const identity = await directory().identity(mint.toBase58());
    expect(identity?.giveawayRefusal).toBe("MintAmountRescalable");
    expect(tokenRisks(identity as TokenIdentity)[0]).toMatch(
      /^No giveaway can be made of this token\. The mint is interest-bearing/,
    );
  });

  it("calls a mint without metadata an unknown token, and a non-mint nothing at all", async () => {
    const connection = inProcessConnection(chain);
    const authority = Keypair.generate();
    await fund(connection, authority.publicKey);
    const mint = await createHeldMint(connection, { authority, owner: authority.publicKey, amount: 5n, decimals: 2 });
    const tokens = directory();
    expect(await tokens.identity(mint.toBase58())).toMatchObject({
      tokenProgram: "spl-token",
      decimals: 2,
      name: null,
      symbol: null,
      metadataSource: null,
      logoUrl: null,
    });
    expect(await tokens.identity(authority.publicKey.toBase58())).toBeUndefined();
    expect(await tokens.identity(Keypair.generate().publicKey.toBase58())).toBeUndefined();
  });

  it("serves no logo whose bytes are not a raster image, and flags a fake USDC", async () => {
    const { mint } = await pumpFunMint("USD Coin", "USDC", `${base}/svg.json`);
    const tokens = directory();
    expect(await tokens.identity(mint)).toMatchObject({ symbol: "USDC", impersonates: "USDC" });
    expect(await tokens.logo(mint)).toBeUndefined();
  });

  it("fetches a logo only when asked, forgets a missing one sooner than a found one", async () => {
    let now = 1_000_000;
    const { mint } = await pumpFunMint("Later Logo", "LATE", `${base}/later.json`);
    const tokens = directory(() => now);
    const fetchesOfLater = () => requests.filter((url) => url === "/later.json").length;
    const before = fetchesOfLater();
    expect(await tokens.identity(mint)).toMatchObject({ symbol: "LATE" });
    expect(fetchesOfLater()).toBe(before);
    expect(await tokens.logo(mint)).toBeUndefined();
    expect(fetchesOfLater()).toBe(before + 1);
    now += 30_000;
    await tokens.logo(mint);
    expect(fetchesOfLater()).toBe(before + 1);
    now += 31_000;
    await tokens.logo(mint);
    expect(fetchesOfLater()).toBe(before + 2);
  });

  it("reads a logo whose metadata JSON starts with a byte order mark", async () => {
    const { mint } = await pumpFunMint("Bom Coin", "BOM", `${base}/bom.json`);
    expect(await directory().logo(mint)).toEqual({ bytes: PNG, contentType: "image/png" });
  });

  it("reads several mints each on its own: one failed read leaves the others' names and warnings", async () => {
    const freezer = Keypair.generate().publicKey;
    const readable = await pumpFunMint("Moo Deng", "MOODENG", `${base}/moodeng.json`, freezer);
    const flaky = (await pumpFunMint("Flaky", "FLAKY", `${base}/flaky.json`)).mint;
    const connection = inProcessConnection(chain);
    const rateLimited = Object.assign(Object.create(connection), {
      getMultipleAccountsInfo: (keys: PublicKey[], commitment: "confirmed") =>
        keys[0]?.toBase58() === flaky
          ? Promise.reject(new Error("429 Too Many Requests"))
          : connection.getMultipleAccountsInfo(keys, commitment),
    }) as Connection;
    const failures: string[] = [];
    const tokens = new TokenDirectory({
      connection: rateLimited,
      publicUrl: "https://memefans.test",
      offchain: { ipfsGateway: "https://ipfs.io/ipfs/" },
      onError: (mint) => failures.push(mint),
    });
    const found = await tokens.identities([readable.mint, flaky]);
    expect([...found.keys()]).toEqual([readable.mint]);
    expect(found.get(readable.mint)).toMatchObject({ verified: true, symbol: "MOODENG", freezeAuthority: freezer.toBase58() });
    expect(failures).toEqual([flaky]);
  });
});

describe("a token's name is where its Token-2022 metadata pointer says, as wallets read it", () => {
  const metadataProgram = Keypair.generate().publicKey;
  const unnamed = { name: null, symbol: null, metadataSource: null, logoUrl: null, impersonates: null };

  it("reads pump.fun's metadata in the mint its pointer names, in one read", async () => {
    const { mint } = await pumpFunMint("Moo Deng", "MOODENG", "");
    const { rpc, reads } = chainWith(new Map());
    expect(await directory(Date.now, rpc).identity(mint)).toMatchObject({ name: "Moo Deng", metadataSource: "token-2022" });
    expect(reads).toHaveLength(1);
  });

  it("reads the TokenMetadata in the account the pointer names, not what is left in the mint, with one more read", async () => {
    const metadataAddress = Keypair.generate().publicKey;
    const mint = await repointedMint(() => metadataAddress);
    const { rpc, reads } = chainWith(
      new Map([
        [
          metadataAddress.toBase58(),
          account(metadataProgram, interfaceAccount(mint, "Real Coin", "REAL", `${base}/moodeng.json`)),
        ],
      ]),
    );
    const tokens = directory(Date.now, rpc);
    expect(await tokens.identity(mint.toBase58())).toMatchObject({
      name: "Real Coin",
      symbol: "REAL",
      metadataSource: "token-2022",
      logoUrl: `https://memefans.test/tokens/${mint.toBase58()}/logo`,
    });
    expect(reads).toEqual([[mint.toBase58(), metaplexMetadataAddress(mint).toBase58()], [metadataAddress.toBase58()]]);
    expect(await tokens.logo(mint.toBase58())).toEqual({ bytes: PNG, contentType: "image/png" });
  });

  it("borrows no name from another token's metadata the pointer names", async () => {
    const metadataAddress = Keypair.generate().publicKey;
    const mint = await repointedMint(() => metadataAddress);
    const bonk = Keypair.generate().publicKey;
    const { rpc } = chainWith(
      new Map([[metadataAddress.toBase58(), account(metadataProgram, interfaceAccount(bonk, "Bonk", "BONK"))]]),
    );
    expect(await directory(Date.now, rpc).identity(mint.toBase58())).toMatchObject(unnamed);
  });

  it("reads the Metaplex account when the pointer names it, in the one read with the mint", async () => {
    const mint = await repointedMint(metaplexMetadataAddress);
    const metaplex = account(METAPLEX_METADATA_PROGRAM_ID, metaplexAccount(mint, "Bonk", "BONK", ""));
    const { rpc, reads } = chainWith(new Map([[metaplexMetadataAddress(mint).toBase58(), metaplex]]));
    expect(await directory(Date.now, rpc).identity(mint.toBase58())).toMatchObject({
      name: "Bonk",
      symbol: "BONK",
      metadataSource: "metaplex",
    });
    expect(reads).toHaveLength(1);
  });

  it("names nothing when the pointer names no account: neither what is left in the mint nor a Metaplex account", async () => {
    const mint = await repointedMint(() => null);
    const metaplex = account(METAPLEX_METADATA_PROGRAM_ID, metaplexAccount(mint, "Bonk", "BONK", ""));
    const { rpc } = chainWith(new Map([[metaplexMetadataAddress(mint).toBase58(), metaplex]]));
    expect(await directory(Date.now, rpc).identity(mint.toBase58())).toMatchObject(unnamed);
  });

  it("names nothing, and fails no lookup, when the account the pointer names is missing, truncated or garbage", async () => {
    const metadataAddress = Keypair.generate().publicKey;
    const mint = await repointedMint(() => metadataAddress);
    const whole = interfaceAccount(mint, "Real Coin", "REAL");
    const nameTooLong = interfaceMetadataEntry(mint, "Real Coin", "REAL");
    // The name's length, after the entry's header, the update authority and the mint.
    new DataView(nameTooLong.buffer).setUint32(12 + 64, 0xffff, true);
    const garbage = Uint8Array.from({ length: 400 }, (_, index) => (index * 151 + 7) % 256);
    const pointedAccounts = [
      undefined,
      whole.subarray(0, whole.length - 60),
      whole.subarray(0, 90),
      nameTooLong,
      garbage,
      new Uint8Array(),
    ];
    for (const data of pointedAccounts) {
      const written = new Map(data ? [[metadataAddress.toBase58(), account(metadataProgram, data)]] : []);
      const { rpc } = chainWith(written);
      expect(await directory(Date.now, rpc).identity(mint.toBase58())).toMatchObject({ verified: true, ...unnamed });
    }
  });
});
