import { join } from "node:path";
import type { Database } from "./database.ts";
import { migrate } from "./migrate.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";

export interface DatabaseSettings {
  /** A PostgreSQL server; when absent the embedded PGlite engine is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; omitted means in memory (tests). */
  dataDirectory?: string;
}

/** Opens the configured engine and brings its schema up to date before anyone queries it. */
export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  const database = settings.databaseUrl
    ? openPostgresDatabase(settings.databaseUrl)
    : await openPgliteDatabase(settings.dataDirectory && join(settings.dataDirectory, "pglite"));
  try {
    await migrate(database);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
