import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { token2022MintPlan } from "../../programs/distribution/tests/harness/token-2022.ts";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { tokenResponseSchema } from "../../shared/api/tokens.ts";
import { inProcessConnection } from "../chain/in-process-fetch.ts";
import { fund, sendAndAwait } from "../claims/testing/chain-fixtures.ts";
import { openDatabase } from "../db/open-database.ts";
import { startTestBackend, type TestBackend } from "../http/testing/test-backend.ts";
import { type LoopbackServer, startLoopbackServer } from "./testing/loopback-server.ts";

const GIF = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1");

let backend: TestBackend;
let metadataServer: LoopbackServer;
let mint: string;

beforeAll(async () => {
  metadataServer = await startLoopbackServer((request, response) => {
    if (request.url === "/wen.json") return response.writeHead(200).end(JSON.stringify({ image: "/wen.gif" }));
    if (request.url === "/wen.gif") return response.writeHead(200, { "content-type": "text/html" }).end(GIF);
    response.writeHead(404).end();
  });
  const base = metadataServer.base;
  backend = await startTestBackend(await openDatabase({}));
  if (!backend.chain) throw new Error("the test backend runs the embedded chain");
  const connection = inProcessConnection(backend.chain);
  const authority = Keypair.generate();
  await fund(connection, authority.publicKey);
  const plan = token2022MintPlan(authority.publicKey, ["metadata"], {
    metadata: { name: "Wen", symbol: "WEN", uri: `${base}/wen.json` },
  });
  await sendAndAwait(
    connection,
    [authority, plan.mint],
    ...plan.instructions(BigInt(await connection.getMinimumBalanceForRentExemption(plan.finalSize))),
  );
  mint = plan.mint.publicKey.toBase58();
}, 120_000);

afterAll(async () => {
  await backend?.close();
  await metadataServer.close();
});

it("answers a token's identity with its schema, and its logo from this origin as the image it is", async () => {
  const identity = await backend.request("GET", `/tokens/${mint}`);
  expect(identity.status).toBe(200);
  expect(tokenResponseSchema.parse(await identity.json()).token).toMatchObject({
    name: "Wen",
    symbol: "WEN",
    logoUrl: `https://memefans.test/tokens/${mint}/logo`,
  });

  const logo = await backend.request("GET", `/tokens/${mint}/logo`);
  expect(logo.status).toBe(200);
  // The host called it text/html; the bytes say GIF, and GIF is what is served.
  expect(logo.headers.get("content-type")).toBe("image/gif");
  expect(logo.headers.get("x-content-type-options")).toBe("nosniff");
  // Browsers keep it no longer than the backend does (10 minutes): a changed logo is not stuck for a day.
  expect(logo.headers.get("cache-control")).toBe("public, max-age=600");
  expect(logo.headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(Buffer.from(await logo.arrayBuffer())).toEqual(GIF);
});

it("refuses what is not an address, and answers 404 for what is not a mint", async () => {
  const bad = await backend.request("GET", "/tokens/not-an-address");
  expect(bad.status).toBe(400);
  expect(errorBodySchema.parse(await bad.json()).error.code).toBeTruthy();
  const stranger = Keypair.generate().publicKey.toBase58();
  for (const path of [`/tokens/${stranger}`, `/tokens/${stranger}/logo`]) {
    const missing = await backend.request("GET", path);
    expect(missing.status, path).toBe(404);
    expect(errorBodySchema.parse(await missing.json()).error.code).toBe("not_found");
  }
});
