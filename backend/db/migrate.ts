import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.ts";

/** Numbered SQL files: 001–049 core (identity, distributions), 050–099 claims. */
export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL("./migrations/", import.meta.url));
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

/** Any fixed number works; every starter of this schema must use the same one. */
const MIGRATION_LOCK_KEY = 7_305_411_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(directory = MIGRATIONS_DIRECTORY): Migration[] {
  const migrations = readdirSync(directory)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => {
      const match = MIGRATION_FILE.exec(file);
      if (!match) throw new Error(`migration file ${file} must be named NNN_lowercase_name.sql`);
      const sql = readFileSync(`${directory}/${file}`, "utf8");
      return { version: Number(match[1]), name: file, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (index > 0 && migrations[index - 1]?.version === migration.version) {
      throw new Error(`two migrations share version ${migration.version}`);
    }
  });
  return migrations;
}

/**
 * Applies every pending migration in one transaction. The transaction first takes an advisory lock,
 * so several instances starting together on one PostgreSQL server wait for each other and the later
 * ones find nothing left to do. A migration already applied whose file has changed stops the start:
 * the schema would no longer be what the code expects.
 */
export async function migrate(database: Database, migrations = readMigrations()): Promise<number[]> {
  return database.transaction(async (transaction) => {
    await transaction.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await transaction.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await transaction.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations",
    );
    const appliedByVersion = new Map(applied.rows.map((row) => [row.version, row]));
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      const existing = appliedByVersion.get(migration.version);
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new Error(
            `migration ${migration.name} changed after it was applied (was ${existing.name}); add a new migration instead`,
          );
        }
        continue;
      }
      await transaction.exec(migration.sql);
      await transaction.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  });
}
