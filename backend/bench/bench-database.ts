import type { Database } from "../db/database.ts";
import { openDatabase } from "../db/open-database.ts";
import { createDatabaseOn, type PostgresServer, startPostgresServer } from "../db/testing/postgres-server.ts";

/**
 * The database a benchmark's server runs on: PGlite in `dataDirectory`, as `npm start` runs it, or with
 * BENCH_POSTGRES=1 a PostgreSQL server on loopback, started here and thrown away after (`postgres`).
 */
export async function openBenchDatabase(dataDirectory: string): Promise<{ database: Database; postgres?: PostgresServer }> {
  if (process.env.BENCH_POSTGRES !== "1") return { database: await openDatabase({ dataDirectory }) };
  const postgres = await startPostgresServer();
  return { database: await openDatabase({ databaseUrl: await createDatabaseOn(postgres.adminUrl) }), postgres };
}
