import { type Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { token2022MintPlan } from "../../programs/distribution/tests/harness/token-2022.ts";
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

async function pumpFunMint(name: string, symbol: string, uri: string, freezeAuthority: PublicKey | null = null) {
  const connection = inProcessConnection(chain);
  const authority = Keypair.generate();
  await fund(connection, authority.publicKey);
  const plan = token2022MintPlan(authority.publicKey, ["metadata"], { metadata: { name, symbol, uri }, freezeAuthority });
  const rent = BigInt(await connection.getMinimumBalanceForRentExemption(plan.finalSize));
  await sendAndAwait(connection, [authority, plan.mint], ...plan.instructions(rent));
  return { mint: plan.mint.publicKey.toBase58(), authority };
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
    });
    expect(await tokens.logo(mint)).toEqual({ bytes: PNG, contentType: "image/png" });
    const fetches = requests.length;
    await Promise.all([tokens.identity(mint), tokens.identity(mint), tokens.logo(mint)]);
    expect(requests.length).toBe(fetches);
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
