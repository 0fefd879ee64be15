import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { afterAll, expect, it } from "vitest";
import { decodeDistributionAccount } from "../../shared/program/index.ts";
import { createTestDistribution, fund } from "../claims/testing/chain-fixtures.ts";
import { defaultChainPrograms } from "./default-programs.ts";
import { EmbeddedChain } from "./embedded-chain.ts";
import { inProcessConnection } from "./in-process-fetch.ts";

const directory = mkdtempSync(join(tmpdir(), "memefans-chain-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it("restarts from its snapshot with accounts, program state, genesis and still-valid blockhashes", async () => {
  const snapshotPath = join(directory, "chain.bin");
  const before = new EmbeddedChain({ programs: defaultChainPrograms(), snapshotPath });
  const connection = inProcessConnection(before);
  const payer = Keypair.generate();
  await fund(connection, payer.publicKey, 10);
  const distribution = await createTestDistribution(connection, {
    verifier: payer.publicKey,
    maxClaims: 8,
    nowSeconds: before.unixTimestamp(),
  });
  const { blockhash } = await connection.getLatestBlockhash();
  expect(before.saveSnapshot()).toBe(true);
  expect(before.saveSnapshot()).toBe(false);

  const after = new EmbeddedChain({ programs: defaultChainPrograms(), snapshotPath });
  const restarted = inProcessConnection(after);
  expect(after.genesisHash).toBe(before.genesisHash);
  expect(after.slot()).toBeGreaterThanOrEqual(before.slot());
  expect(await restarted.getBalance(payer.publicKey)).toBe(await connection.getBalance(payer.publicKey));
  const account = await restarted.getAccountInfo(distribution.address);
  expect(decodeDistributionAccount(account?.data as Uint8Array).maxClaims).toBe(8);

  const recipient = Keypair.generate().publicKey;
  const transfer = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: LAMPORTS_PER_SOL }),
  );
  transfer.sign(payer);
  await restarted.sendRawTransaction(transfer.serialize());
  expect(await restarted.getBalance(recipient)).toBe(LAMPORTS_PER_SOL);
});
