import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChainServer } from "../chain/chain-server.ts";
import type { Database } from "../db/database.ts";
import { openDatabase } from "../db/open-database.ts";
import { freePort } from "./testing/free-port.ts";
import { startTestBackend, type TestBackend } from "./testing/test-backend.ts";

const verifierEnvironment = () => ({ VERIFIER_KEYPAIR: JSON.stringify([...Keypair.generate().secretKey]) });

describe("GET /healthz", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({});
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it("says ok when the database, the embedded chain and the program are ready", async () => {
    const backend = await startTestBackend(database);
    try {
      const response = await backend.request("GET", "/healthz");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    } finally {
      await backend.close();
    }
  }, 60_000);

  it("is degraded with 503 when the chain has no distribution program", async () => {
    const chain = await startChainServer({ programs: [] });
    let backend: TestBackend | undefined;
    try {
      backend = await startTestBackend(database, { SOLANA_RPC_URL: chain.rpcUrl, ...verifierEnvironment() });
      const response = await backend.request("GET", "/healthz");
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; reasons: string[] };
      expect(body.status).toBe("degraded");
      expect(body.reasons).toEqual([expect.stringMatching(/^program: \w+ is not deployed on the chain$/)]);
    } finally {
      await backend?.close();
      await chain.close();
    }
  }, 60_000);

  it("is degraded with 503 when the chain does not answer", async () => {
    const backend = await startTestBackend(database, {
      SOLANA_RPC_URL: `http://127.0.0.1:${await freePort()}`,
      ...verifierEnvironment(),
    });
    try {
      const response = await backend.request("GET", "/healthz");
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; reasons: string[] };
      // The error itself (here naming the RPC's host and port) stays in the log: an RPC URL can carry an API key.
      expect(body).toEqual({ status: "degraded", reasons: ["chain: not answering (the backend's log has the error)"] });
    } finally {
      await backend.close();
    }
  }, 60_000);

  it("is degraded with 503 when the database does not answer", async () => {
    const ownDatabase = await openDatabase({});
    const backend = await startTestBackend(ownDatabase);
    try {
      await ownDatabase.close();
      const response = await backend.request("GET", "/healthz");
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: "degraded",
        reasons: ["database: not answering (the backend's log has the error)"],
      });
    } finally {
      await backend.close();
    }
  }, 60_000);
});
