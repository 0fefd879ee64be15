import { Connection, Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import { z } from "zod";
import { openDatabase } from "../../db/open-database.ts";
import { ClaimBatcher } from "../claim-batcher.ts";

/**
 * A backend process that only batches: what the crash test starts and SIGKILLs. It talks to the
 * chain over JSON-RPC (SOLANA_RPC_URL) and to PostgreSQL (DATABASE_URL), like a real instance.
 */
const settings = z
  .object({
    DATABASE_URL: z.string().min(1),
    SOLANA_RPC_URL: z.url(),
    VERIFIER_SECRET_KEY: z.string().min(1),
    LEASE_MS: z.coerce.number().int().positive().default(1000),
  })
  .parse(process.env);

const database = await openDatabase({ databaseUrl: settings.DATABASE_URL });
const batcher = new ClaimBatcher({
  database,
  connection: new Connection(settings.SOLANA_RPC_URL, "confirmed"),
  signers: { verifier: Keypair.fromSecretKey(bs58.decode(settings.VERIFIER_SECRET_KEY)) },
  leaseMs: settings.LEASE_MS,
  idleMs: 20,
  batchesPerCycle: 4,
  hooks: { onError: (error) => console.error("cycle failed:", error) },
});
batcher.start();
console.log("batching");
process.on("SIGTERM", () => void batcher.stop().then(() => database.close().then(() => process.exit(0))));
