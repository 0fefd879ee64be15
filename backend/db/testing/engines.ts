import { afterAll, beforeAll, describe, inject } from "vitest";
import type { Database } from "../database.ts";
import { openDatabase } from "../open-database.ts";
import { createDatabaseOn, type PostgresServer, startPostgresServer } from "./postgres-server.ts";

export type Engine = "pglite" | "postgres";
export const ENGINES: readonly Engine[] = ["pglite", "postgres"];

/**
 * Gives a test file an empty database URL per engine. Uses the run's shared server when a globalSetup
 * started one, and otherwise starts one server for this file and stops it afterwards.
 */
export class TestPostgres {
  #server: PostgresServer | undefined;
  #starting: Promise<string> | undefined;

  adminUrl(): Promise<string> {
    const shared = inject("memefansPostgresUrl");
    if (shared) return Promise.resolve(shared);
    this.#starting ??= startPostgresServer().then((server) => {
      this.#server = server;
      return server.adminUrl;
    });
    return this.#starting;
  }

  async createDatabaseUrl(): Promise<string> {
    return createDatabaseOn(await this.adminUrl());
  }

  stop(): void {
    this.#server?.stop();
  }
}

/** Opens a migrated, empty database on `engine`. */
export async function openTestDatabase(engine: Engine, postgres: TestPostgres): Promise<Database> {
  return engine === "pglite" ? openDatabase({}) : openDatabase({ databaseUrl: await postgres.createDatabaseUrl() });
}

/**
 * Runs `suite` once per engine, each with its own migrated database. `database()` returns the open one.
 * A PostgreSQL server that cannot start fails the suite; it is never skipped.
 */
export function describeEachEngine(name: string, suite: (database: () => Database, engine: Engine) => void): void {
  const postgres = new TestPostgres();
  afterAll(() => postgres.stop());
  for (const engine of ENGINES) {
    describe(`${name} [${engine}]`, () => {
      let database: Database | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(engine, postgres);
      }, 120_000);
      afterAll(async () => {
        await database?.close();
      });
      suite(() => {
        if (!database) throw new Error(`the ${engine} test database did not open`);
        return database;
      }, engine);
    });
  }
}

/** One migrated database on a PostgreSQL server for a test file (what several instances would share). */
export function postgresTestDatabase(): () => Database {
  const postgres = new TestPostgres();
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: await postgres.createDatabaseUrl() });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    postgres.stop();
  });
  return () => {
    if (!database) throw new Error("the PostgreSQL test database did not open");
    return database;
  };
}
