import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import pg from "pg";
import type { Database } from "./database.ts";
import { engineTypes, poolDatabase } from "./postgres-database.ts";

/**
 * Embedded PostgreSQL (PGlite) in `dataDirectory`, or in memory when it is omitted (tests), driven
 * through PGlite's node-postgres connection so that both engines share one implementation, prepared
 * statements included. PGlite is one connection: a pool of one, which also runs each transaction
 * exclusively.
 */
export async function openPgliteDatabase(dataDirectory?: string): Promise<Database> {
  if (dataDirectory) mkdirSync(dataDirectory, { recursive: true });
  const pglite = await PGlite.create(dataDirectory);
  // The pool must keep its one client: a new client would reuse the ended connection.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0, types: engineTypes });
  return poolDatabase("pglite", pool, () => pglite.close());
}
