import type { Database } from "../../db/database.ts";
import { startTestBackend, type TestBackend } from "../../http/testing/test-backend.ts";
import { claimsPlugin } from "../claims-plugin.ts";
import { claimsBatcherService } from "../claims-service.ts";
import { fund } from "./chain-fixtures.ts";

/**
 * The test backend that takes claims and pays them: the claim routes, the batcher polling every 20 ms,
 * and a fee payer with SOL to send batches.
 */
export async function startPayingTestBackend(database: Database, environment: Record<string, string> = {}): Promise<TestBackend> {
  const backend = await startTestBackend(database, environment, {
    plugins: [claimsPlugin],
    background: [claimsBatcherService({ idleMs: 20 })],
  });
  try {
    await fund(backend.context.connection, backend.feePayer.publicKey, 100);
    return backend;
  } catch (error) {
    await backend.close();
    throw error;
  }
}
